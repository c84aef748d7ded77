/*
 * codes.h - the regulator's vocabulary shared by every detection module:
 * commodity codes and violation codes, with their canonical spellings
 * (../shared/domain.md §3).  The spellings are an interface: exports,
 * scripts and rule files use exactly these strings.
 */
#ifndef PATROLI_CODES_H
#define PATROLI_CODES_H

#include "base/base.h"

enum commodity {
	COM_OTHER = 0, /* unregulated goods: never a violation */
	COM_OBAT,
	COM_OBAT_TRADISIONAL,
	COM_SUPLEMEN,
	COM_KOSMETIK,
	COM_PANGAN,
	COM_OBAT_KUASI,
	COM__COUNT
};

/* "other", "obat", "obat_tradisional", "suplemen", "kosmetik", "pangan",
 * "obat_kuasi".  Static storage. */
const char *commodity_name(enum commodity c);
/* Exact, case-sensitive; ERR_NOTFOUND for anything else. */
int commodity_parse(const char *s, size_t n, enum commodity *out);

enum vcode {
	V_NO_NIE = 0,
	V_INVALID_NIE,
	V_BKO,
	V_BANNED_INGREDIENT,
	V_PRESCRIPTION_DRUG,
	V_ILLEGAL_CLAIM,
	V__COUNT
};

/* "NO_NIE", "INVALID_NIE", "BKO", "BANNED_INGREDIENT", "PRESCRIPTION_DRUG",
 * "ILLEGAL_CLAIM".  Static storage. */
const char *vcode_name(enum vcode v);
int vcode_parse(const char *s, size_t n, enum vcode *out);

#endif
