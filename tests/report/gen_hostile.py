#!/usr/bin/env python3
"""Write hostile.json: one actor with every kind of bad content the
renderer must survive (wrong types, missing keys, huge strings, bidi and
control characters, impossible dates, dangling edges and merges), for
tests/unit/test_report.c.  Rerun after changing it and commit both."""
import json

LONG_URL = "https://evil.example/" + "a" * 20000

ACTOR = {
    "id": "\u202eLIVE\u202c-" + "X" * 5000 + "\u0007\u001b[31m",
    "generated_at": "kemarin sore",
    "identifiers": {
        "phone": "+6281234567890",
        "email": [1, None, "a@b.example", {"x": 1}, [],
                  "  spaced\t\tout\n\nemail@example.com  "],
        "bank": ["BCA:" + "9" * 5000],
        "handle": ["ig:\u202egnp.exe", "tt:\u200bzero\u200bwidth",
                   "x:" + "\U0001F48A" * 300],
        "ular_tangga": ["zzz", "yyy"],
        "domain": [],
    },
    "platforms": "bukan array",
    "violations": {"NO_NIE": -5, "BKO": "banyak", "HUGE": 1e300,
                   "MAX": 9223372036854775807, "MAX2": 9223372036854775807,
                   "NEG_REAL": -1e300, "\u202eEDOC": 3, "": 1},
    "listings": [
        "https://bare-string.example/listing",
        None,
        17,
        [],
        {},
        {"url": 123, "title": ["not", "a", "string"], "platform": {"x": 1},
         "commodity": True},
        {"url": LONG_URL, "title": "Judul " * 20000, "platform": "P" * 3000,
         "commodity": "obat",
         "violations": ["BKO"] * 100 + [None, 5, {"a": 1}],
         "first_seen": "2026-13-45T99:99:99Z", "last_seen": "2026-02-30",
         "sha256": "f" * 300, "warc_file": "../../etc/passwd\n" * 50},
        {"url": "https://dup.example/x", "title": "Tanggal terbalik",
         "first_seen": "2026-10-01T00:00:00+07:00",
         "last_seen": "2026-01-01T00:00:00Z", "violations": "NO_NIE"},
        {"url": "https://dup.example/x", "title": "URL yang sama lagi",
         "first_seen": "1850-01-01", "last_seen": "9999-12-31T23:59:60Z"},
        {"url": "https://rtl.example/\u202egpj.exe",
         "title": "\u0645\u0631\u062d\u0628\u0627 \u05e9\u05dc\u05d5\u05dd "
                  "\u4f60\u597d \u0928\u092e\u0938\u094d\u0924\u0947",
         "platform": "tokopedia", "commodity": "kosmetik",
         "violations": ["BANNED_INGREDIENT"],
         "first_seen": "2026-06-01T10:00:00.123456789Z",
         "last_seen": "2026-06-01T10:00:00Z",
         "sha256": "<script>alert(1)</script>",
         "warc_file": "%PDF-1.4 /JavaScript"},
    ],
    "edges": [
        {"listing": "https://nowhere.example/", "kind": "phone",
         "value": "+62800"},
        {"listing": "https://dup.example/x", "kind": "phone"},
        {"listing": "https://dup.example/x", "kind": "phone", "value": 62812},
        {"listing": "https://dup.example/x", "kind": "ular_tangga",
         "value": "zzz"},
        {"listing": "https://dup.example/x", "kind": None,
         "value": "tanpa-jenis"},
        {"listing": "https://dup.example/x", "kind": "email",
         "value": "a@b.example"},
        {"listing": "https://dup.example/x", "kind": "email",
         "value": "a@b.example"},
        {"listing": LONG_URL, "kind": "bank", "value": "BCA:" + "9" * 5000},
        {"listing": "https://rtl.example/\u202egpj.exe", "kind": "handle",
         "value": "ig:\u202egnp.exe"},
        {"listing": "https://bare-string.example/listing", "kind": "email",
         "value": "a@b.example"},
        None, 5, "edge",
    ],
    "merges": [
        {"identifier": None, "listings": "not an array"},
        {"listings": ["https://dup.example/x", "https://unknown.example/a",
                      42, None]},
        {"identifier": "email:a@b.example",
         "listings": ["https://dup.example/x",
                      "https://bare-string.example/listing"] +
                     ["https://unknown.example/%d" % i for i in range(30)]},
        7,
    ],
}

with open("hostile.json", "w") as f:
    json.dump(ACTOR, f, ensure_ascii=True)
    f.write("\n")
