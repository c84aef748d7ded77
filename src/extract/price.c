/*
 * price.c - prices as Indonesian sellers write them.
 *
 * "Rp 1.250.000", "Rp150rb", "Rp 1,5 jt", "IDR 75,000", "Rp 99.900,00",
 * "Harga: 61k".  Indonesian uses '.' to group thousands and ',' for
 * decimals, English the reverse; both appear.  The rule: a separator
 * followed by exactly three digits groups thousands, unless a multiplier
 * word follows ("1.250 jt" is rare, "1,5 jt" common, so with a multiplier a
 * single separator is a decimal point); when both separators appear, the
 * last one is the decimal point.
 */
#include "extract/extract_int.h"

#include <string.h>

static inline unsigned char lcase(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c | 0x20) : c;
}

static inline bool is_letter(unsigned char c)
{
	c = lcase(c);
	return c >= 'a' && c <= 'z';
}

static inline bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/* Currency markers, longest first where they share a prefix. */
static const struct {
	const char *tok;
	const char *iso;
	bool word; /* must not be glued to letters on its left */
} markers[] = {
	{"rp", "IDR", true},  {"idr", "IDR", true},
	{"usd", "USD", true}, {"us$", "USD", true},
	{"s$", "SGD", true},  {"sgd", "SGD", true},
	{"myr", "MYR", true}, {"rm", "MYR", true},
	{"eur", "EUR", true}, {"\xE2\x82\xAC", "EUR", false},
	{"$", "USD", false},
};

/* If a marker starts at s[i], its length and ISO code. */
static size_t marker_at(const char *s, size_t n, size_t i, const char **iso)
{
	for (size_t k = 0; k < ARRAY_LEN(markers); k++) {
		size_t l = strlen(markers[k].tok);
		if (i + l > n)
			continue;
		size_t j = 0;
		while (j < l && lcase((unsigned char)s[i + j]) ==
					(unsigned char)markers[k].tok[j])
			j++;
		if (j < l)
			continue;
		if (markers[k].word && i > 0 &&
		    is_letter((unsigned char)s[i - 1]))
			continue;
		/* "Rpx" is a word, "Rp5" and "Rp." are prices. */
		if (markers[k].word && i + l < n &&
		    is_letter((unsigned char)s[i + l]))
			continue;
		*iso = markers[k].iso;
		return l;
	}
	return 0;
}

/* Multiplier word at s[i] (after optional spaces); sets *len. */
static double multiplier_at(const char *s, size_t n, size_t i, size_t *len)
{
	static const struct {
		const char *w;
		double m;
	} mult[] = {
		{"ribu", 1e3}, {"rb", 1e3}, {"k", 1e3},
		{"juta", 1e6}, {"jt", 1e6}, {"jeti", 1e6},
	};
	size_t j = i;
	while (j < n && s[j] == ' ')
		j++;
	for (size_t k = 0; k < ARRAY_LEN(mult); k++) {
		size_t l = strlen(mult[k].w);
		if (j + l > n || strncasecmp(s + j, mult[k].w, l) != 0)
			continue;
		if (j + l < n && is_letter((unsigned char)s[j + l]))
			continue;
		*len = j + l - i;
		return mult[k].m;
	}
	*len = 0;
	return 1;
}

/* Parse the number at s[i] (a digit).  Returns 0 or ERR_INPUT. */
static int parse_number(const char *s, size_t n, size_t i, double *out)
{
	/* Split into digit groups and the separators between them. */
	size_t gstart[16], glen[16];
	char sep[16];
	size_t ng = 0;
	size_t j = i;
	while (ng < ARRAY_LEN(glen)) {
		size_t st = j;
		while (j < n && is_digit((unsigned char)s[j]) && j - st < 18)
			j++;
		gstart[ng] = st;
		glen[ng] = j - st;
		ng++;
		if (j + 1 < n && (s[j] == '.' || s[j] == ',') &&
		    is_digit((unsigned char)s[j + 1])) {
			sep[ng - 1] = s[j];
			j++;
			continue;
		}
		break;
	}
	size_t mlen;
	double mult = multiplier_at(s, n, j, &mlen);

	/* Which separator, if any, is the decimal point? */
	long dec = -1; /* index of the group after the decimal point */
	if (ng > 1) {
		char last = sep[ng - 2];
		bool mixed = false;
		for (size_t k = 0; k + 2 < ng; k++)
			if (sep[k] != last)
				mixed = true;
		if (mixed)
			dec = (long)ng - 1;
		else if (ng == 2 && (glen[1] != 3 || mult != 1))
			dec = 1;
	}
	double v = 0;
	for (size_t k = 0; k < ng; k++) {
		if ((long)k == dec)
			break;
		for (size_t d = 0; d < glen[k]; d++)
			v = v * 10 + (s[gstart[k] + d] - '0');
	}
	if (dec > 0) {
		double f = 0.1;
		for (size_t d = 0; d < glen[dec] && d < 6; d++, f /= 10)
			v += (s[gstart[dec] + d] - '0') * f;
	}
	*out = v * mult;
	return 0;
}

int extract_parse_price(struct slice sl, double *amount, const char **currency)
{
	const char *s = sl.p;
	size_t n = sl.n;
	const char *iso = NULL;
	size_t num = n;

	/* Prefer the first number that follows a currency marker. */
	for (size_t i = 0; i < n && !iso; i++) {
		const char *m;
		size_t l = marker_at(s, n, i, &m);
		if (!l)
			continue;
		size_t j = i + l;
		size_t skip = 0;
		while (j < n && skip < 3 &&
		       (s[j] == ' ' || s[j] == '.' || s[j] == ':'))
			j++, skip++;
		if (j + 1 < n && (unsigned char)s[j] == 0xC2 &&
		    (unsigned char)s[j + 1] == 0xA0)
			j += 2; /* Rp&nbsp;150.000 */
		if (j < n && is_digit((unsigned char)s[j])) {
			iso = m;
			num = j;
		}
	}
	if (!iso) {
		for (size_t i = 0; i < n; i++)
			if (is_digit((unsigned char)s[i])) {
				num = i;
				break;
			}
		if (num == n)
			return ERR_NOTFOUND;
		iso = "IDR";
	}
	double v;
	if (parse_number(s, n, num, &v) < 0)
		return ERR_NOTFOUND;
	*amount = v;
	if (currency)
		*currency = iso;
	return 0;
}
