/*
 * prompts_int.h - private to reports/: reflective questions per dimension.
 */
#ifndef CP_PROMPTS_INT_H
#define CP_PROMPTS_INT_H

/* The texts are the English messages (N_): show them through _(). */
struct rp_prompts {
	const char *id;
	const char *grow;      /* an "areas to grow" question */
	const char *strength;  /* a workshop prompt about what works */
	const char *next_step; /* a workshop prompt about a next step */
};

/* The prompts for a dimension id; a generic set for unknown ids. Static. */
const struct rp_prompts *rp_prompts_for(const char *dimension_id);

#endif
