/*
 * nie.c - finding and normalising registration numbers (nie.h).
 *
 * A hand-written scanner rather than a regex: sellers put the number's
 * parts anywhere between "BPOM RI MD 2245 1010 7115" and "POMTR123456789",
 * and the digit groups must be read with knowledge of the expected length
 * ("MD 224510107115 500 gram" is a 12-digit number followed by a weight, not
 * a 15-digit number).  The scanner tries each alphanumeric run start:
 * leading words, then a code, then digit groups, then (obat) the strength
 * letter and pack digit.
 */
#include "detect/nie.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

struct code_def {
	const char *code; /* as written, upper case */
	const char *norm; /* as normalised */
	enum commodity c;
	int len1, len2; /* valid digit counts (len2 0 = none) */
};

/* Longest first where one code is a prefix of another. */
static const struct code_def codes[] = {
	{"NKIT", "NKIT", COM_KOSMETIK, 9, 0},
	{"BTR", "TR", COM_OBAT_TRADISIONAL, 9, 0},
	{"BTL", "TL", COM_OBAT_TRADISIONAL, 9, 0},
	{"BTI", "TI", COM_OBAT_TRADISIONAL, 9, 0},
	{"MD", "MD", COM_PANGAN, 12, 15},
	{"ML", "ML", COM_PANGAN, 12, 15},
	{"TR", "TR", COM_OBAT_TRADISIONAL, 9, 0},
	{"TL", "TL", COM_OBAT_TRADISIONAL, 9, 0},
	{"TI", "TI", COM_OBAT_TRADISIONAL, 9, 0},
	{"HT", "HT", COM_OBAT_TRADISIONAL, 9, 0},
	{"FF", "FF", COM_OBAT_TRADISIONAL, 9, 0},
	{"SD", "SD", COM_SUPLEMEN, 9, 0},
	{"SI", "SI", COM_SUPLEMEN, 9, 0},
	{"SL", "SL", COM_SUPLEMEN, 9, 0},
	{"QD", "QD", COM_OBAT_KUASI, 9, 0},
	{"QL", "QL", COM_OBAT_KUASI, 9, 0},
	{"QI", "QI", COM_OBAT_KUASI, 9, 0},
	{"NA", "NA", COM_KOSMETIK, 11, 0},
	{"NB", "NB", COM_KOSMETIK, 11, 0},
	{"NC", "NC", COM_KOSMETIK, 11, 0},
	{"ND", "ND", COM_KOSMETIK, 11, 0},
	{"NE", "NE", COM_KOSMETIK, 11, 0},
};

static const struct code_def code_pirt = {"PIRT", "PIRT", COM_PANGAN, 15, 0};
static const struct code_def code_obat = {"", "", COM_OBAT, 10, 0};
static const struct code_def code_bare = {"", "", COM_OTHER, 0, 0};

/* Words that precede a number.  `strong` ones announce a registration
 * number by themselves, so digits after them count even without a code. */
struct filler {
	const char *w;
	bool strong;
};
static const struct filler fillers[] = {
	{"REGISTRASI", true}, {"NOTIFIKASI", true}, {"TERDAFTAR", true},
	{"NOMOR", false},     {"NOMER", false},	    {"BPOM", true},
	{"IZIN", true},	      {"IJIN", true},	    {"EDAR", true},
	{"KODE", false},      {"REG", true},	    {"NIE", true},
	{"POM", true},	      {"SPP", false},	    {"NO", false},
	{"NR", false},	      {"RI", false},
};

struct scan {
	const char *s;
	size_t n;
};

static inline int up(const struct scan *t, size_t i)
{
	return i < t->n ? toupper((unsigned char)t->s[i]) : 0;
}

static inline bool alpha_at(const struct scan *t, size_t i)
{
	return i < t->n && isalpha((unsigned char)t->s[i]);
}

static inline bool digit_at(const struct scan *t, size_t i)
{
	return i < t->n && isdigit((unsigned char)t->s[i]);
}

static inline bool alnum_at(const struct scan *t, size_t i)
{
	return alpha_at(t, i) || digit_at(t, i);
}

static bool word_at(const struct scan *t, size_t i, const char *w)
{
	for (size_t k = 0; w[k]; k++)
		if (up(t, i + k) != w[k])
			return false;
	return true;
}

static inline bool sep_char(int c)
{
	return c == ' ' || c == '.' || c == ':' || c == '-' || c == '/' ||
	       c == '#' || c == '(' || c == ')' || c == '\t' || c == ',';
}

/* Skip up to `max` separator characters. */
static size_t skip_seps(const struct scan *t, size_t i, int max)
{
	for (int k = 0; k < max && i < t->n && sep_char(t->s[i]); k++)
		i++;
	return i;
}

static bool obat_code_at(const struct scan *t, size_t i)
{
	int a = up(t, i), b = up(t, i + 1), c = up(t, i + 2);

	return (a == 'D' || a == 'G') && b && strchr("BTKPN", b) && c &&
	       strchr("LIEX", c) && !alpha_at(t, i + 3);
}

/* The code at i, if any: *def and the index just after it. */
static bool code_at(const struct scan *t, size_t i, const struct code_def **def,
		    size_t *after)
{
	if (obat_code_at(t, i)) {
		*def = &code_obat;
		*after = i + 3;
		return true;
	}
	/* P-IRT, P.IRT, P IRT, PIRT; SPP-IRT is SPP (a filler) + P-IRT? no:
	 * "SPP-IRT" puts the dash after SPP, so IRT alone is accepted when
	 * SPP came just before (checked by the caller through `after`). */
	if (up(t, i) == 'P') {
		size_t j = i + 1;
		if (j < t->n &&
		    (t->s[j] == '-' || t->s[j] == '.' || t->s[j] == ' '))
			j++;
		if (word_at(t, j, "IRT") && !alpha_at(t, j + 3)) {
			*def = &code_pirt;
			*after = j + 3;
			return true;
		}
	}
	for (size_t k = 0; k < ARRAY_LEN(codes); k++) {
		size_t l = strlen(codes[k].code);
		if (word_at(t, i, codes[k].code) && !alpha_at(t, i + l)) {
			*def = &codes[k];
			*after = i + l;
			return true;
		}
	}
	return false;
}

/* "SPP-IRT", "SPPIRT": the home-industry certificate's own name. */
static bool spp_irt_at(const struct scan *t, size_t i, size_t *after)
{
	size_t j = i + 3;

	if (!word_at(t, i, "SPP"))
		return false;
	if (j < t->n && (t->s[j] == '-' || t->s[j] == '.' || t->s[j] == ' '))
		j++;
	if (!word_at(t, j, "IRT") || alpha_at(t, j + 3))
		return false;
	*after = j + 3;
	return true;
}

static bool filler_at(const struct scan *t, size_t i, size_t *len, bool *strong)
{
	for (size_t k = 0; k < ARRAY_LEN(fillers); k++) {
		size_t l = strlen(fillers[k].w);
		if (word_at(t, i, fillers[k].w)) {
			*len = l;
			*strong = fillers[k].strong;
			return true;
		}
	}
	return false;
}

/* Skip leading words; glued ones ("POMTR", "BPOMRIMD") only when what
 * follows is another leading word or a code. */
static size_t skip_fillers(const struct scan *t, size_t i, bool *ctx,
			   bool *strong)
{
	for (int guard = 0; guard < 8; guard++) {
		size_t l, after;
		bool st;
		const struct code_def *d;

		if (spp_irt_at(t, i, &after))
			return i;
		if (!filler_at(t, i, &l, &st))
			return i;
		if (alpha_at(t, i + l)) {
			size_t l2;
			bool st2;
			/* A code wins over a filler at the same place
			 * ("NOMOR" vs "NO"), and a glued word must be one of
			 * ours. */
			if (!code_at(t, i + l, &d, &after) &&
			    !filler_at(t, i + l, &l2, &st2) &&
			    !spp_irt_at(t, i + l, &after))
				return i;
		}
		*ctx = true;
		*strong = *strong || st;
		i = skip_seps(t, i + l, 4);
	}
	return i;
}

struct groups {
	size_t start[8], end[8]; /* digit runs */
	int len[8];
	int n;
};

/* Digit groups separated by at most three of " .-". */
static void read_groups(const struct scan *t, size_t i, struct groups *g)
{
	memset(g, 0, sizeof(*g));
	while (g->n < (int)ARRAY_LEN(g->start) && digit_at(t, i)) {
		size_t s = i;
		while (digit_at(t, i) && i - s < 24)
			i++;
		g->start[g->n] = s;
		g->end[g->n] = i;
		g->len[g->n] = (int)(i - s);
		g->n++;
		if (digit_at(t, i))
			break; /* absurdly long run */
		size_t j = i;
		int k = 0;
		while (k < 3 && j < t->n &&
		       (t->s[j] == ' ' || t->s[j] == '.' || t->s[j] == '-'))
			j++, k++;
		if (!k || !digit_at(t, j))
			break;
		i = j;
	}
}

static bool valid_len(const struct code_def *d, int n)
{
	return n == d->len1 || (d->len2 && n == d->len2);
}

/* How many groups make the number: the first alone when it has a valid
 * length, else the shortest prefix that reaches one, else as many as fit
 * under the longest valid length (a malformed number). */
static int pick_groups(const struct code_def *d, const struct groups *g)
{
	int maxv = MAX(d->len1, d->len2), tot = 0, fit = 1;

	if (valid_len(d, g->len[0]) || !maxv)
		return 1;
	for (int k = 0; k < g->n; k++) {
		tot += g->len[k];
		if (valid_len(d, tot))
			return k + 1;
		if (tot <= maxv)
			fit = k + 1;
		if (tot >= maxv)
			break;
	}
	return fit;
}

static bool phone_like(const char *digits, int n)
{
	return n >= 9 && n <= 14 &&
	       (!strncmp(digits, "08", 2) || !strncmp(digits, "62", 2));
}

/* Try a number starting at i; on success fill *m and return the index just
 * after it, else 0. */
static size_t try_at(const struct scan *t, size_t i, struct nie_match *m)
{
	bool ctx = false, strong = false;
	const struct code_def *d = NULL;
	size_t p = skip_fillers(t, i, &ctx, &strong), q, end;
	struct groups g;
	char digits[32];
	int nd = 0, ng;
	char letter = 0, pack = 0;

	if (spp_irt_at(t, p, &q))
		d = &code_pirt;
	else if (!code_at(t, p, &d, &q)) {
		if (!strong || !digit_at(t, p))
			return 0;
		d = &code_bare;
		q = p;
	}
	/* "P-IRT No. 123...", "MD: 2245..." */
	q = skip_seps(t, q, 4);
	for (int k = 0; k < 2; k++) {
		size_t l;
		bool st;
		if (filler_at(t, q, &l, &st) && !alpha_at(t, q + l) &&
		    !digit_at(t, q + l))
			q = skip_seps(t, q + l, 4);
	}
	if (!digit_at(t, q))
		return 0;
	read_groups(t, q, &g);
	ng = d == &code_bare ? 1 : pick_groups(d, &g);
	for (int k = 0; k < ng; k++)
		for (size_t j = g.start[k]; j < g.end[k]; j++)
			if (nd < (int)sizeof(digits) - 1)
				digits[nd++] = t->s[j];
	digits[nd] = '\0';
	end = g.end[ng - 1];
	if (d == &code_obat) {
		/* strength letter and pack digit: "A1", " A1", ".B1", "A 1" */
		size_t j = end;
		int k = 0;
		while (k < 2 && j < t->n &&
		       (t->s[j] == ' ' || t->s[j] == '.' || t->s[j] == '-'))
			j++, k++;
		if (alpha_at(t, j)) {
			size_t l = j + 1;
			if (l < t->n && (t->s[l] == ' ' || t->s[l] == '.'))
				l++;
			if (digit_at(t, l) && !alnum_at(t, l + 1)) {
				letter = (char)up(t, j);
				pack = t->s[l];
				end = l + 1;
			}
		}
	}

	memset(m, 0, sizeof(*m));
	m->commodity = d->c;
	m->pirt = d == &code_pirt;
	m->format_ok = d != &code_bare && valid_len(d, nd) &&
		       (d != &code_obat || letter);
	if (!m->format_ok) {
		/* Malformed: keep it only when it clearly is meant as a
		 * registration number. */
		if (d == &code_bare && (nd < 6 || phone_like(digits, nd)))
			return 0;
		if (nd < (strong ? 3 : 6))
			return 0;
		if (phone_like(digits, nd))
			return 0;
	}
	if (d == &code_obat) {
		m->obat_class = (char)up(t, p + 1);
		snprintf(m->norm, sizeof(m->norm), "%c%c%c%.31s", up(t, p),
			 up(t, p + 1), up(t, p + 2), digits);
		if (letter) {
			size_t l = strlen(m->norm);
			if (l + 2 < sizeof(m->norm)) {
				m->norm[l] = letter;
				m->norm[l + 1] = pack;
				m->norm[l + 2] = '\0';
			}
		}
	} else {
		snprintf(m->norm, sizeof(m->norm), "%.4s%.31s", d->norm,
			 digits);
	}
	m->start = ctx ? i : p;
	m->code_start = p;
	m->end = end;
	return end;
}

size_t nie_find(const char *text, size_t len, struct nie_match *out, size_t max)
{
	struct scan t = {text, len};
	size_t n = 0, i = 0;

	while (i < len && n < max) {
		if (!alnum_at(&t, i) || (i > 0 && alnum_at(&t, i - 1))) {
			i++;
			continue;
		}
		size_t e = try_at(&t, i, &out[n]);
		if (e) {
			n++;
			i = e;
		} else {
			i++;
		}
	}
	return n;
}

/* ---- single numbers ---------------------------------------------------- */

/* The corpus convention on letters and digits only (see nie_parse). */
static bool fallback(const char *a, struct nie_match *m)
{
	static const char *const two[] = {"MD", "ML", "TR", "TI", "TL",
					  "HT", "FF", "SD", "SI", "SL",
					  "QD", "QL", "QI"};
	size_t n = strlen(a);
	const char *p;

	if ((p = strstr(a, "PIRT")) && isdigit((unsigned char)p[4]))
		goto found;
	for (size_t i = 0; i + 3 < n; i++) {
		const char *s = a + i;
		if ((s[0] == 'D' || s[0] == 'G') && strchr("BTKPN", s[1]) &&
		    strchr("LIEX", s[2]) && isdigit((unsigned char)s[3])) {
			size_t j = 3;
			while (isdigit((unsigned char)s[j]))
				j++;
			if (isupper((unsigned char)s[j]) &&
			    isdigit((unsigned char)s[j + 1])) {
				p = s;
				goto found;
			}
		}
	}
	for (size_t k = 0; k < 2; k++) {
		for (size_t i = 0; i + 2 < n; i++)
			if (!strncmp(a + i, two[k], 2) &&
			    isdigit((unsigned char)a[i + 2])) {
				p = a + i;
				goto found;
			}
	}
	for (size_t i = 0; i + 2 < n; i++)
		for (size_t k = 2; k < ARRAY_LEN(two); k++)
			if (!strncmp(a + i, two[k], 2) &&
			    isdigit((unsigned char)a[i + 2])) {
				p = a + i;
				goto found;
			}
	for (size_t i = 0; i + 2 < n; i++)
		if (a[i] == 'N' && a[i + 1] >= 'A' && a[i + 1] <= 'E' &&
		    isdigit((unsigned char)a[i + 2])) {
			p = a + i;
			goto found;
		}
	return false;
found:
	/* the code and the digits (plus an obat's letter and digit) */
	{
		size_t j = 0;
		while (p[j] && isupper((unsigned char)p[j]))
			j++;
		while (p[j] && isdigit((unsigned char)p[j]))
			j++;
		if ((p[0] == 'D' || p[0] == 'G') &&
		    isupper((unsigned char)p[j]))
			j += 2;
		snprintf(m->norm, sizeof(m->norm), "%.*s", (int)j, p);
	}
	m->commodity = nie_commodity(m->norm);
	m->format_ok = nie_format_ok(m->norm);
	m->pirt = !strncmp(m->norm, "PIRT", 4);
	if (m->commodity == COM_OBAT)
		m->obat_class = m->norm[1];
	return true;
}

int nie_parse(const char *s, size_t len, struct nie_match *m)
{
	char alnum[256] = {0};
	size_t k = 0;

	if (nie_find(s, len, m, 1) == 1)
		return 0;
	memset(m, 0, sizeof(*m));
	for (size_t i = 0; i < len && k < sizeof(alnum) - 1; i++)
		if (isalnum((unsigned char)s[i]))
			alnum[k++] = (char)toupper((unsigned char)s[i]);
	alnum[k] = '\0';
	m->start = 0;
	m->end = len;
	if (fallback(alnum, m))
		return 0;
	k = MIN(k, sizeof(m->norm) - 1);
	memcpy(m->norm, alnum, k);
	m->norm[k] = '\0';
	return ERR_NOTFOUND;
}

/* ---- normalised numbers ------------------------------------------------ */

static const struct code_def *def_of(const char *norm, size_t *code_len)
{
	if (!strncmp(norm, "PIRT", 4)) {
		*code_len = 4;
		return &code_pirt;
	}
	if ((norm[0] == 'D' || norm[0] == 'G') && norm[1] &&
	    strchr("BTKPN", norm[1]) && norm[2] && strchr("LIEX", norm[2])) {
		*code_len = 3;
		return &code_obat;
	}
	for (size_t k = 0; k < ARRAY_LEN(codes); k++) {
		size_t l = strlen(codes[k].norm);
		if (!strncmp(norm, codes[k].norm, l) &&
		    isdigit((unsigned char)norm[l])) {
			*code_len = l;
			return &codes[k];
		}
	}
	return NULL;
}

enum commodity nie_commodity(const char *norm)
{
	size_t l;
	const struct code_def *d = def_of(norm, &l);

	return d ? d->c : COM_OTHER;
}

bool nie_format_ok(const char *norm)
{
	size_t l, n = 0;
	const struct code_def *d = def_of(norm, &l);
	const char *p;

	if (!d)
		return false;
	for (p = norm + l; isdigit((unsigned char)*p); p++)
		n++;
	if (d == &code_obat)
		return n == 10 && isupper((unsigned char)p[0]) &&
		       isdigit((unsigned char)p[1]) && !p[2];
	return !*p && valid_len(d, (int)n);
}
