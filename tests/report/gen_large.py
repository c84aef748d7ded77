#!/usr/bin/env python3
"""Write large.json: one synthetic actor with 300 listings and 100
identifiers, for tests/unit/test_report.c.  Deterministic (fixed seed):
rerun after changing it and commit both files."""
import json
import random
import time

rng = random.Random(20261129)
PLATFORMS = ["tokopedia", "shopee", "bukalapak", "lazada", "blibli",
             "tiktok shop", "facebook marketplace", "instagram",
             "toko daring mandiri"]
PRODUCTS = [("obat_tradisional", "Jamu Kuat Pria Perkasa", ["BKO", "NO_NIE"]),
            ("obat_tradisional", "Jamu Pegal Linu Asam Urat", ["BKO"]),
            ("suplemen", "Suplemen Pelangsing Cepat 7 Hari", ["BKO", "ILLEGAL_CLAIM"]),
            ("kosmetik", "Krim Pemutih Wajah Glowing", ["BANNED_INGREDIENT", "NO_NIE"]),
            ("obat", "Obat Tidur Dosis Tinggi Tanpa Resep", ["PRESCRIPTION_DRUG"]),
            ("pangan", "Kopi Stamina Herbal Pria", ["NO_NIE", "ILLEGAL_CLAIM"]),
            ("obat_tradisional", "Kapsul Penggemuk Badan Herbal", ["INVALID_NIE"])]
BANKS = ["BCA", "BRI", "BNI", "MANDIRI", "DANA", "OVO"]


def ident(i):
    kind = ["phone", "phone", "email", "bank", "handle", "domain"][i % 6]
    if kind == "phone":
        return kind, "+62812%08d" % (i * 7919 % 100000000)
    if kind == "email":
        return kind, "admin.toko%03d@example.com" % i
    if kind == "bank":
        return kind, "%s:%010d" % (BANKS[i // 6 % len(BANKS)], i * 104729)
    if kind == "handle":
        return kind, "%s:tokosehat_%03d" % (["ig", "tt", "tg", "x", "fb"][i % 5], i)
    return kind, "toko-sehat-%03d.example" % i


def main():
    idents = [ident(i) for i in range(100)]
    weights = [1.0 / (1 + i) ** 0.8 for i in range(100)]
    listings, edges, linked = [], [], {}
    counts = {}
    for n in range(300):
        com, name, viol = PRODUCTS[n % len(PRODUCTS)]
        plat = rng.choice(PLATFORMS)
        url = "https://%s.example/p/%s-%d" % (plat.replace(" ", "-"),
                                              name.lower().replace(" ", "-"), n)
        day = rng.randrange(0, 520)
        first = 1748736000 + day * 86400 + rng.randrange(86400)
        last = first + rng.randrange(0, 120) * 86400
        fmt = "%Y-%m-%dT%H:%M:%SZ"
        listings.append({
            "url": url, "title": "%s Original %d" % (name, n),
            "platform": plat, "commodity": com, "violations": viol,
            "first_seen": time.strftime(fmt, time.gmtime(first)),
            "last_seen": time.strftime(fmt, time.gmtime(last)),
            "sha256": "%064x" % rng.getrandbits(256),
            "warc_file": "patroli-%d-%05d.warc.gz" % (first, n % 40)})
        for v in viol:
            counts[v] = counts.get(v, 0) + 1
        for k in set(rng.choices(range(100), weights, k=rng.randint(1, 3))):
            edges.append({"listing": url, "kind": idents[k][0],
                          "value": idents[k][1]})
            linked.setdefault(k, []).append(url)
    by_kind = {}
    for k, v in idents:
        by_kind.setdefault(k, []).append(v)
    merges = [{"identifier": "%s:%s" % idents[k], "listings": urls}
              for k, urls in sorted(linked.items()) if len(urls) > 1]
    actor = {"id": 4242, "generated_at": "2026-11-29T07:44:54+07:00",
             "identifiers": by_kind, "platforms": PLATFORMS,
             "violations": counts, "listings": listings, "edges": edges,
             "merges": merges}
    with open("large.json", "w") as f:
        json.dump(actor, f, indent=1, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main()
