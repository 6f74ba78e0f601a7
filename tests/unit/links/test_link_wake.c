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

Test(link_wake, spin_off_sleeps_until_the_instant_itself)
{
	struct link_wake k = link_wake_plan(1001 * US, 1000 * US, 0);

	cr_assert_eq(k.kind, LINK_WAKE_SLEEP);
	cr_assert_eq(k.timer_ns, 1001 * US);
}
