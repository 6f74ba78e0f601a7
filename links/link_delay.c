/*
 * link_delay.c - delay, jitter and reorder stage.
 *
 * deliver = tx_done + delay + jitter, never earlier than tx_done, and never
 * earlier than the previous delayed frame's delivery: jitter alone does not
 * reorder (a FIFO wire whose latency varies). Reordering happens only with
 * probability `reorder`: such a frame skips delay and jitter and is
 * delivered at tx_done, overtaking the frames still in flight (netem's
 * "reorder" semantics, without netem's gap). It does not move the FIFO
 * bound of the delayed frames.
 *
 * Jitter distributions (j = jitter_ns):
 *   uniform: U[-j, +j]                      (mean 0, variance j^2/3)
 *   normal:  N(0, j^2)                       (sigma j)
 *   pareto:  j * (X - 1.5) / sqrt(0.75), X ~ Pareto(shape 3, scale 1):
 *            mean 0, sigma j, bounded below by -1.732 j, heavy right tail,
 *            like netem's tables which are scaled to mean 0, sigma j.
 * Must not: read clocks, use any randomness but the rng given.
 */
#include <math.h>

#include "link_stage.h"

#define PARETO_SHAPE 3.0

double link_delay_jitter(const struct link_params *p, struct link_rng *rng)
{
	double j = (double)p->jitter_ns;

	if (p->jitter_ns == 0)
		return 0;
	switch (p->jitter_dist) {
	case LINK_JITTER_UNIFORM:
		return j * (2.0 * link_rng_uniform(rng) - 1.0);
	case LINK_JITTER_NORMAL:
		return j * link_rng_normal(rng);
	case LINK_JITTER_PARETO: {
		/* Pareto(a, 1): mean a/(a-1) = 1.5, variance a/((a-1)^2 (a-2)) = 0.75 */
		double x = link_rng_pareto(rng, PARETO_SHAPE, 1.0);

		return j * (x - 1.5) / sqrt(0.75);
	}
	}
	return 0;
}

/* tx_done + delay + jitter, clamped to [tx_done, ~146 years]. */
static uint64_t delay_total(uint64_t tx_done_ns, uint64_t delay_ns, double jitter)
{
	double total = (double)delay_ns + jitter;

	if (total <= 0)
		return tx_done_ns;
	if (total > 0x1p62)
		total = 0x1p62;
	return tx_done_ns + (uint64_t)llround(total);
}

uint64_t link_delay_deliver(struct link_delay *d, const struct link_params *p,
			    uint64_t tx_done_ns, struct link_rng *rng,
			    bool *reordered)
{
	*reordered = p->reorder > 0 && link_rng_chance(rng, p->reorder);
	if (*reordered)
		return tx_done_ns;

	uint64_t at = delay_total(tx_done_ns, p->delay_ns, link_delay_jitter(p, rng));

	if (at < d->last_deliver_ns)
		at = d->last_deliver_ns;
	d->last_deliver_ns = at;
	return at;
}
