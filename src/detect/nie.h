/*
 * nie.h - registration and notification numbers (NIE) as sellers write
 * them, per commodity (../shared/domain.md §4).
 *
 * Normalised forms (what the registry is keyed by, and what exports show):
 *   obat              DKL1336703804A1   [DG][BTKPN][LIEX] 10 digits, letter,
 *                                       digit
 *   obat tradisional  TR123456789       TR TL TI HT FF (a leading B of BTR..
 *                                       is dropped) + 9 digits
 *   suplemen          SD123456789       SD SI SL + 9 digits
 *   obat kuasi        QD123456789       QD QL QI + 9 digits
 *   kosmetik          NA18210103153     N[A-E] + 11 digits; kits NKIT + 9
 *   pangan            MD224510107115    MD ML + 12 or 15 digits
 *   P-IRT             PIRT123456789012345  15 digits (printed 13-2)
 * A number that does not fit keeps the same shape (code + every digit read)
 * with format_ok false: "HT4354406" is an obat-tradisional number, malformed.
 *
 * Finding numbers in free text (nie_find): upper/lower case, leading words
 * (BPOM, RI, POM, No., Reg., NIE, Izin Edar, Nomor, Notifikasi, SPP, the
 * GS1 "(90)" prefix) written apart or run together ("POMTR123..."), spaces,
 * dots, dashes and colons inside the number ("NA 19 9061 27885",
 * "DBL.7505776764.B1", "5894936268927 - 31").  "MD" and the other codes need
 * digits after them; a code glued to a letter is a word, not a number.
 * A malformed number is reported only when it is clearly meant as one: six
 * or more digits, or three or more after a word like BPOM / NIE / Reg.
 * Phone numbers after "NB" and the health ministry's AKL / AKD device
 * numbers are not NIE.  A number preceded by BPOM / NIE / Izin Edar with no
 * code at all ("No. BPOM: 123456789012") is reported with an empty code and
 * format_ok false.
 *
 * The scanner reads ASCII; it never allocates and never fails.
 */
#ifndef PATROLI_NIE_H
#define PATROLI_NIE_H

#include "base/base.h"
#include "detect/codes.h"

#define NIE_MAX_NORM 40

struct nie_match {
	char norm[NIE_MAX_NORM];  /* normalised number, NUL-terminated */
	enum commodity commodity; /* from the code; COM_OTHER when none */
	bool format_ok;		  /* exactly the structure for its code */
	bool pirt;		  /* a P-IRT (home-industry food) number */
	char obat_class;	  /* obat: B T K P N (2nd letter), else 0 */
	size_t start, end; /* span in the input, leading words included */
	size_t code_start; /* where the code (or the digits) begins */
};

/* Find up to `max` numbers in `text`, in order; returns how many. */
size_t nie_find(const char *text, size_t len, struct nie_match *out,
		size_t max);

/* Read one number written as a seller or the registry would write it
 * ("BPOM RI MD 224510107115", "POM TR 123 456 789", "P-IRT
 * 1234567890123-45").  Falls back to the corpus convention (upper-case,
 * letters and digits only, first of PIRT\d+, [DG][KTBNP][LIEX]\d+[A-Z]\d,
 * (MD|ML)\d+, (TR|TI|TL|HT|FF|SD|SI|SL|QD|QL|QI)\d+, N[A-E]\d+) for strings
 * the scanner rejects.  ERR_NOTFOUND when there is no number at all; then
 * m->norm holds the letters and digits of `s` (upper-case, truncated) for
 * display. */
int nie_parse(const char *s, size_t len, struct nie_match *m);

/* The commodity a normalised number's code belongs to (COM_OTHER when the
 * code is unknown), and whether it has the full structure. */
enum commodity nie_commodity(const char *norm);
bool nie_format_ok(const char *norm);

#endif
