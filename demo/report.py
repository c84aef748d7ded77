#!/usr/bin/env python3
"""demo/report.py - the summaries demo/run.sh prints.

    report.py pages PAGES.jsonl LABELS.jsonl SERVER.log
    report.py findings FINDINGS.jsonl LABELS.jsonl

pages: what the crawl recorded (from `patroli pages export`), how many of
the site's listings it captured, and how many requests the web server saw
for URLs that robots.txt closes (must be 0).

findings: what the analysis found (from `patroli findings export`): counts
per violation code, commodity and platform, the ten highest-risk listings
with their reasons, and the agreement with the site's own labels.

URLs are compared by path only: the port changes from run to run.
Python 3 standard library.
"""

import collections
import json
import re
import sys
from urllib.parse import urlsplit

CODES = ["NO_NIE", "INVALID_NIE", "BKO", "BANNED_INGREDIENT",
         "PRESCRIPTION_DRUG", "ILLEGAL_CLAIM"]
# robots.txt of the demo site (gen.py) closes these
CLOSED_PREFIXES = ("/serbaada/akun/draf/", "/grosirku/keranjang/",
                   "/baris/privat/")


def jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def path_of(url):
    return urlsplit(url).path or "/"


def closed(u):
    return (u.startswith(CLOSED_PREFIXES) or
            u.split("?")[0] in ("/serbaada/akun", "/serbaada/akun/") or
            "?urut=" in u or "add-to-cart=" in u)


def pages(pages_file, labels_file, log_file):
    pages = jsonl(pages_file)
    labels = jsonl(labels_file)
    ok = sum(1 for p in pages if p.get("error") is None and
             200 <= (p.get("status") or 0) < 300)
    errs = [p for p in pages if p.get("error")]
    status = collections.Counter(p.get("status") for p in pages)
    print("pages recorded:      %d" % len(pages))
    print("  fetched (2xx):     %d" % ok)
    print("  by status:         %s" % ", ".join(
        "%s: %d" % kv for kv in sorted(status.items(),
                                       key=lambda kv: str(kv[0]))))
    print("  errors:            %d" % len(errs))
    for p in errs[:5]:
        print("    %s: %s" % (p["url"], p["error"]))
    canon = {path_of(p.get("canonical_url") or p["url"]) for p in pages}
    want = {d["canonical"] for d in labels
            if d["is_listing"] and not d["disallowed"]}
    print("listings (canonical) in the site: %d, captured: %d" % (
        len(want), len(want & canon)))
    for m in sorted(want - canon)[:5]:
        print("    not captured: %s" % m)
    bad = []
    with open(log_file, encoding="utf-8", errors="replace") as f:
        for line in f:
            m = re.search(r'"GET (\S+)', line)
            if m and closed(m.group(1)):
                bad.append(m.group(1))
    print("requests to robots-disallowed URLs: %d" % len(bad))
    for u in bad[:5]:
        print("    " + u)


def findings(findings_file, labels_file):
    rows = jsonl(findings_file)
    labels = jsonl(labels_file)
    listings = [r for r in rows if r.get("is_listing")]
    flagged = [r for r in listings if r.get("violations")]
    print("analysed pages: %d, listings: %d, flagged: %d" % (
        len(rows), len(listings), len(flagged)))

    def counts(title, key):
        c = collections.Counter()
        for r in flagged:
            v = r.get(key)
            for x in (v if isinstance(v, list) else [v]):
                c[x or "-"] += 1
        print("%-14s %s" % (title + ":", ", ".join(
            "%s %d" % kv for kv in c.most_common())))
    counts("by violation", "violations")
    counts("by commodity", "commodity")
    counts("by platform", "platform")
    print("highest risk:")
    top = sorted(flagged, key=lambda r: (-(r.get("risk") or 0), r["url"]))
    for r in top[:10]:
        why = "; ".join('%s (%s: "%s")' % (x.get("code"), x.get("rule"),
                                           x.get("snippet"))
                        for x in (r.get("reasons") or [])[:3])
        print("  %3s  %s  %s\n       %s" % (
            r.get("risk"), r.get("title"),
            path_of(r.get("canonical_url") or r["url"]), why))
    # Agreement with the labels: canonical pages, robots-closed excluded.
    found = {path_of(r.get("canonical_url") or r["url"]): r for r in rows}
    tp, fp, fn = (collections.Counter() for _ in range(3))
    for d in labels:
        if d["disallowed"] or d["path"] != d["canonical"]:
            continue
        r = found.get(d["path"])
        pred = set(r.get("violations") or []) if r and r.get(
            "is_listing") else set()
        gold = set(d["violations"]) if d["is_listing"] else set()
        for c in ["*"] + CODES:
            p, g = ((bool(pred), bool(gold)) if c == "*" else
                    (c in pred, c in gold))
            tp[c] += p and g
            fp[c] += p and not g
            fn[c] += g and not p

    def f1(c):
        return 2 * tp[c] / (2 * tp[c] + fp[c] + fn[c]) if tp[c] else 0.0
    print("against the site's labels: flagged listings F1 %.3f "
          "(%d right, %d wrongly flagged, %d missed)" % (
              f1("*"), tp["*"], fp["*"], fn["*"]))
    print("  per code: " + ", ".join("%s %.2f" % (c, f1(c)) for c in CODES))


def main():
    if len(sys.argv) == 5 and sys.argv[1] == "pages":
        pages(*sys.argv[2:])
    elif len(sys.argv) == 4 and sys.argv[1] == "findings":
        findings(*sys.argv[2:])
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
