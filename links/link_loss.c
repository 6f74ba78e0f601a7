/*
 * link_loss.c - loss stage: none, Bernoulli(p), Gilbert-Elliott.
 *
 * Gilbert-Elliott is a two-state Markov chain stepped once per frame: the
 * frame is lost with the loss probability of the state it finds
 * (ge_loss_good or ge_loss_bad), then the chain moves good->bad with
 * probability ge_p or bad->good with ge_r. Bad runs last 1/r frames on
 * average; the stationary share of the bad state is p/(p+r). (netem's
 * "gemodel p r 1-h 1-k" orders the two draws the same way.)
 *
 * Must not: draw from anything but the rng given.
 */
#include "link_stage.h"

static bool loss_ge(struct link_loss *l, const struct link_params *p,
		    struct link_rng *rng)
{
	bool lost = link_rng_chance(rng, l->ge_bad ? p->ge_loss_bad : p->ge_loss_good);

	if (l->ge_bad) {
		if (link_rng_chance(rng, p->ge_r))
			l->ge_bad = false;
	} else if (link_rng_chance(rng, p->ge_p)) {
		l->ge_bad = true;
	}
	return lost;
}

bool link_loss_drop(struct link_loss *l, const struct link_params *p,
		    struct link_rng *rng)
{
	switch (p->loss_model) {
	case LINK_LOSS_NONE:
		return false;
	case LINK_LOSS_BERNOULLI:
		return link_rng_chance(rng, p->loss);
	case LINK_LOSS_GE:
		return loss_ge(l, p, rng);
	}
	return false;
}
