/* Unit tests of link_wake.c: sleep, poll in the spin window, or idle. */
#include <criterion/criterion.h>

#include "links/link_wake.h"

#define US 1000ULL

Test(link_wake, nothing_pending_is_idle_timer_off)
{
	struct link_wake k = link_wake_plan(0, 1000 * US, 50 * US);

	cr_assert_eq(k.kind, LINK_WAKE_IDLE, "%s", link_wake_kind_name(k.kind));
}

Test(link_wake, a_frame_due_later_than_the_spin_window_arms_the_timer_that_much_early)
{
	struct link_wake k = link_wake_plan(2000 * US, 1000 * US, 50 * US);

	cr_assert_eq(k.kind, LINK_WAKE_SLEEP);
	cr_assert_eq(k.timer_ns, 1950 * US);
}

Test(link_wake, inside_the_spin_window_the_worker_polls)
{
	cr_assert_eq(link_wake_plan(1050 * US, 1000 * US, 50 * US).kind, LINK_WAKE_POLL);
	cr_assert_eq(link_wake_plan(1001 * US, 1000 * US, 50 * US).kind, LINK_WAKE_POLL);
	cr_assert_eq(link_wake_plan(1051 * US, 1000 * US, 50 * US).kind, LINK_WAKE_SLEEP);
}

Test(link_wake, a_frame_already_due_is_polled_for_at_once)
{
	cr_assert_eq(link_wake_plan(900 * US, 1000 * US, 0).kind, LINK_WAKE_POLL);
	cr_assert_eq(link_wake_plan(1000 * US, 1000 * US, 50 * US).kind, LINK_WAKE_POLL);
}

Test(link_wake, polling_stops_when_the_period_budget_is_spent_and_resumes_next_period)
{
	struct link_spin_budget b = {0};
	uint64_t t = 5 * LINK_SPIN_PERIOD_NS;

	cr_assert(link_spin_allowed(&b, t, 20));
	link_spin_charge(&b, LINK_SPIN_PERIOD_NS / 5 - 1);      /* just under 20 % */
	cr_assert(link_spin_allowed(&b, t + 1000, 20));
	link_spin_charge(&b, 1);
	cr_assert(!link_spin_allowed(&b, t + 2000, 20), "20 %% of the period spent");
	cr_assert(!link_spin_allowed(&b, t + LINK_SPIN_PERIOD_NS - 1, 20));
	cr_assert(link_spin_allowed(&b, t + LINK_SPIN_PERIOD_NS, 20), "a new period");
	cr_assert_eq(b.used_ns, 0);
}

Test(link_wake, a_budget_of_100_percent_never_stops_polling)
{
	struct link_spin_budget b = {0};

	link_spin_charge(&b, 10 * LINK_SPIN_PERIOD_NS);
	cr_assert(link_spin_allowed(&b, 1, 100));
}

Test(link_wake, spin_off_sleeps_until_the_instant_itself)
{
	struct link_wake k = link_wake_plan(1001 * US, 1000 * US, 0);

	cr_assert_eq(k.kind, LINK_WAKE_SLEEP);
	cr_assert_eq(k.timer_ns, 1001 * US);
}
