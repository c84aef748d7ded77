/*
 * stoplist.h - identifiers that never link listings: platforms' service
 * lines and addresses, template placeholders, marketplaces' own domains.
 *
 * The file format (data/stoplist/identifiers.txt documents it too): one
 * entry per line, "#" starts a comment, blank lines are ignored.
 *
 *   kind:value     exactly this identifier, written as an identifier is
 *                  normalised (phone numbers may be written any way:
 *                  "phone:0812-3456-7890" is read as +6281234567890)
 *   kind:prefix*   every identifier of the kind starting with prefix
 *   kind:*suffix   every identifier of the kind ending with suffix
 *                  ("email:*@tokopedia.com": the platform's staff)
 *
 * kind is phone, email, bank, handle or domain.  Garbage is refused, line
 * by line, as "file:line: what" (at most 20 messages, then a count): an
 * unknown kind, an empty or over-long value, spaces or control bytes, a
 * "*" in the middle, bytes that are not ASCII (identifiers are).  Files
 * are capped at 1 MiB and 50,000 entries.
 */
#ifndef PATROLI_PROFILE_STOPLIST_H
#define PATROLI_PROFILE_STOPLIST_H

#include "base/base.h"
#include "profile/ident.h"

#define STOPLIST_MAX_BYTES   (1024 * 1024)
#define STOPLIST_MAX_ENTRIES 50000

struct stoplist;

struct stoplist *stoplist_new(void);
void stoplist_free(struct stoplist *s);
/* Parse text; `origin` names it in messages.  Errors are appended to
 * `errors` (one per line) when non-NULL, else logged.  On any error
 * nothing of this text is kept and ERR_INPUT is returned. */
int stoplist_parse(struct stoplist *s, const char *origin, struct slice text,
		   struct buf *errors);
/* The same for a file; ERR_LIMIT when it exceeds STOPLIST_MAX_BYTES. */
int stoplist_load(struct stoplist *s, const char *path, struct buf *errors);
bool stoplist_match(const struct stoplist *s, enum ident_kind kind,
		    const char *value);
size_t stoplist_count(const struct stoplist *s);
/* SHA-256 of the entries in normal form, sorted: a build whose stop list
 * changed must re-check every identifier.  Static storage in s. */
const char *stoplist_digest(struct stoplist *s);

#endif
