/*
 * prompts.c - the words the team report offers for reflection: a question
 * per dimension for "areas to grow" and workshop prompts drawing on CARE and
 * CLEAR. Written for carepulse, in the spirit of coaching for compassion:
 * questions that open a conversation, never verdicts.
 */
#include <string.h>

#include "i18n.h"
#include "prompts_int.h"

static const struct rp_prompts prompts[] = {
    {"compassion",
     N_("What makes work hard or painful for us at the moment, and what could "
	"be eased if we named it together?"),
     N_("Think of a time someone here made a difficult day lighter. What did "
	"they do, and what did it make possible?"),
     N_("Which pressure do we carry quietly? What is one thing that could be "
	"taken off our shoulders in the next month?")},
    {"confidence",
     N_("What would help us feel steadier about where we are heading?"),
     N_("When did you last feel sure of our direction? What was present then "
	"that we could bring back?"),
     N_("What do we need to hear, see or decide to trust our plans a little "
	"more?")},
    {"collaborative",
     N_("Where could power and leadership be shared a little more, so more "
	"of our strengths are used?"),
     N_("Which of your strengths would you like to use more here?"),
     N_("Which decision or piece of work could someone new lead next, with "
	"support?")},
    {"contemplative",
     N_("Where would a pause to reflect, before acting, help us most?"),
     N_("Think of a decision that went well because we took time over it. "
	"What made that possible?"),
     N_("How could we build a short moment of reflection into our week, and "
	"be kind to ourselves in it?")},
    {"civil",
     N_("How can we keep respect and courtesy strong when we are under "
	"pressure or disagree?"),
     N_("Recall a disagreement here that was handled well. What did people "
	"do that kept it respectful?"),
     N_("What shared agreement about how we disagree would help us most?")},
    {"curiosity",
     N_("Where might asking first, before assuming, open up something new?"),
     N_("When did a question someone asked change how you saw a situation?"),
     N_("Which view or voice do we hear least often, and how could we invite "
	"it in?")},
    {"courage",
     N_("Which hard issue would we like to be able to raise more easily?"),
     N_("Think of a moment someone here spoke up or admitted a mistake. What "
	"helped them, and how did others respond?"),
     N_("What would make it safer to say \"I got that wrong\" or \"I am "
	"worried about this\"?")},
    {"attending",
     N_("How could we make more time to really listen to one another?"),
     N_("When did you last feel properly listened to at work? What did the "
	"other person do?"),
     N_("Which meeting or routine could leave more room for challenges and "
	"frustrations, not only successes?")},
    {"understanding",
     N_("Where could we understand each other's situation better before "
	"deciding what it means?"),
     N_("Describe a time someone took the trouble to see things from your "
	"side. What difference did it make?"),
     N_("What is complex in our work right now that deserves more shared "
	"exploration?")},
    {"empathising",
     N_("How can we let care for one another show, without being swamped by "
	"it?"),
     N_("When have you felt that someone here truly felt with you?"),
     N_("What small signs of care would mean the most to people in this "
	"team?")},
    {"helping",
     N_("Which obstacles, once removed, would make the biggest difference to "
	"our work?"),
     N_("Think of practical help that made your work easier. What was it, and "
	"who made it happen?"),
     N_("What time, training or equipment would help most, and who could we "
	"ask for it?")},
};

static const struct rp_prompts fallback = {
    NULL,
    N_("What would it look like if this were one of our strengths, and what "
       "small step would move us toward it?"),
    N_("Describe a moment when this went well for us. What made it work?"),
    N_("What is one small, concrete step we could try before the next pulse?"),
};

const struct rp_prompts *rp_prompts_for(const char *dimension_id)
{
	size_t i;

	for (i = 0; dimension_id && i < sizeof(prompts) / sizeof(prompts[0]);
	     i++)
		if (strcmp(prompts[i].id, dimension_id) == 0)
			return &prompts[i];
	return &fallback;
}
