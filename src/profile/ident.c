/*
 * ident.c - contact identifiers of a listing (see ident.h).
 *
 * The scanner works on bytes in four passes over each text: bank and
 * e-wallet accounts first (their digits are claimed, so "BSI 0291828381"
 * never becomes a Kudus landline), then URLs written in the text, e-mail
 * addresses, handles introduced by a platform word, and phone numbers
 * last.  Every candidate is judged by its clause: the text from the last
 * separator before it (at most CLAUSE_BACK bytes) up to it, and a little
 * after it.  Cue words are matched case-insensitively on word boundaries,
 * so "wa" never matches inside "jawa".
 *
 * The page walk splits the visible text into content, chrome (header,
 * footer, nav) and comments by element names and class/id words; the
 * words are the ones templates use everywhere ("footer", "comment",
 * "review", "ulasan"), not any one site's.
 */
#include "profile/ident.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <libpsl.h>

#include "extract/extract.h"

#define CLAUSE_BACK  96 /* bytes of clause looked at before a candidate */
#define CLAUSE_AHEAD 40 /* and after it */
#define GAP_BACK     28 /* bytes before a number that may say what it is */
#define MAX_CLAIMS   256

static const char *const kind_names[IDENT__KINDS] = {"phone", "email", "bank",
						     "handle", "domain"};
static const char *const where_names[IDENT__WHERES] = {"text", "link", "data",
						       "footer", "site"};

const char *ident_kind_name(enum ident_kind k)
{
	return (unsigned)k < IDENT__KINDS ? kind_names[k] : "?";
}

int ident_kind_parse(const char *s, enum ident_kind *out)
{
	for (int i = 0; i < IDENT__KINDS; i++)
		if (!strcmp(s, kind_names[i])) {
			*out = (enum ident_kind)i;
			return 0;
		}
	return ERR_NOTFOUND;
}

const char *ident_where_name(enum ident_where w)
{
	return (unsigned)w < IDENT__WHERES ? where_names[w] : "?";
}

int ident_where_parse(const char *s, enum ident_where *out)
{
	for (int i = 0; i < IDENT__WHERES; i++)
		if (!strcmp(s, where_names[i])) {
			*out = (enum ident_where)i;
			return 0;
		}
	return ERR_NOTFOUND;
}

/* ---- the list -------------------------------------------------------------
 */

void ident_list_init(struct ident_list *l)
{
	l->n = 0;
	l->dropped = 0;
	l->candidates = 0;
}

bool ident_has(const struct ident_list *l, enum ident_kind kind,
	       const char *value)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].kind == kind && !strcmp(l->v[i].value, value))
			return true;
	return false;
}

int ident_add(struct ident_list *l, enum ident_kind kind,
	      enum ident_where where, bool cue, const char *value)
{
	size_t len = strlen(value);

	if (!len || len >= IDENT_VALUE_MAX)
		return ERR_INPUT;
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].kind == kind && !strcmp(l->v[i].value, value)) {
			l->v[i].cue |= cue;
			return 0;
		}
	if (l->n >= IDENT_MAX_PER_PAGE) {
		l->dropped++;
		return ERR_LIMIT;
	}
	l->v[l->n] = (struct ident){.kind = kind, .where = where, .cue = cue};
	memcpy(l->v[l->n].value, value, len + 1);
	l->n++;
	return 0;
}

/* ---- bytes and words ------------------------------------------------------
 */

static bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alpha(unsigned char c)
{
	return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

static bool is_alnum(unsigned char c)
{
	return is_digit(c) || is_alpha(c);
}

static unsigned char lc(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c | 0x20) : c;
}

/* Whether word `w` (lower case; may hold spaces and dots) starts at s[i]
 * on word boundaries inside [lo, hi). */
static bool word_at(const char *s, size_t lo, size_t hi, size_t i,
		    const char *w)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t k = 0;

	if (i > lo && is_alnum(u[i - 1]) && is_alnum((unsigned char)w[0]))
		return false;
	for (; w[k]; k++)
		if (i + k >= hi || lc(u[i + k]) != (unsigned char)w[k])
			return false;
	return !(i + k < hi && is_alnum(u[i + k]) &&
		 is_alnum((unsigned char)w[k - 1]));
}

/* Whether any word of `list` (NULL-terminated) occurs in s[lo, hi). */
static bool has_word(const char *s, size_t lo, size_t hi,
		     const char *const *list)
{
	for (size_t i = lo; i < hi; i++) {
		unsigned char c = lc((unsigned char)s[i]);

		if (i > lo && is_alnum((unsigned char)s[i - 1]) && is_alnum(c))
			continue; /* not at a word start */
		for (const char *const *w = list; *w; w++)
			if ((unsigned char)(*w)[0] == c &&
			    word_at(s, lo, hi, i, *w))
				return true;
	}
	return false;
}

/* Start of the last occurrence of a word of `list` in s[lo, hi), or -1. */
static long last_word(const char *s, size_t lo, size_t hi,
		      const char *const *list)
{
	for (size_t i = hi; i-- > lo;) {
		unsigned char c = lc((unsigned char)s[i]);

		if (i > lo && is_alnum((unsigned char)s[i - 1]) && is_alnum(c))
			continue;
		for (const char *const *w = list; *w; w++)
			if ((unsigned char)(*w)[0] == c &&
			    word_at(s, lo, hi, i, *w))
				return (long)i;
	}
	return -1;
}

/* The separator ending at s[i-1] (returns its length), or 0: line
 * breaks, "|", ";", "·", "•", "—", " / " and " - ". */
static size_t sep_before(const unsigned char *u, size_t lo, size_t i)
{
	unsigned char c = u[i - 1];

	if (c == '\n' || c == '\r' || c == '|' || c == ';')
		return 1;
	if (i - lo >= 2 && c == 0xB7 && u[i - 2] == 0xC2) /* · */
		return 2;
	if (i - lo >= 3 && u[i - 3] == 0xE2 && u[i - 2] == 0x80 &&
	    (c == 0xA2 || c == 0x94)) /* • — */
		return 3;
	if (i - lo >= 3 && u[i - 3] == ' ' && (c == ' ') &&
	    (u[i - 2] == '/' || u[i - 2] == '-'))
		return 3;
	return 0;
}

/* Start of the clause holding s[i]: just after the last separator within
 * CLAUSE_BACK bytes. */
static size_t clause_start(const char *s, size_t lo, size_t i)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t stop = i - lo > CLAUSE_BACK ? i - CLAUSE_BACK : lo;

	for (size_t k = i; k > stop; k--)
		if (sep_before(u, stop, k))
			return k;
	return stop;
}

/* End of the clause after s[j]: the next separator within CLAUSE_AHEAD. */
static size_t clause_end(const char *s, size_t hi, size_t j)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t stop = hi - j > CLAUSE_AHEAD ? j + CLAUSE_AHEAD : hi;

	for (size_t k = j; k < stop; k++)
		if (sep_before(u, j, k + 1))
			return k;
	return stop;
}

/* ---- cue words -------------------------------------------------------------
 * Words of Indonesian online selling, not of any one site. */

/* An order or contact cue: the seller asks to be reached or paid. */
static const char *const cue_order[] = {
	"order",     "pesan",	   "pemesanan", "wa",	       "whatsapp",
	"whats app", "hubungi",	   "hub",	"kontak",      "contact",
	"hp",	     "telp",	   "tlp",	"telepon",     "telpon",
	"tel",	     "call",	   "sms",	"chat",	       "info",
	"rek",	     "rekening",   "norek",	"transfer",    "tf",
	"bayar",     "pembayaran", "a.n",	"a/n",	       "atas nama",
	"dm",	     "follow",	   "ig",	"instagram",   "telegram",
	"tele",	     "tiktok",	   "email",	"e-mail",      "cod",
	"admin",     "cs",	   "respon",	"fast respon", "minat",
	"reseller",  "dropship",   "join",	"gabung",      "line",
	"kirim",     NULL};

/* Cues that make a bare number a phone number. */
static const char *const cue_phone[] = {
	"wa",	   "whatsapp", "hp",	  "telp", "tlp", "telepon",
	"telpon",  "tel",      "phone",	  "call", "sms", "hub",
	"hubungi", "kontak",   "contact", "chat", NULL};

/* The number is someone else's: a courier's, or said not to be the
 * seller's. */
static const char *const cue_courier[] = {
	"kurir",	"ekspedisi", "cek resi", "resi", "bukan penjual",
	"bukan seller", "driver",    "sopir",	 NULL};
/* A new statement of the seller's own after a courier's: "... cek resi
 * aja ya. Order sebelum jam 3, hubungi ...". */
static const char *const cue_restart[] = {
	"order", "hubungi",    "kontak",   "contact",  "pemesanan", "pesan",
	"info",	 "pembayaran", "transfer", "rekening", "bayar",	    NULL};
static const char *const cue_courier_after[] = {"cek resi", "bukan penjual",
						"bukan seller", "kurir", NULL};

/* In page chrome: the platform's own service lines. */
static const char *const cue_service[] = {
	"cs",	      "customer service", "customer care", "call center",
	"callcenter", "layanan",	  "bantuan",	   "pengaduan",
	"lapor",      "laporkan",	  "support",	   "powered by",
	"admin",      "hotline",	  "helpdesk",	   "kantor",
	"copyright",  "hak cipta",	  "bukan penjual", "pusat",
	NULL};

/* Words right before a number that say it is not a phone: registration,
 * certificate, order, tracking and identity numbers. */
static const char *const cue_number[] = {"bpom",
					 "pom",
					 "nie",
					 "reg",
					 "registrasi",
					 "izin edar",
					 "ijin edar",
					 "irt",
					 "pirt",
					 "p-irt",
					 "spp-irt",
					 "sni",
					 "md",
					 "ml",
					 "halal",
					 "sertifikat",
					 "batch",
					 "lot",
					 "exp",
					 "kedaluwarsa",
					 "kadaluarsa",
					 "nik",
					 "npwp",
					 "ktp",
					 "sku",
					 "kode",
					 "barcode",
					 "ean",
					 "invoice",
					 "inv",
					 "resi",
					 "awb",
					 "order id",
					 "id order",
					 "order no",
					 "no order",
					 "no. order",
					 "nomor order",
					 "no pesanan",
					 "no. pesanan",
					 "nomor pesanan",
					 "id pesanan",
					 "kode pesanan",
					 "trx",
					 "transaksi",
					 "serial",
					 "imei",
					 "akl",
					 "akd",
					 "pkrt",
					 "dkl",
					 "dbl",
					 "gkl",
					 "tr",
					 "ti",
					 "tl",
					 "sd",
					 "si",
					 "sl",
					 "qd",
					 "ql",
					 "qi",
					 "na",
					 "nb",
					 "nc",
					 "nd",
					 "ne",
					 "ht",
					 "ff",
					 NULL};

/* Money right before a number. */
static const char *const cue_money[] = {"rp",	 "idr",	     "harga",  "usd",
					"$",	 "diskon",   "ongkir", "hemat",
					"total", "cashback", "rb",     NULL};

/* Units and money right after a number. */
static const char *const cue_unit[] = {
	"rb",	 "ribu", "k",	   "jt",     "juta",   "rp",	"%",
	"gr",	 "gram", "g",	   "ml",     "mg",     "kg",	"l",
	"pcs",	 "x",	 "kapsul", "tablet", "sachet", "box",	"botol",
	"cm",	 "mm",	 "mcg",	   "iu",     "lembar", "strip", "pack",
	"tahun", "hari", "bulan",  "jam",    "menit",  NULL};

/* Role mailboxes: in chrome they are the platform's. */
static const char *const role_mailbox[] = {
	"cs",	   "care",	"support", "help",    "bantuan", "admin",
	"noreply", "no-reply",	"abuse",   "privacy", "lapor",	 "pengaduan",
	"halo",	   "hello",	"iklan",   "ads",     "legal",	 "info",
	"layanan", "webmaster", NULL};

/* ---- phone numbers --------------------------------------------------------
 */

#define TOK_MAX_GROUPS 12
#define TOK_MAX_DIGITS 24

struct tok {
	size_t start, end; /* bytes of the whole written number */
	char dig[TOK_MAX_DIGITS + 1];
	size_t nd;
	bool plus, toolong;
	int ng;
	unsigned char glen[TOK_MAX_GROUPS]; /* digits per group */
	size_t gend[TOK_MAX_GROUPS];	    /* byte offset after each group */
	bool dot_only;			    /* every separator a single '.' */
};

/* Validate digits as an Indonesian number; `plus` for "+", `grouped`
 * when the area code stood apart ("021-...").  Writes E.164. */
static int phone_digits(const char *d, size_t nd, bool plus, bool cued,
			bool grouped, char out[IDENT_VALUE_MAX])
{
	const char *nat;
	size_t nn;
	bool intl = false;

	if (nd >= 4 && !memcmp(d, "0062", 4)) {
		d += 2;
		nd -= 2;
		plus = true;
	}
	if (nd >= 2 && d[0] == '6' && d[1] == '2' && (plus || nd >= 11)) {
		nat = d + 2;
		nn = nd - 2;
		intl = true;
		if (nn && nat[0] == '0') { /* "+62 (0)812" */
			nat++;
			nn--;
		}
	} else if (plus) {
		return ERR_INPUT; /* another country */
	} else if (nd && d[0] == '0') {
		nat = d + 1;
		nn = nd - 1;
	} else if (cued && nd && d[0] == '8') {
		nat = d; /* "WA 812..." */
		nn = nd;
	} else {
		return ERR_INPUT;
	}
	if (!nn)
		return ERR_INPUT;
	if (nat[0] == '8') {
		/* 080x: toll-free, universal and premium numbers of
		 * companies, never a seller's line. */
		if (nn < 9 || nn > 12 || nat[1] == '0')
			return ERR_INPUT;
	} else if (nat[0] >= '2' && nat[0] <= '9') {
		/* a landline: area code 2-3 digits, subscriber 5-8 */
		if (nn < 8 || nn > 10 || !(intl || cued || grouped))
			return ERR_INPUT;
	} else {
		return ERR_INPUT;
	}
	if (snprintf(out, IDENT_VALUE_MAX, "+62%.*s", (int)nn, nat) >=
	    IDENT_VALUE_MAX)
		return ERR_INPUT;
	return 0;
}

/* Whether c (and what follows) separates digit groups of one number. */
static size_t tok_sep(const unsigned char *u, size_t n, size_t j, bool *dot)
{
	size_t k = j, nsep = 0;

	*dot = false;
	while (k < n && nsep < 3) {
		unsigned char c = u[k];
		if (c == ' ' || c == '-' || c == '.' || c == '(' || c == ')') {
			*dot |= c == '.';
			k++;
		} else if (c == 0xC2 && k + 1 < n && u[k + 1] == 0xA0) {
			k += 2;
		} else {
			break;
		}
		nsep++;
	}
	if (*dot && (nsep != 1 || u[j] != '.'))
		*dot = false;
	return k - j;
}

/* Read the written number starting at s[i]; false when none starts here. */
static bool tok_read(const char *s, size_t n, size_t i, struct tok *t)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t j = i;

	memset(t, 0, sizeof(*t));
	t->start = i;
	t->dot_only = true;
	if (j < n && u[j] == '(' && j + 1 < n &&
	    (u[j + 1] == '+' || is_digit(u[j + 1])))
		j++;
	if (j < n && u[j] == '+') {
		t->plus = true;
		j++;
		if (j < n && u[j] == ' ')
			j++;
	}
	/* "O812..." : a letter O for the leading zero (evasion) */
	if (j + 1 < n && (u[j] == 'O' || u[j] == 'o') && u[j + 1] == '8' &&
	    !t->plus) {
		t->dig[t->nd++] = '0';
		j++;
	}
	if (j >= n || !is_digit(u[j]))
		return false;
	for (;;) {
		unsigned g = 0;
		size_t sl, k;
		bool dot;

		while (j < n && is_digit(u[j])) {
			if (t->nd < TOK_MAX_DIGITS)
				t->dig[t->nd++] = (char)u[j];
			else
				t->toolong = true;
			g++;
			j++;
		}
		if (t->ng < TOK_MAX_GROUPS) {
			t->glen[t->ng] = (unsigned char)MIN(g, 255u);
			t->gend[t->ng++] = j;
		} else {
			t->toolong = true;
		}
		if (t->plus && t->ng == 1 && j < n && u[j] == ')') {
			j++; /* "(+62)" */
			if (j < n && is_digit(u[j]))
				continue;
		}
		sl = tok_sep(u, n, j, &dot);
		k = j + sl;
		if (!sl || k >= n || !is_digit(u[k]))
			break;
		/* A space before a lone digit ends the number ("... 2 botol");
		 * so does a space before a new number once this one is
		 * complete ("0812... 0857..."). */
		if (sl == 1 && u[j] == ' ' &&
		    (k + 1 >= n || !is_digit(u[k + 1])))
			break;
		if (u[k] == '0' && u[j] == ' ' && t->nd >= 10 && !t->plus) {
			char tmp[IDENT_VALUE_MAX];
			if (!phone_digits(t->dig, t->nd, false, true, true,
					  tmp))
				break;
		}
		t->dot_only &= dot;
		j = k;
		if (j - i > 64)
			t->toolong = true;
		if (t->toolong && j - i > 256)
			break;
	}
	t->dig[t->nd] = '\0';
	t->end = j;
	return true;
}

/* Money written with thousands dots ("125.000", "1.250.000"). */
static bool tok_money(const struct tok *t)
{
	if (t->plus || t->ng < 2 || !t->dot_only || t->glen[0] > 3 ||
	    t->dig[0] == '0')
		return false;
	for (int g = 1; g < t->ng; g++)
		if (t->glen[g] != 3)
			return false;
	return true;
}

/* A date: d-m-yyyy or yyyy-m-d (with any separators). */
static bool tok_date(const struct tok *t)
{
	int y = 0;
	const char *d = t->dig;

	if (t->ng < 3)
		return false;
	if (t->glen[0] <= 2 && t->glen[1] <= 2 && t->glen[2] == 4) {
		d += t->glen[0] + t->glen[1];
	} else if (t->glen[0] != 4 || t->glen[1] > 2 || t->glen[2] > 2) {
		return false;
	}
	for (int k = 0; k < 4; k++)
		y = y * 10 + (d[k] - '0');
	return y >= 1900 && y <= 2100;
}

/* Byte spans taken by accounts, not to be read again as phones. */
struct claims {
	size_t a[MAX_CLAIMS][2];
	size_t n;
};

static bool claimed(const struct claims *c, size_t lo, size_t hi)
{
	for (size_t i = 0; i < c->n; i++)
		if (lo < c->a[i][1] && hi > c->a[i][0])
			return true;
	return false;
}

static void claim(struct claims *c, size_t lo, size_t hi)
{
	if (c->n < MAX_CLAIMS) {
		c->a[c->n][0] = lo;
		c->a[c->n][1] = hi;
		c->n++;
	}
}

struct scan {
	struct ident_list *l;
	const char *s;
	size_t n;
	enum ident_zone zone;
	enum ident_where where;
	struct claims claims;
};

/* Judge a candidate at s[a, b) by its clause: false when it is someone
 * else's; *cue receives whether an order cue introduces it. */
static bool clause_ok(const struct scan *sc, size_t a, size_t b, bool *cue)
{
	size_t cs = clause_start(sc->s, 0, a), ce = clause_end(sc->s, sc->n, b);

	*cue = has_word(sc->s, cs, a, cue_order);
	if (last_word(sc->s, cs, a, cue_courier) >
		    last_word(sc->s, cs, a, cue_restart) ||
	    has_word(sc->s, b, ce, cue_courier_after))
		return false;
	if (sc->zone == IDENT_ZONE_CHROME)
		return *cue && !has_word(sc->s, cs, a, cue_service) &&
		       !has_word(sc->s, b, ce, cue_service);
	return true;
}

static bool budget(struct scan *sc)
{
	return ++sc->l->candidates <= IDENT_MAX_CANDIDATES;
}

/* The bytes between the previous digit (or the clause start) and a. */
static size_t gap_start(const char *s, size_t a)
{
	size_t lo = clause_start(s, 0, a), k = a;
	size_t stop = a > GAP_BACK ? a - GAP_BACK : 0;

	stop = MAX(stop, lo);
	while (k > stop && !is_digit((unsigned char)s[k - 1]))
		k--;
	return k;
}

/* A unit or money word right after s[e] ("150 rb", "500 mg"). */
static bool unit_after(const char *s, size_t n, size_t e)
{
	size_t k = e;

	while (k < n && k < e + 2 && s[k] == ' ')
		k++;
	if (k >= n || is_digit((unsigned char)s[k]))
		return false;
	for (const char *const *w = cue_unit; *w; w++)
		if (word_at(s, k, n, k, *w))
			return true;
	return false;
}

static void scan_phones(struct scan *sc)
{
	const unsigned char *u = (const unsigned char *)sc->s;
	size_t i = 0, n = sc->n;
	struct tok t;

	while (i < n) {
		char val[IDENT_VALUE_MAX];
		size_t g, e;
		bool cue, cued, grouped;
		int ng;

		if (!(is_digit(u[i]) || u[i] == '+' || u[i] == '(' ||
		      u[i] == 'O' || u[i] == 'o') ||
		    (i && is_alnum(u[i - 1])) ||
		    (i >= 2 &&
		     (u[i - 1] == '.' || u[i - 1] == ',' || u[i - 1] == '/' ||
		      u[i - 1] == '-' || u[i - 1] == ':') &&
		     is_digit(u[i - 2]))) {
			i++;
			continue;
		}
		if (!tok_read(sc->s, n, i, &t)) {
			i++;
			continue;
		}
		i = MAX(t.end, i + 1);
		if (t.nd < 8 || !budget(sc))
			continue;
		if (claimed(&sc->claims, t.start, t.end) || tok_money(&t) ||
		    tok_date(&t))
			continue;
		g = gap_start(sc->s, t.start);
		if (has_word(sc->s, g, t.start, cue_number) ||
		    has_word(sc->s, g, t.start, cue_money))
			continue;
		cued = has_word(sc->s, clause_start(sc->s, 0, t.start), t.start,
				cue_phone);
		/* The whole number, or when it runs on (a second number
		 * or a quantity after it), its longest leading groups
		 * that are a phone number. */
		ng = 0;
		grouped = t.ng > 1 && t.glen[0] >= 3 && t.glen[0] <= 4;
		if (!t.toolong &&
		    !phone_digits(t.dig, t.nd, t.plus, cued, grouped, val))
			ng = t.ng;
		else if (t.toolong || t.nd > (t.plus ? 14u : 13u))
			for (int k = t.ng - 1; k > 0 && !ng; k--) {
				size_t nd = 0;
				for (int m = 0; m < k; m++)
					nd += t.glen[m];
				if (nd >= 10 && nd <= 15 &&
				    !phone_digits(t.dig, nd, t.plus, cued,
						  grouped, val))
					ng = k;
			}
		if (!ng)
			continue;
		e = t.gend[ng - 1];
		if (e < n && is_alpha(u[e]))
			continue; /* "0812abc", "2000mg" */
		if (unit_after(sc->s, n, e))
			continue;
		if (!clause_ok(sc, t.start, e, &cue))
			continue;
		ident_add(sc->l, IDENT_PHONE, sc->where, cue || cued, val);
	}
}

int ident_phone_norm(const char *s, size_t n, bool cued,
		     char out[IDENT_VALUE_MAX])
{
	struct tok t;
	size_t i = 0;
	bool grouped;

	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (!tok_read(s, n, i, &t) || t.toolong)
		return ERR_INPUT;
	while (t.end < n && (s[t.end] == ' ' || s[t.end] == '\t'))
		t.end++;
	if (t.end != n || tok_money(&t) || tok_date(&t))
		return ERR_INPUT;
	grouped = t.ng > 1 && t.glen[0] >= 3 && t.glen[0] <= 4;
	return phone_digits(t.dig, t.nd, t.plus, cued, grouped, out);
}

/* ---- bank and e-wallet accounts -------------------------------------------
 */

struct bank_name {
	const char *word; /* lower case, as written */
	const char *code; /* label */
	bool wallet;	  /* keyed by a phone number */
};

/* Longer names first: "bri syariah" before "bri".  BRI Syariah, BNI
 * Syariah and Mandiri Syariah merged into BSI in 2021. */
static const struct bank_name banks[] = {
	{"bank central asia", "BCA", false},
	{"bank rakyat indonesia", "BRI", false},
	{"bank negara indonesia", "BNI", false},
	{"bank syariah indonesia", "BSI", false},
	{"bri syariah", "BSI", false},
	{"bni syariah", "BSI", false},
	{"mandiri syariah", "BSI", false},
	{"bank mandiri", "MANDIRI", false},
	{"cimb niaga", "CIMB", false},
	{"bank jago", "JAGO", false},
	{"bank mega", "MEGA", false},
	{"bank dki", "DKI", false},
	{"allo bank", "ALLO", false},
	{"bca", "BCA", false},
	{"bri", "BRI", false},
	{"bris", "BSI", false},
	{"bni", "BNI", false},
	{"mandiri", "MANDIRI", false},
	{"bsi", "BSI", false},
	{"bsm", "BSI", false},
	{"cimb", "CIMB", false},
	{"permata", "PERMATA", false},
	{"danamon", "DANAMON", false},
	{"btn", "BTN", false},
	{"ocbc", "OCBC", false},
	{"panin", "PANIN", false},
	{"maybank", "MAYBANK", false},
	{"muamalat", "MUAMALAT", false},
	{"bjb", "BJB", false},
	{"btpn", "BTPN", false},
	{"jenius", "BTPN", false},
	{"seabank", "SEABANK", false},
	{"shopeepay", "SHOPEEPAY", true},
	{"shopee pay", "SHOPEEPAY", true},
	{"gopay", "GOPAY", true},
	{"go-pay", "GOPAY", true},
	{"linkaja", "LINKAJA", true},
	{"link aja", "LINKAJA", true},
	{"dana", "DANA", true},
	{"ovo", "OVO", true},
	{"isaku", "ISAKU", true},
};

static const char *const rek_words[] = {"no",	 "nomor", "rek",     "rekening",
					"norek", "acc",	  "account", "a/c",
					"no.",	 "akun",  NULL};

/* Skip what sellers write between a bank's name and the number: spaces,
 * punctuation, "no rek", "rekening". */
static size_t skip_filler(const char *s, size_t n, size_t j)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t start = j;

	while (j < n && j - start < 24) {
		bool w = false;
		if (strchr(" :.#-=()", u[j]) && u[j]) {
			j++;
			continue;
		}
		if (u[j] == 0xC2 && j + 1 < n && u[j + 1] == 0xA0) {
			j += 2;
			continue;
		}
		for (const char *const *r = rek_words; *r && !w; r++)
			if (word_at(s, j, n, j, *r)) {
				j += strlen(*r);
				w = true;
			}
		if (!w)
			break;
	}
	return j;
}

/* Read account digits at s[j] ("0123-01-000123-50-1", "836 150 618"). */
static size_t account_digits(const char *s, size_t n, size_t j, char *d,
			     size_t *nd)
{
	const unsigned char *u = (const unsigned char *)s;

	*nd = 0;
	while (j < n) {
		if (is_digit(u[j])) {
			if (*nd >= 24)
				return 0;
			d[(*nd)++] = (char)u[j++];
		} else if ((u[j] == '-' || u[j] == '.' || u[j] == ' ') &&
			   j + 1 < n && is_digit(u[j + 1]) && *nd) {
			j++;
		} else {
			break;
		}
	}
	d[*nd] = '\0';
	if (j < n && is_alpha(u[j]))
		return 0;
	return j;
}

static const struct bank_name *bank_at(const char *s, size_t n, size_t i)
{
	if (i && is_alnum((unsigned char)s[i - 1]))
		return NULL;
	for (size_t b = 0; b < ARRAY_LEN(banks); b++)
		if (lc((unsigned char)s[i]) ==
			    (unsigned char)banks[b].word[0] &&
		    word_at(s, 0, n, i, banks[b].word))
			return &banks[b];
	return NULL;
}

static bool add_account(struct scan *sc, const struct bank_name *bk,
			const char *d, size_t nd, size_t a, size_t e)
{
	char val[IDENT_VALUE_MAX], ph[IDENT_VALUE_MAX];
	bool cue;

	if (bk->wallet) {
		if (phone_digits(d, nd, false, true, true, ph))
			return false;
		if (!clause_ok(sc, a, e, &cue))
			return true;
		snprintf(val, sizeof(val), "%s:%.40s", bk->code, ph);
		ident_add(sc->l, IDENT_BANK, sc->where, true, val);
		ident_add(sc->l, IDENT_PHONE, sc->where, true, ph);
		return true;
	}
	if (nd < 7 || nd > 18)
		return false;
	if (!clause_ok(sc, a, e, &cue))
		return true;
	snprintf(val, sizeof(val), "%s:%s", bk->code, d);
	ident_add(sc->l, IDENT_BANK, sc->where, true, val);
	return true;
}

static void scan_banks(struct scan *sc)
{
	const char *s = sc->s;
	size_t n = sc->n;

	for (size_t i = 0; i < n; i++) {
		const struct bank_name *bk;
		char d[32];
		size_t j, e, nd;
		unsigned char c = lc((unsigned char)s[i]);

		if (!is_alpha(c) || (i && is_alnum((unsigned char)s[i - 1])))
			continue;
		if ((bk = bank_at(s, n, i))) {
			/* "BCA 1234567890", "Mandiri: 836-150-..." */
			j = skip_filler(s, n, i + strlen(bk->word));
			if (j >= n || !is_digit((unsigned char)s[j]))
				continue;
			if (!budget(sc))
				return;
			e = account_digits(s, n, j, d, &nd);
			if (e && add_account(sc, bk, d, nd, i, e)) {
				claim(&sc->claims, j, e);
				i = e - 1;
			}
			continue;
		}
		if (word_at(s, 0, n, i, "rek") ||
		    word_at(s, 0, n, i, "rekening") ||
		    word_at(s, 0, n, i, "norek")) {
			/* "rek 1234567890 BCA a.n. ..." */
			size_t k;
			j = skip_filler(s, n, i);
			if (j >= n || !is_digit((unsigned char)s[j]))
				continue;
			e = account_digits(s, n, j, d, &nd);
			if (!e)
				continue;
			k = e;
			while (k < n && k < e + 4 &&
			       (s[k] == ' ' || s[k] == '(' || s[k] == '-'))
				k++;
			if (k < n && (bk = bank_at(s, n, k)) && !bk->wallet &&
			    budget(sc) && add_account(sc, bk, d, nd, i, e)) {
				claim(&sc->claims, j, e);
				i = e - 1;
			}
		}
	}
}

/* ---- e-mail -----------------------------------------------------------------
 */

static bool mail_local(unsigned char c)
{
	return is_alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' ||
	       c == '-';
}

static bool mail_host(unsigned char c)
{
	return is_alnum(c) || c == '.' || c == '-';
}

/* A file name, not an address: "logo@2x.png". */
static bool file_suffix(const char *tld, size_t n)
{
	static const char *const ext[] = {"png",  "jpg", "jpeg", "gif", "webp",
					  "svg",  "css", "js",	 "ico", "bmp",
					  "avif", "mp4", NULL};
	for (const char *const *e = ext; *e; e++)
		if (strlen(*e) == n && !strncasecmp(tld, *e, n))
			return true;
	return false;
}

/* Normalise the address s[a, b) (lower case) into out; false if it is
 * not one. */
static bool email_norm(const char *s, size_t a, size_t at, size_t b,
		       char out[IDENT_VALUE_MAX])
{
	size_t last_dot = 0, k;

	if (at == a || at - a > 64 || b - at - 1 < 4 || b - a >= 120)
		return false;
	if (s[a] == '.' || s[at - 1] == '.' || s[at + 1] == '.' ||
	    s[at + 1] == '-' || s[b - 1] == '-' || s[b - 1] == '.')
		return false;
	for (k = a; k < at; k++)
		if (!mail_local((unsigned char)s[k]))
			return false;
	for (k = at + 1; k < b; k++) {
		if (!mail_host((unsigned char)s[k]))
			return false;
		if (s[k] == '.') {
			if (s[k - 1] == '.')
				return false;
			last_dot = k;
		}
	}
	if (!last_dot || b - last_dot - 1 < 2)
		return false;
	for (k = last_dot + 1; k < b; k++)
		if (!is_alpha((unsigned char)s[k]))
			return false;
	if (file_suffix(s + last_dot + 1, b - last_dot - 1))
		return false;
	for (k = a; k < b; k++)
		out[k - a] = (char)lc((unsigned char)s[k]);
	out[b - a] = '\0';
	return true;
}

static void scan_emails(struct scan *sc)
{
	const char *s = sc->s, *p = s;
	size_t n = sc->n;

	while ((p = memchr(p, '@', (size_t)(s + n - p)))) {
		size_t at = (size_t)(p - s), a = at, b = at + 1;
		char val[IDENT_VALUE_MAX];
		bool cue;

		p++;
		while (a > 0 && at - a < 70 &&
		       mail_local((unsigned char)s[a - 1]))
			a--;
		while (b < n && b - at < 190 && mail_host((unsigned char)s[b]))
			b++;
		while (b > at + 1 && (s[b - 1] == '.' || s[b - 1] == '-'))
			b--; /* sentence end */
		while (a < at && s[a] == '.')
			a++;
		if (a == at || !budget(sc))
			continue;
		if (!email_norm(s, a, at, b, val))
			continue;
		if (!clause_ok(sc, a, b, &cue))
			continue;
		if (sc->zone == IDENT_ZONE_CHROME) {
			bool role = false;
			for (const char *const *r = role_mailbox; *r; r++)
				role |= strlen(*r) == at - a &&
					!strncmp(val, *r, at - a);
			if (role)
				continue;
		}
		ident_add(sc->l, IDENT_EMAIL, sc->where, cue, val);
		p = s + b;
	}
}

/* ---- social handles ---------------------------------------------------------
 */

struct handle_site {
	const char *prefix; /* "ig" */
	size_t min, max;    /* name length */
	const char *extra;  /* characters allowed besides [a-z0-9] */
};

static const struct handle_site site_ig = {"ig", 1, 30, "._"};
static const struct handle_site site_tt = {"tt", 2, 24, "._"};
/* Telegram names have no dots; sellers write them anyway. */
static const struct handle_site site_tg = {"tg", 3, 32, "._"};
static const struct handle_site site_x = {"x", 1, 15, "_"};
static const struct handle_site site_fb = {"fb", 3, 50, ".-_"};

/* Validate and add "prefix:name"; the name is lower-cased, a leading "@"
 * and a trailing "." dropped. */
static bool add_handle(struct ident_list *l, const struct handle_site *hs,
		       const char *name, size_t n, enum ident_where where,
		       bool cue)
{
	char val[IDENT_VALUE_MAX];
	size_t k, o;

	if (n && name[0] == '@') {
		name++;
		n--;
	}
	while (n && (name[n - 1] == '.' || name[n - 1] == '-'))
		n--;
	if (n < hs->min || n > hs->max)
		return false;
	o = (size_t)snprintf(val, sizeof(val), "%s:", hs->prefix);
	for (k = 0; k < n; k++) {
		unsigned char c = lc((unsigned char)name[k]);
		if (!is_alnum(c) && !strchr(hs->extra, c))
			return false;
		val[o++] = (char)c;
	}
	val[o] = '\0';
	if (name[0] == '.')
		return false;
	return ident_add(l, IDENT_HANDLE, where, cue, val) == 0;
}

/* First path segment of a URL path ("/name/..." → "name"). */
static size_t seg(const char *p, size_t n, size_t *len)
{
	size_t a = 0;

	while (a < n && p[a] == '/')
		a++;
	*len = 0;
	while (a + *len < n && !strchr("/?#", p[a + *len]))
		(*len)++;
	return a;
}

static bool reserved(const char *w, size_t n, const char *const *list)
{
	for (const char *const *r = list; *r; r++)
		if (strlen(*r) == n && !strncasecmp(w, *r, n))
			return true;
	return false;
}

static const char *const ig_reserved[] = {
	"p",	   "reel", "reels",  "explore", "accounts",
	"stories", "tv",   "direct", "about",	"developer",
	"legal",   "web",  "share",  "sharer",	NULL};
static const char *const tg_reserved[] = {
	"share", "joinchat",	"addstickers", "iv",	"proxy", "c",
	"socks", "setlanguage", "addemoji",    "login", NULL};
static const char *const x_reserved[] = {
	"intent",   "share",	     "home",	 "i",	    "search",
	"hashtag",  "explore",	     "settings", "login",   "signup",
	"messages", "notifications", "tos",	 "privacy", NULL};
static const char *const fb_reserved[] = {
	"sharer",	 "sharer.php", "share.php", "share",
	"dialog",	 "groups",     "events",    "watch",
	"photo",	 "photo.php",  "photos",    "story.php",
	"permalink.php", "login",      "login.php", "help",
	"policies",	 "tr",	       "plugins",   "marketplace",
	"hashtag",	 "search",     "people",    "gaming",
	"business",	 "ads",	       "l.php",	    NULL};

/* The value of query parameter `name` in q[0, n). */
static bool query_param(const char *q, size_t n, const char *name,
			const char **v, size_t *vn)
{
	size_t ln = strlen(name);

	for (size_t i = 0; i + ln < n; i++) {
		if ((i == 0 || q[i - 1] == '?' || q[i - 1] == '&') &&
		    !strncasecmp(q + i, name, ln) && q[i + ln] == '=') {
			*v = q + i + ln + 1;
			*vn = 0;
			while (i + ln + 1 + *vn < n && !strchr("&#", (*v)[*vn]))
				(*vn)++;
			return true;
		}
	}
	return false;
}

static bool host_is(const char *h, size_t hn, const char *name)
{
	size_t ln = strlen(name);

	if (hn == ln)
		return !strncasecmp(h, name, ln);
	/* subdomains: www., m., web., mobile., api., id. */
	return hn > ln && h[hn - ln - 1] == '.' &&
	       !strncasecmp(h + hn - ln, name, ln);
}

/* A phone from digits written in a link (wa.me/62..., phone=...); "%2B"
 * and "+" are allowed in front. */
static bool link_phone(struct ident_list *l, const char *v, size_t vn,
		       enum ident_where where)
{
	char d[32], val[IDENT_VALUE_MAX];
	size_t nd = 0;
	bool plus = false;

	if (vn >= 3 && !strncasecmp(v, "%2b", 3)) {
		v += 3;
		vn -= 3;
		plus = true;
	} else if (vn && (v[0] == '+' || v[0] == ' ')) {
		v++;
		vn--;
		plus = true;
	}
	for (size_t k = 0; k < vn && nd < sizeof(d) - 1; k++) {
		if (is_digit((unsigned char)v[k]))
			d[nd++] = v[k];
		else if (v[k] == '%' && k + 2 < vn && v[k + 1] == '2' &&
			 v[k + 2] == '0')
			k += 2; /* an encoded space */
		else if (v[k] != '-' && v[k] != '.' && v[k] != ' ')
			break;
	}
	if (nd < 9 || phone_digits(d, nd, plus || (nd >= 11 && d[0] == '6'),
				   true, true, val))
		return false;
	return ident_add(l, IDENT_PHONE, where, true, val) == 0;
}

int ident_scan_url(struct ident_list *l, const char *url, size_t n,
		   enum ident_where where, bool cue)
{
	const char *h, *p, *name;
	size_t hn, pn, a, ln, before = l->n;
	const char *v;
	size_t vn;

	if (n > 2048)
		n = 2048;
	while (n && (url[0] == ' ' || url[0] == '\t' || url[0] == '\n')) {
		url++;
		n--;
	}
	if (n > 4 && !strncasecmp(url, "tel:", 4)) {
		char val[IDENT_VALUE_MAX];
		size_t e = 4;
		while (e < n && !strchr("?;#", url[e]))
			e++;
		if (!ident_phone_norm(url + 4, e - 4, true, val))
			ident_add(l, IDENT_PHONE, where, true, val);
		return (int)(l->n - before);
	}
	if (n > 7 && !strncasecmp(url, "mailto:", 7)) {
		char val[IDENT_VALUE_MAX];
		size_t e = 7, at = 0;
		while (e < n && !strchr("?,;#", url[e])) {
			if (url[e] == '@')
				at = e;
			e++;
		}
		if (at && email_norm(url, 7, at, e, val))
			ident_add(l, IDENT_EMAIL, where, true, val);
		return (int)(l->n - before);
	}
	if (n > 9 && !strncasecmp(url, "whatsapp:", 9)) {
		if (query_param(url, n, "phone", &v, &vn))
			link_phone(l, v, vn, where);
		return (int)(l->n - before);
	}
	if (n > 8 && !strncasecmp(url, "https://", 8)) {
		url += 8;
		n -= 8;
	} else if (n > 7 && !strncasecmp(url, "http://", 7)) {
		url += 7;
		n -= 7;
	} else if (n > 2 && url[0] == '/' && url[1] == '/') {
		url += 2;
		n -= 2;
	}
	h = url;
	for (hn = 0; hn < n && !strchr("/?#:", h[hn]); hn++)
		;
	p = h + hn;
	pn = n - hn;
	if (pn && p[0] == ':') { /* a port */
		while (pn && !strchr("/?#", p[0])) {
			p++;
			pn--;
		}
	}
	a = seg(p, pn, &ln);
	name = p + a;
	if (host_is(h, hn, "wa.me")) {
		if (ln && strncmp(name, "message", ln))
			link_phone(l, name, ln, where);
		else if (query_param(p, pn, "phone", &v, &vn))
			link_phone(l, v, vn, where);
	} else if (host_is(h, hn, "whatsapp.com") ||
		   host_is(h, hn, "whatsapp.net")) {
		if (query_param(p, pn, "phone", &v, &vn))
			link_phone(l, v, vn, where);
	} else if (host_is(h, hn, "t.me") || host_is(h, hn, "telegram.me") ||
		   host_is(h, hn, "telegram.dog")) {
		if (ln == 1 && name[0] == 's') { /* t.me/s/name: preview */
			a = seg(name + 1, pn - a - 1, &ln);
			name = name + 1 + a;
		}
		if (ln && name[0] != '+' && !reserved(name, ln, tg_reserved))
			add_handle(l, &site_tg, name, ln, where, cue);
	} else if (host_is(h, hn, "instagram.com") ||
		   host_is(h, hn, "instagr.am")) {
		if (ln && !reserved(name, ln, ig_reserved))
			add_handle(l, &site_ig, name, ln, where, cue);
	} else if (host_is(h, hn, "tiktok.com")) {
		if (ln > 1 && name[0] == '@')
			add_handle(l, &site_tt, name, ln, where, cue);
	} else if (host_is(h, hn, "twitter.com") || host_is(h, hn, "x.com")) {
		if (ln && !reserved(name, ln, x_reserved))
			add_handle(l, &site_x, name, ln, where, cue);
	} else if (host_is(h, hn, "facebook.com") || host_is(h, hn, "fb.com") ||
		   host_is(h, hn, "fb.me")) {
		if (ln == 11 && !strncasecmp(name, "profile.php", 11)) {
			if (query_param(p, pn, "id", &v, &vn))
				add_handle(l, &site_fb, v, vn, where, cue);
		} else if (ln && !reserved(name, ln, fb_reserved)) {
			add_handle(l, &site_fb, name, ln, where, cue);
		}
	}
	return (int)(l->n - before);
}

/* URLs written in the text ("t.me/novi", "wa.me/6281...",
 * "tiktok.com/@name"). */
static void scan_text_urls(struct scan *sc)
{
	static const char *const marks[] = {"wa.me/",
					    "whatsapp.com/",
					    "t.me/",
					    "telegram.me/",
					    "instagram.com/",
					    "instagr.am/",
					    "tiktok.com/@",
					    "twitter.com/",
					    "x.com/",
					    "facebook.com/",
					    "fb.com/",
					    "fb.me/",
					    NULL};
	const char *s = sc->s;
	size_t n = sc->n;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = lc((unsigned char)s[i]);

		if (!strchr("wtifx", c) || !c)
			continue;
		for (const char *const *m = marks; *m; m++) {
			size_t ml = strlen(*m), e = i + ml;
			bool cue;

			if (c != (unsigned char)(*m)[0] || e > n ||
			    strncasecmp(s + i, *m, ml))
				continue;
			if (i && (is_alnum((unsigned char)s[i - 1]) ||
				  s[i - 1] == '-'))
				continue;
			while (e < n && e - i < 300 &&
			       !strchr(" \t\r\n<>\"'`()[]{}|,", s[e]) &&
			       (unsigned char)s[e] < 0x80)
				e++;
			if (!budget(sc))
				return;
			if (!clause_ok(sc, i, e, &cue))
				break;
			ident_scan_url(sc->l, s + i, e - i, sc->where, true);
			i = e - 1;
			break;
		}
	}
}

/* "IG: @name", "follow ig @name", "tele bambang21", "TikTok: @name",
 * "Telegram: @name". */
static void scan_handles(struct scan *sc)
{
	static const struct {
		const char *word;
		const struct handle_site *site;
	} words[] = {
		{"instagram", &site_ig}, {"insta", &site_ig},
		{"ig", &site_ig},	 {"tiktok", &site_tt},
		{"tik tok", &site_tt},	 {"telegram", &site_tg},
		{"tele", &site_tg},	 {"tg", &site_tg},
		{"twitter", &site_x},	 {"x", &site_x},
		{"facebook", &site_fb},	 {"fb", &site_fb},
	};
	const char *s = sc->s;
	size_t n = sc->n;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = lc((unsigned char)s[i]);

		if (!strchr("itfx", c) || !c ||
		    (i && is_alnum((unsigned char)s[i - 1])))
			continue;
		for (size_t w = 0; w < ARRAY_LEN(words); w++) {
			size_t j, a, e;
			bool at = false, colon = false, odd = false, cue;

			if (!word_at(s, 0, n, i, words[w].word))
				continue;
			j = i + strlen(words[w].word);
			while (j < n && j - i < 16 &&
			       (s[j] == ' ' || s[j] == ':' || s[j] == '-' ||
				s[j] == '=')) {
				colon |= s[j] == ':';
				j++;
			}
			if (j < n && s[j] == '@') {
				at = true;
				j++;
			}
			a = j;
			while (j < n && j - a < 64 &&
			       (is_alnum((unsigned char)s[j]) || s[j] == '.' ||
				s[j] == '_')) {
				odd |= !is_alpha((unsigned char)s[j]);
				j++;
			}
			e = j;
			if (e == a || (e < n && (s[e] == '/' || s[e] == '@')))
				break; /* a URL or an address: not here */
			/* "x" alone is a word: only "X: @name". */
			if (words[w].site == &site_x &&
			    !strcmp(words[w].word, "x") && !(colon && at))
				break;
			if (!at && !colon && !odd)
				break; /* "ig kami", "tele ini" */
			if (!budget(sc))
				return;
			if (!clause_ok(sc, i, e, &cue))
				break;
			if (add_handle(sc->l, words[w].site, s + a, e - a,
				       sc->where, true))
				i = e - 1;
			break;
		}
	}
}

void ident_scan_text(struct ident_list *l, const char *s, size_t n,
		     enum ident_zone zone, enum ident_where where)
{
	struct scan *sc;

	if (!s || !n)
		return;
	sc = xmalloc(sizeof(*sc));
	sc->l = l;
	sc->s = s;
	sc->n = MIN(n, (size_t)IDENT_MAX_SCAN);
	sc->zone = zone;
	sc->where = where;
	sc->claims.n = 0;
	scan_banks(sc);
	scan_text_urls(sc);
	scan_emails(sc);
	scan_handles(sc);
	scan_phones(sc);
	free(sc);
}

/* ---- domains
 * ------------------------------------------------------------------ */

int ident_domain_of(const char *host, char out[IDENT_VALUE_MAX])
{
	const psl_ctx_t *psl = psl_builtin();
	unsigned char addr[16];
	const char *d;
	size_t k, n;

	if (!host || !*host || !psl || strchr(host, ':') || host[0] == '[' ||
	    inet_pton(AF_INET, host, addr) == 1 || !strchr(host, '.'))
		return ERR_NOTFOUND;
	d = psl_registrable_domain(psl, host);
	if (!d || (n = strlen(d)) >= IDENT_VALUE_MAX)
		return ERR_NOTFOUND;
	for (k = 0; k < n; k++)
		out[k] = (char)lc((unsigned char)d[k]);
	out[n] = '\0';
	return 0;
}

/* ---- the page walk
 * ------------------------------------------------------------ */

enum zone { Z_CONTENT, Z_CHROME, Z_SKIP };

struct link {
	const char *href;
	enum zone zone;
	size_t off; /* in that zone's text */
};

struct walk {
	struct buf text[2]; /* content, chrome */
	struct link *links;
	size_t nlinks;
};

static bool attr_has(xmlNodePtr n, const char *const *words)
{
	static const char *const names[] = {"class", "id"};

	for (size_t i = 0; i < ARRAY_LEN(names); i++) {
		for (xmlAttrPtr a = n->properties; a; a = a->next) {
			const char *v;
			if (!a->name ||
			    strcasecmp((const char *)a->name, names[i]) ||
			    !a->children || !a->children->content)
				continue;
			v = (const char *)a->children->content;
			for (const char *const *w = words; *w; w++)
				if (strcasestr(v, *w))
					return true;
		}
	}
	return false;
}

static const char *href_of(xmlNodePtr n)
{
	for (xmlAttrPtr a = n->properties; a; a = a->next)
		if (a->name && !strcasecmp((const char *)a->name, "href"))
			return a->children && a->children->content
				       ? (const char *)a->children->content
				       : NULL;
	return NULL;
}

static bool name_in(const char *name, const char *const *list)
{
	for (const char *const *w = list; *w; w++)
		if (!strcasecmp(name, *w))
			return true;
	return false;
}

static const char *const skip_tags[] = {
	"script", "style",  "noscript", "template", "head", "svg",
	"select", "iframe", "object",	"textarea", NULL};
static const char *const chrome_tags[] = {"footer", "header", "nav", NULL};
static const char *const block_tags[] = {
	"address", "article", "aside",	"blockquote", "br",	    "dd",
	"div",	   "dl",      "dt",	"fieldset",   "figcaption", "figure",
	"footer",  "form",    "h1",	"h2",	      "h3",	    "h4",
	"h5",	   "h6",      "header", "hr",	      "li",	    "main",
	"nav",	   "ol",      "p",	"pre",	      "section",    "table",
	"tr",	   "ul",      "tbody",	NULL};
/* Buyers' words: comments, replies, reviews, discussions. */
static const char *const comment_words[] = {
	"comment", "komentar", "reply",	     "replies",	 "balas", "review",
	"ulasan",  "diskusi",  "discussion", "testimon", NULL};
static const char *const chrome_words[] = {
	"footer", "foot", "ftr", "colophon", "copyright", "topbar", NULL};

static enum zone elem_zone(xmlNodePtr n, enum zone parent)
{
	const char *name = (const char *)n->name;

	if (parent == Z_SKIP || name_in(name, skip_tags) ||
	    attr_has(n, comment_words))
		return Z_SKIP;
	if (parent == Z_CHROME || name_in(name, chrome_tags) ||
	    attr_has(n, chrome_words))
		return Z_CHROME;
	return Z_CONTENT;
}

static void put_text(struct buf *b, const char *t, bool pre)
{
	for (; *t; t++) {
		char c = *t;
		if (!pre && (c == '\n' || c == '\r' || c == '\t'))
			c = ' ';
		if (c == ' ' && b->len && b->p[b->len - 1] == ' ')
			continue;
		if (buf_putc(b, c))
			return;
	}
}

static void put_break(struct buf *b, char c)
{
	if (b->len && b->p[b->len - 1] != '\n' && b->p[b->len - 1] != c)
		buf_putc(b, c);
}

#define WALK_MAX_NODES 500000
#define WALK_MAX_DEPTH 512

static void walk_doc(htmlDocPtr doc, struct walk *w)
{
	enum zone zs[WALK_MAX_DEPTH + 1];
	bool pres[WALK_MAX_DEPTH + 1];
	xmlNodePtr n = xmlDocGetRootElement(doc);
	int depth = 0;
	size_t visited = 0;

	zs[0] = Z_CONTENT;
	pres[0] = false;
	while (n && visited++ < WALK_MAX_NODES) {
		enum zone z = zs[depth];
		bool down = false;

		if (n->type == XML_ELEMENT_NODE && n->name) {
			const char *name = (const char *)n->name;
			enum zone ez = elem_zone(n, z);

			if (ez != Z_SKIP && name_in(name, block_tags))
				put_break(&w->text[ez], '\n');
			if (ez != Z_SKIP && (!strcasecmp(name, "td") ||
					     !strcasecmp(name, "th")))
				put_break(&w->text[ez], '\t');
			if (ez != Z_SKIP && (!strcasecmp(name, "a") ||
					     !strcasecmp(name, "area"))) {
				const char *href = href_of(n);
				if (href && w->nlinks < IDENT_MAX_LINKS)
					w->links[w->nlinks++] = (struct link){
						href, ez, w->text[ez].len};
			}
			if (ez != Z_SKIP && n->children &&
			    depth < WALK_MAX_DEPTH) {
				zs[depth + 1] = ez;
				pres[depth + 1] =
					pres[depth] || !strcasecmp(name, "pre");
				depth++;
				n = n->children;
				down = true;
			}
		} else if ((n->type == XML_TEXT_NODE ||
			    n->type == XML_CDATA_SECTION_NODE) &&
			   z != Z_SKIP && n->content) {
			put_text(&w->text[z], (const char *)n->content,
				 pres[depth]);
		}
		if (down)
			continue;
		while (n && !n->next && depth > 0) {
			enum zone pz = zs[depth]; /* the parent's own zone */

			n = n->parent;
			depth--;
			if (n && n->type == XML_ELEMENT_NODE && n->name &&
			    pz != Z_SKIP &&
			    name_in((const char *)n->name, block_tags))
				put_break(&w->text[pz], '\n');
		}
		n = n ? n->next : NULL;
	}
}

/* A link judged by the text around its anchor. */
static void scan_link(struct ident_list *l, const struct walk *w,
		      const struct link *k)
{
	struct scan sc = {.l = l,
			  .s = w->text[k->zone].p,
			  .n = w->text[k->zone].len,
			  .zone = k->zone == Z_CHROME ? IDENT_ZONE_CHROME
						      : IDENT_ZONE_CONTENT};
	size_t off = MIN(k->off, sc.n), e = off;
	bool cue;

	if (!sc.s)
		sc.s = "";
	/* the anchor's own words count as its clause's end */
	while (e < sc.n && e - off < 24 && sc.s[e] != '\n')
		e++;
	if (++l->candidates > IDENT_MAX_CANDIDATES)
		return;
	if (sc.zone == IDENT_ZONE_CHROME) {
		size_t cs = clause_start(sc.s, 0, off);
		if (has_word(sc.s, cs, e, cue_service) ||
		    has_word(sc.s, cs, e, cue_courier))
			return;
	} else if (!clause_ok(&sc, off, off, &cue)) {
		return;
	}
	ident_scan_url(l, k->href, strlen(k->href),
		       k->zone == Z_CHROME ? IDENT_W_FOOTER : IDENT_W_LINK,
		       true);
}

static bool independent(const struct extract_result *er)
{
	return er->kind == EXTRACT_KIND_WEBSHOP ||
	       (er->kind == EXTRACT_KIND_UNKNOWN && er->is_listing);
}

void ident_page(struct ident_list *l, const struct extract_result *er,
		htmlDocPtr doc)
{
	static const char *const data_fields[] = {"title",
						  "description",
						  "og_title",
						  "og_description",
						  "meta_description",
						  "property",
						  "image_alt",
						  NULL};
	bool own = independent(er);
	char dom[IDENT_VALUE_MAX];

	if (er->kind == EXTRACT_KIND_NEWS || er->kind == EXTRACT_KIND_PORTAL)
		return; /* articles quote numbers; they sell nothing */
	if (doc) {
		struct walk w = {0};

		buf_init(&w.text[0], IDENT_MAX_SCAN);
		buf_init(&w.text[1], IDENT_MAX_SCAN);
		w.links = xcalloc(IDENT_MAX_LINKS, sizeof(*w.links));
		walk_doc(doc, &w);
		ident_scan_text(l, w.text[0].p, w.text[0].len,
				IDENT_ZONE_CONTENT, IDENT_W_TEXT);
		/* A platform's chrome is the platform's; a shop's is its
		 * own. */
		if (own)
			ident_scan_text(l, w.text[1].p, w.text[1].len,
					IDENT_ZONE_CHROME, IDENT_W_FOOTER);
		for (size_t i = 0; i < w.nlinks; i++)
			if (w.links[i].zone == Z_CONTENT || own)
				scan_link(l, &w, &w.links[i]);
		buf_release(&w.text[0]);
		buf_release(&w.text[1]);
		free(w.links);
	}
	for (size_t i = 0; i < er->n_fields; i++)
		if (name_in(er->fields[i].name, data_fields))
			ident_scan_text(l, er->fields[i].text,
					er->fields[i].len, IDENT_ZONE_CONTENT,
					IDENT_W_DATA);
	if (own && !ident_domain_of(er->host, dom))
		ident_add(l, IDENT_DOMAIN, IDENT_W_SITE, false, dom);
}

/* ---- JSON ------------------------------------------------------------------
 */

json_t *ident_json(const struct ident_list *l)
{
	json_t *o = json_object();

	for (int k = 0; k < IDENT__KINDS; k++) {
		json_t *a = json_array();
		for (size_t i = 0; i < l->n; i++)
			if ((int)l->v[i].kind == k)
				json_array_append_new(
					a, json_string(l->v[i].value));
		json_object_set_new(o, kind_names[k], a);
	}
	return o;
}

json_t *ident_sources_json(const struct ident_list *l)
{
	json_t *a = json_array();

	for (size_t i = 0; i < l->n; i++) {
		json_t *o = json_object();
		json_object_set_new(o, "kind",
				    json_string(kind_names[l->v[i].kind]));
		json_object_set_new(o, "value", json_string(l->v[i].value));
		json_object_set_new(o, "where",
				    json_string(where_names[l->v[i].where]));
		json_object_set_new(o, "cue", json_boolean(l->v[i].cue));
		json_array_append_new(a, o);
	}
	return a;
}

void ident_finding_json(json_t *finding, const struct extract_result *er,
			htmlDocPtr doc)
{
	struct ident_list *l = xmalloc(sizeof(*l));

	ident_list_init(l);
	ident_page(l, er, doc);
	json_object_set_new(finding, "identifiers", ident_json(l));
	json_object_set_new(finding, "identifier_sources",
			    ident_sources_json(l));
	if (l->dropped)
		json_object_set_new(finding, "identifiers_dropped",
				    json_integer((json_int_t)l->dropped));
	free(l);
}
