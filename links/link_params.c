/*
 * link_params.c - names of the link enums and the check of a params set
 * (link_params.h). The impairment names are the topology's words.
 *
 * Must not: allocate, read clocks; pure lookups.
 */
#include "link.h"
#include "link_params.h"
#include "link_stage.h"

const char *link_jitter_dist_name(enum link_jitter_dist d)
{
	switch (d) {
	case LINK_JITTER_UNIFORM: return "uniform";
	case LINK_JITTER_NORMAL:  return "normal";
	case LINK_JITTER_PARETO:  return "pareto";
	}
	return "?";
}

const char *link_loss_model_name(enum link_loss_model m)
{
	switch (m) {
	case LINK_LOSS_NONE:      return "none";
	case LINK_LOSS_BERNOULLI: return "bernoulli";
	case LINK_LOSS_GE:        return "gilbert-elliott";
	}
	return "?";
}

const char *link_dir_id_name(enum link_dir_id d)
{
	switch (d) {
	case LINK_DIR_AB: return "LINK_DIR_AB";
	case LINK_DIR_BA: return "LINK_DIR_BA";
	}
	return "LINK_DIR_?";
}

const char *link_fate_name(enum link_fate f)
{
	switch (f) {
	case LINK_FATE_DELIVER:    return "LINK_FATE_DELIVER";
	case LINK_FATE_DROP_DOWN:  return "LINK_FATE_DROP_DOWN";
	case LINK_FATE_DROP_QUEUE: return "LINK_FATE_DROP_QUEUE";
	case LINK_FATE_DROP_LOSS:  return "LINK_FATE_DROP_LOSS";
	}
	return "LINK_FATE_?";
}

static bool prob_ok(double p)
{
	return p >= 0.0 && p <= 1.0;    /* false for NaN too */
}

int link_params_check(const struct link_params *p, const char **why)
{
	if (!prob_ok(p->loss) || !prob_ok(p->ge_p) || !prob_ok(p->ge_r) ||
	    !prob_ok(p->ge_loss_good) || !prob_ok(p->ge_loss_bad) ||
	    !prob_ok(p->duplicate) || !prob_ok(p->reorder)) {
		*why = "probability outside [0,1]";
		return -1;
	}
	if ((unsigned)p->jitter_dist > LINK_JITTER_PARETO) {
		*why = "unknown jitter distribution";
		return -1;
	}
	if ((unsigned)p->loss_model > LINK_LOSS_GE) {
		*why = "unknown loss model";
		return -1;
	}
	return 0;
}
