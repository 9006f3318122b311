#include "problems.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "i18n.h"

void cp_problems_init(struct cp_problems *p, const char *file)
{
	memset(p, 0, sizeof(*p));
	cp_strlcpy(p->file, file ? file : "", sizeof(p->file));
}

void cp_problems_release(struct cp_problems *p)
{
	free(p->items);
	p->items = NULL;
	p->count = 0;
	p->alloc = 0;
	p->dropped = 0;
}

void cp_problems_add(struct cp_problems *p, int line, const char *field,
		     const char *fmt, ...)
{
	struct cp_problem *pr;
	va_list ap;

	if (p->count >= CP_PROBLEMS_MAX) {
		p->dropped++;
		return;
	}
	if (p->count == p->alloc) {
		size_t alloc = p->alloc ? p->alloc * 2 : 16;
		struct cp_problem *items =
		    realloc(p->items, alloc * sizeof(*items));
		if (items == NULL) {
			p->dropped++;
			return;
		}
		p->items = items;
		p->alloc = alloc;
	}
	pr = &p->items[p->count++];
	pr->line = line;
	cp_strlcpy(pr->field, field ? field : "", sizeof(pr->field));
	va_start(ap, fmt);
	/* A format marked N_() in the language of errors (i18n.h). */
	vsnprintf(pr->message, sizeof(pr->message), cp_gettext_error(fmt), ap);
	va_end(ap);
}

size_t cp_problems_total(const struct cp_problems *p)
{
	return p->count + p->dropped;
}

const char *cp_problems_format(const struct cp_problems *p, size_t i, char *out,
			       size_t n)
{
	const struct cp_problem *pr = &p->items[i];

	if (pr->line > 0)
		snprintf(out, n, "%s:%d: %s", p->file, pr->line, pr->message);
	else
		snprintf(out, n, "%s: %s", p->file, pr->message);
	return out;
}

int cp_problems_to_error(const struct cp_problems *p, struct cp_error *err)
{
	size_t total = cp_problems_total(p);

	if (total == 0)
		return 0;
	if (p->count == 0)
		return cp_error_set_at(err, CP_EDATA, p->file, 0, 0,
				       cp_ngettext_error("%zu problem found",
							 "%zu problems found",
							 total),
				       total);
	if (total == 1)
		return cp_error_set_at(err, CP_EDATA, p->file, p->items[0].line,
				       0, "%s", p->items[0].message);
	return cp_error_set_at(err, CP_EDATA, p->file, p->items[0].line, 0,
			       cp_ngettext_error("%s (and %zu more problem)",
						 "%s (and %zu more problems)",
						 total - 1),
			       p->items[0].message, total - 1);
}
