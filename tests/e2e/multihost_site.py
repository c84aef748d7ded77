#!/usr/bin/env python3
"""tests/e2e/multihost_site.py - one site spread over several loopback hosts,
for the multi-worker tests (tests/e2e/workers.sh).

    multihost_site.py --hosts 127.0.0.2,127.0.0.3,... --pages N --log FILE
                      [--delay-ms D] [--port P] [--max-seconds S]

Binds every address on one port (a free one unless --port), prints
"PORT p" on stdout once all of them listen, and serves until SIGTERM or
--max-seconds (default 900).  Each host serves page 0 at / and pages
1..N-1 at /p/<i>.html:
  - page i links to pages 2i+1 and 2i+2 of its own host, so every page is
    a few hops from / (a binary tree);
  - and to two pages of two other hosts, as absolute URLs, by a fixed
    formula: crawlers holding different hosts keep discovering each
    other's URLs, in different orders;
  - page 1 links to /private/secret.html, which robots.txt disallows.
Bodies name their host and page, so no two are byte-identical (the
crawler would merge those into one page).  Pages (not robots.txt) wait
--delay-ms before answering, so transfers overlap and are seen to.

Why not the C fixture (tests/fixture): it has no pages linking across
hosts, and its log counts open connections, not requests being served; a
crawler's idle keep-alive connections would count there.  Here the log
has one tab-separated line per request, written when the request starts:
    REQ  time  host:port  path  in-flight
where in-flight is the number of requests of that host being served at
that moment, this one included, counted until its response is written:
the per-host concurrency the crawlers really caused, across processes.
"""

import argparse
import http.server
import signal
import socket
import socketserver
import sys
import threading
import time

LOCK = threading.Lock()
INFLIGHT = {}
LOG = None


def page_links(hosts, port, h, i, n):
    """Links of page i on host index h: (href, text) pairs."""
    out = []
    for k in (2 * i + 1, 2 * i + 2):
        if k < n:
            out.append(("/p/{}.html".format(k), "halaman {}".format(k)))
    nh = len(hosts)
    if nh > 1:
        # two other hosts, never this one
        for step, (a, b) in ((1 + i % (nh - 1), (7, 3)),
                             (1 + (i + 2) % (nh - 1), (13, 5))):
            t = (h + step) % nh
            k = (i * a + b) % n
            path = "/" if k == 0 else "/p/{}.html".format(k)
            out.append(("http://{}:{}{}".format(hosts[t], port, path),
                        "mitra {} {}".format(t, k)))
    if i == 1:
        out.append(("/private/secret.html", "admin"))
    return out


def page_body(hosts, port, h, i, n):
    links = "\n".join('<li><a href="{}">{}</a></li>'.format(u, t)
                      for u, t in page_links(hosts, port, h, i, n))
    return ("<!DOCTYPE html>\n<html lang=\"id\"><head><meta charset=\"utf-8\">"
            "<title>Toko {h} halaman {i}</title></head>\n<body>\n"
            "<h1>Toko {h}, halaman {i}</h1>\n<p>Jamu dan suplemen dari "
            "toko {host}, halaman {i}.</p>\n<ul>\n{links}\n</ul>\n"
            "</body></html>\n").format(h=h, i=i, host=hosts[h],
                                      links=links).encode()


def log_line(*cols):
    LOG.write("\t".join(str(c) for c in cols) + "\n")


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "multihost-site"

    def log_message(self, fmt, *args):  # quiet: the log is ours
        pass

    def do_GET(self):
        srv = self.server
        key = "{}:{}".format(srv.addr, srv.port)
        with LOCK:
            INFLIGHT[key] = INFLIGHT.get(key, 0) + 1
            log_line("REQ", "%.3f" % time.time(), key, self.path,
                     INFLIGHT[key])
        try:
            self.answer(srv)
        finally:
            with LOCK:
                INFLIGHT[key] -= 1

    def answer(self, srv):
        path = self.path.split("?")[0]
        status, ctype, body = 404, "text/html; charset=utf-8", b"<p>404</p>"
        i = -1
        if path == "/robots.txt":
            status, ctype = 200, "text/plain"
            body = b"User-agent: *\nDisallow: /private/\n"
        elif path == "/":
            i = 0
        elif path.startswith("/p/") and path.endswith(".html"):
            num = path[3:-5]
            if num.isdigit() and str(int(num)) == num and \
                    0 < int(num) < srv.pages:
                i = int(num)
        if i >= 0:
            status = 200
            body = page_body(srv.hosts, srv.port, srv.index, i, srv.pages)
        if path != "/robots.txt" and srv.delay > 0:
            time.sleep(srv.delay)
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128


def bind_all(hosts, port):
    """Servers for every host on one port, or None if the port is taken."""
    servers = []
    try:
        for h in hosts:
            s = Server((h, port), Handler)
            port = s.server_address[1]
            servers.append(s)
        return servers
    except OSError:
        for s in servers:
            s.server_close()
        return None


def main():
    global LOG
    ap = argparse.ArgumentParser()
    ap.add_argument("--hosts", required=True)
    ap.add_argument("--pages", type=int, default=40)
    ap.add_argument("--log", required=True)
    ap.add_argument("--delay-ms", type=int, default=0)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--max-seconds", type=int, default=900)
    a = ap.parse_args()
    hosts = a.hosts.split(",")
    LOG = open(a.log, "a", buffering=1)
    servers = None
    for _ in range(50):
        servers = bind_all(hosts, a.port)
        if servers or a.port:
            break
    if not servers:
        sys.exit("multihost_site: cannot bind {} on one port".format(hosts))
    port = servers[0].server_address[1]
    for idx, s in enumerate(servers):
        s.addr, s.port, s.index = hosts[idx], port, idx
        s.hosts, s.pages, s.delay = hosts, a.pages, a.delay_ms / 1000.0
        threading.Thread(target=s.serve_forever, daemon=True).start()
    print("PORT {}".format(port), flush=True)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())
    done.wait(a.max_seconds)
    for s in servers:
        s.shutdown()
        s.server_close()
    LOG.close()


if __name__ == "__main__":
    main()
