/*
 * test_mag_session.c - several mobility sessions on one MN interface at the
 * MAG (problem statement section 2.1, RFC 5149 Service Selection): service
 * profiles registered on attach, sessions added and deleted at run time,
 * each with its own PBU, prefixes and lifetime, and the RAs that give the
 * MN a new prefix at once and withdraw a deleted one.
 */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "mag_testlib.h"

TestSuite(mag_session, .init = tsetup, .fini = tteardown);

static bool has_service(const struct mh_msg *p, const char *svc)
{
	const struct mh_group *g = &p->group[0];

	return g->service_len == strlen(svc) && !memcmp(g->service, svc, g->service_len);
}

static int add(const char *svc, uint64_t now, const char **why)
{
	mag_acts_reset(ta);
	return mag_session_add(tm, LL_A1, svc, now, ta, why);
}

static int del(const char *svc, uint64_t now, const char **why)
{
	mag_acts_reset(ta);
	return mag_session_delete(tm, LL_A1, svc, now, ta, why);
}

/* Register pdn3 on A1 (already attached) with prefix hnp. */
static const struct mag_bul *add_pdn3(const char *hnp, uint64_t now)
{
	const char *why = NULL;

	cr_assert_eq(add("pdn3", now, &why), 0, "%s", why);
	struct mh_msg r = make_pba(nth_pbu(0), PBA_STATUS_ACCEPTED, 40, hnp);
	pba(&r, now + 10000000);
	for (size_t i = 0; i < MAG_BUL_MAX; i++) {
		const struct mag_bul *b = mag_bul_at(tm, i);
		if (b && !strcmp(b->service, "pdn3"))
			return b;
	}
	cr_assert_fail("no pdn3 session");
	return NULL;
}

Test(mag_session, added_session_sends_pbu_with_service_selection_and_hi_1)
{
	const char *why = NULL;

	register_mn(IF_ETH, LL_A1, "2001:db8:101::", 0);
	cr_assert_eq(add("pdn3", S_NS, &why), 0, "%s", why);
	cr_assert_eq(count_acts(MAG_ACT_SEND_PBU), 1);
	const struct mh_msg *p = nth_pbu(0);
	cr_assert(has_service(p, "pdn3"));
	cr_assert_eq(p->group[0].hi, MH_HI_ATTACH_NEW_IFACE);
	cr_assert_eq(p->group[0].n_hnp, 1);
	cr_assert(IN6_IS_ADDR_UNSPECIFIED(&p->group[0].hnp[0].prefix), "asks ::/0");
	cr_assert_gt(p->lifetime, 0);
	cr_assert_eq(count_acts(MAG_ACT_ROUTE_DEL), 0, "the default session is untouched");
	cr_assert_not_null(find_event(MAG_EV_SESSION_ADDED));
}

/* The PBA: routes for the new prefix only, and an unsolicited RA at once
 * listing it (with the interface's other prefix). */
Test(mag_session, accepted_session_is_advertised_at_once)
{
	register_mn(IF_ETH, LL_A1, "2001:db8:101::", 0);
	add_pdn3("2001:db8:103::", S_NS);
	cr_assert_eq(count_acts(MAG_ACT_ROUTE_ADD), 1);
	struct in6_addr p3 = a6("2001:db8:103::");
	cr_assert_eq(memcmp(&nth_act(MAG_ACT_ROUTE_ADD, 0)->prefix.prefix, &p3, 16), 0);
	const struct mag_act *ra = nth_act(MAG_ACT_SEND_RA, 0);
	cr_assert_not_null(ra, "unsolicited RA on acceptance");
	cr_assert_eq(ra->n_hnp, 2, "P1 and P3 on the interface");
	cr_assert_gt(ra->valid_s, 0);
	struct in6_addr h = a6("2001:db8:103::1");
	cr_assert_not_null(mag_find_by_addr(tm, &h));
}

Test(mag_session, deletion_withdraws_the_prefix_and_deregisters_only_that_session)
{
	const char *why = NULL;

	register_mn(IF_ETH, LL_A1, "2001:db8:101::", 0);
	add_pdn3("2001:db8:103::", S_NS);
	cr_assert_eq(del("pdn3", 2 * S_NS, &why), 0, "%s", why);
	const struct mag_act *ra = nth_act(MAG_ACT_SEND_RA, 0);
	cr_assert_not_null(ra);
	cr_assert_eq(ra->n_hnp, 1);
	cr_assert_eq(ra->valid_s, 0, "valid lifetime 0: the MN stops using P3");
	cr_assert_eq(ra->preferred_s, 0);
	cr_assert_gt(ra->router_lifetime_s, 0, "the router still serves P1");
	cr_assert_eq(count_acts(MAG_ACT_SEND_PBU), 1);
	cr_assert(has_service(nth_pbu(0), "pdn3"));
	cr_assert_eq(nth_pbu(0)->lifetime, 0);
	cr_assert_eq(count_acts(MAG_ACT_ROUTE_DEL), 1, "P3's route only");
	struct in6_addr h1 = a6("2001:db8:101::1"), h3 = a6("2001:db8:103::1");
	cr_assert_not_null(mag_find_by_addr(tm, &h1));
	cr_assert_null(mag_find_by_addr(tm, &h3));
}

Test(mag_session, errors_say_why_and_change_nothing)
{
	const char *why = NULL;

	cr_assert_eq(add("pdn3", 0, &why), -1);
	cr_assert_str_eq(why, "MN interface has no registered session on this MAG (attach first)");
	register_mn(IF_ETH, LL_A1, "2001:db8:101::", 0);
	add_pdn3("2001:db8:103::", S_NS);
	cr_assert_eq(add("pdn3", 2 * S_NS, &why), -1);
	cr_assert_str_eq(why, "the interface already has a session for this service");
	cr_assert_eq(count_acts(MAG_ACT_SEND_PBU), 0);
	cr_assert_eq(del("pdn9", 2 * S_NS, &why), -1);
	cr_assert_str_eq(why, "the interface has no session for this service");
	cr_assert_eq(add("", 2 * S_NS, &why), -1);
	cr_assert_eq(ta->n, 0, "no action for a refused command");
}

/* A service profile of the interface is one more session on attach. */
Test(mag_session, service_profile_is_registered_on_attach)
{
	tcfg_default();
	tcfg.profile[3] = tcfg.profile[0];
	strcpy(tcfg.profile[3].service, "pdn2");
	tcfg.n_profile = 4;
	mag_free(tm);
	free(ta);
	tstart();
	attach(IF_ETH, LL_A1, 0);
	cr_assert_eq(count_acts(MAG_ACT_SEND_PBU), 2);
	cr_assert_eq(nth_pbu(0)->group[0].service_len, 0, "the RFC 5213 session first");
	cr_assert(has_service(nth_pbu(1), "pdn2"));
}

/* Each session refreshes on its own lifetime; the PBA of one is never
 * taken for the other's (the service is matched). */
Test(mag_session, pba_for_another_service_is_not_matched)
{
	register_mn(IF_ETH, LL_A1, "2001:db8:101::", 0);
	const char *why = NULL;
	cr_assert_eq(add("pdn3", S_NS, &why), 0);
	struct mh_msg r = make_pba(nth_pbu(0), PBA_STATUS_ACCEPTED, 40, "2001:db8:103::");
	memcpy(r.group[0].service, "pdn4", 4);
	pba(&r, S_NS + 1000);
	cr_assert_eq(count_acts(MAG_ACT_ROUTE_ADD), 0, "ignored");
	cr_assert_eq(mag_stats(tm)->pba_ignored, 1);
}

#include "mag/mag_ctl.h"

static char answer[4096];

static const char *ctl(const char *line, uint64_t now)
{
	mag_acts_reset(ta);
	mag_ctl_handle(tm, line, now, ta, answer, sizeof(answer));
	return answer;
}

Test(mag_session, ctl_session_add_and_delete)
{
	register_mn(IF_ETH, LL_A1, "2001:db8:101::", 0);
	cr_assert_str_eq(ctl("session add 02:00:00:00:01:01 pdn3", S_NS), "{\"ok\":true}");
	cr_assert_eq(count_acts(MAG_ACT_SEND_PBU), 1);
	cr_assert(has_service(nth_pbu(0), "pdn3"));
	cr_assert_str_eq(ctl("session delete 02:00:00:00:01:01 pdn3", 2 * S_NS),
			 "{\"ok\":true}");
	cr_assert_eq(nth_pbu(0)->lifetime, 0);
}

Test(mag_session, ctl_session_errors_are_clear)
{
	cr_assert_str_eq(ctl("session add 02:00:00:00:01:01", 0),
			 "{\"error\":\"usage: session add|delete LLID SERVICE\"}");
	cr_assert_str_eq(ctl("session move 02:00:00:00:01:01 pdn3", 0),
			 "{\"error\":\"usage: session add|delete LLID SERVICE\"}");
	cr_assert_str_eq(ctl("session add 02:00:00:00:01 pdn3", 0),
			 "{\"error\":\"LLID is a MAC address aa:bb:cc:dd:ee:ff\"}");
	cr_assert_str_eq(ctl("session add 02:00:00:00:01:01 pdn3", 0),
			 "{\"error\":\"MN interface has no registered session on this MAG (attach first)\"}");
	cr_assert_eq(ta->n, 0);
}
