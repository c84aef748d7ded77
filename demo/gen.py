#!/usr/bin/env python3
"""demo/gen.py - write patroli's demo site: a small, invented Indonesian
online market, and its ground truth.

    python3 demo/gen.py [--out demo/site] [--seed 2026]

Everything here is made up for the demo (brands, shops, people, phone
numbers, registration numbers); only the drug and ingredient names are real,
because the regulator's knowledge is about them.  The output is a function
of the seed alone (no clock, no hash ordering), so two runs give the same
bytes.  Python 3 standard library only.

What the site holds (all on one host, each platform under its own prefix):

  /serbaada/  marketplace; product pages carry schema.org Product JSON-LD
              (some as an @graph, one deliberately broken) and visible HTML;
              categories with pagination, shop pages, mobile copies, help,
              an account area closed by robots.txt
  /grosirku/  marketplace with schema.org microdata; product pages are
              directories (linked with and without the trailing slash)
  /kilat/     app-shell marketplace: product data only in
              window.__INITIAL_STATE__ (sometimes JSON inside a JSON string)
  /celoteh/   social network: posts with OpenGraph meta, hashtags, comments
  /toko/      independent web shops (WooCommerce-like), wa.me links, AMP copies
  /baris/     classifieds board in windows-1252, print copies, a members-only
              board closed by robots.txt
  /warta/     health news and public warnings: they name substances and
              products but are never listings; a CSV download
  /           portal home, about, contact, privacy

Listings mix legal products with illegal ones across the violation codes
NO_NIE, INVALID_NIE, BKO, BANNED_INGREDIENT, PRESCRIPTION_DRUG and
ILLEGAL_CLAIM, with the sellers' evasions (spaced, dotted and digit-for-letter
spellings, zero-width characters, numbers only in image alt text).

Written beside the pages (not linked from them):
  labels.jsonl     one JSON object per page: the ground truth (demo/README.md)
  registry.csv     the product registry the labels assume
                   (nie,product_name,brand,commodity,holder,status,valid_until)
  robots.txt.in,   templates with @BASE@ for the Sitemap line and <loc>s,
  sitemap.xml.in   which need an absolute URL; demo/run.sh renders them once
                   it knows the port
"""

import argparse
import csv
import html
import io
import json
import os
import random
import re
import shutil
import sys

# The market's "today": fixed so the output does not depend on the clock.
TODAY = "2026-11-20"

# --------------------------------------------------------------------------
# Registration numbers (NIE)
# --------------------------------------------------------------------------

# Normalisation as domain.md describes it: upper-case, letters and digits
# only, then the first thing that looks like a number of some commodity.
_NIE_RE = re.compile(
    r"PIRT\d+|[DG][KTBNP][LIEX]\d+[A-Z]\d|(?:MD|ML)\d+|"
    r"(?:TR|TI|TL|HT|FF|SD|SI|SL|QD|QL|QI)\d+|N[A-E]\d+")


def nie_norm(text):
    if text is None:
        return None
    t = re.sub(r"[^A-Z0-9]", "", text.upper())
    m = _NIE_RE.search(t)
    return m.group(0) if m else None


def digits(rng, n):
    return "".join(rng.choice("0123456789") for _ in range(n))


def make_nie(rng, fmt):
    """A well-formed number of format `fmt` (normalised form)."""
    if fmt in ("TR", "TI", "TL", "SD", "SI", "SL", "QD"):
        return fmt + digits(rng, 9)
    if fmt.startswith("N") and len(fmt) == 2:  # cosmetics: NA..NE
        year = rng.choice(["19", "20", "21", "22", "23", "24"])
        return fmt + rng.choice(["18", "17", "11"]) + year + digits(rng, 7)
    if fmt == "MD12":
        return "MD" + digits(rng, 12)
    if fmt == "MD15":
        return "MD" + digits(rng, 15)
    if fmt == "ML12":
        return "ML" + digits(rng, 12)
    if fmt == "PIRT":
        return "PIRT" + digits(rng, 13) + rng.choice(["27", "28", "29"])
    if len(fmt) == 3 and fmt[0] in "DG":  # drugs: DBL, GKL, DPL, ...
        return (fmt + rng.choice(["15", "18", "19", "21", "23"]) +
                digits(rng, 3) + digits(rng, 3) + rng.choice(
                    ["01", "04", "10", "28", "37"]) + rng.choice("AB") + "1")
    raise ValueError(fmt)


def malform(rng, n):
    """Break a number the way sellers do: a digit too few or too many."""
    if n.startswith("PIRT"):
        return n[:-2]  # printed without the expiry digits
    if rng.random() < 0.5:
        return n[:-1]
    return n + rng.choice("0123456789")


def spaced_groups(s, size):
    return " ".join(s[i:i + size] for i in range(0, len(s), size))


def display_nie(rng, n, platform):
    """Write a normalised number as a seller would."""
    if n.startswith("PIRT"):
        d = n[4:]
        body = d[:-2] + "-" + d[-2:] if len(d) == 15 else d
        return rng.choice(["P-IRT No. " + body, "PIRT " + body,
                           "No. PIRT: " + body, "P-IRT " + d])
    if n[:2] in ("MD", "ML"):
        d = n[2:]
        return rng.choice([
            "BPOM RI " + n[:2] + " " + d,
            "BPOM RI " + n[:2] + " " + spaced_groups(d, 4),
            n[:2] + ". " + d,
            "Izin Edar: " + n[:2] + " " + d,
        ])
    if n[0] == "N" and n[1] in "ABCDE":
        return rng.choice([
            "BPOM " + n,
            "No. BPOM: " + n,
            "Notifikasi " + n[:2] + " " + spaced_groups(n[2:], 2),
            "BPOM " + n[:2] + "-" + n[2:],
        ])
    if n[:2] in ("TR", "TI", "TL", "SD", "SI", "SL", "QD", "QL", "QI",
                 "HT", "FF"):
        d = n[2:]
        return rng.choice([
            "POM " + n[:2] + " " + d,
            "POM " + n[:2] + d,
            "BPOM RI " + n[:2] + "." + d[:3] + "." + d[3:6] + "." + d[6:],
            "No. Reg POM " + n[:2] + " " + spaced_groups(d, 3),
            "Reg. BPOM: " + n,
        ])
    # drugs
    return rng.choice(["Reg. " + n, "No. Reg: " + n, "NIE " + n,
                       "BPOM " + n, n[:3] + " " + n[3:]])


# --------------------------------------------------------------------------
# Text helpers
# --------------------------------------------------------------------------

ZWSP = "\u200b"
LEET = {"a": "4", "i": "1", "o": "0", "e": "3", "s": "5"}


def obfuscate(rng, word, mode):
    """Spell a substance the way sellers hide it from keyword filters."""
    if mode == "plain":
        return word
    if mode == "spaced":
        return " ".join(word)
    if mode == "dotted":
        return ".".join(word)
    if mode == "leet":
        out, done = [], 0
        for ch in word:
            if ch.lower() in LEET and done < 2 and rng.random() < 0.7:
                out.append(LEET[ch.lower()])
                done += 1
            else:
                out.append(ch)
        if not done:  # make sure something changed
            for i, ch in enumerate(out):
                if ch.lower() in LEET:
                    out[i] = LEET[ch.lower()]
                    break
        return "".join(out)
    if mode == "zw":
        mid = max(1, len(word) // 2)
        return word[:mid] + ZWSP + word[mid:]
    if mode == "upper":
        return word.upper()
    if mode == "repeat":
        i = next((k for k, c in enumerate(word) if c in "aiueo"), 1)
        return word[:i] + word[i] * 3 + word[i + 1:]
    raise ValueError(mode)


def rupiah(n, style):
    s = "{:,}".format(n).replace(",", ".")
    if style == "rp":
        return "Rp" + s
    if style == "rp_":
        return "Rp " + s
    if style == "rp_dec":
        return "Rp " + s + ",00"
    if style == "rpdot":
        return "Rp. " + s + ",-"
    if style == "rb":
        return "{}rb".format(n // 1000) if n % 1000 == 0 else "Rp" + s
    if style == "k":
        return "{}K".format(n // 1000) if n % 1000 == 0 else "Rp" + s
    raise ValueError(style)


def slugify(s):
    s = s.lower().replace("&", " dan ").replace("%", " persen ")
    s = re.sub(r"[^a-z0-9]+", "-", s)
    return s.strip("-")


def esc(s):
    return html.escape(s, quote=True)


def json_script(obj):
    """JSON safe inside <script>: no '</' can close the element."""
    return json.dumps(obj, ensure_ascii=False).replace("</", "<\\/")


def phone_display(rng, local):
    """local: '812xxxxxxxx' (no leading 0)."""
    d = "0" + local
    return rng.choice([
        d,
        d[:4] + "-" + d[4:8] + "-" + d[8:],
        d[:4] + " " + d[4:8] + " " + d[8:],
        "+62 " + local[:3] + "-" + local[3:7] + "-" + local[7:],
        "62" + local,
    ])


def other_phone(rng):
    """Someone else's mobile number (a buyer's, a courier's)."""
    return "08" + rng.choice(["12", "13", "21", "52", "57", "78", "96"]) + \
        digits(rng, 8)


def phone_norm(local):
    return "+62" + local


# --------------------------------------------------------------------------
# The catalogue: products as their makers (or fakers) describe them
# --------------------------------------------------------------------------
#
# desc lines may hold {S:word} (a substance, spelled per instance with one
# of the evasions), {A:one|two} (one alternative per instance) and {NIE}
# (the number as displayed).  nie = (kind, format):
#   valid      registered, active            unknown   well-formed, unregistered
#   malformed  wrong length for its kind     revoked / expired   in registry so
#   other_product  a registered number of another product (`of`)
#   other_commodity  a registered number of another commodity (`of`)
#   none       no number at all               alt  valid, shown only in alt text
#   alt_unknown  unregistered, only in alt text
# group picks the sellers: legal, grey (ordinary shops), other, bko, slim,
# kos, rx, abort.

CATALOG = [
    # ---- legal ----------------------------------------------------------
    dict(key="jamu_kencur", commodity="obat_tradisional", group="legal",
         brand="Sari Rimba", name="Jamu Beras Kencur Instan Sari Rimba",
         size="isi 10 sachet @ 25 g", price=(18000, 32000), nie=("valid", "TR"),
         violations=[], tags=["permitted_claim"], n=5,
         hashtags=["jamu", "jamugendong", "sehatalami"],
         desc=["Jamu beras kencur siap seduh, resep keluarga sejak 1978.",
               "Membantu memelihara daya tahan tubuh dan menghangatkan badan.",
               "Komposisi: beras, kencur, jahe, gula aren.",
               "Cara minum: seduh 1 sachet dengan 150 ml air hangat, "
               "1-2 kali sehari."]),
    dict(key="jamu_pegal", commodity="obat_tradisional", group="legal",
         brand="Jati Husada", name="Kapsul Pegal Linu Jati Husada",
         size="botol 30 kapsul", price=(35000, 55000), nie=("valid", "TR"),
         violations=[], tags=["permitted_claim"], n=5,
         hashtags=["pegallinu", "jamu"],
         desc=["Ramuan temulawak, jahe merah dan daun sembung dalam kapsul.",
               "Membantu meredakan pegal linu setelah bekerja berat.",
               "Aturan pakai: 2 x 2 kapsul sehari sesudah makan.",
               "Simpan di tempat kering, terhindar dari sinar matahari."]),
    dict(key="jamu_kunyit_alt", commodity="obat_tradisional", group="legal",
         brand="Sinar Waras", name="Jamu Kunyit Asam Sinar Waras Botol",
         size="botol 250 ml", price=(9000, 14000), nie=("alt", "TR"),
         violations=[], tags=["nie_in_alt", "permitted_claim"], n=3,
         hashtags=["kunyitasam", "jamu"],
         desc=["Kunyit asam segar dalam botol, diminum dingin lebih nikmat.",
               "Membantu memelihara kesehatan wanita.",
               "Simpan di lemari es setelah dibuka, habiskan dalam 3 hari."]),
    dict(key="supp_vitc", commodity="suplemen", group="legal",
         brand="Nusa Prima", name="Nusa Prima Vitamin C 500 mg Effervescent",
         size="tube 10 tablet", price=(22000, 38000), nie=("valid", "SD"),
         violations=[], tags=[], n=5, hashtags=["vitaminc", "dayatahan"],
         desc=["Tablet effervescent rasa jeruk, larutkan dalam segelas air.",
               "Membantu mencukupi kebutuhan vitamin C harian.",
               "Tidak dianjurkan untuk anak di bawah 12 tahun.",
               "Suplemen bukan pengganti makanan bergizi seimbang."]),
    dict(key="supp_fishoil", commodity="suplemen", group="legal",
         brand="Samudra Biru", name="Samudra Biru Minyak Ikan Omega-3",
         size="botol 60 softgel", price=(89000, 145000), nie=("valid", "SI"),
         violations=[], tags=[], n=4, hashtags=["omega3"],
         desc=["Minyak ikan laut dalam dengan EPA dan DHA.",
               "Membantu memelihara kesehatan tubuh.",
               "Diminum 1 softgel sehari setelah makan.",
               "Produk impor, diageni resmi oleh PT Samudra Biru Niaga."]),
    dict(key="supp_ginseng", commodity="suplemen", group="legal",
         brand="Bugar Nusantara", name="Kapsul Ginseng Bugar Nusantara",
         size="botol 30 kapsul", price=(65000, 98000), nie=("valid", "SD"),
         violations=[], tags=["permitted_claim", "compliant_negation"], n=4,
         hashtags=["staminapria", "ginseng"],
         desc=["Ekstrak ginseng, pasak bumi dan madu dalam kapsul.",
               "Membantu memelihara stamina.",
               "Bebas BKO: tidak mengandung sildenafil maupun tadalafil, "
               "silakan cek nomor izin edarnya.",
               "Minum 1 kapsul sehari sesudah makan."]),
    dict(key="kos_bedak", commodity="kosmetik", group="legal",
         brand="Kembang Desa", name="Bedak Dingin Kembang Desa Beras Melati",
         size="pot 40 g", price=(12000, 20000), nie=("valid", "NA"),
         violations=[], tags=["compliant_negation"], n=5,
         hashtags=["bedakdingin", "skincarelokal"],
         desc=["Bedak dingin tradisional dari tepung beras dan bunga melati.",
               "Menyegarkan dan membuat kulit wajah terasa lembut.",
               "Tidak mengandung merkuri dan bebas hidrokinon.",
               "Oleskan tipis sebelum tidur, bilas di pagi hari."]),
    dict(key="kos_serum", commodity="kosmetik", group="legal",
         brand="Dewi Ayu", name="Dewi Ayu Serum Niacinamide 5%",
         size="botol 20 ml", price=(45000, 79000), nie=("valid", "NA"),
         violations=[], tags=["shop_words_not_claim"], n=5,
         hashtags=["serumwajah", "skincarelokal"],
         desc=["Serum ringan dengan niacinamide 5% dan ekstrak teh hijau.",
               "Membantu kulit tampak lebih cerah dan lembap.",
               "Dibungkus bubble wrap berlapis, packing aman, 100% "
               "original dari distributor resmi.",
               "Pengiriman cepat setiap hari kerja."]),
    dict(key="kos_sampo", commodity="kosmetik", group="legal",
         brand="Lidah Buaya Asri", name="Sampo Lidah Buaya Asri",
         size="botol 170 ml", price=(16000, 26000), nie=("valid", "NA"),
         violations=[], tags=[], n=3, hashtags=["rambutsehat"],
         desc=["Sampo dengan ekstrak lidah buaya untuk rambut kering.",
               "Membersihkan kulit kepala dan membuat rambut mudah diatur.",
               "Hindari kontak dengan mata."]),
    dict(key="food_keripik", commodity="pangan", group="legal",
         brand="Dapur Bu Narti", name="Keripik Tempe Renyah Bu Narti",
         size="bungkus 200 g", price=(15000, 22000), nie=("valid", "PIRT"),
         violations=[], tags=[], n=4, hashtags=["camilan", "umkm"],
         desc=["Keripik tempe tipis digoreng dengan minyak baru.",
               "Tanpa pengawet dan tanpa penyedap buatan.",
               "Tahan 3 bulan dalam kemasan tertutup.",
               "Produksi rumahan di Malang."]),
    dict(key="food_kopi", commodity="pangan", group="legal",
         brand="Lereng Lawu", name="Kopi Bubuk Robusta Lereng Lawu",
         size="kemasan 250 g", price=(32000, 48000), nie=("valid", "MD12"),
         violations=[], tags=[], n=4, hashtags=["kopilokal"],
         desc=["Biji robusta pilihan disangrai sedang lalu digiling halus.",
               "Aroma cokelat dan sedikit rempah.",
               "Seduh 2 sendok teh dengan air 90 derajat.",
               "Mengandung kafein."]),
    dict(key="food_madu", commodity="pangan", group="legal",
         brand="Hutan Lestari", name="Madu Hutan Lestari Asli",
         size="botol 500 g", price=(75000, 120000), nie=("valid", "MD15"),
         violations=[], tags=[], n=4, hashtags=["maduasli"],
         desc=["Madu hutan dipanen dari lebah liar di Sumbawa.",
               "Sumber energi untuk sarapan keluarga.",
               "Tanpa tambahan gula.",
               "Dapat mengkristal pada suhu dingin, itu wajar."]),
    dict(key="food_cokelat", commodity="pangan", group="legal",
         brand="Kakao Jembrana", name="Cokelat Batang Kakao Jembrana 70%",
         size="batang 80 g", price=(28000, 39000), nie=("valid", "ML12"),
         violations=[], tags=[], n=2, hashtags=["cokelat"],
         desc=["Cokelat hitam 70% dari biji kakao fermentasi.",
               "Diproduksi di Belgia dengan kakao asal Bali.",
               "Simpan di suhu ruang yang sejuk."]),
    dict(key="obat_para", commodity="obat", group="legal",
         brand="Nusa Farma", name="Parasetamol 500 mg Nusa Farma",
         size="strip 10 tablet", price=(4000, 7000), nie=("valid", "GBL"),
         violations=[], tags=[], n=4, hashtags=["obatdemam"],
         desc=["Obat bebas untuk meredakan demam dan sakit kepala.",
               "Dewasa: 1 tablet 3-4 kali sehari, jangan melebihi dosis.",
               "Baca aturan pakai. Jika sakit berlanjut, hubungi dokter."]),
    dict(key="obat_flu", commodity="obat", group="legal",
         brand="Batuk Lega", name="Batuk Lega Sirup Flu dan Batuk",
         size="botol 60 ml", price=(14000, 21000), nie=("valid", "DTL"),
         violations=[], tags=["otc_combination_with_dmp"], n=4,
         hashtags=["obatbatuk"],
         desc=["Sirup kombinasi parasetamol, pseudoefedrin HCl, "
               "dekstrometorfan HBr dan klorfeniramin maleat.",
               "Meredakan gejala flu yang disertai batuk tidak berdahak.",
               "Obat bebas terbatas. Perhatian: dapat menyebabkan kantuk.",
               "Baca aturan pakai sebelum diminum."]),
    dict(key="kuasi_koyo", commodity="obat_kuasi", group="legal",
         brand="Surya Hangat", name="Koyo Hangat Surya",
         size="isi 10 lembar", price=(8000, 13000), nie=("valid", "QD"),
         violations=[], tags=[], n=3, hashtags=["koyo"],
         desc=["Plester hangat dengan metil salisilat dan mentol.",
               "Tempel pada bagian yang pegal, ganti setiap 8 jam.",
               "Jangan ditempel pada luka terbuka."]),
    dict(key="other_kotak", commodity="other", group="other",
         brand="Rumah Rapi", name="Lemari P3K Gantung Rumah Rapi",
         size="30 x 22 cm", price=(65000, 95000), nie=("none", None),
         violations=[], tags=["other_mentions_obat"], n=3, hashtags=[],
         desc=["Lemari kecil gantung dari plastik ABS, pintu bening, ada kunci.",
               "Cocok untuk menyimpan obat, plester dan perban di rumah "
               "atau kantor.",
               "Isi tidak termasuk, hanya kotak kosong."]),
    dict(key="other_buku", commodity="other", group="other",
         brand="Pustaka Dapur", name="Buku Resep Jamu Warisan Nenek",
         size="160 halaman", price=(48000, 65000), nie=("none", None),
         violations=[], tags=["other_mentions_obat"], n=3, hashtags=[],
         desc=["Kumpulan resep jamu gendong: kunyit asam, beras kencur, "
               "sinom dan lainnya.",
               "Dilengkapi cara memilih rempah segar di pasar.",
               "Ini buku, bukan obat."]),
    dict(key="other_tensi", commodity="other", group="other",
         brand="Medikita", name="Tensimeter Digital Lengan Medikita",
         size="1 unit + manset", price=(185000, 260000), nie=("none", None),
         violations=[], tags=["akl_not_nie"], n=3, hashtags=[],
         desc=["Alat ukur tekanan darah digital dengan layar besar.",
               "Izin edar alat kesehatan Kemenkes RI AKL 20501{A:318|427|506}"
               "2{A:31|64|88}.",
               "Garansi resmi 1 tahun."]),
    dict(key="other_pillbox", commodity="other", group="other",
         brand="Rumah Rapi", name="Pill Box 7 Hari Kotak Obat Mingguan",
         size="14 sekat", price=(15000, 25000), nie=("none", None),
         violations=[], tags=["other_mentions_obat"], n=2, hashtags=[],
         desc=["Tempat obat mingguan pagi dan malam, tutup rapat.",
               "Pas untuk orang tua yang minum obat rutin."]),

    # ---- registration problems only --------------------------------------
    dict(key="supp_expired", commodity="suplemen", group="grey",
         brand="Vita Kilau", name="Vita Kilau Minuman Kolagen",
         size="isi 10 sachet", price=(85000, 120000),
         nie=("expired", "SD"), violations=["INVALID_NIE"],
         tags=["nie_expired"], n=3, hashtags=["kolagen"],
         desc=["Minuman kolagen rasa stroberi.",
               "Membantu memenuhi kebutuhan protein.",
               "Campur 1 sachet ke 180 ml air dingin, aduk rata."]),
    dict(key="jamu_revoked", commodity="obat_tradisional", group="grey",
         brand="Raja Urat", name="Jamu Raja Urat Kapsul",
         size="botol 40 kapsul", price=(30000, 45000),
         nie=("revoked", "TR"), violations=["INVALID_NIE"],
         tags=["nie_revoked"], n=3, hashtags=["jamu"],
         desc=["Kapsul rempah untuk menjaga kebugaran.",
               "Membantu meredakan pegal linu.",
               "Minum 2 kapsul sehari."]),
    dict(key="supp_wrongcomm", commodity="suplemen", group="grey",
         brand="Daya Prima", name="Daya Prima Multivitamin Tablet",
         size="botol 30 tablet", price=(40000, 60000),
         nie=("other_commodity", "NA"), of="kos_sampo",
         violations=["INVALID_NIE"], tags=["nie_other_commodity"], n=3,
         hashtags=["multivitamin"],
         desc=["Multivitamin dan mineral untuk dewasa.",
               "Membantu memenuhi kebutuhan vitamin harian.",
               "1 tablet sehari sesudah sarapan."]),
    dict(key="jamu_pirt", commodity="obat_tradisional", group="grey",
         brand="Mbok Sumi", name="Jamu Sehat Wanita Mbok Sumi",
         size="botol 300 ml", price=(12000, 18000),
         nie=("valid_pirt_wrong", "PIRT"), violations=["INVALID_NIE"],
         tags=["pirt_on_wrong_commodity"], n=3, hashtags=["jamu"],
         desc=["Jamu untuk wanita, membantu memelihara kesehatan.",
               "Diracik dari kunyit, asam jawa dan daun sirih.",
               "Produksi rumahan, tanpa bahan pengawet."]),
    dict(key="food_nastar", commodity="pangan", group="grey",
         brand="Kue Ceria", name="Nastar Nanas Kue Ceria",
         size="toples 500 g", price=(65000, 90000),
         nie=("malformed", "PIRT"), violations=["INVALID_NIE"],
         tags=["pirt_malformed"], n=3, hashtags=["kuekering"],
         desc=["Nastar lembut dengan selai nanas homemade.",
               "Dibuat dengan mentega asli.",
               "Tahan 1 bulan dalam toples tertutup."]),
    dict(key="food_sambal", commodity="pangan", group="grey",
         brand="Sambal Mak Ijah", name="Sambal Bawang Mak Ijah",
         size="botol 150 g", price=(20000, 30000),
         nie=("unknown", "MD12"), violations=["INVALID_NIE"],
         tags=["nie_unknown"], n=3, hashtags=["sambal"],
         desc=["Sambal bawang pedas gurih, cabai rawit pilihan.",
               "Cocok untuk lauk apa saja.",
               "Simpan di tempat sejuk."]),

    # ---- drug chemicals (BKO) and illegal claims ------------------------
    dict(key="jamu_kuat", commodity="obat_tradisional", group="bko",
         brand="Gagah Perkasa", name="Jamu Kuat Gagah Perkasa Kapsul",
         size="isi 6 kapsul", price=(45000, 90000),
         nie=("unknown", "TR"),
         violations=["INVALID_NIE", "BKO", "ILLEGAL_CLAIM"],
         tags=["claim_instant_effect"], n=6,
         hashtags=["obatkuat", "staminapria", "jamukuat"],
         desc=["Ramuan khusus pria dewasa untuk stamina di ranjang.",
               "Diperkuat {S:sildenafil} dosis pas, reaksi 20 menit, "
               "tahan lama.",
               "Minum 1 kapsul setengah jam sebelum beraksi.",
               "Paket dikirim rahasia, nama barang disamarkan."]),
    dict(key="jamu_tulang", commodity="obat_tradisional", group="bko",
         brand="Tulang Kawat", name="Jamu Pegal Linu Tulang Kawat Serbuk",
         size="isi 12 bungkus", price=(25000, 40000), nie=("none", None),
         violations=["NO_NIE", "BKO", "ILLEGAL_CLAIM"],
         tags=["claim_instant_effect"], n=5,
         hashtags=["pegallinu", "asamurat", "jamuampuh"],
         desc=["Pegal linu, encok dan nyeri sendi langsung hilang, "
               "{A:ces pleng|cespleng}!",
               "Racikan rempah plus {A:dexa|{S:deksametason}} dan "
               "{S:fenilbutazon} biar cepat kerja.",
               "Seduh 1 bungkus sehari, jangan lebih.",
               "Sudah dibuktikan ribuan pelanggan."]),
    dict(key="jamu_asamurat", commodity="obat_tradisional", group="bko",
         brand="Sendi Prima", name="Jamu Asam Urat Sendi Prima Tuntas",
         size="botol 60 kapsul", price=(55000, 85000),
         nie=("malformed", "TR"), violations=["INVALID_NIE", "ILLEGAL_CLAIM"],
         tags=["claim_in_name"], n=4, hashtags=["asamurat", "rematik"],
         desc=["Asam urat, rematik dan linu di sendi hilang tuntas "
               "cuma 7 hari.",
               "Kadar asam urat kembali normal tanpa obat dokter.",
               "Bahan: daun salam, sidaguri, kumis kucing."]),
    dict(key="jamu_dokter", commodity="obat_tradisional", group="grey",
         brand="Sehat Sendi", name="Kapsul Herbal Sehat Sendi",
         size="botol 30 kapsul", price=(60000, 95000),
         nie=("valid", "TR"), violations=["ILLEGAL_CLAIM"],
         tags=["claim_endorsement"], n=3, hashtags=["nyerisendi"],
         desc=["Direkomendasikan dokter spesialis untuk nyeri sendi.",
               "Dijamin sembuh, uang kembali bila tidak berhasil.",
               "Minum 2 kapsul sehari."]),
    dict(key="jamu_tetes", commodity="obat_tradisional", group="bko",
         brand="Kuda Hitam", name="Tetes Herbal Pria Kuda Hitam",
         size="botol 10 ml", price=(70000, 150000),
         nie=("alt_unknown", "TR"),
         violations=["INVALID_NIE", "BKO", "ILLEGAL_CLAIM"],
         tags=["nie_in_alt", "claim_instant_effect"], n=4,
         hashtags=["obatkuat", "priaperkasa"],
         desc=["Cukup 3 tetes ke dalam minuman, tanpa rasa.",
               "Ada kandungan {S:vardenafil}, hasil langsung terasa.",
               "Pengiriman rahasia seluruh Indonesia."]),
    dict(key="jamu_gemuk", commodity="obat_tradisional", group="bko",
         brand="Gemuk Sehat", name="Jamu Penambah Nafsu Makan Gemuk Sehat",
         size="isi 20 bungkus", price=(30000, 50000), nie=("none", None),
         violations=["NO_NIE", "BKO"], tags=[], n=3,
         hashtags=["penggemukbadan"],
         desc=["Membantu memperbaiki nafsu makan anak dan dewasa.",
               "Racikan temulawak ditambah {S:siproheptadin}.",
               "Seduh 1 bungkus sehari."]),
    dict(key="supp_langsing", commodity="suplemen", group="slim",
         brand="Ramping Kilat", name="Kapsul Pelangsing Ramping Kilat",
         size="isi 30 kapsul", price=(90000, 175000), nie=("none", None),
         violations=["NO_NIE", "BKO", "ILLEGAL_CLAIM"],
         tags=["sudah_bpom_no_number"], n=5,
         hashtags=["pelangsing", "dietcepat", "langsing"],
         desc=["Turun 5-10 kg dalam 2 minggu, dijamin berhasil atau "
               "uang kembali.",
               "Formula {S:sibutramin} menekan nafsu makan seharian.",
               "Sudah BPOM, aman dikonsumsi.",
               "Minum 1 kapsul pagi hari sebelum sarapan."]),
    dict(key="supp_gula", commodity="suplemen", group="bko",
         brand="Gula Stabil", name="Suplemen Gula Darah Gula Stabil",
         size="botol 60 kapsul", price=(80000, 130000),
         nie=("valid", "SD"), violations=["BKO", "ILLEGAL_CLAIM"],
         tags=["claim_in_name"], n=3, hashtags=["diabetes", "guladarah"],
         desc=["Gula darah turun dalam 3 hari, tidak perlu suntik lagi.",
               "Diperkuat {S:metformin} dan {S:glibenklamid}.",
               "Minum 2 kapsul sehari sebelum makan."]),
    dict(key="food_kopikuat", commodity="pangan", group="bko",
         brand="Kopi Jantan", name="Kopi Jantan Perkasa 5 in 1",
         size="isi 10 sachet", price=(60000, 110000),
         nie=("unknown", "MD12"),
         violations=["INVALID_NIE", "BKO", "ILLEGAL_CLAIM"],
         tags=["claim_in_name", "claim_instant_effect"], n=5,
         hashtags=["kopikuat", "kopipria", "staminapria"],
         desc=["Kopi ginseng khusus pria dewasa, langsung terasa dalam "
               "15 menit.",
               "Dicampur {S:tadalafil} supaya hasilnya maksimal.",
               "Satu sachet untuk satu malam."]),
    dict(key="food_teh_gula", commodity="pangan", group="grey",
         brand="Daun Hijau", name="Teh Herbal Penurun Gula Darah Daun Hijau",
         size="isi 25 kantong", price=(25000, 38000),
         nie=("valid", "MD12"), violations=["ILLEGAL_CLAIM"],
         tags=["claim_in_name"], n=3, hashtags=["tehherbal", "diabetes"],
         desc=["Teh celup daun insulin dan kayu manis.",
               "Menurunkan gula darah dan mengobati diabetes secara alami.",
               "Seduh 1 kantong dengan air panas selama 3-5 menit."]),
    dict(key="food_permen", commodity="pangan", group="bko",
         brand="Jahe Jantan", name="Permen Jahe Kuat Pria Jahe Jantan",
         size="toples 20 butir", price=(35000, 60000),
         nie=("valid", "PIRT"), violations=["ILLEGAL_CLAIM"],
         tags=["claim_in_name"], n=3, hashtags=["permenkuat"],
         desc=["Permen jahe merah, pedas dan hangat.",
               "Menambah vitalitas dan keperkasaan pria.",
               "Kulum 1 butir, jangan dikunyah."]),
    dict(key="food_susu", commodity="pangan", group="grey",
         brand="Etawa Sejati", name="Susu Kambing Etawa Sejati Bubuk",
         size="kaleng 200 g", price=(70000, 95000),
         nie=("valid", "MD12"), violations=["ILLEGAL_CLAIM"], tags=[], n=3,
         hashtags=["susuetawa"],
         desc=["Susu kambing etawa bubuk dengan gula aren.",
               "Ampuh menyembuhkan asam urat, sesak napas dan diabetes.",
               "Seduh 3 sendok makan dengan 200 ml air hangat."]),

    # ---- cosmetics ------------------------------------------------------
    dict(key="kos_racikan", commodity="kosmetik", group="kos",
         brand="Glowing Ratu", name="Krim Racikan Glowing Ratu Siang Malam",
         size="paket 2 pot", price=(75000, 150000), nie=("none", None),
         violations=["NO_NIE", "BANNED_INGREDIENT", "ILLEGAL_CLAIM"],
         tags=["claim_instant_effect"], n=6,
         hashtags=["krimglowing", "putihcepat", "skincare"],
         desc=["Krim racikan, putih bersih dalam 3 hari, hasil permanen.",
               "Formula kuat dengan {S:merkuri} dosis rendah.",
               "Pot polos tanpa label, dikirim aman.",
               "Pakai tipis di malam hari saja."]),
    dict(key="kos_flek", commodity="kosmetik", group="kos",
         brand="Klinik Mutiara", name="Cream Dokter Flek Hitam Klinik Mutiara",
         size="pot 15 g", price=(85000, 140000),
         nie=("other_product", "NA"), of="kos_serum",
         violations=["INVALID_NIE", "BANNED_INGREDIENT"],
         tags=["nie_of_other_product"], n=4,
         hashtags=["flekhitam", "creamdokter"],
         desc=["Cream malam untuk flek hitam dan bekas jerawat.",
               "Kandungan aktif {S:hidrokinon} 4% dan {S:tretinoin} 0,05%.",
               "Hindari sinar matahari selama pemakaian."]),
    dict(key="kos_lipstik", commodity="kosmetik", group="kos",
         brand="Merona", name="Lipstik Matte Merona Tahan Lama",
         size="3,5 g", price=(15000, 29000), nie=("unknown", "NA"),
         violations=["INVALID_NIE", "BANNED_INGREDIENT"],
         tags=[], n=4,
         hashtags=["lipstikmurah"],
         desc=["Warna merah menyala, tidak luntur kena minum.",
               "Ingredients: castor oil, beeswax, lanolin, "
               "{A:CI 45170|pewarna {S:rhodamin} B}.",
               "Isi 3,5 gram."]),
    dict(key="kos_hq", commodity="kosmetik", group="kos",
         brand="Cahaya Malam", name="Krim Malam Cahaya Pemutih",
         size="pot 20 g", price=(45000, 70000), nie=("unknown", "NA"),
         violations=["INVALID_NIE", "BANNED_INGREDIENT"],
         tags=["negation_then_admission"], n=3, hashtags=["krimmalam"],
         desc=["Tidak mengandung merkuri, hanya {S:hidrokinon} 2% yang aman "
               "untuk kulit.",
               "Pakai setiap malam sesudah cuci muka."]),
    dict(key="kos_jerawat", commodity="kosmetik", group="grey",
         brand="Bening Alami", name="Sabun Wajah Bening Alami Anti Jerawat",
         size="batang 90 g", price=(18000, 30000), nie=("valid", "NA"),
         violations=["ILLEGAL_CLAIM"], tags=[], n=3, hashtags=["jerawat"],
         desc=["Sabun wajah sulfur dan minyak pohon teh.",
               "Mengobati jerawat meradang dan menyembuhkan bopeng sampai "
               "tuntas.",
               "Gunakan 2 kali sehari."]),
    dict(key="kos_lotion", commodity="kosmetik", group="kos",
         brand="Salju Putih", name="Body Lotion Salju Putih Whitening",
         size="botol 250 ml", price=(35000, 65000), nie=("none", None),
         violations=["NO_NIE", "ILLEGAL_CLAIM"],
         tags=["sudah_bpom_no_number"], n=4, hashtags=["bodylotion"],
         desc=["Lotion pemutih badan, kulit cerah permanen.",
               "100% aman tanpa efek samping, sudah BPOM.",
               "Wangi sakura yang lembut."]),

    # ---- prescription and misused drugs ---------------------------------
    dict(key="rx_cytotec", commodity="obat", group="abort",
         brand="Cytotec", name="{S:Cytotec} 200 mcg Asli",
         size="strip 4 tablet", price=(350000, 900000), nie=("none", None),
         violations=["PRESCRIPTION_DRUG", "NO_NIE"],
         tags=[], n=5,
         hashtags=["telatbulan", "solusitelatbulan"],
         desc=["Solusi telat bulan 1-3 bulan, tuntas dan terjamin.",
               "{S:misoprostol} 200 mcg original, bukan palsu.",
               "Konsultasi dulu sebelum order, privasi terjaga.",
               "Dikirim dalam kemasan tertutup."]),
    dict(key="rx_gastrul", commodity="obat", group="abort",
         brand="Gastrul", name="Gastrul 200 mcg",
         size="strip 10 tablet", price=(300000, 650000),
         nie=("other_product", "GKL"), of="reg_misoprostol",
         violations=["PRESCRIPTION_DRUG", "INVALID_NIE"],
         tags=["rx_nie_of_other_product"], n=3, hashtags=["pelancarhaid"],
         desc=["Tablet {S:misoprostol} 200 mcg, strip isi 10.",
               "Bisa untuk pelancar haid, tanya admin cara pakainya.",
               "{NIE}"]),
    dict(key="rx_tramadol", commodity="obat", group="rx",
         brand="Tramadol", name="Tramadol HCl 50 mg",
         size="box 10 strip", price=(150000, 280000), nie=("valid", "GKL"),
         violations=["PRESCRIPTION_DRUG"], tags=[], n=4,
         hashtags=["obatpegal"],
         desc=["{S:tramadol} 50 mg, 1 box isi 10 strip.",
               "Buat kerja lembur biar kuat melek dan tidak pegal.",
               "Tanpa resep, langsung kirim."]),
    dict(key="rx_alpra", commodity="obat", group="rx",
         brand="Alprazolam", name="Alprazolam 0,5 mg",
         size="strip 10 tablet", price=(120000, 250000), nie=("valid", "GPL"),
         violations=["PRESCRIPTION_DRUG"], tags=[], n=3,
         hashtags=["susahtidur"],
         desc=["Obat tidur paling ampuh, bikin tenang dan nyenyak.",
               "{S:alprazolam} 0,5 mg, strip isi 10 tablet.",
               "Stok terbatas, tanpa resep dokter."]),
    dict(key="rx_amox", commodity="obat", group="rx",
         brand="Amoxicillin", name="Amoxicillin 500 mg Kapsul",
         size="strip 10 kapsul", price=(10000, 20000), nie=("valid", "GKL"),
         violations=["PRESCRIPTION_DRUG"], tags=[], n=3,
         hashtags=["sakitgigi"],
         desc=["Antibiotik {S:amoxicillin} 500 mg untuk sakit gigi, "
               "radang tenggorokan dan infeksi.",
               "Dijual per strip atau per box.",
               "Bisa kirim hari ini."]),
    dict(key="rx_dmp", commodity="obat", group="rx",
         brand="Dekstrometorfan", name="Dekstrometorfan HBr 15 mg",
         size="botol 1000 tablet", price=(95000, 160000),
         nie=("revoked", "GBL"),
         violations=["PRESCRIPTION_DRUG", "INVALID_NIE"],
         tags=["dmp_single"], n=3, hashtags=[],
         desc=["Tablet {S:dekstrometorfan} 15 mg isi 1000 per botol.",
               "Harga grosir untuk reseller, bisa partai.",
               "{NIE}",
               "Kirim ke seluruh Indonesia."]),
    dict(key="rx_trihex", commodity="obat", group="rx",
         brand="Trihexyphenidyl", name="Trihexyphenidyl 2 mg",
         size="isi 100 butir", price=(90000, 150000), nie=("none", None),
         violations=["PRESCRIPTION_DRUG", "NO_NIE"], tags=[], n=3,
         hashtags=[],
         desc=["{S:trihexyphenidyl} 2 mg, isi 100 butir.",
               "Barang ready, COD bisa area tertentu.",
               "Fast respon."]),
    dict(key="rx_biru", commodity="obat", group="bko",
         brand="", name="Obat Kuat Biru 100 mg Impor",
         size="isi 4 tablet", price=(80000, 200000), nie=("none", None),
         violations=["PRESCRIPTION_DRUG", "NO_NIE"], tags=[], n=3,
         hashtags=["obatkuat"],
         desc=["Pil biru {S:sildenafil} 100 mg impor.",
               "Tahan sampai 4 jam, reaksi 30 menit.",
               "Isi 4 tablet per strip."]),
]

# Registry rows that belong to no listing: the generic misoprostol whose
# number a Gastrul listing borrows.
EXTRA_REGISTRY = [
    dict(key="reg_misoprostol", commodity="obat", brand="Generik",
         name="Misoprostol 200 mcg Tablet", fmt="GKL"),
]

HOLDERS = {
    "obat_tradisional": ["PT Jamu Rimba Lestari", "CV Husada Jaya",
                         "PT Waras Sentosa"],
    "suplemen": ["PT Nusa Prima Sehat", "PT Samudra Biru Niaga",
                 "PT Bugar Nusantara Farma"],
    "kosmetik": ["PT Kembang Desa Kosmetika", "PT Ayu Cantik Indonesia",
                 "CV Asri Wangi"],
    "pangan": ["PT Lawu Agro Boga", "CV Hutan Lestari Madu",
               "PT Daun Hijau Nusantara", "PT Etawa Sejati Farm"],
    "obat": ["PT Nusa Farma Tbk", "PT Batuk Lega Farmasi",
             "PT Generik Raya Farma"],
    "obat_kuasi": ["PT Surya Hangat Medika"],
}

# --------------------------------------------------------------------------
# Sellers and the people behind them
# --------------------------------------------------------------------------
#
# An actor is one person or outfit; it may sell under several names on
# several platforms.  Its identifiers (phone, bank account, handles, e-mail)
# appear on some of its pages; labels give them normalised, with the actor
# id, for the profiling issue.

ACTORS = {
    "act-01": dict(phone="81290137745", bank=("BCA", "4410287365"),
                   handles=["tg:jayaherbal99"], email=None,
                   owner="Joko Prasetyo"),
    "act-02": dict(phone="85711920384", bank=("BRI", "008601029384503"),
                   handles=["ig:ratuglowing.id"], email="ratuglowing@mailku.id",
                   owner="Ratna Dewi"),
    "act-03": dict(phone="81377710920", bank=("MANDIRI", "1370019283746"),
                   handles=["tg:apotik24online"], email=None,
                   owner="Bang Togar"),
    "act-04": dict(phone="89601723361", bank=("BNI", "0392817465"),
                   handles=["tg:solusitelat"], email=None, owner="Bu Rina"),
    "act-05": dict(phone="82233419087", bank=("BCA", "7730192834"),
                   handles=["ig:rampingkilat.official"], email=None,
                   owner="Mbak Lusi"),
    "act-06": dict(phone="81902238816", bank=("BSI", "7142093381"),
                   handles=[], email="agenjamusentosa@mailku.id",
                   owner="Pak Darto"),
    "act-07": dict(phone="85600134422", bank=None, handles=[],
                   email="halo@dapurbunda.id", owner="Bunda Lia"),
    "act-08": dict(phone="81122334910", bank=None, handles=[],
                   email="rumahjamusinar@mailku.id", owner="Pak Sinar"),
}

# (name, city, actor or None, groups); groups as in CATALOG.
SELLERS = {
    "serbaada": [
        ("Apotek Sumber Sehat", "Jakarta Timur", None, ["legal"]),
        ("Toko Herbal Warisan", "Surakarta", None, ["legal"]),
        ("Apotek Keluarga Sehat", "Bandung", None, ["legal"]),
        ("Toko Kelontong Makmur", "Bekasi", None, ["legal", "grey", "other"]),
        ("Kedai Rempah Bu Ratna", "Yogyakarta", None, ["legal", "grey"]),
        ("Serba Rumah Tangga", "Tangerang", None, ["other"]),
        ("Herbal Jaya 99", "Surabaya", "act-01", ["bko", "slim"]),
        ("Glow Ratu Store", "Medan", "act-02", ["kos"]),
        ("Apotik 24 Jam Online", "Jakarta Barat", "act-03", ["rx", "abort"]),
        ("Sehat Murah Grosir", "Semarang", None, ["grey", "bko"]),
    ],
    "grosirku": [
        ("Grosir Herbal Solo", "Surakarta", None, ["legal", "grey"]),
        ("Kosmetik Ayu Lestari", "Bandung", None, ["legal"]),
        ("Lapak Sembako Berkah", "Depok", None, ["legal", "grey", "other"]),
        ("Alkes Medikita", "Jakarta Pusat", None, ["other"]),
        ("Ratu Glowing Kosmetik", "Medan", "act-02", ["kos"]),
        ("Langsing Sehat Store", "Makassar", "act-05", ["slim", "bko"]),
        ("Grosir Jamu Murah", "Cilacap", "act-06", ["bko", "grey"]),
        ("Obat Lengkap Murah", "Palembang", "act-03", ["rx"]),
    ],
    "kilat": [
        ("KilatMart Official", "Jakarta", None, ["legal", "other"]),
        ("Toko Sehat Sentosa", "Malang", None, ["legal", "grey"]),
        ("Rahasia Wanita Shop", "Bogor", "act-04", ["abort", "kos"]),
        ("Pusat Stamina Pria", "Surabaya", "act-01", ["bko", "rx", "slim"]),
    ],
    "celoteh": [
        ("herbaljaya99", "Surabaya", "act-01", ["bko", "slim"]),
        ("ratuglowing.id", "Medan", "act-02", ["kos"]),
        ("apotik24jam", "Jakarta", "act-03", ["rx"]),
        ("solusi.telat.bulan", "Bogor", "act-04", ["abort"]),
        ("rampingkilat.official", "Makassar", "act-05", ["slim"]),
        ("dapurbunda.id", "Malang", "act-07", ["legal", "grey"]),
        ("tante.rina.jualan", "Bekasi", None, ["legal", "grey", "other",
                                               "kos"]),
    ],
    "baris": [
        ("Mas Jaya Herbal", "Surabaya", "act-01", ["bko", "slim"]),
        ("Obat Lengkap 24 Jam", "Jakarta", "act-03", ["rx"]),
        ("Bidan Rahasia", "Bogor", "act-04", ["abort"]),
        ("Agen Jamu Sentosa", "Cilacap", "act-06", ["bko", "grey"]),
        ("Bu Wati Kosmetik", "Tegal", "act-02", ["kos"]),
        ("Pak Agus Serba Ada", "Sleman", None, ["legal", "grey", "other"]),
    ],
}

WEBSHOPS = [
    dict(slug="rumah-jamu-sinar", name="Rumah Jamu Sinar", actor="act-08",
         city="Sukoharjo", groups=["legal", "grey"],
         commodities=["obat_tradisional", "suplemen", "pangan"],
         tagline="Jamu dan herbal keluarga sejak 1992"),
    dict(slug="dapur-bunda", name="Dapur Bunda Lia", actor="act-07",
         city="Malang", groups=["legal", "grey"], commodities=["pangan"],
         tagline="Camilan rumahan, dibuat hari ini"),
    dict(slug="herbal-perkasa", name="Herbal Perkasa Indonesia",
         actor="act-01", city="Surabaya", groups=["bko", "slim"],
         commodities=None, tagline="Solusi pria dewasa, kirim rahasia"),
    dict(slug="cantik-ratu", name="Cantik Ratu Skincare", actor="act-02",
         city="Medan", groups=["kos"], commodities=["kosmetik"],
         tagline="Glowing maksimal, harga minimal"),
    dict(slug="apotek-sehat-selalu", name="Apotek Sehat Selalu",
         actor="act-03", city="Jakarta", groups=["rx", "abort"],
         commodities=["obat"], tagline="Obat lengkap tanpa ribet"),
]

PLATFORM_WEIGHTS = {
    "legal": {"serbaada": 4, "grosirku": 3, "kilat": 2, "celoteh": 1,
              "toko": 1.5, "baris": 0.5},
    "other": {"serbaada": 3, "grosirku": 3, "kilat": 1, "baris": 1,
              "celoteh": 0.5},
    "grey": {"serbaada": 3, "grosirku": 2, "kilat": 1, "celoteh": 1,
             "toko": 1, "baris": 1.5},
    "bko": {"serbaada": 2, "grosirku": 2, "kilat": 1, "celoteh": 3,
            "toko": 2, "baris": 2},
    "slim": {"serbaada": 2, "grosirku": 2, "kilat": 1, "celoteh": 3,
             "toko": 1.5, "baris": 1},
    "kos": {"serbaada": 2, "grosirku": 1.5, "kilat": 1, "celoteh": 3,
            "toko": 2, "baris": 1},
    "rx": {"serbaada": 1, "grosirku": 1, "kilat": 1, "celoteh": 2,
           "toko": 2, "baris": 3},
    "abort": {"serbaada": 0.5, "kilat": 1.5, "celoteh": 3, "toko": 2,
              "baris": 3},
}

CATEGORIES = {
    "obat_tradisional": ("jamu-herbal", "Jamu & Herbal"),
    "suplemen": ("suplemen-vitamin", "Suplemen & Vitamin"),
    "kosmetik": ("kecantikan", "Kecantikan"),
    "pangan": ("makanan-minuman", "Makanan & Minuman"),
    "obat": ("kesehatan", "Kesehatan & Obat"),
    "obat_kuasi": ("kesehatan", "Kesehatan & Obat"),
    "other": ("perlengkapan", "Perlengkapan Rumah & Alkes"),
}
CAT_ORDER = ["jamu-herbal", "suplemen-vitamin", "kecantikan",
             "makanan-minuman", "kesehatan", "perlengkapan"]
CAT_NAME = {slug: name for slug, name in CATEGORIES.values()}

BARIS_BOARDS = {
    "obat_tradisional": ("herbal-kesehatan", "Herbal & Kesehatan"),
    "suplemen": ("herbal-kesehatan", "Herbal & Kesehatan"),
    "obat": ("herbal-kesehatan", "Herbal & Kesehatan"),
    "obat_kuasi": ("herbal-kesehatan", "Herbal & Kesehatan"),
    "kosmetik": ("kecantikan", "Kecantikan"),
    "pangan": ("kuliner", "Kuliner Rumahan"),
    "other": ("serba-serbi", "Serba-serbi"),
}

BUYER_NAMES = ["Ayu", "Dimas", "Sri", "Rizky", "Nanda", "Wulan", "Bayu",
               "Fitri", "Yoga", "Intan", "Agung", "Mega"]


# --------------------------------------------------------------------------
# The site being built
# --------------------------------------------------------------------------

class Site:
    def __init__(self, out):
        self.out = out
        self.pages = {}  # path -> (bytes, label)

    def add(self, path, body, label, encoding="utf-8"):
        if path in self.pages:
            raise SystemExit("gen.py: duplicate page " + path)
        base = dict(path=path, canonical=path, is_listing=False,
                    platform=None, page_type=None, commodity=None,
                    title=None, seller=None, nie_text=None, nie_norm=None,
                    violations=[], tags=[], actor=None,
                    identifiers=dict(phone=[], email=[], bank=[], handle=[]),
                    disallowed=False)
        base.update(label)
        data = body.encode(encoding, errors="xmlcharrefreplace")
        self.pages[path] = (data, base)

    def write(self):
        if os.path.isdir(self.out):
            shutil.rmtree(self.out)
        os.makedirs(self.out)
        for path in sorted(self.pages):
            data, _ = self.pages[path]
            rel = path.lstrip("/")
            if rel == "" or rel.endswith("/"):
                rel += "index.html"
            full = os.path.join(self.out, rel)
            os.makedirs(os.path.dirname(full), exist_ok=True)
            with open(full, "wb") as f:
                f.write(data)


def page(title, body, head="", charset="utf-8", lang="id", css=""):
    return ("<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n"
            "<meta charset=\"{cs}\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, "
            "initial-scale=1\">\n<title>{t}</title>\n{css}{head}</head>\n"
            "{body}\n</html>\n").format(lang=lang, cs=charset, t=esc(title),
                                        css=css, head=head, body=body)


# --------------------------------------------------------------------------
# Listing instances
# --------------------------------------------------------------------------

class Listing:
    """One offer of one product by one seller on one platform."""

    def __init__(self, arch, idx):
        self.a = arch
        self.idx = idx
        self.platform = None
        self.seller = None   # (name, city, actor, groups)
        self.shop = None     # web shop dict when platform == "toko"
        self.path = None
        self.copies = []     # paths of duplicate pages
        self.disallowed = False
        self.sitemap_only = False


def pick_weighted(rng, weights):
    items = [(k, w) for k, w in weights.items() if w > 0]
    total = sum(w for _, w in items)
    x = rng.random() * total
    for k, w in items:
        x -= w
        if x <= 0:
            return k
    return items[-1][0]


class Gen:
    def __init__(self, seed, out):
        self.rng = random.Random(seed)
        self.site = Site(out)
        self.registry = []     # rows for registry.csv
        self.numbers = {}      # archetype key -> normalised number
        self.listings = []
        self.used_ids = set()
        self.sitemap = []      # paths for sitemap.xml

    # ---- numbers and registry -------------------------------------------

    def uid(self, lo, hi):
        while True:
            n = self.rng.randint(lo, hi)
            if n not in self.used_ids:
                self.used_ids.add(n)
                return n

    def reg_row(self, nie, name, brand, commodity, status, valid_until):
        holder = self.rng.choice(HOLDERS.get(commodity, ["PT Contoh"]))
        self.registry.append(dict(nie=nie, product_name=name, brand=brand,
                                  commodity=commodity, holder=holder,
                                  status=status, valid_until=valid_until))

    def assign_numbers(self):
        rng = self.rng
        future = lambda: "20{}-{:02d}-{:02d}".format(  # noqa: E731
            rng.choice(["28", "29", "30"]), rng.randint(1, 12),
            rng.randint(1, 28))
        for e in EXTRA_REGISTRY:
            n = make_nie(rng, e["fmt"])
            self.numbers[e["key"]] = n
            self.reg_row(n, e["name"], e["brand"], e["commodity"], "active",
                         future())
        for a in CATALOG:
            kind, fmt = a["nie"]
            if kind in ("none", "other_product", "other_commodity"):
                continue
            n = make_nie(rng, fmt)
            name = a["name"].replace("{S:", "").replace("}", "")
            if kind in ("valid", "alt"):
                # P-IRT numbers are the district health offices', not
                # BPOM's; the registry lists them so a check can name the
                # product they belong to.
                comm = "pangan" if fmt == "PIRT" else a["commodity"]
                self.reg_row(n, name, a["brand"], comm, "active", future())
            elif kind == "valid_pirt_wrong":
                # the jamu borrows a home-industry food number
                self.reg_row(n, "Kerupuk Udang " + a["brand"], a["brand"],
                             "pangan", "active", future())
            elif kind == "revoked":
                self.reg_row(n, name, a["brand"], a["commodity"], "revoked",
                             future())
            elif kind == "expired":
                self.reg_row(n, name, a["brand"], a["commodity"], "expired",
                             "2024-0{}-30".format(rng.randint(3, 9)))
            elif kind == "malformed":
                n = malform(rng, n)
            # unknown, alt_unknown: well-formed, never registered
            self.numbers[a["key"]] = n
        for a in CATALOG:  # borrowed numbers, now that all exist
            if a["nie"][0] in ("other_product", "other_commodity"):
                self.numbers[a["key"]] = self.numbers[a["of"]]
        # Registered products nobody in the demo sells, so the registry is
        # more than the demo's own rows.
        for i in range(40):
            comm = rng.choice(["obat_tradisional", "suplemen", "kosmetik",
                               "pangan", "obat"])
            fmt = {"obat_tradisional": "TR", "suplemen": "SD",
                   "kosmetik": "NA", "pangan": "MD12",
                   "obat": "DBL"}[comm]
            n = make_nie(rng, fmt)
            name = "Produk Terdaftar {:03d}".format(i + 1)
            st = rng.choice(["active"] * 6 + ["expired", "revoked"])
            vu = future() if st != "expired" else "2023-12-31"
            self.reg_row(n, name, "Merek " + str(i + 1), comm, st, vu)

    # ---- instances ---------------------------------------------------------

    def seller_for(self, platform, group):
        pool = [s for s in SELLERS[platform] if group in s[3]]
        if not pool:
            return None
        return self.rng.choice(pool)

    def shop_for(self, a):
        pool = [s for s in WEBSHOPS if a["group"] in s["groups"] and
                (s["commodities"] is None or
                 a["commodity"] in s["commodities"])]
        return self.rng.choice(pool) if pool else None

    def make_listings(self):
        rng = self.rng
        for a in CATALOG:
            weights = dict(PLATFORM_WEIGHTS[a["group"]])
            for i in range(a["n"]):
                L = Listing(a, i)
                for _ in range(20):
                    p = pick_weighted(rng, weights)
                    if p == "toko":
                        shop = self.shop_for(a)
                        if shop:
                            L.platform, L.shop = p, shop
                            L.seller = (shop["name"], shop["city"],
                                        shop["actor"], shop["groups"])
                            break
                        continue
                    s = self.seller_for(p, a["group"])
                    if s:
                        L.platform, L.seller = p, s
                        break
                if not L.platform:
                    raise SystemExit("gen.py: no seller for " + a["key"])
                self.listings.append(L)

    # ---- text of one instance ---------------------------------------------

    def render_text(self, L, line, evasions, nie_disp):
        """Expand {A:..}, {S:..} and {NIE} in a catalogue line."""
        rng = self.rng

        def alt(m):
            return rng.choice(m.group(1).split("|"))
        # {A:x|{S:y}} nests: resolve innermost A first by matching no braces
        prev = None
        while prev != line:
            prev = line
            line = re.sub(r"\{A:([^{}]*)\}", alt, line)
            # an A whose alternatives hold an {S:..}: pick, keep the S
            line = re.sub(r"\{A:((?:[^{}]|\{S:[^{}]*\})*)\}", alt, line)

        def sub(m):
            word = m.group(1)
            mode = evasions.get(word)
            if mode is None:
                mode = rng.choice(["plain"] * 4 + ["spaced", "dotted",
                                                   "leet", "zw", "upper",
                                                   "repeat"])
                evasions[word] = mode
            return obfuscate(rng, word, mode)
        line = re.sub(r"\{S:([^{}]*)\}", sub, line)
        if "{NIE}" in line:
            line = line.replace("{NIE}", nie_disp or "")
        return line

    def prepare(self, L):
        """Decide everything the page of L shows; returns a dict."""
        rng, a = self.rng, L.a
        evasions = {}
        kind, fmt = a["nie"]
        n = self.numbers.get(a["key"])
        nie_disp = display_nie(rng, n, L.platform) if n else None
        where = None  # where the number is shown: spec, text, alt
        if n:
            if kind in ("alt", "alt_unknown"):
                where = "alt"
            elif "{NIE}" in "".join(a["desc"]):
                where = "inline"
            elif L.platform in ("serbaada", "grosirku", "kilat", "toko"):
                where = rng.choice(["spec", "spec", "text"])
            else:
                where = "text"
        tags = []
        desc = [self.render_text(L, d, evasions, nie_disp)
                for d in a["desc"]]
        desc = [d for d in desc if d]
        title = self.render_text(L, a["name"], evasions, nie_disp)
        if title != re.sub(r"\{S:([^{}]*)\}", r"\1", a["name"]):
            tags.append("name_obfuscated")
        for t in a["tags"]:
            tags.append(self.render_text(L, t, evasions, nie_disp))
        if any(m != "plain" for m in evasions.values()):
            tags.append("substance_obfuscated")
        if any("CI 45170" in d for d in desc):
            tags.append("banned_by_ci_number")
        price = rng.randint(a["price"][0] // 1000,
                            a["price"][1] // 1000) * 1000
        if rng.random() < 0.3:
            price -= 100  # Rp 84.900 style
        ident, actor = self.identifiers_for(L)
        return dict(title=title, desc=desc, nie_disp=nie_disp, nie_where=where,
                    price=price, tags=tags, ident=ident, actor=actor,
                    evasions=evasions)

    def identifiers_for(self, L):
        """Which of the seller's identifiers this page shows.

        Returns ([(kind, display, norm)], actor_id or None)."""
        rng = self.rng
        actor_id = L.seller[2]
        if not actor_id:
            return [], None
        act = ACTORS[actor_id]
        out = []
        p = L.platform
        shady = L.a["group"] not in ("legal", "other", "grey")
        if p == "toko":
            out.append(("phone", phone_display(rng, act["phone"]),
                        phone_norm(act["phone"])))
        elif p == "baris":
            out.append(("phone", phone_display(rng, act["phone"]),
                        phone_norm(act["phone"])))
            if act["bank"] and rng.random() < 0.6:
                out.append(("bank", "{} {}".format(*act["bank"]),
                            "{}:{}".format(*act["bank"])))
        elif p == "celoteh":
            out.append(("handle", "@" + L.seller[0],
                        "celoteh:" + L.seller[0].lower()))
            if shady or rng.random() < 0.5:
                out.append(("phone", phone_display(rng, act["phone"]),
                            phone_norm(act["phone"])))
        else:  # marketplaces hide contacts; shady sellers add them anyway
            if shady and rng.random() < 0.6:
                out.append(("phone", phone_display(rng, act["phone"]),
                            phone_norm(act["phone"])))
        if shady and act["handles"] and rng.random() < 0.4:
            h = act["handles"][0]
            out.append(("handle", h, h))
        if act["email"] and p in ("baris",) and rng.random() < 0.5:
            out.append(("email", act["email"], act["email"].lower()))
        return out, (actor_id if out else None)

    def label_for(self, L, info, path, page_type="listing", canonical=None):
        a = L.a
        ids = dict(phone=[], email=[], bank=[], handle=[])
        for kind, _, norm in info["ident"]:
            if norm not in ids[kind]:
                ids[kind].append(norm)
        for k in ids:
            ids[k].sort()
        nie_text = info["nie_disp"] if a["nie"][0] != "none" else None
        platform = "webshop" if L.platform == "toko" else L.platform
        tags = list(info["tags"])
        if L.sitemap_only:
            tags.append("sitemap_only")
        return dict(path=path, canonical=canonical or L.path, is_listing=True,
                    platform=platform, page_type=page_type,
                    commodity=a["commodity"], title=info["title"],
                    seller=L.seller[0], nie_text=nie_text,
                    nie_norm=nie_norm(nie_text), violations=list(
                        a["violations"]), tags=tags, actor=info["actor"],
                    identifiers=ids, disallowed=L.disallowed,
                    product=a["key"])

    # ---- shared bits of text ----------------------------------------------

    def contact_line(self, info, style, skip=()):
        """A sentence carrying the seller's identifiers, or ''."""
        parts = []
        for kind, disp, _ in info["ident"]:
            if kind in skip:
                continue
            if kind == "phone":
                parts.append(self.rng.choice(
                    ["WA " + disp, "Order via WA " + disp,
                     "Info lanjut WA " + disp, "Hub/WA: " + disp]))
            elif kind == "bank":
                parts.append("Transfer ke " + disp)
            elif kind == "handle" and not disp.startswith("@"):
                net, name = disp.split(":", 1)
                parts.append({"tg": "Telegram @", "ig": "IG @"}.get(
                    net, net + " @") + name)
            elif kind == "email":
                parts.append("Email: " + disp)
        if not parts:
            return ""
        return (" · " if style == "dot" else ", ").join(parts)

    def paragraphs(self, lines):
        return "\n".join("<p>{}</p>".format(esc(x)) for x in lines)

    def img_alt(self, L, info):
        alt = "Foto " + info["title"]
        if info["nie_where"] == "alt":
            alt += " " + info["nie_disp"]
        return alt

    # ======================================================================
    # Platforms
    # ======================================================================

    # ---- Serbaada: JSON-LD marketplace -------------------------------------

    SB_CSS = ("<style>body{font-family:sans-serif;margin:0;color:#222}"
              ".sb-top{background:#e4572e;color:#fff;padding:8px 16px}"
              ".sb-top a{color:#fff}.produk{padding:16px}"
              ".harga{font-size:1.4em;color:#e4572e}</style>\n")

    def sb_header(self):
        links = " ".join('<a href="/serbaada/kategori/{}/">{}</a>'.format(
            s, esc(CAT_NAME[s])) for s in CAT_ORDER)
        return ('<header class="sb-top"><a href="/serbaada/" class="logo">'
                'Serbaada</a> <nav>{}</nav> <a href="/serbaada/akun/">'
                'Akun Saya</a></header>'.format(links))

    def sb_footer(self):
        return ('<footer class="sb-foot">Serbaada &copy; 2026 · Layanan '
                'Pelanggan 1500-727 · cs@serbaada.co.id · '
                '<a href="/serbaada/bantuan/cara-belanja.html">Bantuan</a> · '
                '<a href="/serbaada/bantuan/produk-terlarang.html">Produk '
                'yang Dilarang</a> · <a href="/serbaada/bantuan/'
                'pengembalian.html">Pengembalian</a> · <a href="/serbaada/'
                'akun/daftar.html">Daftar</a> · <a href="/">Pasar Nusantara'
                '</a></footer>')

    def serbaada_page(self, L, info, path, mobile=False):
        a, rng = L.a, self.rng
        cat, catname = CATEGORIES[a["commodity"]]
        shop_slug = slugify(L.seller[0])
        if "sb_desc" not in info:  # copies show the same text
            desc = list(info["desc"])
            contact = self.contact_line(info, "comma")
            if contact:
                desc.append(contact)
            if info["nie_where"] == "text":
                desc.append(rng.choice(["Terdaftar ", "Sudah terdaftar, ",
                                        ""]) + info["nie_disp"])
            info["sb_desc"] = desc
        desc = info["sb_desc"]
        price = info["price"]
        product = {
            "@context": "https://schema.org",
            "@type": "Product",
            "name": info["title"],
            "description": "\n".join(desc),
            "image": "/static/img/produk.svg",
            "sku": "SB-{}".format(L.id),
            "offers": {"@type": "Offer", "price": str(price),
                       "priceCurrency": "IDR",
                       "availability": "https://schema.org/InStock",
                       "seller": {"@type": "Organization",
                                  "name": L.seller[0]}},
        }
        if a["brand"]:
            product["brand"] = {"@type": "Brand", "name": a["brand"]}
        if L.jsonld == "graph":
            del product["@context"]
            doc = {"@context": "https://schema.org", "@graph": [
                {"@type": "BreadcrumbList", "itemListElement": [
                    {"@type": "ListItem", "position": 1, "name": "Serbaada",
                     "item": "/serbaada/"},
                    {"@type": "ListItem", "position": 2, "name": catname,
                     "item": "/serbaada/kategori/{}/".format(cat)}]},
                product]}
            ld = json_script(doc)
        else:
            ld = json_script(product)
            if L.jsonld == "broken":  # a trailing comma: not JSON
                ld = ld[:-1] + ",}"
        head = ('<link rel="canonical" href="{}">\n'
                '<script type="application/ld+json">{}</script>\n').format(
                    esc(L.path), ld)
        spec = ""
        rows = [("Kondisi", "Baru"), ("Isi", a["size"])]
        if a["brand"]:
            rows.insert(0, ("Merek", a["brand"]))
        if info["nie_where"] == "spec":
            rows.append(("No. BPOM", info["nie_disp"]))
        spec = "<table class=\"spek\">{}</table>".format("".join(
            "<tr><th>{}</th><td>{}</td></tr>".format(esc(k), esc(v))
            for k, v in rows))
        copy_link = ""
        if not mobile and L.copies:
            copy_link = ('<p class="alt-versi"><a href="{}">Versi seluler'
                         '</a></p>').format(esc(L.copies[0]))
        body = """<body class="serbaada">
{hdr}
<main class="produk">
<nav class="breadcrumb"><a href="/serbaada/">Beranda</a> &rsaquo; <a href="../kategori/{cat}/">{catname}</a></nav>
<div class="galeri"><img src="/static/img/produk.svg" alt="{alt}" width="360" height="360"></div>
<h1 class="judul-produk">{title}</h1>
<div class="harga">{price}</div>
<div class="terjual">Terjual {sold} · &#9733; {rating}</div>
{spec}
<section class="deskripsi"><h2>Deskripsi Produk</h2>
{desc}
</section>
<div class="penjual"><a href="/serbaada/toko/{shop}/">{seller}</a> <span class="kota">{city}</span></div>
<section class="ulasan" id="ulasan"><h2>Ulasan</h2><p>{review}</p></section>
{copy}
</main>
{ftr}
</body>""".format(hdr=self.sb_header(), cat=cat, catname=esc(catname),
                  alt=esc(self.img_alt(L, info)), title=esc(info["title"]),
                  price=esc(rupiah(price, "rp")),
                  sold=rng.randint(3, 2500),
                  rating="{:.1f}".format(rng.uniform(3.8, 5.0)),
                  spec=spec, desc=self.paragraphs(desc), shop=shop_slug,
                  seller=esc(L.seller[0]), city=esc(L.seller[1]),
                  review=esc(self.review()), copy=copy_link,
                  ftr=self.sb_footer())
        if mobile:
            # the mobile copy lives one level deeper: keep the relative
            # breadcrumb pointing at the real category page
            body = body.replace('href="../kategori/', 'href="../../kategori/')
        return page(info["title"] + " | Serbaada", body, head=head,
                    css=self.SB_CSS)

    def review(self):
        return self.rng.choice([
            "Barang sampai dengan selamat, sesuai deskripsi.",
            "Pengiriman cepat, penjual ramah. Terima kasih!",
            "Sudah order kedua kalinya, mantap.",
            "Kemasan rapi, tanggal kedaluwarsa masih lama.",
            "Belum dicoba, semoga cocok.",
            "Respon penjual agak lama tapi barang oke.",
        ])

    # ---- Grosirku: microdata marketplace -----------------------------------

    GK_CSS = ("<style>body{font-family:Arial,sans-serif;margin:0}"
              ".gk-bar{background:#2a9d8f;padding:10px}.gk-bar a{color:#fff}"
              ".item{padding:14px}</style>\n")

    def gk_header(self):
        links = " ".join('<a href="/grosirku/c/{}/">{}</a>'.format(
            s, esc(CAT_NAME[s])) for s in CAT_ORDER)
        return ('<div class="gk-bar"><a href="/grosirku/">Grosirku</a> '
                '{} <a href="/grosirku/keranjang/">Keranjang</a></div>'
                .format(links))

    def gk_footer(self):
        return ('<div class="gk-foot">Grosirku - belanja grosir, harga '
                'eceran. Halo Grosirku: 0800-1-476-776 · '
                '<a href="/grosirku/bantuan/">Pusat Bantuan</a> · '
                '<a href="/">Pasar Nusantara</a></div>')

    def grosirku_page(self, L, info):
        a, rng = L.a, self.rng
        desc = list(info["desc"])
        contact = self.contact_line(info, "dot")
        if contact:
            desc.append(contact)
        if info["nie_where"] == "text":
            desc.append(info["nie_disp"])
        price = info["price"]
        brand = ""
        if a["brand"]:
            brand = ('<div class="merek">Merek: <span itemprop="brand" '
                     'itemscope itemtype="https://schema.org/Brand">'
                     '<span itemprop="name">{}</span></span></div>').format(
                         esc(a["brand"]))
        spec = ""
        if info["nie_where"] == "spec":
            spec = ('<ul class="info"><li>Berat: {} </li><li>Izin edar: '
                    '<span itemprop="identifier">{}</span></li></ul>').format(
                        esc(a["size"]), esc(info["nie_disp"]))
        else:
            spec = '<ul class="info"><li>Berat: {}</li></ul>'.format(
                esc(a["size"]))
        shop = slugify(L.seller[0])
        head = '<link rel="canonical" href="{}">\n'.format(esc(L.path))
        body = """<body>
{hdr}
<div class="item" itemscope itemtype="https://schema.org/Product">
<img itemprop="image" src="/static/img/produk.svg" alt="{alt}">
<h1 itemprop="name">{title}</h1>
{brand}
<div itemprop="offers" itemscope itemtype="https://schema.org/Offer">
<meta itemprop="priceCurrency" content="IDR">
<span class="harga" itemprop="price" content="{price}">{pricetxt}</span>
<link itemprop="availability" href="https://schema.org/InStock">
<div itemprop="seller" itemscope itemtype="https://schema.org/Organization">Dijual oleh <a itemprop="url" href="/grosirku/lapak/{shop}/"><span itemprop="name">{seller}</span></a> ({city})</div>
</div>
<p class="min">Min. beli {minq} pcs · harga grosir mulai 12 pcs</p>
{spec}
<div itemprop="description" class="desk">
{desc}
</div>
<a class="btn" href="/grosirku/keranjang/tambah-{id}.html">+ Keranjang</a>
</div>
{ftr}
</body>""".format(hdr=self.gk_header(), alt=esc(self.img_alt(L, info)),
                  title=esc(info["title"]), brand=brand, price=price,
                  pricetxt=esc(rupiah(price, "rp_")), shop=shop,
                  seller=esc(L.seller[0]), city=esc(L.seller[1]),
                  minq=rng.choice([1, 1, 2, 3]), spec=spec,
                  desc=self.paragraphs(desc), id=L.id, ftr=self.gk_footer())
        return page(info["title"] + " - Grosirku", body, head=head,
                    css=self.GK_CSS)

    # ---- KilatMart: app shell ----------------------------------------------

    def kilat_page(self, L, info):
        a, rng = L.a, self.rng
        desc = list(info["desc"])
        contact = self.contact_line(info, "comma")
        if contact:
            desc.append(contact)
        attrs = [{"k": "Isi", "v": a["size"]}]
        if info["nie_where"] == "spec":
            attrs.append({"k": "Nomor Izin Edar", "v": info["nie_disp"]})
        elif info["nie_where"] == "text":
            desc.append(info["nie_disp"])
        product = {
            "id": L.id,
            "title": info["title"],
            "description": "\n".join(desc),
            "price": {"value": info["price"], "currency": "IDR",
                      "text": rupiah(info["price"], "rp")},
            "brand": a["brand"] or None,
            "shop": {"name": L.seller[0], "city": L.seller[1],
                     "url": "/kilat/toko/{}.html".format(
                         slugify(L.seller[0]))},
            "attributes": attrs,
            "images": [{"src": "/static/img/produk.svg",
                        "alt": self.img_alt(L, info)}],
            "stats": {"sold": rng.randint(1, 900),
                      "rating": round(rng.uniform(4.0, 5.0), 1)},
        }
        if L.state == "string":
            # the product payload is itself a JSON document in a string
            state = {"app": {"version": "4.18.2", "locale": "id-ID"},
                     "pdp": {"status": "ok",
                             "payload": json.dumps(product,
                                                   ensure_ascii=False)}}
        else:
            state = {"app": {"version": "4.18.2", "locale": "id-ID"},
                     "pdp": {"status": "ok", "product": product},
                     "user": None}
        head = ('<link rel="canonical" href="{}">\n'
                '<link rel="stylesheet" href="/kilat/static/app.css">\n'
                ).format(esc(L.path))
        body = """<body>
<div id="app"><div class="shell-header"><a href="/kilat/">KilatMart</a></div><div class="shell-loading"></div></div>
<noscript>Aktifkan JavaScript untuk melihat halaman ini. <a href="/kilat/">Kembali ke KilatMart</a></noscript>
<script>window.__INITIAL_STATE__ = {state};</script>
<script src="/kilat/static/app.js" defer></script>
</body>""".format(state=json_script(state))
        return page("KilatMart", body, head=head)

    # ---- Celoteh: social posts ---------------------------------------------

    def celoteh_page(self, L, info, post_id):
        a, rng = L.a, self.rng
        handle = L.seller[0]
        lines = list(info["desc"])
        opener = rng.choice([
            "Ready stok lagi kak!", "Promo minggu ini!", "Restock!!",
            "Yang kemarin nanya, ini dia:", "Open order ya bestie",
        ])
        body_lines = [opener, info["title"] + " (" + a["size"] + ")"]
        body_lines += lines
        body_lines.append("Harga cuma " + rupiah(info["price"],
                                                 rng.choice(["rb", "k",
                                                             "rp"])))
        if info["nie_where"] == "text":
            body_lines.append(info["nie_disp"])
        contact = self.contact_line(info, "comma")
        if contact:
            body_lines.append(contact)
        elif L.a["group"] not in ("legal", "other"):
            body_lines.append("Minat? DM aja")
        tags = list(a["hashtags"]) + rng.sample(
            ["ready", "cod", "promo", "original", "jualanonline"], 2)
        L.post_tags = tags
        tag_html = " ".join('<a href="/celoteh/tag/{0}.html">#{0}</a>'.format(
            t) for t in tags)
        text_plain = " ".join(body_lines)
        link_html = ""
        if getattr(L, "links_to", None):
            link_html = '<p>Bisa juga checkout di sini: <a href="{}">{}</a>' \
                        '</p>'.format(esc(L.links_to), "link toko")
        comments = []
        for _ in range(rng.randint(0, 3)):
            who = rng.choice(BUYER_NAMES)
            c = rng.choice([
                "Kak masih ada?", "Sudah transfer ya kak, cek DM",
                "Aman nggak kak buat pemula?", "Mau 2, kirim ke Depok bisa?",
                "Wah mantap, repeat order!",
                "Kak aku mau, WA aku {} ya".format(other_phone(rng)),
            ])
            comments.append('<li><b>{}</b> {}</li>'.format(esc(who), esc(c)))
        if any("WA aku" in c for c in comments):
            info["tags"].append("buyer_phone_in_comment")
        og_title = "{} di Celoteh: \u201c{}\u201d".format(
            handle, info["title"])
        head = """<link rel="canonical" href="{canon}">
<meta property="og:type" content="article">
<meta property="og:site_name" content="Celoteh">
<meta property="og:title" content="{ogt}">
<meta property="og:description" content="{ogd}">
<meta property="og:url" content="{canon}">
<meta property="og:image" content="/static/img/produk.svg">
""".format(canon=esc(L.path), ogt=esc(og_title),
           ogd=esc(text_plain[:200]))
        body = """<body class="celoteh">
<header><a href="/celoteh/">Celoteh</a> · <a href="/celoteh/jelajah.html">Jelajah</a></header>
<article class="post" id="post-{pid}">
<div class="author"><a href="/celoteh/u/{h}.html">@{h}</a> · {city} · {date}</div>
<div class="text">{text}</div>
<div class="media"><img src="/static/img/produk.svg" alt="{alt}"></div>
<p class="tags">{tags}</p>
{link}
<div class="stats">{likes} suka · {shares} dibagikan</div>
<ul class="comments">{comments}</ul>
</article>
<footer>Celoteh · <a href="/celoteh/tentang.html">Tentang</a> · Laporkan konten: lapor@celoteh.id</footer>
</body>""".format(pid=post_id, h=esc(handle), city=esc(L.seller[1]),
                  date=self.date(), text="<br>\n".join(
                      esc(x) for x in body_lines),
                  alt=esc(self.img_alt(L, info)), tags=tag_html,
                  link=link_html, likes=rng.randint(2, 4000),
                  shares=rng.randint(0, 300), comments="".join(comments))
        return page(og_title, body, head=head)

    def date(self):
        m = self.rng.randint(8, 11)
        d = self.rng.randint(1, 28 if m < 11 else 19)
        return "2026-{:02d}-{:02d}".format(m, d)

    # ---- web shops ---------------------------------------------------------

    def toko_footer(self, shop):
        act = ACTORS[shop["actor"]]
        local = act["phone"]
        return ('<footer class="site-footer"><p>{name} · {city}</p>'
                '<p><a class="wa" href="https://wa.me/62{ph}?text=Halo%20'
                'kak%2C%20mau%20pesan">Pesan via WhatsApp</a> · '
                '<a href="/toko/{slug}/kontak/">Kontak</a> · '
                '<a href="/toko/{slug}/tentang/">Tentang Kami</a></p>'
                '</footer>').format(name=esc(shop["name"]),
                                    city=esc(shop["city"]), ph=local,
                                    slug=shop["slug"])

    def toko_page(self, L, info, amp=False):
        shop = L.shop
        desc = list(info["desc"])
        if info["nie_where"] == "text":
            desc.append(info["nie_disp"])
        # the phone is in every page's wa.me links already
        contact = self.contact_line(info, "comma", skip=("phone",))
        if contact:
            desc.append(contact)
        meta = ""
        if info["nie_where"] == "spec":
            meta = ('<div class="product_meta"><span class="sku_wrapper">'
                    'Izin Edar: <span class="sku">{}</span></span></div>'
                    .format(esc(info["nie_disp"])))
        head = '<link rel="canonical" href="{}">\n'.format(esc(L.path))
        if not amp and L.copies:
            head += '<link rel="amphtml" href="{}">\n'.format(
                esc(L.copies[0]))
        amp_link = ""
        if not amp and L.copies:
            amp_link = '<p><a href="amp/">Versi ringan (AMP)</a></p>'
        body = """<body class="product-template-default single-product woocommerce">
<header class="site-header"><a class="site-title" href="/toko/{slug}/">{shopname}</a> <span class="tagline">{tagline}</span></header>
<div id="primary" class="content-area"><main id="main" class="site-main">
<div class="product type-product">
<div class="woocommerce-product-gallery"><img src="/static/img/produk.svg" alt="{alt}"></div>
<div class="summary entry-summary">
<h1 class="product_title entry-title">{title}</h1>
<p class="price"><span class="woocommerce-Price-amount amount"><bdi>{price}</bdi></span></p>
<div class="woocommerce-product-details__short-description">
{desc}
</div>
<a class="button wa-order" href="https://wa.me/62{ph}?text={q}">Pesan Sekarang</a>
{meta}
</div></div>
{amp}
<p><a href="/toko/{slug}/">&larr; Semua produk</a></p>
</main></div>
{ftr}
</body>""".format(slug=shop["slug"], shopname=esc(shop["name"]),
                  tagline=esc(shop["tagline"]),
                  alt=esc(self.img_alt(L, info)), title=esc(info["title"]),
                  price=esc(rupiah(info["price"], "rp_dec")),
                  desc=self.paragraphs(desc),
                  ph=ACTORS[shop["actor"]]["phone"],
                  q="Halo%2C%20saya%20mau%20pesan%20" + slugify(
                      info["title"]).replace("-", "%20"),
                  meta=meta, amp=amp_link, ftr=self.toko_footer(shop))
        return page(info["title"] + " – " + shop["name"], body, head=head)

    # ---- Baris: classifieds (windows-1252) ---------------------------------

    def baris_lines(self, L, info):
        rng = self.rng
        lines = [rng.choice(["DIJUAL", "Jual", "JUAL CEPAT", "Dijual"]) +
                 " " + info["title"]]
        lines += info["desc"]
        if info["nie_where"] == "text":
            lines.append(info["nie_disp"])
        price = rupiah(info["price"], rng.choice(["rpdot", "rb"]))
        lines.append("Harga " + price + rng.choice([" nego", "", " net"]))
        lines.append("Lokasi " + L.seller[1] + rng.choice(
            [", bisa COD", ", kirim via ekspedisi", ""]))
        contact = self.contact_line(info, "dot")
        if contact:
            lines.append(contact)
        if rng.random() < 0.3:
            # a courier's number is not the seller's
            lines.append("Kurir langganan kami: Pak Udin {}".format(
                other_phone(rng)))
            info["tags"].append("courier_phone")
        return lines

    def baris_page(self, L, info, ad_id, board, printable=False):
        rng = self.rng
        if "baris_lines" not in info:  # the print copy shows the same text
            info["baris_lines"] = self.baris_lines(L, info)
        lines = info["baris_lines"]
        # windows-1252 bullets, as old forum software writes them
        text = "<br>\n".join("\u2022 " + esc(x) if i else esc(x)
                             for i, x in enumerate(lines))
        photo = '<img src="/static/img/produk.svg" alt="{}">'.format(
            esc(self.img_alt(L, info)))
        head = '<link rel="canonical" href="{}">\n'.format(esc(L.path))
        if printable:
            body = """<body onload="window.print()">
<h1>{title}</h1>
{photo}
<div class="isi">{text}</div>
<p>Dicetak dari Baris &ndash; iklan no. {id}</p>
</body>""".format(title=esc(info["title"]), photo=photo, text=text, id=ad_id)
        else:
            if L.disallowed:
                back = '<a href="/baris/privat/">&laquo; Papan Anggota</a>'
            else:
                back = '<a href="/baris/forum/{}/">&laquo; {}</a>'.format(
                    board[0], esc(board[1]))
            cetak = ""
            if L.copies:
                cetak = '<a href="{}-cetak.html">Cetak iklan</a> | '.format(
                    ad_id)
            body = """<body bgcolor="#ffffee">
<table width="100%"><tr><td><a href="/baris/">BARIS &ndash; Iklan Baris Nusantara</a></td><td align="right"><a href="/baris/pasang.html">Pasang Iklan Gratis</a></td></tr></table>
<p>{back}</p>
<h1>{title}</h1>
<div class="meta">Iklan no. {id} &ndash; oleh <b>{seller}</b> &ndash; {date} &ndash; dilihat {views}x</div>
{photo}
<div class="isi">{text}</div>
<p>{cetak}<a href="/baris/lapor.html">Laporkan iklan</a></p>
<hr><small>Baris tidak bertanggung jawab atas isi iklan. Waspada penipuan: jangan transfer sebelum barang jelas.</small>
</body>""".format(back=back, title=esc(info["title"]), id=ad_id,
                  seller=esc(L.seller[0]), date=self.date(),
                  views=rng.randint(12, 3000), photo=photo, text=text,
                  cetak=cetak)
        return page(info["title"] + " - Baris", body, head=head,
                    charset="windows-1252")

    # ======================================================================
    # Build
    # ======================================================================

    def build(self):
        rng = self.rng
        self.assign_numbers()
        self.make_listings()

        # paths, ids, copies, hidden ones
        by_platform = {}
        for L in self.listings:
            by_platform.setdefault(L.platform, []).append(L)
        for L in by_platform.get("serbaada", []):
            L.id = self.uid(1000000, 9999999)
            name = L.a["name"].replace("{S:", "").replace("}", "")
            if L.a["brand"] and L.a["brand"] not in name:
                name = L.a["brand"] + " " + name
            L.path = "/serbaada/produk/{}-{}.html".format(
                slugify(name)[:60].strip("-"), L.id)
            L.jsonld = rng.choice(["plain"] * 5 + ["graph"] * 2)
            if rng.random() < 0.25:
                L.copies.append(L.path.replace("/serbaada/produk/",
                                               "/serbaada/m/produk/"))
        sb = by_platform.get("serbaada", [])
        if sb:
            sb[len(sb) // 2].jsonld = "broken"
        # a few drafts in the account area, closed by robots.txt
        drafts = [L for L in sb if L.a["group"] in ("bko", "kos", "rx")][:4]
        for L in drafts:
            L.disallowed = True
            L.path = L.path.replace("/serbaada/produk/",
                                    "/serbaada/akun/draf/")
            L.copies = []
        for L in by_platform.get("grosirku", []):
            L.id = self.uid(100000, 999999)
            L.path = "/grosirku/barang/{}/".format(L.id)
        for L in by_platform.get("kilat", []):
            L.id = self.uid(10000000, 99999999)
            L.path = "/kilat/i/{}.html".format(L.id)
            L.state = rng.choice(["object", "object", "string"])
        for L in by_platform.get("celoteh", []):
            L.id = self.uid(100000000, 999999999)
            L.path = "/celoteh/post/{}.html".format(L.id)
        for L in by_platform.get("toko", []):
            L.id = 0
            base = "/toko/{}/produk/{}".format(
                L.shop["slug"], slugify(L.a["name"].replace(
                    "{S:", "").replace("}", "")))
            path = base + "/"
            k = 2
            while any(o.path == path for o in self.listings if o is not L):
                path = "{}-{}/".format(base, k)
                k += 1
            L.path = path
            if rng.random() < 0.4:
                L.copies.append(L.path + "amp/")
        toko = by_platform.get("toko", [])
        for L in toko[1::7][:4]:  # reachable only through the sitemap
            L.sitemap_only = True
        for L in by_platform.get("baris", []):
            L.id = self.uid(10000, 99999)
            L.path = "/baris/iklan/{}.html".format(L.id)
            if rng.random() < 0.4:
                L.copies.append("/baris/iklan/{}-cetak.html".format(L.id))
        bs = [L for L in by_platform.get("baris", [])
              if L.a["group"] in ("rx", "abort", "bko")][:4]
        for L in bs:
            L.disallowed = True
            L.path = "/baris/privat/iklan/{}.html".format(L.id)
            L.copies = []

        # social posts sometimes point at a shop, with tracking parameters
        targets = [L for L in self.listings
                   if L.platform in ("serbaada", "toko") and
                   not L.disallowed and not L.sitemap_only]
        for L in by_platform.get("celoteh", []):
            same = [t for t in targets if t.seller[2] and
                    t.seller[2] == L.seller[2] and t.a is L.a]
            shops = [s for s in WEBSHOPS if s["actor"] == L.seller[2]]
            dest = None
            if same:
                dest = rng.choice(same).path
            elif shops:
                dest = "/toko/{}/".format(shops[0]["slug"])
            if dest and rng.random() < 0.7:
                L.links_to = dest + rng.choice([
                    "?utm_source=celoteh&utm_medium=social&utm_campaign=promo",
                    "?ref=celoteh", "?fbclid=IwAR" + digits(rng, 12),
                    "?utm_source=celoteh#ulasan"])

        # render listings
        for L in self.listings:
            info = self.prepare(L)
            L.info = info
            p = L.platform
            if p == "serbaada":
                self.site.add(L.path, self.serbaada_page(L, info, L.path),
                              self.label_for(L, info, L.path))
                for c in L.copies:
                    self.site.add(c, self.serbaada_page(L, info, c, True),
                                  self.label_for(L, info, c,
                                                 "listing_duplicate"))
            elif p == "grosirku":
                self.site.add(L.path, self.grosirku_page(L, info),
                              self.label_for(L, info, L.path))
            elif p == "kilat":
                self.site.add(L.path, self.kilat_page(L, info),
                              self.label_for(L, info, L.path))
            elif p == "celoteh":
                self.site.add(L.path, self.celoteh_page(L, info, L.id),
                              self.label_for(L, info, L.path))
            elif p == "toko":
                self.site.add(L.path, self.toko_page(L, info),
                              self.label_for(L, info, L.path))
                for c in L.copies:
                    self.site.add(c, self.toko_page(L, info, amp=True),
                                  self.label_for(L, info, c,
                                                 "listing_duplicate"))
            elif p == "baris":
                board = BARIS_BOARDS[L.a["commodity"]]
                self.site.add(L.path, self.baris_page(L, info, L.id, board),
                              self.label_for(L, info, L.path),
                              encoding="cp1252")
                for c in L.copies:
                    self.site.add(c, self.baris_page(L, info, L.id, board,
                                                     printable=True),
                                  self.label_for(L, info, c,
                                                 "listing_duplicate"),
                                  encoding="cp1252")
            if not L.disallowed:
                self.sitemap.append(L.path)

        self.build_serbaada(by_platform.get("serbaada", []), drafts)
        self.build_grosirku(by_platform.get("grosirku", []))
        self.build_kilat(by_platform.get("kilat", []))
        self.build_celoteh(by_platform.get("celoteh", []))
        self.build_toko(toko)
        self.build_baris(by_platform.get("baris", []), bs)
        self.build_warta()
        self.build_portal()
        self.build_static()

    # ---- non-listing pages -------------------------------------------------

    def nl(self, path, body, platform, page_type, encoding="utf-8",
           disallowed=False, tags=None):
        self.site.add(path, body, dict(platform=platform,
                                       page_type=page_type,
                                       disallowed=disallowed,
                                       tags=tags or []), encoding=encoding)

    def card(self, href, title, price, extra=""):
        return ('<li class="kartu"><a href="{}">{}</a> <span class="harga">'
                '{}</span>{}</li>').format(esc(href), esc(title),
                                           esc(price), extra)

    def tracked(self, path, source):
        """The same URL the way links in the wild carry it."""
        r = self.rng.random()
        if r < 0.45:
            return path
        if r < 0.65:
            return path + "?utm_source={}&utm_medium=web".format(source)
        if r < 0.8:
            return path + "?ref=" + source
        if r < 0.92:
            return path + "?sid=" + "".join(self.rng.choice(
                "abcdef0123456789") for _ in range(16))
        return path + "#ulasan"

    def paginate(self, items, per):
        return [items[i:i + per] for i in range(0, len(items), per)] or [[]]

    def build_serbaada(self, listings, drafts):
        rng = self.rng
        public = [L for L in listings if not L.disallowed]
        # categories with pagination
        for cat in CAT_ORDER:
            items = [L for L in public
                     if CATEGORIES[L.a["commodity"]][0] == cat]
            pages = self.paginate(items, 8)
            for i, chunk in enumerate(pages):
                path = "/serbaada/kategori/{}/".format(cat) + (
                    "" if i == 0 else "hal-{}.html".format(i + 1))
                cards = "\n".join(self.card(
                    self.tracked(L.path, "kategori"), L.info["title"],
                    rupiah(L.info["price"], "rp")) for L in chunk)
                nav = []
                head = ""
                if i > 0:
                    prev = "./" if i == 1 else "hal-{}.html".format(i)
                    nav.append('<a rel="prev" href="{}">&laquo; '
                               'Sebelumnya</a>'.format(prev))
                    head += '<link rel="prev" href="{}">\n'.format(prev)
                if i + 1 < len(pages):
                    nxt = "hal-{}.html".format(i + 2)
                    nav.append('<a rel="next" href="{}">Berikutnya '
                               '&raquo;</a>'.format(nxt))
                    head += '<link rel="next" href="{}">\n'.format(nxt)
                sort = ('<p class="urut">Urutkan: <a href="?urut=terlaris">'
                        'Terlaris</a> · <a href="?urut=termurah">Termurah'
                        '</a></p>')
                body = """<body>{hdr}
<main><h1>{name}</h1><p>Halaman {n} dari {tot}</p>{sort}
<ul class="grid">
{cards}
</ul>
<nav class="paging">{nav}</nav></main>
{ftr}</body>""".format(hdr=self.sb_header(), name=esc(CAT_NAME[cat]),
                       n=i + 1, tot=len(pages), sort=sort, cards=cards,
                       nav=" ".join(nav), ftr=self.sb_footer())
                self.nl(path, page(CAT_NAME[cat] + " | Serbaada", body,
                                   head=head, css=self.SB_CSS),
                        "serbaada", "category")
        # shops
        shops = {}
        for L in public:
            shops.setdefault(L.seller[0], []).append(L)
        for s in SELLERS["serbaada"]:
            items = shops.get(s[0], [])
            cards = "\n".join(self.card(L.path, L.info["title"],
                                        rupiah(L.info["price"], "rp"))
                              for L in items) or "<li>Belum ada produk.</li>"
            body = """<body>{hdr}
<main><h1>{name}</h1><p class="kota">{city} · bergabung sejak {year}</p>
<ul class="grid">
{cards}
</ul></main>
{ftr}</body>""".format(hdr=self.sb_header(), name=esc(s[0]),
                       city=esc(s[1]), year=rng.randint(2016, 2025),
                       cards=cards, ftr=self.sb_footer())
            self.nl("/serbaada/toko/{}/".format(slugify(s[0])),
                    page(s[0] + " | Serbaada", body, css=self.SB_CSS),
                    "serbaada", "store")
        # home
        best = rng.sample(public, min(10, len(public)))
        cards = "\n".join(self.card(self.tracked(L.path, "beranda"),
                                    L.info["title"],
                                    rupiah(L.info["price"], "rp"))
                          for L in best)
        cats = "\n".join('<li><a href="kategori/{}/">{}</a></li>'.format(
            c, esc(CAT_NAME[c])) for c in CAT_ORDER)
        shoplinks = " · ".join('<a href="toko/{}/">{}</a>'.format(
            slugify(s[0]), esc(s[0])) for s in SELLERS["serbaada"])
        body = """<body>{hdr}
<main><h1>Serbaada: apa saja ada</h1>
<h2>Kategori</h2><ul>{cats}</ul>
<h2>Pilihan hari ini</h2><ul class="grid">{cards}</ul>
<h2>Toko</h2><p>{shops}</p></main>
{ftr}</body>""".format(hdr=self.sb_header(), cats=cats, cards=cards,
                       shops=shoplinks, ftr=self.sb_footer())
        self.nl("/serbaada/", page("Serbaada - Belanja Online", body,
                                   css=self.SB_CSS), "serbaada", "home")
        # help pages
        helps = [
            ("cara-belanja", "Cara Belanja di Serbaada", [
                "Cari produk lewat kategori atau kolom pencarian.",
                "Periksa deskripsi, ulasan, dan lokasi penjual sebelum "
                "membeli.",
                "Bayar melalui Serbaada agar dana Anda terlindungi sampai "
                "pesanan diterima. Jangan pernah transfer langsung ke "
                "rekening penjual."]),
            ("produk-terlarang", "Produk yang Dilarang Dijual", [
                "Penjual dilarang menawarkan obat keras, narkotika maupun "
                "psikotropika, termasuk obat yang hanya boleh diberikan dengan "
                "resep dokter.",
                "Dilarang menjual kosmetik yang mengandung bahan berbahaya "
                "seperti merkuri, hidrokinon atau pewarna rhodamin B, dan "
                "jamu atau suplemen yang dicampur bahan kimia obat.",
                "Produk obat, obat tradisional, suplemen, kosmetik dan "
                "pangan olahan harus menampilkan nomor izin edarnya di "
                "halaman produk.",
                "Pelanggaran dapat berujung pada penurunan produk dan "
                "penutupan toko."]),
            ("pengembalian", "Pengembalian Barang", [
                "Ajukan pengembalian paling lambat 2 x 24 jam setelah "
                "barang diterima.",
                "Sertakan video membuka paket sebagai bukti."]),
        ]
        for slug, title, lines in helps:
            body = "<body>{}<main><h1>{}</h1>{}</main>{}</body>".format(
                self.sb_header(), esc(title), self.paragraphs(lines),
                self.sb_footer())
            self.nl("/serbaada/bantuan/{}.html".format(slug),
                    page(title + " | Serbaada", body, css=self.SB_CSS),
                    "serbaada", "help")
        # account area: robots.txt closes it, except the sign-up page
        draft_links = "\n".join('<li><a href="draf/{}">{}</a></li>'.format(
            L.path.rsplit("/", 1)[1], esc(L.info["title"])) for L in drafts)
        body = """<body>{hdr}<main><h1>Akun Saya</h1>
<p>Masuk untuk melihat pesanan dan draf produk Anda.</p>
<h2>Draf produk</h2><ul>{drafts}</ul>
<p>Belum punya akun? <a href="daftar.html">Daftar</a></p></main>{ftr}</body>
""".format(hdr=self.sb_header(), drafts=draft_links, ftr=self.sb_footer())
        self.nl("/serbaada/akun/", page("Akun | Serbaada", body,
                                        css=self.SB_CSS),
                "serbaada", "account", disallowed=True)
        body = """<body>{hdr}<main><h1>Daftar Akun Serbaada</h1>
<p>Isi nama, nomor ponsel dan alamat e-mail Anda untuk mulai berbelanja.</p>
<p>Sudah punya akun? <a href="./">Masuk</a></p></main>{ftr}</body>
""".format(hdr=self.sb_header(), ftr=self.sb_footer())
        self.nl("/serbaada/akun/daftar.html", page(
            "Daftar | Serbaada", body, css=self.SB_CSS), "serbaada",
            "account", tags=["robots_allow_exception"])

    def build_grosirku(self, listings):
        rng = self.rng
        for cat in CAT_ORDER:
            items = [L for L in listings
                     if CATEGORIES[L.a["commodity"]][0] == cat]
            pages = self.paginate(items, 6)
            for i, chunk in enumerate(pages):
                path = "/grosirku/c/{}/".format(cat) + (
                    "" if i == 0 else "{}/".format(i + 1))
                # product directories linked with and without the slash
                cards = "\n".join(self.card(
                    L.path if rng.random() < 0.6 else L.path.rstrip("/"),
                    L.info["title"], rupiah(L.info["price"], "rp_"))
                    for L in chunk)
                nav = ""
                head = ""
                if i + 1 < len(pages):
                    nxt = "/grosirku/c/{}/{}/".format(cat, i + 2)
                    nav = '<a href="{}">Halaman {}</a>'.format(nxt, i + 2)
                    head = '<link rel="next" href="{}">\n'.format(nxt)
                body = """<body>{hdr}<div class="kat"><h1>{name}</h1>
<ul>{cards}</ul><p class="hal">{nav}</p></div>{ftr}</body>""".format(
                    hdr=self.gk_header(), name=esc(CAT_NAME[cat]),
                    cards=cards, nav=nav, ftr=self.gk_footer())
                self.nl(path, page(CAT_NAME[cat] + " - Grosirku", body,
                                   head=head, css=self.GK_CSS),
                        "grosirku", "category")
        shops = {}
        for L in listings:
            shops.setdefault(L.seller[0], []).append(L)
        for s in SELLERS["grosirku"]:
            cards = "\n".join(self.card(L.path, L.info["title"],
                                        rupiah(L.info["price"], "rp_"))
                              for L in shops.get(s[0], [])) or \
                "<li>Lapak ini belum berjualan.</li>"
            body = """<body>{hdr}<div class="lapak"><h1>{name}</h1>
<p>{city} · {n} produk · Lapak sejak {y}</p><ul>{cards}</ul></div>{ftr}
</body>""".format(hdr=self.gk_header(), name=esc(s[0]), city=esc(s[1]),
                  n=len(shops.get(s[0], [])), y=rng.randint(2015, 2025),
                  cards=cards, ftr=self.gk_footer())
            self.nl("/grosirku/lapak/{}/".format(slugify(s[0])),
                    page(s[0] + " - Grosirku", body, css=self.GK_CSS),
                    "grosirku", "store")
        cats = " · ".join('<a href="/grosirku/c/{}/">{}</a>'.format(
            c, esc(CAT_NAME[c])) for c in CAT_ORDER)
        lapak = " · ".join('<a href="/grosirku/lapak/{}/">{}</a>'.format(
            slugify(s[0]), esc(s[0])) for s in SELLERS["grosirku"])
        body = """<body>{hdr}<h1>Grosirku</h1><p>Kategori: {cats}</p>
<p>Lapak pilihan: {lapak}</p>{ftr}</body>""".format(
            hdr=self.gk_header(), cats=cats, lapak=lapak,
            ftr=self.gk_footer())
        self.nl("/grosirku/", page("Grosirku - Grosir Online", body,
                                   css=self.GK_CSS), "grosirku", "home")
        body = """<body>{hdr}<h1>Pusat Bantuan Grosirku</h1>
<p>Grosirku menghubungkan pembeli dengan penjual grosir di seluruh Indonesia.</p>
<p>Penjual wajib memastikan produk obat, kosmetik, dan pangan yang dijual sudah memiliki izin edar. Laporkan produk mencurigakan melalui tombol Laporkan di halaman produk.</p>
<p><a href="/grosirku/keranjang/">Lihat keranjang</a></p>{ftr}</body>""".format(
            hdr=self.gk_header(), ftr=self.gk_footer())
        self.nl("/grosirku/bantuan/", page("Bantuan - Grosirku", body,
                                           css=self.GK_CSS),
                "grosirku", "help")

    def build_kilat(self, listings):
        cats = {}
        for L in listings:
            cats.setdefault(CATEGORIES[L.a["commodity"]][0], []).append(L)
        for cat in CAT_ORDER:
            items = cats.get(cat, [])
            if not items:
                continue
            lis = "\n".join(self.card(self.tracked(L.path, "kilat"),
                                      L.info["title"],
                                      rupiah(L.info["price"], "rp"))
                            for L in items)
            body = """<body><div class="ssr"><a href="/kilat/">KilatMart</a>
<h1>{name}</h1><ul>{lis}</ul></div></body>""".format(
                name=esc(CAT_NAME[cat]), lis=lis)
            self.nl("/kilat/kategori/{}.html".format(cat),
                    page(CAT_NAME[cat] + " - KilatMart", body), "kilat",
                    "category")
        shops = {}
        for L in listings:
            shops.setdefault(L.seller[0], []).append(L)
        for s in SELLERS["kilat"]:
            items = shops.get(s[0], [])
            lis = "\n".join(self.card(L.path, L.info["title"],
                                      rupiah(L.info["price"], "rp"))
                            for L in items) or "<li>Kosong</li>"
            body = """<body><div class="ssr"><a href="/kilat/">KilatMart</a>
<h1>{name}</h1><p>{city}</p><ul>{lis}</ul></div></body>""".format(
                name=esc(s[0]), city=esc(s[1]), lis=lis)
            self.nl("/kilat/toko/{}.html".format(slugify(s[0])),
                    page(s[0] + " - KilatMart", body), "kilat", "store")
        links = " · ".join('<a href="/kilat/kategori/{}.html">{}</a>'.format(
            c, esc(CAT_NAME[c])) for c in CAT_ORDER if c in cats)
        state = {"app": {"version": "4.18.2"}, "home": {"banners": [
            {"title": "Kilat Sale 11.11", "href": "/kilat/"}]}}
        links += "<br>Toko: " + " · ".join(
            '<a href="/kilat/toko/{}.html">{}</a>'.format(
                slugify(s[0]), esc(s[0])) for s in SELLERS["kilat"])
        body = """<body><div id="app"><nav class="ssr">{links}</nav></div>
<script>window.__INITIAL_STATE__ = {state};</script>
<script src="/kilat/static/app.js" defer></script></body>""".format(
            links=links, state=json_script(state))
        self.nl("/kilat/", page("KilatMart - Belanja Kilat", body), "kilat",
                "home")

    def build_celoteh(self, listings):
        rng = self.rng
        # posts that sell nothing: tips, warnings passed on, daily life
        chatter = [
            ("infosehat.harian", "Jakarta", [
                "Sebelum beli jamu online, cek dulu nomor izin edarnya "
                "di situs resmi BPOM ya.",
                "Jamu yang bikin badan langsung enteng dalam hitungan menit "
                "patut dicurigai: bisa saja dicampur deksametason atau "
                "fenilbutazon."], ["cekbpom", "jamuaman"]),
            ("infosehat.harian", "Jakarta", [
                "Krim pemutih yang bikin putih dalam 3 hari biasanya "
                "mengandung merkuri. Kulit bisa rusak permanen.",
                "Pilih kosmetik yang punya nomor notifikasi."],
             ["kosmetikaman"]),
            ("dr.sehat.keluarga", "Bandung", [
                "Misoprostol dan tramadol adalah obat keras. Membelinya "
                "tanpa resep dari akun media sosial berbahaya dan "
                "melanggar hukum.",
                "Konsultasikan keluhan Anda ke fasilitas kesehatan."],
             ["obatkeras", "edukasi"]),
            ("tante.rina.jualan", "Bekasi", [
                "Hari ini libur jualan dulu ya, mau ke kondangan.",
                "Pesanan yang masuk dikirim besok pagi."], ["curhat"]),
            ("kulinerbekasi", "Bekasi", [
                "Nyobain nasi uduk dekat stasiun, enak banget dan murah!",
                "Sambalnya juara."], ["kuliner", "bekasi"]),
            ("ratuglowing.id", "Medan", [
                "Terima kasih buat 10 ribu pengikut! Giveaway minggu depan "
                "ya."], ["giveaway"]),
        ]
        posts = []
        for L in listings:
            if not L.disallowed:
                posts.append(("L", L))
        for c in chatter:
            pid = self.uid(100000000, 999999999)
            path = "/celoteh/post/{}.html".format(pid)
            handle, city, lines, tags = c
            tag_html = " ".join(
                '<a href="/celoteh/tag/{0}.html">#{0}</a>'.format(t)
                for t in tags)
            head = """<meta property="og:type" content="article">
<meta property="og:site_name" content="Celoteh">
<meta property="og:title" content="{t}">
<meta property="og:description" content="{d}">
<meta property="og:url" content="{u}">
""".format(t=esc(handle + " di Celoteh"), d=esc(" ".join(lines)[:200]),
           u=path)
            body = """<body class="celoteh"><header><a href="/celoteh/">Celoteh</a></header>
<article class="post"><div class="author"><a href="/celoteh/u/{h}.html">@{h}</a> · {city} · {date}</div>
<div class="text">{text}</div><p class="tags">{tags}</p>
<div class="stats">{likes} suka</div></article></body>""".format(
                h=esc(handle), city=esc(city), date=self.date(),
                text="<br>\n".join(esc(x) for x in lines), tags=tag_html,
                likes=rng.randint(5, 9000))
            self.nl(path, page(handle + " di Celoteh", body, head=head),
                    "celoteh", "social_post",
                    tags=["mentions_substances"] if any(
                        w in " ".join(lines) for w in (
                            "merkuri", "deksametason", "tramadol")) else [])
            posts.append(("C", (path, handle, tags)))
        # accounts
        handles = []
        for s in SELLERS["celoteh"]:
            handles.append(s[0])
        for c in chatter:
            if c[0] not in handles:
                handles.append(c[0])
        by_handle = {}
        tag_index = {}
        for kind, x in posts:
            if kind == "L":
                h, path, tags = x.seller[0], x.path, x.post_tags
            else:
                path, h, tags = x
            by_handle.setdefault(h, []).append(path)
            for t in tags:
                tag_index.setdefault(t, []).append(path)
        for h in handles:
            lis = "\n".join('<li><a href="{}">{}</a></li>'.format(
                esc(p), esc(p.rsplit("/", 1)[1])) for p in
                by_handle.get(h, []))
            bio = ""
            for s in SELLERS["celoteh"]:
                if s[0] == h and s[2]:
                    bio = "Jualan online · " + s[1]
            body = """<body class="celoteh"><header><a href="/celoteh/">Celoteh</a></header>
<h1>@{h}</h1><p class="bio">{bio}</p><ul>{lis}</ul></body>""".format(
                h=esc(h), bio=esc(bio), lis=lis)
            self.nl("/celoteh/u/{}.html".format(h), page(
                "@" + h + " | Celoteh", body), "celoteh", "account")
        for t in sorted(tag_index):
            lis = "\n".join('<li><a href="{}">{}</a></li>'.format(
                esc(p), esc(p.rsplit("/", 1)[1])) for p in tag_index[t])
            body = """<body class="celoteh"><header><a href="/celoteh/">Celoteh</a></header>
<h1>#{t}</h1><ul>{lis}</ul></body>""".format(t=esc(t), lis=lis)
            self.nl("/celoteh/tag/{}.html".format(t),
                    page("#" + t + " | Celoteh", body), "celoteh", "tag")
        # feed with pagination
        order = [(x.path if k == "L" else x[0]) for k, x in posts]
        rng.shuffle(order)
        pages = self.paginate(order, 15)
        for i, chunk in enumerate(pages):
            path = "/celoteh/" if i == 0 else "/celoteh/beranda-{}.html" \
                .format(i + 1)
            lis = "\n".join('<li><a href="{}">Lihat postingan</a></li>'
                            .format(esc(self.tracked(p, "feed")))
                            for p in chunk)
            nxt = ""
            head = ""
            if i + 1 < len(pages):
                nxt = '<a href="/celoteh/beranda-{}.html">Muat lebih ' \
                      'banyak</a>'.format(i + 2)
                head = '<link rel="next" href="/celoteh/beranda-{}.html">\n' \
                    .format(i + 2)
            accts = " · ".join('<a href="/celoteh/u/{0}.html">@{0}</a>'
                               .format(h) for h in handles)
            body = """<body class="celoteh"><header><a href="/celoteh/">Celoteh</a> · <a href="/celoteh/jelajah.html">Jelajah</a></header>
<h1>Beranda</h1><ul class="feed">{lis}</ul><p>{nxt}</p>
<p>Akun populer: {accts}</p></body>""".format(lis=lis, nxt=nxt, accts=accts)
            self.nl(path, page("Celoteh", body, head=head), "celoteh",
                    "feed")
        tags = " ".join('<a href="/celoteh/tag/{0}.html">#{0}</a>'.format(t)
                        for t in sorted(tag_index))
        body = """<body class="celoteh"><header><a href="/celoteh/">Celoteh</a></header>
<h1>Jelajah</h1><p>{tags}</p></body>""".format(tags=tags)
        self.nl("/celoteh/jelajah.html", page("Jelajah | Celoteh", body),
                "celoteh", "tag")
        body = """<body class="celoteh"><header><a href="/celoteh/">Celoteh</a></header>
<h1>Tentang Celoteh</h1>
<p>Celoteh adalah tempat berbagi cerita singkat, foto dan kabar terbaru.</p>
<p>Celoteh tidak mengizinkan unggahan yang menawarkan obat keras, psikotropika, atau barang yang belum punya izin edar. Laporkan konten semacam itu ke lapor@celoteh.id.</p></body>"""
        self.nl("/celoteh/tentang.html", page("Tentang | Celoteh", body),
                "celoteh", "about")

    def build_toko(self, listings):
        by_shop = {}
        for L in listings:
            by_shop.setdefault(L.shop["slug"], []).append(L)
        for shop in WEBSHOPS:
            items = [L for L in by_shop.get(shop["slug"], [])
                     if not L.sitemap_only]
            act = ACTORS[shop["actor"]]
            # the add-to-cart links are closed by robots.txt
            cards = "\n".join(
                '<li class="product"><a href="{}">{}</a> <span class="price">'
                '{}</span> <a class="add_to_cart_button" href="?add-to-cart='
                '{}">Beli</a></li>'.format(
                    esc(self.tracked(L.path, shop["slug"])),
                    esc(L.info["title"]),
                    esc(rupiah(L.info["price"], "rp_dec")), k + 101)
                for k, L in enumerate(items)) or \
                "<li>Produk segera hadir.</li>"
            body = """<body class="home woocommerce">
<header class="site-header"><a class="site-title" href="/toko/{slug}/">{name}</a> <span class="tagline">{tag}</span></header>
<main><h1>Produk Kami</h1><ul class="products">{cards}</ul></main>
{ftr}</body>""".format(slug=shop["slug"], name=esc(shop["name"]),
                       tag=esc(shop["tagline"]), cards=cards,
                       ftr=self.toko_footer(shop))
            self.nl("/toko/{}/".format(shop["slug"]), page(
                shop["name"] + " – " + shop["tagline"], body), "webshop",
                "shop_home")
            lines = ["Alamat: {}, Jawa".format(shop["city"]) if
                     shop["city"] in ("Sukoharjo", "Malang") else
                     "Alamat: " + shop["city"],
                     "WhatsApp: " + phone_display(self.rng, act["phone"])]
            if act["email"]:
                lines.append("Email: " + act["email"])
            if act["bank"]:
                lines.append("Pembayaran: transfer {} {} a.n. {}".format(
                    act["bank"][0], act["bank"][1], act["owner"]))
            lines.append("Jam buka: Senin - Sabtu, 08.00 - 20.00 WIB")
            body = """<body><header class="site-header"><a class="site-title" href="/toko/{slug}/">{name}</a></header>
<main><h1>Hubungi Kami</h1>{p}</main>{ftr}</body>""".format(
                slug=shop["slug"], name=esc(shop["name"]),
                p=self.paragraphs(lines), ftr=self.toko_footer(shop))
            self.nl("/toko/{}/kontak/".format(shop["slug"]), page(
                "Kontak – " + shop["name"], body), "webshop", "contact")
            body = """<body><header class="site-header"><a class="site-title" href="/toko/{slug}/">{name}</a></header>
<main><h1>Tentang {name}</h1><p>{tag}. Dikelola oleh {owner} dari {city}.</p></main>{ftr}</body>""".format(
                slug=shop["slug"], name=esc(shop["name"]),
                tag=esc(shop["tagline"]), owner=esc(act["owner"]),
                city=esc(shop["city"]), ftr=self.toko_footer(shop))
            self.nl("/toko/{}/tentang/".format(shop["slug"]), page(
                "Tentang – " + shop["name"], body), "webshop", "about")

    def build_baris(self, listings, private):
        boards = []
        for v in BARIS_BOARDS.values():
            if v not in boards:
                boards.append(v)
        public = [L for L in listings if not L.disallowed]
        for slug, name in boards:
            items = [L for L in public
                     if BARIS_BOARDS[L.a["commodity"]][0] == slug]
            pages = self.paginate(items, 6)
            for i, chunk in enumerate(pages):
                path = "/baris/forum/{}/".format(slug) + (
                    "" if i == 0 else "hal-{}.html".format(i + 1))
                rows = "\n".join(
                    '<tr><td><a href="{}">{}</a></td><td>{}</td></tr>'.format(
                        esc(self.tracked(L.path, "baris")),
                        esc(L.info["title"]), esc(L.seller[1]))
                    for L in chunk)
                nav = ""
                if i + 1 < len(pages):
                    nav = '<a href="hal-{}.html">Halaman berikut &raquo;' \
                          '</a>'.format(i + 2)
                if i > 0:
                    prev = "./" if i == 1 else "hal-{}.html".format(i)
                    nav = '<a href="{}">&laquo; Sebelumnya</a> '.format(
                        prev) + nav
                body = """<body bgcolor="#ffffee"><p><a href="/baris/">BARIS</a> &ndash; {name}</p>
<table border="1" cellpadding="4"><tr><th>Judul iklan</th><th>Lokasi</th></tr>
{rows}
</table><p>{nav}</p></body>""".format(name=esc(name), rows=rows, nav=nav)
                self.nl(path, page(name + " - Baris", body,
                                   charset="windows-1252"), "baris",
                        "category", encoding="cp1252")
        rows = "\n".join('<li><a href="iklan/{}">{}</a></li>'.format(
            L.path.rsplit("/", 1)[1], esc(L.info["title"])) for L in private)
        body = """<body bgcolor="#ffffee"><h1>Papan Anggota</h1>
<p>Khusus anggota terverifikasi. Iklan di sini tidak tampil untuk umum.</p>
<ul>{rows}</ul></body>""".format(rows=rows)
        self.nl("/baris/privat/", page("Papan Anggota - Baris", body,
                                       charset="windows-1252"), "baris",
                "board", encoding="cp1252", disallowed=True)
        links = "\n".join('<li><a href="forum/{}/">{}</a></li>'.format(
            s, esc(n)) for s, n in boards)
        body = """<body bgcolor="#ffffee"><h1>BARIS &ndash; Iklan Baris Nusantara</h1>
<p>Pasang dan cari iklan baris gratis, sejak 2009.</p>
<ul>{links}</ul>
<p><a href="privat/">Papan Anggota</a> &middot; <a href="pasang.html">Pasang Iklan</a> &middot; <a href="lapor.html">Lapor</a></p></body>""".format(
            links=links)
        self.nl("/baris/", page("Baris - Iklan Baris Nusantara", body,
                                charset="windows-1252"), "baris", "home",
                encoding="cp1252")
        body = """<body bgcolor="#ffffee"><h1>Pasang Iklan</h1>
<p>Admin menghapus tanpa pemberitahuan setiap iklan obat keras, psikotropika, dan barang yang belum berizin edar.</p>
<p><a href="/baris/">Kembali</a></p></body>"""
        self.nl("/baris/pasang.html", page("Pasang Iklan - Baris", body,
                                           charset="windows-1252"),
                "baris", "help", encoding="cp1252")
        body = """<body bgcolor="#ffffee"><h1>Laporkan Iklan</h1>
<p>Kirim nomor iklan dan alasannya ke admin@baris.web.id.</p>
<p><a href="/baris/">Kembali</a></p></body>"""
        self.nl("/baris/lapor.html", page("Lapor - Baris", body,
                                          charset="windows-1252"),
                "baris", "help", encoding="cp1252")

    def build_warta(self):
        """News and public warnings: they name everything, sell nothing."""
        # the warnings name the demo's own illegal products
        bad = {}
        for L in self.listings:
            if L.a["violations"] and L.a["key"] not in bad:
                bad[L.a["key"]] = L
        arts = [
            ("cara-cek-izin-edar", "Cara Mengecek Nomor Izin Edar Sebelum "
             "Membeli", [
                 "Nomor izin edar obat tradisional diawali TR, TI atau TL, "
                 "suplemen diawali SD, SI atau SL, kosmetik memakai nomor "
                 "notifikasi yang diawali NA sampai NE, dan pangan olahan "
                 "diawali MD atau ML.",
                 "Nomor yang tampak benar belum tentu asli: pastikan nama "
                 "produk dan merek di database resmi cocok dengan kemasan.",
                 "Contoh penulisan yang benar: POM TR 000000000 (nomor "
                 "ilustrasi)."]),
            ("bahaya-obat-kuat-ilegal", "Bahaya Obat Kuat Ilegal yang "
             "Dijual Bebas", [
                 "Jamu kuat yang bereaksi dalam hitungan menit hampir pasti "
                 "dicampur sildenafil atau tadalafil.",
                 "Bahan kimia obat itu berbahaya bagi penderita penyakit "
                 "jantung dan dapat menyebabkan kematian mendadak.",
                 "Kopi dan permen yang dijual sebagai penambah keperkasaan "
                 "juga sering mengandung bahan serupa."]),
            ("merkuri-di-krim-pemutih", "Merkuri di Krim Pemutih: Putih "
             "Sesaat, Rusak Selamanya", [
                 "Merkuri membuat kulit cepat putih, tetapi menumpuk di "
                 "tubuh dan merusak ginjal serta saraf.",
                 "Hidrokinon dan asam retinoat hanya boleh dipakai atas "
                 "resep dokter, bukan dalam kosmetik.",
                 "Waspadai krim racikan dalam pot polos tanpa label."]),
            ("jamu-gendong-tetap-digemari", "Jamu Gendong Tetap Digemari "
             "Anak Muda", [
                 "Kunyit asam dan beras kencur kini dijual dalam botol "
                 "kekinian.",
                 "Para pembuat jamu rumahan mulai mengurus izin agar bisa "
                 "berjualan di marketplace."]),
            ("tips-diet-sehat", "Tips Diet Sehat Tanpa Obat Pelangsing", [
                "Penurunan berat badan yang aman sekitar setengah sampai "
                "satu kilogram per minggu.",
                "Produk diet yang berjanji memangkas 10 kg dalam dua "
                "minggu patut dicurigai mengandung sibutramin, yang sudah "
                "ditarik dari peredaran."]),
            ("antibiotik-bukan-obat-warung", "Antibiotik Bukan Obat "
             "Warung", [
                 "Amoksisilin dan antibiotik lain termasuk obat keras yang "
                 "hanya boleh dibeli dengan resep dokter.",
                 "Minum antibiotik sembarangan membuat kuman kebal."]),
            ("mengenal-obat-bebas-terbatas", "Mengenal Tanda Lingkaran "
             "Biru pada Kemasan Obat", [
                 "Lingkaran hijau berarti obat bebas, lingkaran biru obat "
                 "bebas terbatas, dan lingkaran merah berhuruf K berarti "
                 "obat keras.",
                 "Sirup flu kombinasi yang mengandung dekstrometorfan "
                 "termasuk obat bebas terbatas, sedangkan dekstrometorfan "
                 "tunggal sudah dibatalkan izin edarnya."]),
        ]
        warn_src = []
        for key in sorted(bad):
            L = bad[key]
            warn_src.append(L)
        warnings = []
        for i in range(0, min(len(warn_src), 24), 3):
            group = warn_src[i:i + 3]
            slug = "temuan-{:02d}".format(i // 3 + 1)
            lines = ["Badan pengawas kembali menemukan produk berbahaya yang "
                     "beredar secara daring. Masyarakat diminta tidak "
                     "membeli dan tidak mengonsumsi produk berikut:"]
            for L in group:
                subst = ", ".join(sorted(set(
                    re.findall(r"\{S:([^{}]*)\}", " ".join(L.a["desc"])))))
                reason = {
                    "BKO": "mengandung bahan kimia obat",
                    "BANNED_INGREDIENT": "mengandung bahan dilarang",
                    "PRESCRIPTION_DRUG": "obat keras dijual tanpa resep",
                    "NO_NIE": "tidak memiliki izin edar",
                    "INVALID_NIE": "nomor izin edar tidak sesuai",
                    "ILLEGAL_CLAIM": "klaim berlebihan",
                }[L.a["violations"][0]]
                lines.append("{} ({}{})".format(
                    L.info["title"], reason,
                    ": " + subst if subst else ""))
            lines.append("Produk tersebut telah diusulkan untuk diturunkan "
                         "dari platform daring.")
            warnings.append((slug, "Peringatan Publik: {} Produk "
                             "Berbahaya Ditemukan Dijual Daring".format(
                                 len(group)), lines))
        all_links = []
        for slug, title, lines in arts:
            path = "/warta/artikel/{}.html".format(slug)
            body = """<body><header><a href="/warta/">Warta Sehat</a></header>
<article><h1>{t}</h1><p class="tgl">{d}</p>{p}</article>
<footer>Warta Sehat &middot; redaksi@wartasehat.id</footer></body>""".format(
                t=esc(title), d=self.date(), p=self.paragraphs(lines))
            self.nl(path, page(title + " - Warta Sehat", body), "info",
                    "article")
            all_links.append((path, title))
        for slug, title, lines in warnings:
            path = "/warta/peringatan/{}.html".format(slug)
            items = "".join("<li>{}</li>".format(esc(x)) for x in lines[1:-1])
            body = """<body><header><a href="/warta/">Warta Sehat</a></header>
<article class="peringatan"><h1>{t}</h1><p class="tgl">{d}</p>
<p>{intro}</p><ol>{items}</ol><p>{outro}</p>
<p><a href="/warta/unduh/daftar-temuan.csv">Unduh daftar temuan (CSV)</a></p></article></body>""".format(
                t=esc(title), d=self.date(), intro=esc(lines[0]), items=items,
                outro=esc(lines[-1]))
            self.nl(path, page(title + " - Warta Sehat", body), "info",
                    "warning")
            all_links.append((path, title))
        out = io.StringIO()
        w = csv.writer(out, lineterminator="\n")
        w.writerow(["produk", "pelanggaran"])
        for L in warn_src:
            w.writerow([L.info["title"], " ".join(L.a["violations"])])
        self.site.add("/warta/unduh/daftar-temuan.csv", out.getvalue(),
                      dict(platform="info", page_type="data"))
        lis = "\n".join('<li><a href="{}">{}</a></li>'.format(
            esc(p), esc(t)) for p, t in all_links)
        body = """<body><header><a href="/warta/">Warta Sehat</a></header>
<h1>Warta Sehat</h1><p>Berita kesehatan dan peringatan publik.</p>
<ul>{lis}</ul></body>""".format(lis=lis)
        self.nl("/warta/", page("Warta Sehat", body), "info", "home")

    def build_portal(self):
        body = """<body>
<h1>Pasar Nusantara</h1>
<p>Direktori belanja dan informasi daring (situs demo patroli; semua merek, toko dan nomor di sini fiktif).</p>
<ul>
<li><a href="/serbaada/">Serbaada</a> &ndash; marketplace serba ada</li>
<li><a href="/grosirku/">Grosirku</a> &ndash; grosir online</li>
<li><a href="/kilat/">KilatMart</a> &ndash; belanja kilat</li>
<li><a href="/celoteh/">Celoteh</a> &ndash; jejaring sosial</li>
<li><a href="/baris/">Baris</a> &ndash; iklan baris</li>
<li><a href="/warta/">Warta Sehat</a> &ndash; berita kesehatan</li>
</ul>
<h2>Toko online</h2>
<ul>
{shops}
</ul>
<p><a href="/tentang.html">Tentang</a> &middot; <a href="/kontak.html">Kontak</a> &middot; <a href="/privasi.html">Privasi</a></p>
</body>""".format(shops="\n".join(
            '<li><a href="/toko/{}/">{}</a></li>'.format(s["slug"],
                                                         esc(s["name"]))
            for s in WEBSHOPS))
        self.nl("/", page("Pasar Nusantara", body), "portal", "home")
        for slug, title, text in [
            ("tentang", "Tentang Pasar Nusantara",
             ["Pasar Nusantara adalah situs contoh yang dibuat untuk "
              "memperagakan patroli siber.",
              "Semua nama, merek, nomor telepon dan nomor registrasi di "
              "dalamnya rekaan belaka."]),
            ("kontak", "Kontak", ["Pertanyaan tentang situs ini: "
                                  "redaksi@pasarnusantara.id."]),
            ("privasi", "Kebijakan Privasi",
             ["Situs contoh ini tidak mengumpulkan data pengunjung."]),
        ]:
            body = "<body><h1>{}</h1>{}<p><a href=\"/\">Beranda</a></p>" \
                   "</body>".format(esc(title), self.paragraphs(text))
            self.nl("/{}.html".format(slug), page(title, body), "portal",
                    "help" if slug != "tentang" else "about")

    def build_static(self):
        svg = ('<svg xmlns="http://www.w3.org/2000/svg" width="360" '
               'height="360"><rect width="360" height="360" fill="#eee"/>'
               '<text x="180" y="185" text-anchor="middle" '
               'font-family="sans-serif" fill="#999">foto produk</text>'
               '</svg>\n')
        self.site.add("/static/img/produk.svg", svg,
                      dict(platform="portal", page_type="asset"))
        self.site.add("/kilat/static/app.js",
                      "/* KilatMart app bundle (demo: renders nothing) */\n",
                      dict(platform="kilat", page_type="asset"))
        self.site.add("/kilat/static/app.css", "body{margin:0}\n",
                      dict(platform="kilat", page_type="asset"))

    # ---- files beside the pages --------------------------------------------

    def robots(self, base):
        lines = [
            "# Pasar Nusantara (demo site of patroli)",
            "User-agent: *",
            "Disallow: /serbaada/akun/",
            "Allow: /serbaada/akun/daftar.html",
            "Disallow: /grosirku/keranjang/",
            "Disallow: /baris/privat/",
            "Disallow: /*?urut=",
            "Disallow: /*add-to-cart=",
            "",
        ]
        if base:
            lines.append("Sitemap: {}/sitemap.xml".format(base))
            lines.append("")
        return "\n".join(lines)

    def sitemap_xml(self, base):
        urls = "\n".join("  <url><loc>{}{}</loc></url>".format(base, esc(p))
                         for p in sorted(self.sitemap))
        return ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns='
                '"http://www.sitemaps.org/schemas/sitemap/0.9">\n{}\n'
                '</urlset>\n').format(urls)

    def finish(self):
        # robots.txt works as it is; the .in templates get the Sitemap line
        # and absolute <loc>s once demo/run.sh knows the port.
        self.site.add("/robots.txt", self.robots(None),
                      dict(platform="portal", page_type="robots"))
        self.site.write()
        out = self.site.out
        with open(os.path.join(out, "robots.txt.in"), "w") as f:
            f.write(self.robots("@BASE@"))
        with open(os.path.join(out, "sitemap.xml.in"), "w") as f:
            f.write(self.sitemap_xml("@BASE@"))
        with open(os.path.join(out, "labels.jsonl"), "w",
                  encoding="utf-8") as f:
            for path in sorted(self.site.pages):
                lab = self.site.pages[path][1]
                if lab["page_type"] in ("asset", "robots"):
                    continue
                f.write(json.dumps(lab, ensure_ascii=False,
                                   sort_keys=True) + "\n")
        with open(os.path.join(out, "registry.csv"), "w", newline="",
                  encoding="utf-8") as f:
            w = csv.DictWriter(f, fieldnames=[
                "nie", "product_name", "brand", "commodity", "holder",
                "status", "valid_until"], lineterminator="\n")
            w.writeheader()
            for r in sorted(self.registry, key=lambda r: r["nie"]):
                w.writerow(r)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--out", default=os.path.join(here, "site"))
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args()
    g = Gen(args.seed, args.out)
    g.build()
    g.finish()
    if not args.quiet:
        labs = [v[1] for v in g.site.pages.values()
                if v[1]["page_type"] not in ("asset", "robots")]
        listings = [x for x in labs if x["page_type"] == "listing"]
        flagged = [x for x in listings if x["violations"]]
        print("gen.py: {} files, {} pages, {} listings ({} with "
              "violations, {} behind robots.txt) in {}".format(
                  len(g.site.pages), len(labs), len(listings), len(flagged),
                  sum(1 for x in listings if x["disallowed"]), args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
