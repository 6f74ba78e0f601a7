/*
 * run_congest.h - the run's congestion rules (an lma's <congestion>,
 * problem statement section 3 / appendix B: network-initiated load
 * balancing). The engine (run_congest.c) is pure: backlog samples and now
 * in, "add the rule" / "remove it" out; the shell (run_congest_io.c)
 * samples the link engine and talks to the LMA's control socket.
 */
#ifndef RUN_CONGEST_H
#define RUN_CONGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum run_congest_cmd {
	RUN_CONGEST_NONE,
	RUN_CONGEST_ADD,        /* the backlog stayed above `above` for `hold` */
	RUN_CONGEST_DEL,        /* it stayed below `below` for `release` */
};

struct run_congest {
	uint32_t above, below;          /* packets; above > below (hysteresis) */
	uint64_t hold_ns, release_ns;
	bool on;                        /* the rule is in place */
	bool timing;                    /* an excursion is being timed */
	uint64_t since_ns;              /* its first sample */
	uint64_t peak;                  /* largest backlog sampled since on */
};

void run_congest_init(struct run_congest *c, uint32_t above, uint32_t below,
		      uint64_t hold_ns, uint64_t release_ns);
/* One sample: the command it triggers (the state assumes it succeeds). */
enum run_congest_cmd run_congest_sample(struct run_congest *c, uint64_t now_ns,
					size_t backlog);
/* The command failed (the LMA refused it): back to the state before, and
 * timing starts over. */
void run_congest_failed(struct run_congest *c);

#endif
