"""bench/scrapy_bench.py - the Scrapy side of bench/crawl.sh.

    python3 -m scrapy runspider bench/scrapy_bench.py -a url=URL -a out=FILE

A minimal CrawlSpider that follows every link on the start URL's host,
obeys robots.txt, and writes the number of distinct pages it received (HTTP 200) to
FILE when it closes.  It keeps no copy of the pages: Scrapy's number is a
crawl without evidence, which flatters it against patroli and wget2.
"""

from urllib.parse import urlsplit

from scrapy.linkextractors import LinkExtractor
from scrapy.spiders import CrawlSpider, Rule


class BenchSpider(CrawlSpider):
    name = "bench"
    custom_settings = {
        "CONCURRENT_REQUESTS": 16,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
        "CONCURRENT_REQUESTS_PER_IP": 0,
        "DOWNLOAD_DELAY": 0,
        "RANDOMIZE_DOWNLOAD_DELAY": False,
        "AUTOTHROTTLE_ENABLED": False,
        "ROBOTSTXT_OBEY": True,
        "LOG_LEVEL": "WARNING",
        "TELNETCONSOLE_ENABLED": False,
        "COOKIES_ENABLED": False,
        "DEPTH_LIMIT": 0,
        "REQUEST_FINGERPRINTER_IMPLEMENTATION": "2.7",
        "USER_AGENT": "scrapy-bench",
    }
    rules = (Rule(LinkExtractor(), callback="page", follow=True),)

    def __init__(self, url=None, out=None, *args, **kwargs):
        self.start_urls = [url]
        self.allowed_domains = [urlsplit(url).hostname]
        self.out = out
        self.seen = set()
        super().__init__(*args, **kwargs)

    def parse_start_url(self, response, **kwargs):
        return self.page(response)

    def page(self, response):
        # the start request bypasses the duplicate filter: count URLs once
        if response.status == 200:
            self.seen.add(response.url)
        return None

    def closed(self, reason):
        if self.out:
            with open(self.out, "w") as f:
                f.write("{}\n".format(len(self.seen)))
