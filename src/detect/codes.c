/* codes.c - canonical names of commodities and violation codes (codes.h). */
#include "detect/codes.h"

#include <string.h>

static const char *const commodity_names[COM__COUNT] = {
	[COM_OTHER] = "other",
	[COM_OBAT] = "obat",
	[COM_OBAT_TRADISIONAL] = "obat_tradisional",
	[COM_SUPLEMEN] = "suplemen",
	[COM_KOSMETIK] = "kosmetik",
	[COM_PANGAN] = "pangan",
	[COM_OBAT_KUASI] = "obat_kuasi",
};

static const char *const vcode_names[V__COUNT] = {
	[V_NO_NIE] = "NO_NIE",
	[V_INVALID_NIE] = "INVALID_NIE",
	[V_BKO] = "BKO",
	[V_BANNED_INGREDIENT] = "BANNED_INGREDIENT",
	[V_PRESCRIPTION_DRUG] = "PRESCRIPTION_DRUG",
	[V_ILLEGAL_CLAIM] = "ILLEGAL_CLAIM",
};

const char *commodity_name(enum commodity c)
{
	return (unsigned)c < COM__COUNT ? commodity_names[c] : "other";
}

static int lookup(const char *const *names, int n, const char *s, size_t len)
{
	for (int i = 0; i < n; i++)
		if (strlen(names[i]) == len && !memcmp(names[i], s, len))
			return i;
	return -1;
}

int commodity_parse(const char *s, size_t n, enum commodity *out)
{
	int i = lookup(commodity_names, COM__COUNT, s, n);

	if (i < 0)
		return ERR_NOTFOUND;
	*out = (enum commodity)i;
	return 0;
}

const char *vcode_name(enum vcode v)
{
	return (unsigned)v < V__COUNT ? vcode_names[v] : "?";
}

int vcode_parse(const char *s, size_t n, enum vcode *out)
{
	int i = lookup(vcode_names, V__COUNT, s, n);

	if (i < 0)
		return ERR_NOTFOUND;
	*out = (enum vcode)i;
	return 0;
}
