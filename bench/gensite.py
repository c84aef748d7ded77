#!/usr/bin/env python3
"""bench/gensite.py - a deterministic static site for crawl benchmarks.

    gensite.py OUT [--pages N] [--seed S]                 the crawl site
    gensite.py OUT --pages N --unique-links K             the frontier site

Crawl site: N HTML pages (page 0 is /index.html, the others
/p/<i div 1000>/<i>.html), each 5-20 KB of text with 10-30 links to other
pages of the site.  Page i always links to page i+1, so every page is
reachable from the index; the rest of the links are random, so the site
is shallow and wide like a real one.

Frontier site: the index links to all N pages, and each page carries K links
to distinct URLs that do not exist (/u/<page>/<k>.html): after N pages the
crawler has discovered N * K URLs it must keep in its frontier.

robots.txt is trivial (one Disallow of a path nothing links to), so robots
handling is exercised without removing pages.  Python 3 standard library;
the output depends on the arguments alone.
"""

import argparse
import os
import random
import shutil

WORDS = ("pengawasan obat makanan jamu herbal suplemen kosmetik pangan "
         "olahan izin edar nomor registrasi produk toko penjual pembeli "
         "harga diskon promo kirim cepat aman asli original terlaris "
         "kualitas terbaik kemasan botol kapsul tablet sachet krim serum "
         "kulit wajah badan sehat segar alami tradisional modern resmi "
         "distributor gudang stok ready pesan sekarang gratis ongkir kota "
         "jakarta bandung surabaya medan makassar semarang yogyakarta "
         "denpasar palembang balikpapan").split()


def page_path(i):
    return "/index.html" if i == 0 else "/p/{}/{}.html".format(i // 1000, i)


def paragraphs(rng, n):
    out = []
    for _ in range(n):
        words = [rng.choice(WORDS) for _ in range(rng.randint(40, 90))]
        out.append("<p>" + " ".join(words).capitalize() + ".</p>")
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--pages", type=int, default=20000)
    ap.add_argument("--unique-links", type=int, default=0)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    pool = paragraphs(rng, 400)  # ~500 bytes each; pages pick from it

    if os.path.isdir(a.out):
        shutil.rmtree(a.out)
    os.makedirs(a.out)
    with open(os.path.join(a.out, "robots.txt"), "w") as f:
        f.write("User-agent: *\nDisallow: /private/\n")

    n = a.pages
    for i in range(n):
        links = []
        if a.unique_links:
            if i == 0:
                links = list(range(1, n))
            ulinks = ["/u/{}/{}.html".format(i, k)
                      for k in range(a.unique_links)]
        else:
            links = [(i + 1) % n] + [rng.randrange(n) for _ in range(
                rng.randint(9, 29))]
            if i == 0:  # a wide entry: the first hundred pages
                links += list(range(1, min(n, 100)))
            ulinks = []
        size = rng.randint(5 * 1024, 20 * 1024)
        body = []
        total = 0
        while total < size - 1500:
            p = pool[rng.randrange(len(pool))]
            body.append(p)
            total += len(p) + 1
        hrefs = ['<li><a href="{}">halaman {}</a></li>'.format(
            page_path(j), j) for j in links]
        hrefs += ['<li><a href="{}">tautan {}</a></li>'.format(u, k)
                  for k, u in enumerate(ulinks)]
        html = ("<!DOCTYPE html>\n<html lang=\"id\"><head><meta "
                "charset=\"utf-8\"><title>Halaman {i}</title></head>\n"
                "<body><h1>Halaman {i}</h1>\n{body}\n<ul>\n{links}\n</ul>"
                "\n</body></html>\n").format(i=i, body="\n".join(body),
                                             links="\n".join(hrefs))
        path = os.path.join(a.out, page_path(i).lstrip("/"))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(html)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
