/*
 * norm.h - the text view detection matches against, with a way back to the
 * original bytes.
 *
 * Sellers dodge keyword filters: "S I L D E N A F I L", "s.i.l.d", "cyt0tec",
 * "c!alis", "ｖｉａｇｒａ", "ciaaalis", "sil\u200Bdenafil", Cyrillic look-alike
 * letters, emoji between letters.  norm_append() undoes these and records,
 * for every output byte, the offset of the original byte it came from, so a
 * rule match on the normalised text maps back to an evidence snippet of the
 * original text.
 *
 * Steps (each optional except the first, see enum norm_flags):
 *   fold     UTF-8 decoded (invalid bytes become spaces, never an error);
 *            Unicode compatibility decomposition (NFKD) + case folding +
 *            combining marks stripped (for Latin text this is NFKC with the
 *            diacritics removed); default-ignorable code points (zero-width
 *            space/joiners, soft hyphen, variation selectors) dropped;
 *            Cyrillic/Greek letters that look Latin mapped to Latin; emoji
 *            and other pictographs dropped when they sit between two letters
 *            ("sil💊denafil"), a space otherwise.
 *   JOIN     three or more single letters or digits (at least two letters)
 *            separated by spaces, dots, dashes, underscores, stars or
 *            slashes are joined: "c y t o t e c" -> "cytotec".
 *   SUBST    inside a word of at least three letters, digits and symbols
 *            standing for letters are replaced (0 o, 1 i or l, 3 e, 4 a,
 *            5 s, 7 t, @ a, $ s, ! i, | l).  Only where the word is mostly
 *            letters and the digit is inside it, leads a word that is not a
 *            unit ("0bat", not "5ml"), or ends a long word ("viagr4"): prices,
 *            phone numbers, NIE numbers ("NA18...", 2 letters), strengths
 *            ("500mg") and codes ("k3", "p3k", "b12") are left alone.
 *   SQUEEZE  runs of the same ASCII letter become one ("ciaaalis" ->
 *            "cialis").  Rule literals are normalised the same way, so
 *            "manfaat" in a rule still matches "manfaat" in a page.
 *   PUNCT    ASCII punctuation other than . , ! ? ; : % becomes a space.
 * Whitespace runs always collapse to one space, or one '\n' when the run
 * held a line break (a sentence boundary for negation scopes).
 *
 * NIE parsing wants the digits untouched: it uses flags 0 (fold only).
 *
 * Ownership: a struct norm owns its buffers; reuse one per thread (no
 * allocation once warmed up).  Not thread-safe per object.
 */
#ifndef PATROLI_NORM_H
#define PATROLI_NORM_H

#include "base/base.h"

enum norm_flags {
	NORM_JOIN = 1,
	NORM_SUBST = 2,
	NORM_SQUEEZE = 4,
	NORM_PUNCT = 8,
	NORM_DETECT = 15, /* everything: the view rules match against */
};

/* Largest total output a struct norm accepts (offsets are 32-bit). */
#define NORM_MAX_TEXT ((size_t)1 << 30)

struct norm_unit;

struct norm {
	char *text;    /* normalised text, NUL-terminated (never NULL after
			  norm_init) */
	size_t len;    /* bytes in text */
	uint32_t *map; /* map[i] = base + original offset of text[i] */
	size_t cap;    /* capacity of text and map */
	/* private scratch */
	struct norm_unit *u;
	size_t u_len, u_cap;
};

void norm_init(struct norm *n);
void norm_release(struct norm *n);
/* Empty the output, keep the memory. */
void norm_reset(struct norm *n);

/*
 * Normalise `len` bytes of `in` and append them to n->text; the map entries
 * for the new bytes are `base` + offset in `in`.  A separating space is not
 * added: callers that concatenate texts add their own separator with
 * norm_append_sep().  Returns 0, or ERR_LIMIT when the output would exceed
 * NORM_MAX_TEXT or an offset would not fit in 32 bits (nothing appended).
 */
int norm_append(struct norm *n, const char *in, size_t len, uint32_t base,
		unsigned flags);
/* Append one byte `c` (e.g. '\n') mapped to original offset `off`. */
void norm_append_sep(struct norm *n, char c, uint32_t off);

/* Normalise a NUL-terminated string into a new string (caller frees). */
char *norm_string(const char *s, unsigned flags);

/* Length of the UTF-8 sequence starting at s[off] (1 for an invalid byte,
 * 0 at the end): used to turn the map entry of a match's last byte into
 * the end of the original span. */
size_t norm_char_len(const char *s, size_t len, size_t off);

#endif
