/*
 * test_lma_state.c - the LMA's one binding-state transition function
 * (lma_state.c): every change of an entry's state is logged old -> new
 * with why, as magd logs its BUL entries (issue 8).
 */
#include "lma_fixture.h"

TestSuite(lma_state, .init = setup, .fini = teardown);

/* The nth LMA_ACT_LOG line of the last input, or "". */
static const char *log_line(size_t nth)
{
	const struct lma_action *a = find_act(LMA_ACT_LOG, nth);

	return a ? a->event.json : "";
}

Test(lma_state, each_transition_is_logged_old_to_new_with_why)
{
	struct mh_msg m = pbu(MN1, 1, 40, MH_HI_ATTACH_NEW_IFACE, MH_ATT_WLAN, MAC_A, NULL);

	input(&MAG1, &m, 0);
	cr_assert_eq(the_pba()->status, 0);
	cr_assert_eq(count_act(LMA_ACT_LOG), 1);
	cr_assert(strstr(log_line(0), ": NEW -> BCE_STATE_REGISTERED (new entry (5.3.2))"),
		  "%s", log_line(0));
	struct mh_prefix p = the_pba()->group[0].hnp[0];

	m = pbu(MN1, 2, 40, MH_HI_NOT_CHANGED, MH_ATT_WLAN, MAC_A, &p);
	input(&MAG1, &m, SEC);
	cr_assert(strstr(log_line(0), "BCE_STATE_REGISTERED -> BCE_STATE_REGISTERED (refresh (5.3.3))"),
		  "%s", log_line(0));
	m = pbu(MN1, 3, 0, MH_HI_NOT_CHANGED, MH_ATT_WLAN, MAC_A, &p);
	input(&MAG1, &m, 2 * SEC);
	cr_assert(strstr(log_line(0),
			 "BCE_STATE_REGISTERED -> BCE_STATE_DEREGISTERED (lifetime 0 accepted (5.3.5))"),
		  "%s", log_line(0));
	m = pbu(MN1, 4, 40, MH_HI_HANDOFF_SAME_IFACE, MH_ATT_WLAN, MAC_A, &p);
	input(&MAG2, &m, 3 * SEC);
	cr_assert_eq(the_pba()->status, 0);
	cr_assert(strstr(log_line(0), "BCE_STATE_DEREGISTERED -> BCE_STATE_REGISTERED (handoff (5.4.1))"),
		  "%s", log_line(0));
	cr_assert(strstr(log_line(0), "[02:00:00:00:01:0a]"), "names the MN-LL-ID: %s", log_line(0));
}
