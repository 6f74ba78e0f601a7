/*
 * link_wake.c - the worker's sleep-or-poll decision (see link_wake.h).
 *
 * Must not: read clocks; a pure function of (due, now, spin).
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
