/*
 * html.h - turning fetched bytes into a document anything can read.
 *
 * Two steps, each bounded (the Content-Encoding is undone before, by
 * warc_http_decode(), which caps the decoded size): sniff the
 * charset (BOM, Content-Type header, <meta charset>, <meta http-equiv>) and
 * transcode to UTF-8 with invalid sequences replaced by U+FFFD; parse with
 * libxml2's HTML parser in recovery mode with network access off.
 *
 * Callers own what they receive: buffers are theirs to buf_release(), a
 * document is theirs to html_free().  The one exception is
 * html_to_utf8_view(), whose result may borrow the caller's own input.
 */
#ifndef PATROLI_HTML_H
#define PATROLI_HTML_H

#include "base/base.h"

#include <libxml/HTMLparser.h>

/* Transcode `body` to UTF-8 using the charset from `content_type` (may be
 * NULL) or the document itself; default UTF-8, then windows-1252 when the
 * bytes are not valid UTF-8.  Appends to `out`.  *charset (may be NULL)
 * receives the charset name used (static storage, per thread). */
int html_to_utf8(const char *content_type, struct slice body, struct buf *out,
		 const char **charset);

/* The same bytes as html_to_utf8() would append to the emptied `tmp`, but
 * without copying a body that needs no change (the common case: UTF-8, or
 * no charset and valid UTF-8, and no NUL byte): then *utf8 is `body`
 * itself, less a UTF-8 BOM, and `tmp` stays empty; otherwise *utf8 is
 * buf_slice(tmp).  Same return value.  *utf8 borrows from `body` or `tmp`
 * (both stay the caller's): valid while both are unchanged, and not
 * necessarily NUL-terminated. */
int html_to_utf8_view(const char *content_type, struct slice body,
		      struct buf *tmp, struct slice *utf8,
		      const char **charset);

/* Parse UTF-8 HTML.  Never fails on bad markup; NULL only for an empty
 * body.  `url` is the document's base URL (for messages). */
htmlDocPtr html_parse(struct slice utf8, const char *url);
void html_free(htmlDocPtr doc);

/* Whether a Content-Type names HTML (text/html, application/xhtml+xml). */
bool html_is_html(const char *content_type);

/* Call fn for each outgoing link: <a href>, <area href>, <link rel=next>,
 * <frame src>, <iframe src>, resolved against the base (honouring
 * <base href>).  `rel` is the rel attribute or NULL.  At most `max` links;
 * returns the number handed out.  Also reports <link rel=canonical> via
 * *canonical (owned by the caller, free(); NULL if none). */
size_t html_links(htmlDocPtr doc, const char *base_url, size_t max,
		  void (*fn)(void *arg, const char *url, const char *rel),
		  void *arg, char **canonical);

/* The same links and canonical as html_links() on html_parse()'s tree, from
 * the parser's events without building the tree (the crawler's path). */
size_t html_scan_links(struct slice utf8, const char *base_url, size_t max,
		       void (*fn)(void *arg, const char *url, const char *rel),
		       void *arg, char **canonical);

#endif
