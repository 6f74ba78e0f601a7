/*
 * run_congest.c - when a <congestion> rule acts (pure: samples and now in,
 * commands out). A rule is added once the backlog has been above `above`
 * at every sample for `hold`, removed once it has been below `below` at
 * every sample for `release`: the gap between the two thresholds and the
 * two holds are the hysteresis that keeps one burst, or one empty
 * moment, from moving flows (doc/protocol.md "Load balancing triggered by
 * congestion").
 *
 * Owns: the rule's state. Must not: read clocks or links, send anything.
 */
#include "run_congest.h"

void run_congest_init(struct run_congest *c, uint32_t above, uint32_t below,
		      uint64_t hold_ns, uint64_t release_ns)
{
	*c = (struct run_congest){ .above = above, .below = below, .hold_ns = hold_ns,
				   .release_ns = release_ns };
}

/* The excursion past the threshold goes on (true) or stops. */
static bool excursion(struct run_congest *c, bool past, uint64_t now_ns, uint64_t need_ns)
{
	if (!past) {
		c->timing = false;
		return false;
	}
	if (!c->timing) {
		c->timing = true;
		c->since_ns = now_ns;
	}
	return now_ns - c->since_ns >= need_ns;
}

enum run_congest_cmd run_congest_sample(struct run_congest *c, uint64_t now_ns,
					size_t backlog)
{
	if (c->on && backlog > c->peak)
		c->peak = backlog;
	if (!c->on && excursion(c, backlog > c->above, now_ns, c->hold_ns)) {
		c->on = true;
		c->timing = false;
		c->peak = backlog;
		return RUN_CONGEST_ADD;
	}
	if (c->on && excursion(c, backlog < c->below, now_ns, c->release_ns)) {
		c->on = false;
		c->timing = false;
		return RUN_CONGEST_DEL;
	}
	return RUN_CONGEST_NONE;
}

void run_congest_failed(struct run_congest *c)
{
	c->on = !c->on;
	c->timing = false;
}
