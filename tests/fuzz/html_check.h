/*
 * html_check.h - the oracle for the form's pages: every tag in the page is
 * one the renderer writes itself, so no text from a survey or a person
 * reached the page unescaped; and the page has no script.
 */
#ifndef CP_FUZZ_HTML_CHECK_H
#define CP_FUZZ_HTML_CHECK_H

#include <ctype.h>
#include <string.h>

#include "fuzz.h"

static inline void fuzz_check_html(const char *page, size_t len)
{
	static const char *const tags[] = {
	    "!doctype", "html",	    "head",   "meta",  "title",	  "style",
	    "body",	"main",	    "h1",     "h2",    "p",	  "div",
	    "form",	"fieldset", "legend", "label", "input",	  "textarea",
	    "button",	"footer",   "ul",     "li",    "a",	  "span",
	    "strong",	"em",	    "br",     "small", "section", "details",
	    "summary",	"nav",	    "bdi"};

	FUZZ_CHECK(strlen(page) == len, "a NUL byte in the page");
	for (const char *p = strchr(page, '<'); p; p = strchr(p + 1, '<')) {
		char name[16];
		size_t n = 0;
		const char *q = p + 1;
		int known = 0;

		if (*q == '/')
			q++;
		while (n + 1 < sizeof(name) &&
		       (isalnum((unsigned char)q[n]) || q[n] == '!'))
			name[n] = (char)tolower((unsigned char)q[n]), n++;
		name[n] = '\0';
		for (size_t t = 0; t < sizeof(tags) / sizeof(tags[0]); t++)
			known |= strcmp(name, tags[t]) == 0;
		FUZZ_CHECK(known, "unexpected tag '<%.20s' in the page", p + 1);
	}
}

#endif
