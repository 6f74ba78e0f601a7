/*
 * test_mag_fh.c - appendix D fast handover at the MAG (mag_fh.c): the LMA's
 * Handover Initiate installs the dormant route (routes via the MN's
 * link-local for the other interface's prefixes, HAck), the carrier loss
 * activates forwarding to the peer MAG, re-registration returns; the
 * data-plane verdicts and the HI checks.
 */
#include "mag_testlib.h"
#include "mag/mag_fh.h"

static struct mag_fh F;
static struct mag_fh_acts FA;

static void fh_setup(void)
{
	tsetup();
	mag_fh_init(&F, true);
	memset(&FA, 0, sizeof(FA));
}

TestSuite(mag_fh, .init = fh_setup, .fini = tteardown);

#define PEER "2001:db8:2::2"
#define OWN_HNP "2001:db8:100:1::"
#define PEER_HNP "2001:db8:100:2::"

/* The LMA's HI about mn-a's interface 1 (on eth1): peer MAG, B's prefix. */
static struct mh_msg make_hi(uint16_t seq, const char *peer_hnp)
{
	struct mh_msg m;

	mh_msg_init(&m, MH_TYPE_HI);
	m.seq = seq;
	m.hi_flags = MH_HINIT_P | MH_HINIT_F;
	cr_assert_eq(mh_set_mn_id(&m, "mn-a@example.org"), 0);
	m.group[0].has_mn_ll_id = true;
	m.group[0].mn_ll_id_len = 6;
	memcpy(m.group[0].mn_ll_id, LL_A1, 6);
	m.group[0].n_hnp = 1;
	m.group[0].hnp[0].len = 64;
	m.group[0].hnp[0].prefix = a6(peer_hnp);
	m.has_alt_coa = true;
	m.alt_coa = a6(PEER);
	return m;
}

static int hi_in(const struct mh_msg *m, uint64_t now)
{
	struct in6_addr lma = tcfg.lmaa;

	FA.n = 0;
	return mag_fh_input_hi(&F, tm, &lma, m, now, &FA);
}

static const struct mag_fh_act *fact(enum mag_fh_act_type t, size_t nth)
{
	for (size_t i = 0; i < FA.n; i++)
		if (FA.a[i].type == t && nth-- == 0)
			return &FA.a[i];
	return NULL;
}

static const struct mag_fh_act *fevent(const char *name)
{
	for (size_t i = 0; i < FA.n; i++)
		if (FA.a[i].type == MAG_FH_ACT_EVENT && !strcmp(FA.a[i].ev, name))
			return &FA.a[i];
	return NULL;
}

static uint8_t hack_code(void)
{
	const struct mag_fh_act *a = fact(MAG_FH_ACT_SEND_HACK, 0);

	cr_assert_not_null(a, "every HI is answered");
	cr_assert_eq(a->msg.type, MH_TYPE_HACK);
	return a->msg.hi_code;
}

static void installed(void)
{
	register_mn(IF_ETH, LL_A1, OWN_HNP, 0);
	struct mh_msg hi = make_hi(7, PEER_HNP);

	cr_assert_eq(hi_in(&hi, S_NS), 0);
}

Test(mag_fh, hi_installs_routes_for_the_peer_prefix_via_the_mn_link_local)
{
	installed();
	cr_assert_eq(hack_code(), MH_HACK_ACCEPTED);
	const struct mag_fh_act *hack = fact(MAG_FH_ACT_SEND_HACK, 0);

	cr_assert_eq(hack->msg.seq, 7, "RFC 5568 6.2.2: the HI's sequence number");
	cr_assert(!memcmp(&hack->dst, &tcfg.lmaa, 16), "answered to the LMA");
	const struct mag_fh_act *r = fact(MAG_FH_ACT_ROUTE_ADD, 0);
	struct in6_addr p = a6(PEER_HNP), ll = a6("fe80::ff:fe00:101");

	cr_assert_not_null(r);
	cr_assert(!memcmp(&r->prefix.prefix, &p, 16));
	cr_assert_eq(r->ifindex, IF_ETH);
	cr_assert_str_eq(r->ifname, "eth1");
	cr_assert(!memcmp(&r->gw, &ll, 16), "gateway: the MN's EUI-64 link-local");
	cr_assert_not_null(fevent("dormant_installed"));
	cr_assert(!mag_fh_any_active(&F));
}

Test(mag_fh, accepted_hi_resolves_the_path_to_the_peer_before_any_disconnect)
{
	installed();
	const struct mag_fh_act *p = fact(MAG_FH_ACT_PROBE_PEER, 0);
	struct in6_addr peer = a6(PEER);

	cr_assert_not_null(p, "the path to the peer is used while dormant");
	cr_assert(!memcmp(&p->dst, &peer, 16), "towards the HI's Alternate CoA");
	cr_assert_null(fact(MAG_FH_ACT_PROBE_PEER, 1), "once per HI");
}

Test(mag_fh, hi_for_an_unknown_session_is_refused)
{
	struct mh_msg hi = make_hi(7, PEER_HNP);

	cr_assert_eq(hi_in(&hi, S_NS), -1);
	cr_assert_eq(hack_code(), MH_HACK_NOT_ACCEPTED);
	cr_assert_null(fact(MAG_FH_ACT_ROUTE_ADD, 0));
	cr_assert_null(fact(MAG_FH_ACT_PROBE_PEER, 0), "nothing to prepare");
}

Test(mag_fh, hi_from_another_source_than_our_lma_is_refused)
{
	register_mn(IF_ETH, LL_A1, OWN_HNP, 0);
	struct mh_msg hi = make_hi(7, PEER_HNP);
	struct in6_addr other = a6(PEER);

	FA.n = 0;
	cr_assert_eq(mag_fh_input_hi(&F, tm, &other, &hi, S_NS, &FA), -1);
	cr_assert_eq(hack_code(), MH_HACK_NOT_ACCEPTED);
}

Test(mag_fh, hi_without_p_flag_or_peer_address_is_refused)
{
	register_mn(IF_ETH, LL_A1, OWN_HNP, 0);
	struct mh_msg hi = make_hi(7, PEER_HNP);

	hi.hi_flags = MH_HINIT_F;
	cr_assert_eq(hi_in(&hi, S_NS), -1);
	hi = make_hi(8, PEER_HNP);
	hi.has_alt_coa = false;
	cr_assert_eq(hi_in(&hi, S_NS), -1);
	cr_assert_eq(hack_code(), MH_HACK_NOT_ACCEPTED);
}

Test(mag_fh, with_fast_handover_off_hi_is_administratively_prohibited)
{
	mag_fh_init(&F, false);
	register_mn(IF_ETH, LL_A1, OWN_HNP, 0);
	struct mh_msg hi = make_hi(7, PEER_HNP);

	cr_assert_eq(hi_in(&hi, S_NS), -1);
	cr_assert_eq(hack_code(), MH_HACK_ADMINISTRATIVELY_PROHIBITED);
}

Test(mag_fh, carrier_loss_activates_forwarding_of_own_prefixes_to_the_peer)
{
	installed();
	struct in6_addr lma = tcfg.lmaa, dst = a6("2001:db8:100:1::42"), peer = a6(PEER);
	struct mag_fh_rec *r;

	cr_assert_eq(mag_fh_downlink(&F, &lma, &dst, &r), MAG_FH_NONE, "not before the loss");
	FA.n = 0;
	mag_fh_carrier_down(&F, tm, IF_ETH, 5 * S_NS, 5 * S_NS + 2000, &FA);
	const struct mag_fh_act *e = fevent("dormant_activated");

	cr_assert_not_null(e);
	cr_assert(strstr(e->text, "\"carrier_lost_ns\":5000000000"), "%s", e->text);
	cr_assert(mag_fh_any_active(&F));
	cr_assert_eq(mag_fh_downlink(&F, &lma, &dst, &r), MAG_FH_TO_PEER);
	cr_assert(!memcmp(&r->peer, &peer, 16));
	cr_assert_eq(r->fwd_to_peer, 1);
	cr_assert_eq(mag_fh_downlink(&F, &peer, &dst, &r), MAG_FH_NONE,
		     "own prefix from the peer: not ours to deliver");
}

Test(mag_fh, carrier_loss_on_another_interface_changes_nothing)
{
	installed();
	FA.n = 0;
	mag_fh_carrier_down(&F, tm, IF_WLAN, 5 * S_NS, 5 * S_NS, &FA);
	cr_assert(!mag_fh_any_active(&F));
	cr_assert_eq(FA.n, 0);
}

Test(mag_fh, peer_prefix_from_the_peer_mag_is_delivered_and_uplink_accepted)
{
	installed();
	struct in6_addr peer = a6(PEER), lma = tcfg.lmaa, dst = a6("2001:db8:100:2::7");
	struct in6_addr other = a6("2001:db8:9::9");
	struct mag_fh_rec *r;

	cr_assert_eq(mag_fh_downlink(&F, &peer, &dst, &r), MAG_FH_DELIVER);
	cr_assert_eq(mag_fh_downlink(&F, &other, &dst, &r), MAG_FH_NONE, "unknown tunnel peer");
	cr_assert_eq(mag_fh_downlink(&F, &lma, &dst, &r), MAG_FH_DELIVER,
		     "from the LMA once it switched to its dormant route");
	cr_assert_eq(r->fwd_from_peer, 2);
	r = mag_fh_uplink(&F, &dst);
	cr_assert_not_null(r);
	cr_assert(!memcmp(&r->lmaa, &lma, 16), "uplink goes to the LMA");
	struct in6_addr own = a6("2001:db8:100:1::7");

	cr_assert_null(mag_fh_uplink(&F, &own), "own prefix: the main data plane's");
}

Test(mag_fh, reregistration_returns_traffic)
{
	installed();
	mag_acts_reset(ta);
	mag_mn_detach(tm, IF_ETH, 5 * S_NS, ta);
	FA.n = 0;
	mag_fh_carrier_down(&F, tm, IF_ETH, 5 * S_NS, 5 * S_NS, &FA);
	cr_assert(mag_fh_any_active(&F), "session still held while deregistering");
	FA.n = 0;
	mag_fh_check_return(&F, tm, 6 * S_NS, &FA);
	cr_assert(mag_fh_any_active(&F), "not back yet");
	/* the deregistration is answered, then the MN comes back */
	const struct mh_msg *dereg = nth_pbu(0);

	cr_assert_not_null(dereg);
	struct mh_msg ack = make_pba(dereg, PBA_STATUS_ACCEPTED, 0, NULL);

	pba(&ack, 5 * S_NS + 10000000);
	register_mn(IF_ETH, LL_A1, OWN_HNP, 7 * S_NS);
	FA.n = 0;
	mag_fh_check_return(&F, tm, 7 * S_NS + 20000000, &FA);
	cr_assert(!mag_fh_any_active(&F));
	const struct mag_fh_act *e = fevent("dormant_returned");

	cr_assert_not_null(e);
	cr_assert(strstr(e->text, "\"reason\":\"reregistered\""), "%s", e->text);
}

Test(mag_fh, a_new_hi_for_an_active_record_returns_and_replaces_routes)
{
	installed();
	FA.n = 0;
	mag_fh_carrier_down(&F, tm, IF_ETH, 5 * S_NS, 5 * S_NS, &FA);
	struct mh_msg hi = make_hi(9, "2001:db8:100:3::");

	cr_assert_eq(hi_in(&hi, 6 * S_NS), 0);
	cr_assert(!mag_fh_any_active(&F));
	cr_assert_not_null(fevent("dormant_returned"));
	const struct mag_fh_act *del = fact(MAG_FH_ACT_ROUTE_DEL, 0);
	const struct mag_fh_act *add = fact(MAG_FH_ACT_ROUTE_ADD, 0);
	struct in6_addr old = a6(PEER_HNP), nw = a6("2001:db8:100:3::");

	cr_assert(del && !memcmp(&del->prefix.prefix, &old, 16));
	cr_assert(add && !memcmp(&add->prefix.prefix, &nw, 16));
}

Test(mag_fh, repeated_hi_adds_no_route_twice)
{
	installed();
	struct mh_msg hi = make_hi(8, PEER_HNP);

	cr_assert_eq(hi_in(&hi, 2 * S_NS), 0);
	cr_assert_null(fact(MAG_FH_ACT_ROUTE_ADD, 0));
	cr_assert_null(fact(MAG_FH_ACT_ROUTE_DEL, 0));
	cr_assert_eq(hack_code(), MH_HACK_ACCEPTED);
}

Test(mag_fh, names_of_enums)
{
	cr_assert_str_eq(mag_fh_verdict_name(MAG_FH_TO_PEER), "MAG_FH_TO_PEER");
	cr_assert_str_eq(mag_fh_act_type_name(MAG_FH_ACT_SEND_HACK), "MAG_FH_ACT_SEND_HACK");
	cr_assert_str_eq(mag_fh_act_type_name(MAG_FH_ACT_PROBE_PEER), "MAG_FH_ACT_PROBE_PEER");
}
