/*
 * report.h - printable documents.  For now one: the Dokumen Profiling, the
 * PDF an analyst hands to the Intelligence and Investigation directorates
 * about one actor (SOP step 7; docs/report.md describes every section).
 *
 * The renderer reads the actor as JSON text, never the store: whoever
 * builds the actor (src/profile) decides what goes in, and the same JSON
 * can be rendered again later, or elsewhere, to the same document.
 *
 * Dependencies: cairo (PDF), pango (text), graphviz's libgvc (graph
 * layout), fontconfig with the DejaVu fonts.  Calls may come from several
 * threads: the graphviz part is serialised inside.
 */
#ifndef PATROLI_REPORT_H
#define PATROLI_REPORT_H

#include "base/base.h"

/*
 * Render one actor as a Dokumen Profiling PDF at `out_path`.
 *
 * `actor_json` is one JSON object (UTF-8, at most REPORT_MAX_JSON bytes):
 *
 *   {"id": "A-17" | 17,
 *    "identifiers": {"phone": [..], "email": [..], "bank": [..],
 *                    "handle": [..], "domain": [..]},
 *    "platforms": [..], "violations": {"NO_NIE": 3, ..},
 *    "listings": [{"url", "title", "platform", "commodity",
 *                  "violations": [codes], "first_seen", "last_seen",
 *                  "sha256", "warc_file"}, ..],
 *    "edges": [{"listing": url, "kind": "phone", "value": "+62.."}, ..],
 *    "merges": [{"identifier": "phone:+62..", "listings": [url, ..]}, ..],
 *    "generated_at": "2026-11-29T07:44:54Z"}
 *
 * Every key may be missing (rendered as "-"); a listing may also be a bare
 * URL string.  Content is treated as hostile: strings are cleaned of
 * control and bidi characters and capped, tables paginate, the graph draws
 * at most REPORT_MAX_GRAPH_NODES nodes and says what it left out.
 *
 * The PDF is written to a temporary file beside `out_path` and renamed
 * into place, so `out_path` is either the whole document or untouched.
 * Returns 0, or ERR_INPUT (not JSON, not an object, too large) or ERR_FAIL
 * (cannot write), with an error logged that names `out_path`.
 */
int report_profile_pdf(const char *actor_json, const char *out_path);

#define REPORT_MAX_JSON	       (64u << 20)
#define REPORT_MAX_LISTINGS    2000 /* rows of the listings table */
#define REPORT_MAX_GRAPH_NODES 60

#endif
