/*
 * link_params.h - the impairment model of one link direction: the one
 * definition the topology (emu/topo/topo.h, <impair>) and the link engine
 * (link.h) share, with the names of its enums and its check.
 *
 * Owns: the model and its words ("normal", "gilbert-elliott": the
 * topology's attribute values, doc/topology.md). Must not: include
 * anything of the engine; the topology library and the daemons that link
 * it read this header and link_params.c only.
 */
#ifndef PMIPEMU_LINK_PARAMS_H
#define PMIPEMU_LINK_PARAMS_H

#include <stdint.h>

#define LINK_LIMIT_PKTS_DEFAULT 1000    /* netem's default queue limit */

enum link_jitter_dist { LINK_JITTER_UNIFORM, LINK_JITTER_NORMAL, LINK_JITTER_PARETO };
/* "uniform", "normal", "pareto" (the <impair jitter-dist=> values). */
const char *link_jitter_dist_name(enum link_jitter_dist d);

enum link_loss_model { LINK_LOSS_NONE, LINK_LOSS_BERNOULLI, LINK_LOSS_GE };
/* "none", "bernoulli", "gilbert-elliott". */
const char *link_loss_model_name(enum link_loss_model m);

/* Direction index: LINK_DIR_AB carries frames sent by end a to end b
 * (the topology's <impair dir="ab">). */
enum link_dir_id { LINK_DIR_AB = 0, LINK_DIR_BA = 1 };
const char *link_dir_id_name(enum link_dir_id d);

/* Impairments of one direction. All zero = a perfect wire (except
 * limit_pkts 0, which means LINK_LIMIT_PKTS_DEFAULT). */
struct link_params {
	uint64_t delay_ns;
	uint64_t jitter_ns;             /* uniform: half-width; normal, pareto: sigma */
	enum link_jitter_dist jitter_dist;
	uint64_t rate_bps;              /* 0 = unlimited */
	uint32_t overhead_bytes;        /* added to the L2 length for serialization */
	uint32_t limit_pkts;            /* backlog limit; 0 = default 1000 */
	uint64_t limit_bytes;           /* backlog limit in bytes; 0 = none */
	enum link_loss_model loss_model;
	double loss;                    /* Bernoulli probability */
	/* Gilbert-Elliott: p = P(good->bad), r = P(bad->good) per frame,
	 * loss_good = 1-k, loss_bad = 1-h (per-state loss probabilities) */
	double ge_p;
	double ge_r;
	double ge_loss_good;
	double ge_loss_bad;
	double duplicate;               /* probability a frame is delivered twice */
	double reorder;                 /* probability a frame skips delay/jitter */
};

/* Check a params struct: probabilities in [0,1], known enum values.
 * Returns 0, or -1 with *why. */
int link_params_check(const struct link_params *p, const char **why);

#endif
