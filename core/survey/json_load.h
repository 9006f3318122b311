/*
 * json_load.h - json_loadb that notices a failed allocation. jansson's
 * lexer ignores a failure to grow the text it is reading (lex_save) and
 * goes on without the character, so a document can come back whole but
 * wrong ("compassionate-ulse"). Every allocation jansson makes goes
 * through an allocator that records a failure for this thread; a load
 * during which one failed is thrown away.
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

#endif
