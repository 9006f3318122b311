/* anonymity.c - printing the anonymity preview. See anonymity.h. */
#include "anonymity.h"
#include "i18n.h"

#include "buf.h"
#include "output.h"
#include "results.h"

#define LABEL_MAX 512

static int print_json(FILE *f, const struct cp_preview *p)
{
	struct cp_buf b;
	char label[LABEL_MAX];
	int rc;

	cp_buf_init(&b, 0);
	rc = cp_buf_printf(&b, NULL, "{\"threshold\": %d, \"groups\": [",
			   p->threshold);
	for (size_t i = 0; rc == 0 && i < p->nentries; i++) {
		const struct cp_preview_entry *e = &p->entries[i];
		const struct cp_group *g = &p->plan->groups[e->group];
		const char *prot = cp_results_protects_label(
		    p->plan, &g->why, label, sizeof(label));
		rc = cp_buf_adds(
			 &b,
			 i ? ",\n  {\"group\": " : "\n  {\"group\": ", NULL) ||
		     out_json_string(&b, g->name) ||
		     cp_buf_adds(&b, ", \"scope\": ", NULL) ||
		     out_json_string(&b, cp_scope_name(g->scope)) ||
		     cp_buf_printf(&b, NULL, ", \"people\": %lld",
				   (long long)e->people) ||
		     cp_buf_adds(&b, ", \"reason\": ", NULL) ||
		     out_json_string(&b, cp_reason_name(g->why.reason)) ||
		     cp_buf_adds(&b, ", \"protects\": ", NULL) ||
		     (prot ? out_json_string(&b, prot)
			   : cp_buf_adds(&b, "null", NULL)) ||
		     cp_buf_adds(&b, ", \"problem\": ", NULL) ||
		     out_json_string(&b, e->problem) ||
		     cp_buf_adds(&b, ", \"fix\": ", NULL) ||
		     (e->fix[0] ? out_json_string(&b, e->fix)
				: cp_buf_adds(&b, "null", NULL)) ||
		     cp_buf_addc(&b, '}', NULL);
	}
	rc = rc || cp_buf_adds(&b, p->nentries ? "\n]}\n" : "]}\n", NULL);
	if (rc == 0 && fwrite(b.data, 1, b.len, f) != b.len)
		rc = CP_EIO;
	cp_buf_release(&b);
	return rc ? CP_ENOMEM : 0;
}

int cmd_print_preview(FILE *f, const struct cp_preview *p, enum cmd_format fmt)
{
	if (fmt == FORMAT_JSON)
		return print_json(f, p);
	fprintf(f,
		_("anonymity preview (threshold %d, if everyone answers):\n"),
		p->threshold);
	if (p->nentries == 0)
		fprintf(f,
			_("  every team can be shown once %d of its people "
			  "answer\n"),
			p->threshold);
	for (size_t i = 0; i < p->nentries; i++) {
		fprintf(f, "  %s\n", p->entries[i].problem);
		if (p->entries[i].fix[0])
			fprintf(f, _("    to fix: %s\n"), p->entries[i].fix);
	}
	return 0;
}

int cmd_threshold(struct cmd_ctx *c, int wave_k, int *k)
{
	struct cp_wave w = {0};
	int ck;

	w.threshold = wave_k;
	return cp_results_thresholds(c->store, &w, k, &ck, &c->err);
}
