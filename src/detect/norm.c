/*
 * norm.c - evasion-proof text normalisation with an offset map (norm.h).
 *
 * Design: the input is decoded once into an array of units (code point,
 * original offset).  Every later step (emoji resolution, joining spaced
 * letters, substitutions, squeezing) rewrites that array in place, never
 * growing it, so each unit keeps the offset of the byte it came from.  The
 * last step encodes the units as UTF-8 and writes one map entry per output
 * byte.  ASCII, which is nearly all marketplace text, takes a table-free fast
 * path; utf8proc is called only for non-ASCII code points.
 */
#include "detect/norm.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

struct norm_unit {
	uint32_t cp;
	uint32_t off;
};

/* A pictograph, resolved to "nothing" or a space once its neighbours are
 * known.  Control characters never survive decoding, so 1 is free. */
#define U_EMOJI 1u

static char norm_empty[1];

void norm_init(struct norm *n)
{
	memset(n, 0, sizeof(*n));
	n->text = norm_empty;
}

void norm_release(struct norm *n)
{
	if (n->cap)
		free(n->text);
	free(n->map);
	free(n->u);
	norm_init(n);
}

void norm_reset(struct norm *n)
{
	n->len = 0;
	if (n->cap)
		n->text[0] = '\0';
}

static inline bool is_lower(uint32_t c)
{
	return c >= 'a' && c <= 'z';
}

static inline bool is_digit(uint32_t c)
{
	return c >= '0' && c <= '9';
}

static inline bool is_vowel(uint32_t c)
{
	return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
}

/* A letter of another script (kept as is, counts as part of a word). */
static inline bool is_other_letter(uint32_t c)
{
	return c >= 0x80;
}

static inline void push(struct norm *n, uint32_t cp, uint32_t off)
{
	if (n->u_len == n->u_cap)
		n->u = xgrow(n->u, &n->u_cap, n->u_len + 1, sizeof(*n->u));
	n->u[n->u_len++] = (struct norm_unit){cp, off};
}

/* Latin look-alikes from Cyrillic and Greek, after case folding.  Sellers
 * type "сialis" with a Cyrillic es to get past filters. */
static uint32_t confusable(uint32_t c)
{
	static const uint32_t tab[][2] = {
		{0x0131, 'i'}, {0x0251, 'a'}, {0x0261, 'g'}, {0x03b1, 'a'},
		{0x03b5, 'e'}, {0x03b9, 'i'}, {0x03ba, 'k'}, {0x03bd, 'v'},
		{0x03bf, 'o'}, {0x03c1, 'p'}, {0x03c4, 't'}, {0x03c5, 'u'},
		{0x03c7, 'x'}, {0x0430, 'a'}, {0x0435, 'e'}, {0x043a, 'k'},
		{0x043c, 'm'}, {0x043e, 'o'}, {0x0440, 'p'}, {0x0441, 'c'},
		{0x0443, 'y'}, {0x0445, 'x'}, {0x0455, 's'}, {0x0456, 'i'},
		{0x0458, 'j'}, {0x04bb, 'h'}, {0x04cf, 'l'}, {0x0501, 'd'},
	};
	size_t lo = 0, hi = ARRAY_LEN(tab);

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (tab[mid][0] == c)
			return tab[mid][1];
		if (tab[mid][0] < c)
			lo = mid + 1;
		else
			hi = mid;
	}
	return c;
}

/* One ASCII byte, already case-folded where it is a letter. */
static inline void push_ascii(struct norm *n, uint32_t c, uint32_t off)
{
	if (c >= 'A' && c <= 'Z')
		c += 32;
	else if (c == '\n' || c == '\r' || c == '\v' || c == '\f')
		c = '\n';
	else if (c < 0x20 || c == 0x7f)
		c = ' ';
	push(n, c, off);
}

/* Letters drawn as enclosed or squared capitals (🅥🅘🅐🅖🅡🅐): utf8proc has
 * no compatibility mapping for these, but they spell words all the same. */
static uint32_t enclosed_letter(uint32_t cp)
{
	if (cp >= 0x1F130 && cp <= 0x1F149)
		return 'a' + (cp - 0x1F130);
	if (cp >= 0x1F150 && cp <= 0x1F169)
		return 'a' + (cp - 0x1F150);
	if (cp >= 0x1F170 && cp <= 0x1F189)
		return 'a' + (cp - 0x1F170);
	return 0;
}

static void push_decomposed(struct norm *n, uint32_t d, uint32_t off)
{
	const utf8proc_property_t *p;

	if (d < 0x80) {
		push_ascii(n, d, off);
		return;
	}
	p = utf8proc_get_property((utf8proc_int32_t)d);
	switch (p->category) {
	case UTF8PROC_CATEGORY_LU:
	case UTF8PROC_CATEGORY_LL:
	case UTF8PROC_CATEGORY_LT:
	case UTF8PROC_CATEGORY_LM:
	case UTF8PROC_CATEGORY_LO:
	case UTF8PROC_CATEGORY_ND:
	case UTF8PROC_CATEGORY_NL:
	case UTF8PROC_CATEGORY_NO:
		push(n, confusable(d), off);
		break;
	case UTF8PROC_CATEGORY_ZL:
	case UTF8PROC_CATEGORY_ZP:
		push(n, '\n', off);
		break;
	case UTF8PROC_CATEGORY_SO:
	case UTF8PROC_CATEGORY_SK:
	case UTF8PROC_CATEGORY_CO:
	case UTF8PROC_CATEGORY_CS:
	case UTF8PROC_CATEGORY_CN:
		push(n, U_EMOJI, off);
		break;
	default: /* spaces, punctuation, math symbols, controls */
		push(n, ' ', off);
		break;
	}
}

static void fold_cp(struct norm *n, uint32_t cp, uint32_t off)
{
	const utf8proc_property_t *p =
		utf8proc_get_property((utf8proc_int32_t)cp);
	utf8proc_int32_t d[16];
	utf8proc_ssize_t k;
	int bc = 0;
	uint32_t e;

	if (p->ignorable)
		return;
	if ((e = enclosed_letter(cp))) {
		push(n, e, off);
		return;
	}
	k = utf8proc_decompose_char(
		(utf8proc_int32_t)cp, d, (utf8proc_ssize_t)ARRAY_LEN(d),
		UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD |
			UTF8PROC_STRIPMARK | UTF8PROC_IGNORE,
		&bc);
	if (k < 0 || k > (utf8proc_ssize_t)ARRAY_LEN(d)) {
		push(n, ' ', off);
		return;
	}
	/* A symbol that decomposes to one letter is a letter in disguise
	 * (circled "ⓢ"); to several ("™" -> "tm") it is decoration. */
	if (k > 1 && (p->category == UTF8PROC_CATEGORY_SO ||
		      p->category == UTF8PROC_CATEGORY_SK)) {
		push(n, U_EMOJI, off);
		return;
	}
	for (utf8proc_ssize_t i = 0; i < k; i++)
		push_decomposed(n, (uint32_t)d[i], off);
}

/* Step 1: decode and fold into n->u. */
static void decode(struct norm *n, const char *in, size_t len, uint32_t base)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t i = 0;

	n->u_len = 0;
	while (i < len) {
		if (s[i] < 0x80) {
			push_ascii(n, s[i], base + (uint32_t)i);
			i++;
			continue;
		}
		utf8proc_int32_t cp;
		utf8proc_ssize_t k = utf8proc_iterate(
			s + i, (utf8proc_ssize_t)(len - i), &cp);
		if (k <= 0) {
			push(n, ' ', base + (uint32_t)i); /* invalid byte */
			i++;
			continue;
		}
		fold_cp(n, (uint32_t)cp, base + (uint32_t)i);
		i += (size_t)k;
	}
}

/* Emoji between two letters vanish ("sil💊denafil"); elsewhere they
 * separate words ("🔥viagra🔥"). */
static void resolve_emoji(struct norm *n)
{
	struct norm_unit *u = n->u;
	size_t w = 0, r = 0;

	while (r < n->u_len) {
		if (u[r].cp != U_EMOJI) {
			u[w++] = u[r++];
			continue;
		}
		size_t e = r;
		while (e < n->u_len && u[e].cp == U_EMOJI)
			e++;
		bool before = w > 0 && (is_lower(u[w - 1].cp) ||
					is_other_letter(u[w - 1].cp));
		bool after = e < n->u_len &&
			     (is_lower(u[e].cp) || is_other_letter(u[e].cp));
		if (!(before && after))
			u[w++] = (struct norm_unit){' ', u[r].off};
		r = e;
	}
	n->u_len = w;
}

/* Characters that make up a word for joining and substitution. */
static inline bool is_tok(uint32_t c)
{
	return is_lower(c) || is_digit(c) || c == '@' || c == '$' ||
	       is_other_letter(c);
}

static inline bool is_join_sep(uint32_t c)
{
	return c == ' ' || c == '.' || c == '-' || c == '_' || c == '*' ||
	       c == '/' || c == '+' || c == '~' || c == '|' || c == '\'';
}

/* A one-character token: u[i] is alphanumeric and has no word character
 * on either side. */
static bool is_single(const struct norm_unit *u, size_t n, size_t i)
{
	uint32_t c = u[i].cp;

	if (!(is_lower(c) || is_digit(c) || c == '@' || c == '$'))
		return false;
	if (i > 0 && is_tok(u[i - 1].cp))
		return false;
	if (i + 1 < n && is_tok(u[i + 1].cp))
		return false;
	return true;
}

/* Step JOIN: "c y t o t e c", "s.i.l.d.e.n.a.f.i.l", "s-i-l-d". */
static void join_spaced(struct norm *n)
{
	struct norm_unit *u = n->u;
	size_t len = n->u_len, w = 0, r = 0;

	while (r < len) {
		if (!is_single(u, len, r)) {
			u[w++] = u[r++];
			continue;
		}
		/* Collect the run of single characters. */
		size_t idx[256], k = 0, letters = 0, j = r, last;
		for (;;) {
			idx[k++] = j;
			letters += is_lower(u[j].cp) || u[j].cp == '@' ||
				   u[j].cp == '$';
			last = j;
			if (k == ARRAY_LEN(idx))
				break;
			size_t q = j + 1, s = 0;
			while (q < len && s < 3 && is_join_sep(u[q].cp))
				q++, s++;
			if (s == 0 || q >= len || !is_single(u, len, q))
				break;
			j = q;
		}
		if (k >= 3 && letters >= 2) {
			for (size_t t = 0; t < k; t++)
				u[w++] = u[idx[t]];
			r = last + 1;
		} else {
			u[w++] = u[r++];
		}
	}
	n->u_len = w;
}

/* Number + unit tokens ("5ml", "3hari") keep their digits. */
static bool is_unit(const struct norm_unit *u, size_t a, size_t b)
{
	static const char *const units[] = {
		"mg",	  "mcg",    "ml",     "gr",	"gram",	  "kg",
		"g",	  "l",	    "lt",     "ltr",	"liter",  "iu",
		"pcs",	  "pc",	    "tab",    "tabs",	"tablet", "kapsul",
		"caps",	  "kaplet", "btl",    "botol",	"box",	  "pack",
		"pak",	  "sachet", "strip",  "hari",	"menit",  "jam",
		"minggu", "bulan",  "thn",    "tahun",	"x",	  "cm",
		"mm",	  "kal",    "kkal",   "kcal",	"set",	  "kali",
		"pot",	  "jar",    "tube",   "in",	"rb",	  "ribu",
		"jt",	  "juta",   "k",      "pasang", "lembar", "buah",
		"butir",  "dus",    "karton", "lusin",	"detik",  "malam",
		"th",	  "bln",    "mgg",    "ons",	"oz",	  "cc",
	};
	char w[16];
	size_t n = b - a;

	if (n >= sizeof(w))
		return false;
	for (size_t i = 0; i < n; i++)
		w[i] = (char)u[a + i].cp;
	w[n] = '\0';
	for (size_t i = 0; i < ARRAY_LEN(units); i++)
		if (!strcmp(w, units[i]))
			return true;
	return false;
}

static inline bool is_subst(uint32_t c)
{
	return c == '0' || c == '1' || c == '3' || c == '4' || c == '5' ||
	       c == '7' || c == '@' || c == '$' || c == '!' || c == '|';
}

static uint32_t subst_of(uint32_t c, uint32_t prev)
{
	switch (c) {
	case '0':
		return 'o';
	case '1':
		/* "a1prazolam", "tramado1" vs "s1ldenafil", "c1alis" */
		return is_vowel(prev) ? 'l' : 'i';
	case '3':
		return 'e';
	case '4':
	case '@':
		return 'a';
	case '5':
	case '$':
		return 's';
	case '7':
		return 't';
	case '!':
		return 'i';
	case '|':
		return 'l';
	}
	return c;
}

static void subst_token(struct norm_unit *u, size_t s, size_t e)
{
	size_t letters = 0, subs = 0, other = 0;

	for (size_t i = s; i < e; i++) {
		uint32_t c = u[i].cp;
		if (is_lower(c))
			letters++;
		else if (is_subst(c))
			subs++;
		else
			other++; /* 2 6 8 9, other scripts */
	}
	if (letters < 3 || other || subs == 0 || subs > letters)
		return;
	for (size_t a = s; a < e;) {
		if (!is_subst(u[a].cp)) {
			a++;
			continue;
		}
		size_t b = a;
		while (b < e && is_subst(u[b].cp))
			b++;
		bool left = a > s && is_lower(u[a - 1].cp);
		bool right = b < e && is_lower(u[b].cp);
		bool sym = false, ok = false;
		for (size_t i = a; i < b; i++)
			if (!is_digit(u[i].cp))
				sym = true;
		if (left && right) {
			ok = b - a <= 2;
		} else if (!left && right && a == s && b - a == 1 &&
			   u[a].cp != '!' && u[a].cp != '|') {
			size_t t = b;
			while (t < e && is_lower(u[t].cp))
				t++;
			ok = t - b >= 3 && !is_unit(u, b, t);
		} else if (left && !right && b == e && b - a <= 2 && !sym) {
			size_t t = a;
			while (t > s && is_lower(u[t - 1].cp))
				t--;
			ok = a - t >= 4;
		}
		if (ok)
			for (size_t i = a; i < b; i++)
				u[i].cp = subst_of(u[i].cp,
						   i > s ? u[i - 1].cp : 0);
		a = b;
	}
}

/* Step SUBST over every token; '!' and '|' count as word characters only
 * between letters, which subst_token() checks. */
static void substitute(struct norm *n)
{
	struct norm_unit *u = n->u;
	size_t len = n->u_len, i = 0;

	while (i < len) {
		uint32_t c = u[i].cp;
		if (!(is_tok(c) || c == '!' || c == '|')) {
			i++;
			continue;
		}
		size_t s = i;
		while (i < len &&
		       (is_tok(u[i].cp) || u[i].cp == '!' || u[i].cp == '|'))
			i++;
		size_t e = i;
		/* Leading '!', '|' and trailing symbols are punctuation. */
		while (s < e && (u[s].cp == '!' || u[s].cp == '|'))
			s++;
		while (e > s && (u[e - 1].cp == '!' || u[e - 1].cp == '|' ||
				 u[e - 1].cp == '@' || u[e - 1].cp == '$'))
			e--;
		if (s < e)
			subst_token(u, s, e);
	}
}

static void squeeze(struct norm *n)
{
	struct norm_unit *u = n->u;
	size_t w = 0;

	for (size_t r = 0; r < n->u_len; r++) {
		if (w > 0 && is_lower(u[r].cp) && u[w - 1].cp == u[r].cp)
			continue;
		u[w++] = u[r];
	}
	n->u_len = w;
}

static inline bool keep_punct(uint32_t c)
{
	return c == '.' || c == ',' || c == '!' || c == '?' || c == ';' ||
	       c == ':' || c == '%';
}

/* Room for `extra` more bytes plus the NUL in both text and map. */
static void reserve(struct norm *n, size_t extra)
{
	size_t need = n->len + extra + 1, cap;

	if (need <= n->cap)
		return;
	cap = n->cap ? n->cap : 256;
	while (cap < need)
		cap *= 2;
	n->text = n->cap ? xrealloc(n->text, cap) : xmalloc(cap);
	n->map = xrealloc(n->map, cap * sizeof(*n->map));
	if (!n->len)
		n->text[0] = '\0';
	n->cap = cap;
}

static inline void out_byte(struct norm *n, char c, uint32_t off)
{
	n->map[n->len] = off;
	n->text[n->len++] = c;
}

/* Encode the units; collapse whitespace. */
static int emit(struct norm *n, unsigned flags)
{
	struct norm_unit *u = n->u;
	size_t start = n->len;
	uint32_t pend = 0, pend_off = 0;

	/* Worst case 4 bytes per unit. */
	if (start > NORM_MAX_TEXT || n->u_len > (NORM_MAX_TEXT - start) / 4)
		return ERR_LIMIT;
	reserve(n, n->u_len * 4);
	for (size_t i = 0; i < n->u_len; i++) {
		uint32_t c = u[i].cp;
		if ((flags & NORM_PUNCT) && c < 0x80 && c > ' ' &&
		    !is_lower(c) && !is_digit(c) && !keep_punct(c))
			c = ' ';
		if (c == ' ' || c == '\n') {
			if (!pend)
				pend_off = u[i].off;
			if (c == '\n' || !pend)
				pend = c;
			continue;
		}
		if (pend && n->len > start)
			out_byte(n, (char)pend, pend_off);
		pend = 0;
		if (c < 0x80) {
			out_byte(n, (char)c, u[i].off);
		} else {
			utf8proc_uint8_t b[4];
			utf8proc_ssize_t k =
				utf8proc_encode_char((utf8proc_int32_t)c, b);
			for (utf8proc_ssize_t j = 0; j < k; j++)
				out_byte(n, (char)b[j], u[i].off);
		}
	}
	n->text[n->len] = '\0';
	return 0;
}

int norm_append(struct norm *n, const char *in, size_t len, uint32_t base,
		unsigned flags)
{
	if (len > NORM_MAX_TEXT || (uint64_t)base + len > UINT32_MAX)
		return ERR_LIMIT;
	if (!n->text)
		norm_init(n);
	decode(n, in, len, base);
	resolve_emoji(n);
	if (flags & NORM_JOIN)
		join_spaced(n);
	if (flags & NORM_SUBST)
		substitute(n);
	if (flags & NORM_SQUEEZE)
		squeeze(n);
	return emit(n, flags);
}

void norm_append_sep(struct norm *n, char c, uint32_t off)
{
	reserve(n, 1);
	out_byte(n, c, off);
	n->text[n->len] = '\0';
}

char *norm_string(const char *s, unsigned flags)
{
	struct norm n;
	char *out;

	norm_init(&n);
	norm_append(&n, s, strlen(s), 0, flags);
	out = xstrndup(n.text, n.len);
	norm_release(&n);
	return out;
}

size_t norm_char_len(const char *s, size_t len, size_t off)
{
	utf8proc_int32_t cp;
	utf8proc_ssize_t k;

	if (off >= len)
		return 0;
	if ((unsigned char)s[off] < 0x80)
		return 1;
	k = utf8proc_iterate((const utf8proc_uint8_t *)s + off,
			     (utf8proc_ssize_t)(len - off), &cp);
	return k > 0 ? (size_t)k : 1;
}
