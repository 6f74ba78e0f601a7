/*
 * link_wake.c - the worker's sleep-or-poll decision (see link_wake.h).
 *
 * Must not: read clocks; pure functions of (due, now, spin) and of the
 * budget the worker keeps.
 */
#include "link_wake.h"

const char *link_wake_kind_name(enum link_wake_kind k)
{
	switch (k) {
	case LINK_WAKE_IDLE:  return "LINK_WAKE_IDLE";
	case LINK_WAKE_SLEEP: return "LINK_WAKE_SLEEP";
	case LINK_WAKE_POLL:  return "LINK_WAKE_POLL";
	}
	return "LINK_WAKE_?";
}

struct link_wake link_wake_plan(uint64_t due_ns, uint64_t now_ns, uint64_t spin_ns)
{
	if (!due_ns)
		return (struct link_wake){ .kind = LINK_WAKE_IDLE };
	if (due_ns <= now_ns || due_ns - now_ns <= spin_ns)
		return (struct link_wake){ .kind = LINK_WAKE_POLL };
	return (struct link_wake){ .kind = LINK_WAKE_SLEEP, .timer_ns = due_ns - spin_ns };
}

bool link_spin_allowed(struct link_spin_budget *b, uint64_t now_ns, unsigned pct)
{
	if (pct >= 100)
		return true;
	if (now_ns - b->period_start_ns >= LINK_SPIN_PERIOD_NS) {
		b->period_start_ns = now_ns;
		b->used_ns = 0;
	}
	return b->used_ns * 100 < (uint64_t)pct * LINK_SPIN_PERIOD_NS;
}

void link_spin_charge(struct link_spin_budget *b, uint64_t spent_ns)
{
	b->used_ns += spent_ns;
}
