/*
 * link_topo.c - the topology's impairments (emu/topo/topo.h) as link params.
 *
 * Owns: the one place that knows both structs. Must not: validate (the
 * topology checks its values; link_params_check re-checks).
 */
#include "link.h"
#include "topo/topo.h"

static enum link_jitter_dist topo_dist(enum topo_jitter_dist d)
{
	switch (d) {
	case TOPO_JITTER_UNIFORM: return LINK_JITTER_UNIFORM;
	case TOPO_JITTER_NORMAL:  return LINK_JITTER_NORMAL;
	case TOPO_JITTER_PARETO:  return LINK_JITTER_PARETO;
	}
	return LINK_JITTER_UNIFORM;
}

static enum link_loss_model topo_loss(enum topo_loss_model m)
{
	switch (m) {
	case TOPO_LOSS_NONE:      return LINK_LOSS_NONE;
	case TOPO_LOSS_BERNOULLI: return LINK_LOSS_BERNOULLI;
	case TOPO_LOSS_GE:        return LINK_LOSS_GE;
	}
	return LINK_LOSS_NONE;
}

void link_params_from_topo(struct link_params *out, const struct topo_impair *in)
{
	*out = (struct link_params){
		.delay_ns = in->delay_ns,
		.jitter_ns = in->jitter_ns,
		.jitter_dist = topo_dist(in->jitter_dist),
		.rate_bps = in->rate_bps,
		.overhead_bytes = 0,
		.limit_pkts = in->limit_pkts,
		.limit_bytes = in->limit_bytes,
		.loss_model = topo_loss(in->loss_model),
		.loss = in->loss,
		.ge_p = in->ge_p,
		.ge_r = in->ge_r,
		.ge_loss_good = in->ge_loss_good,
		.ge_loss_bad = in->ge_loss_bad,
		.duplicate = in->duplicate,
		.reorder = in->reorder,
	};
}
