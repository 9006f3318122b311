/*
 * json_load.h - json_loadb that notices a failed allocation. jansson's
 * lexer ignores a failure to grow the text it is reading (lex_save) and
 * goes on without the character, so a document can come back whole but
 * wrong ("compassionate-ulse"), or read past its buffer. Every allocation
 * jansson makes during a load goes through an allocator that records a
 * failure for this thread and serves it, and the rest of the load, from a
 * reserve made before the load; a load during which one failed is thrown
 * away.
 */
#ifndef CP_JSON_LOAD_H
#define CP_JSON_LOAD_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/*
 * As json_loadb(text, len, flags, jerr); when an allocation failed during
 * the load, the document is freed, NULL returned and *oom set (else
 * cleared), so the caller reports "out of memory" rather than a document
 * that differs from the text.
 */
json_t *cp_json_loadb(const char *text, size_t len, size_t flags,
		      json_error_t *jerr, bool *oom);

/*
 * As json_dumps(doc, flags), or NULL when an allocation failed during the
 * dump: jansson 2.14 ignores a failure to write an object's key when it
 * sorts keys (dump_string's result in do_dump) and goes on, so the text
 * would come back without that key.
 */
char *cp_json_dumps(const json_t *doc, size_t flags);

#endif
