/*
 * test_mn_mip6.c - the client's home registration (RFC 6275 11.7.1, 11.8;
 * RFC 5648 BIDs): first registration, back-off, refresh, refusal, BID
 * collision, care-of address changes.
 */
#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "mn/mn.h"
#include "mn/mn_mip6.h"

#define SEC 1000000000ULL

static struct mn_mip6 C;
static struct mn_mip6_acts A;
static struct in6_addr HA, HOA, COA, COA2;

static struct in6_addr addr(const char *s)
{
	struct in6_addr a;

	cr_assert_eq(inet_pton(AF_INET6, s, &a), 1);
	return a;
}

static void setup(void)
{
	struct mn_mip6_cfg cfg = { .iface = "wimax0", .bid = 1, .lifetime_s = 60 };

	HA = addr("2001:db8::1");
	HOA = addr("2001:db8:200:1::100");
	COA = addr("2001:db8:ac::10");
	COA2 = addr("2001:db8:ad::10");
	cfg.ha = HA;
	cfg.hoa = HOA;
	strcpy(cfg.mn_id, "mn2@example.org");
	mn_mip6_init(&C, &cfg, 1);
	memset(&A, 0, sizeof(A));
}

TestSuite(mn_mip6, .init = setup);

static const struct mn_mip6_act *find(enum mn_mip6_act_type t)
{
	for (size_t i = 0; i < A.n; i++)
		if (A.a[i].type == t)
			return &A.a[i];
	return NULL;
}

static bool has_event(const char *ev)
{
	char key[64];

	snprintf(key, sizeof(key), "\"ev\":\"%s\"", ev);
	for (size_t i = 0; i < A.n; i++)
		if (A.a[i].type == MN_MIP6_ACT_EVENT && strstr(A.a[i].text, key))
			return true;
	return false;
}

static struct mh_msg ba(uint16_t seq, uint8_t status, uint32_t lifetime_s)
{
	struct mh_msg m;

	mh_msg_init(&m, MH_TYPE_BA);
	m.seq = seq;
	m.status = status;
	m.lifetime = (uint16_t)(lifetime_s / 4);
	return m;
}

static void coa(const struct in6_addr *a, uint64_t now)
{
	A.n = 0;
	mn_mip6_coa(&C, a, now, &A);
}

static void timer(uint64_t now)
{
	A.n = 0;
	mn_mip6_timer(&C, now, &A);
}

static int input_ba(const struct mh_msg *m, uint64_t now)
{
	A.n = 0;
	return mn_mip6_ba(&C, &HA, m, now, &A);
}

Test(mn_mip6, coa_sends_bu_with_h_a_bid_and_coa)
{
	coa(&COA, 0);
	const struct mn_mip6_act *a = find(MN_MIP6_ACT_SEND_BU);

	cr_assert_not_null(a);
	cr_assert_eq(a->bu.bu_flags, MH_BU_A | MH_BU_H);
	cr_assert_eq(a->bu.seq, 1);
	cr_assert_eq(a->bu.lifetime, 15);
	cr_assert(a->bu.group[0].has_bid);
	cr_assert_eq(a->bu.group[0].bid, 1);
	cr_assert_eq(memcmp(a->bu.group[0].bid_coa, &COA, 16), 0);
	cr_assert(a->bu.has_mn_id);
	cr_assert_eq(C.state, MN_MIP6_REGISTERING);
	cr_assert_eq(find(MN_MIP6_ACT_TIMER_SET)->deadline_ns, MN_MIP6_FIRST_REG_TIMEOUT_NS);
	cr_assert_null(find(MN_MIP6_ACT_TUNNEL_UP));
}

Test(mn_mip6, retransmission_doubles_up_to_max)
{
	uint64_t now = 0, expect = MN_MIP6_FIRST_REG_TIMEOUT_NS;

	coa(&COA, 0);
	for (int i = 0; i < 8; i++) {
		now = C.deadline_ns;
		timer(now - 1);
		cr_assert_null(find(MN_MIP6_ACT_SEND_BU), "early at %d", i);
		timer(now);
		expect = expect * 2 > MN_MIP6_MAX_TIMEOUT_NS ? MN_MIP6_MAX_TIMEOUT_NS : expect * 2;
		cr_assert_not_null(find(MN_MIP6_ACT_SEND_BU));
		cr_assert_eq(find(MN_MIP6_ACT_SEND_BU)->bu.seq, 2 + i);   /* 11.8: new seq */
		cr_assert_eq(C.deadline_ns - now, expect, "round %d", i);
	}
	cr_assert_eq(C.timeout_ns, MN_MIP6_MAX_TIMEOUT_NS);
	cr_assert(has_event("mip6_bu_retransmitted"));
}

Test(mn_mip6, ba_accepted_brings_tunnel_up_and_refresh_at_three_quarters)
{
	coa(&COA, 0);
	struct mh_msg m = ba(1, 0, 60);

	cr_assert_eq(input_ba(&m, SEC), 0);
	cr_assert_eq(C.state, MN_MIP6_REGISTERED);
	cr_assert_not_null(find(MN_MIP6_ACT_TUNNEL_UP));
	cr_assert_eq(C.deadline_ns, SEC + 45 * SEC);
	timer(46 * SEC);
	const struct mn_mip6_act *a = find(MN_MIP6_ACT_SEND_BU);

	cr_assert_not_null(a);
	cr_assert_eq(a->bu.seq, 2);
	cr_assert_eq(C.timeout_ns, MN_MIP6_INITIAL_TIMEOUT_NS);   /* not the first reg */
	cr_assert_null(find(MN_MIP6_ACT_TUNNEL_DOWN));            /* still bound */
	m = ba(2, 0, 60);
	cr_assert_eq(input_ba(&m, 47 * SEC), 0);
	cr_assert_eq(C.state, MN_MIP6_REGISTERED);
}

Test(mn_mip6, stale_or_foreign_ba_ignored)
{
	coa(&COA, 0);
	struct mh_msg m = ba(7, 0, 60);

	cr_assert_eq(input_ba(&m, SEC), -1);
	A.n = 0;
	m = ba(1, 0, 60);
	cr_assert_eq(mn_mip6_ba(&C, &COA, &m, SEC, &A), -1);   /* not the HA */
	cr_assert_eq(C.state, MN_MIP6_REGISTERING);
	cr_assert_eq(C.ba_ignored, 2);
}

Test(mn_mip6, seq_out_of_window_continues_from_has_number)
{
	coa(&COA, 0);
	struct mh_msg m = ba(500, 135, 0);

	cr_assert_eq(input_ba(&m, SEC), 0);
	cr_assert_eq(find(MN_MIP6_ACT_SEND_BU)->bu.seq, 501);
	cr_assert_eq(C.state, MN_MIP6_REGISTERING);
}

Test(mn_mip6, bid_held_by_proxy_binding_moves_to_next_bid)
{
	coa(&COA, 0);
	struct mh_msg m = ba(1, 166, 0);

	cr_assert_eq(input_ba(&m, SEC), 0);
	cr_assert(has_event("mip6_bid_changed"));
	const struct mn_mip6_act *a = find(MN_MIP6_ACT_SEND_BU);

	cr_assert_eq(a->bu.group[0].bid, 2);
	cr_assert_eq(a->bu.seq, 2);
	m = ba(2, 0, 60);
	cr_assert_eq(input_ba(&m, 2 * SEC), 0);
	cr_assert_eq(C.bid, 2);
}

Test(mn_mip6, refusal_fails_then_retries_at_max_timeout)
{
	coa(&COA, 0);
	struct mh_msg m = ba(1, 132, 0);

	cr_assert_eq(input_ba(&m, SEC), 0);
	cr_assert_eq(C.state, MN_MIP6_FAILED);
	cr_assert_null(find(MN_MIP6_ACT_SEND_BU));
	cr_assert(has_event("mip6_refused"));
	timer(SEC + MN_MIP6_MAX_TIMEOUT_NS);
	cr_assert_not_null(find(MN_MIP6_ACT_SEND_BU));
	cr_assert_eq(C.state, MN_MIP6_REGISTERING);
}

Test(mn_mip6, unanswered_refresh_lets_binding_expire)
{
	coa(&COA, 0);
	struct mh_msg m = ba(1, 0, 8);             /* 8 s granted */

	input_ba(&m, 0);
	timer(6 * SEC);                            /* refresh, unanswered */
	timer(C.deadline_ns);                      /* 7 s: retransmission */
	cr_assert_null(find(MN_MIP6_ACT_TUNNEL_DOWN));
	timer(C.deadline_ns);                      /* 9 s: past the lifetime */
	cr_assert_not_null(find(MN_MIP6_ACT_TUNNEL_DOWN));
	cr_assert(has_event("mip6_expired"));
}

Test(mn_mip6, new_coa_reregisters_and_lost_coa_drops_tunnel)
{
	coa(&COA, 0);
	struct mh_msg m = ba(1, 0, 60);

	input_ba(&m, SEC);
	coa(&COA2, 2 * SEC);
	cr_assert_not_null(find(MN_MIP6_ACT_TUNNEL_DOWN));
	cr_assert_eq(memcmp(find(MN_MIP6_ACT_SEND_BU)->bu.group[0].bid_coa, &COA2, 16), 0);
	coa(&COA2, 2 * SEC);                       /* same address again: nothing */
	cr_assert_eq(A.n, 0);
	coa(NULL, 3 * SEC);
	cr_assert_eq(C.state, MN_MIP6_NO_COA);
	timer(100 * SEC);
	cr_assert_null(find(MN_MIP6_ACT_SEND_BU));
}

Test(mn_mip6, show_names_state_and_addresses)
{
	char out[1024];

	coa(&COA, 0);
	cr_assert_gt(mn_mip6_show(&C, 0, out, sizeof(out)), 0);
	cr_assert_not_null(strstr(out, "\"state\":\"MN_MIP6_REGISTERING\""));
	cr_assert_not_null(strstr(out, "\"coa\":\"2001:db8:ac::10\""));
	cr_assert_eq(mn_mip6_show(&C, 0, out, 10), -1);
}

Test(mn_mip6, ctl_show_mip6)
{
	char out[2048];

	coa(&COA, 0);
	mn_ctl_handle_mip6(NULL, &C, "show  mip6", NULL, 0, out, sizeof(out));
	cr_assert_not_null(strstr(out, "\"hoa\":\"2001:db8:200:1::100\""), "%s", out);
	mn_ctl_handle_mip6(NULL, NULL, "show mip6", NULL, 0, out, sizeof(out));
	cr_assert_not_null(strstr(out, "no <mip6> client"), "%s", out);
}
