/*
 * link_wake.h - when a worker sleeps, and how long: the punctual delivery
 * policy. The delivery timer wakes a worker spin_ns before the earliest
 * frame is due; from then on it polls its ports without sleeping until the
 * frame has left, so a wake-up that comes late by up to spin_ns (the
 * scheduler's latency) costs no lateness. spin_ns 0: sleep until the
 * instant itself (no CPU spent polling). The polling is bounded by a
 * budget, a share of each 100 ms: at high frame rates a worker would
 * otherwise poll all the time and take the CPU the nodes need (on a
 * 2-core machine, doc/bench.md table 2); past the budget it sleeps until
 * each instant for the rest of the period.
 *
 * Must not: read clocks (the worker passes now).
 */
#ifndef PMIPEMU_LINK_WAKE_H
#define PMIPEMU_LINK_WAKE_H

#include <stdbool.h>
#include <stdint.h>

enum link_wake_kind {
	LINK_WAKE_IDLE,         /* nothing pending: timer off, sleep */
	LINK_WAKE_SLEEP,        /* sleep; the timer fires at timer_ns */
	LINK_WAKE_POLL,         /* inside the spin window: poll, do not sleep */
};
const char *link_wake_kind_name(enum link_wake_kind k);

struct link_wake {
	enum link_wake_kind kind;
	uint64_t timer_ns;      /* LINK_WAKE_SLEEP: absolute CLOCK_MONOTONIC */
};

/* due_ns: the earliest pending delivery, 0 = none. */
struct link_wake link_wake_plan(uint64_t due_ns, uint64_t now_ns, uint64_t spin_ns);

#define LINK_SPIN_PERIOD_NS 100000000ULL        /* the budget's period */

struct link_spin_budget {
	uint64_t period_start_ns;
	uint64_t used_ns;               /* polled in this period */
};

/* May the worker poll at now_ns: under pct % of the current period used?
 * A period that has ended starts a new one. pct >= 100: always. */
bool link_spin_allowed(struct link_spin_budget *b, uint64_t now_ns, unsigned pct);
/* Time spent polling, charged to the current period. */
void link_spin_charge(struct link_spin_budget *b, uint64_t spent_ns);

#endif
