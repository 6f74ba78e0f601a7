/*
 * test_mag_prefix.c - section 2.2 on a live MN interface at the MAG
 * (mag_prefix.c): remove some prefixes (a), add prefixes (b), take
 * prefixes the MN holds behind another MAG (c); one PBU naming the new set,
 * nothing changed before the PBA, routes and RAs after it, errors clear
 * and harmless. And a refresh PBA that leaves a prefix out (it moved to
 * another MAG) withdraws it from the MN.
 */
#include <criterion/criterion.h>

#include "mag_testlib.h"
#include "mag/mag_ctl.h"

TestSuite(mag_prefix, .init = tsetup, .fini = tteardown);

static struct mh_prefix pf(const char *s)
{
	struct mh_prefix p = { .len = 64, .prefix = a6(s) };
	return p;
}

/* A1 on eth1 holds P1 and P2. */
static void setup_p1_p2(void)
{
	attach(IF_ETH, LL_A1, 0);
	struct mh_msg r = make_pba(nth_pbu(0), 0, 100, "2001:db8:100:1::");
	r.group[0].n_hnp = 2;
	r.group[0].hnp[1] = pf("2001:db8:100:2::");
	pba(&r, 1000);
}

static const struct mag_act *ra_on(int ifindex, uint32_t valid_s)
{
	const struct mag_act *a;
	for (size_t i = 0; (a = nth_act(MAG_ACT_SEND_RA, i)); i++)
		if (a->ifindex == ifindex && (valid_s ? a->valid_s > 0 : a->valid_s == 0))
			return a;
	return NULL;
}

static void change(enum mag_prefix_op op, const struct mh_prefix *p, unsigned n, int want)
{
	const char *why = NULL;
	mag_acts_reset(ta);
	cr_assert_eq(mag_prefix_change(tm, LL_A1, op, p, n, 2 * S_NS, ta, &why), want,
		     "%s", why ? why : "");
}

Test(mag_prefix, remove_names_the_rest_with_hi_5_and_withdraws_on_the_pba)
{
	struct mh_prefix p2 = pf("2001:db8:100:2::");

	setup_p1_p2();
	change(MAG_PREFIX_REMOVE, &p2, 1, 0);
	const struct mh_msg *p = nth_pbu(0);
	cr_assert_eq(p->group[0].hi, MH_HI_NOT_CHANGED);
	cr_assert_eq(p->group[0].n_hnp, 1, "P1 alone");
	cr_assert_eq(count_acts(MAG_ACT_ROUTE_DEL), 0, "nothing before the PBA");
	struct mh_msg r = make_pba(p, 0, 100, NULL);
	pba(&r, 2 * S_NS + 1000);
	cr_assert_eq(count_acts(MAG_ACT_ROUTE_DEL), 1);
	cr_assert_eq(count_acts(MAG_ACT_ROUTE_ADD), 0, "P1's route untouched");
	const struct mag_act *wd = ra_on(IF_ETH, 0);
	cr_assert_not_null(wd, "P2 withdrawn (lifetimes 0)");
	cr_assert_eq(wd->n_hnp, 1);
	cr_assert(!memcmp(&wd->hnp[0].prefix, &p2.prefix, 16));
	cr_assert_gt(wd->router_lifetime_s, 0, "still the router for P1");
	cr_assert_eq(mag_find_session(tm, "mn-a@example.org", LL_A1)->n_hnp, 1);
}

/* The new prefix is routed from the PBU on (the LMA sends it packets
 * right after the PBA, which may be read after them); advertised to the
 * MN only on the PBA. */
Test(mag_prefix, add_names_old_and_new_and_advertises_on_the_pba)
{
	struct mh_prefix p4 = pf("2001:db8:100:4::");
	struct in6_addr h4 = a6("2001:db8:100:4::7");

	setup_p1_p2();
	change(MAG_PREFIX_ADD, &p4, 1, 0);
	const struct mh_msg *p = nth_pbu(0);
	cr_assert_eq(p->group[0].hi, MH_HI_NOT_CHANGED);
	cr_assert_eq(p->group[0].n_hnp, 3);
	cr_assert_eq(count_acts(MAG_ACT_ROUTE_ADD), 1, "P4's route with the PBU");
	cr_assert(!memcmp(&nth_act(MAG_ACT_ROUTE_ADD, 0)->prefix.prefix, &p4.prefix, 16));
	cr_assert_not_null(mag_find_by_addr(tm, &h4), "the data plane takes P4 at once");
	cr_assert_eq(count_acts(MAG_ACT_SEND_RA), 0, "not advertised before the PBA");
	struct mh_msg r = make_pba(p, 0, 100, NULL);
	pba(&r, 2 * S_NS + 1000);
	cr_assert_eq(count_acts(MAG_ACT_ROUTE_ADD), 0, "routed already");
	cr_assert_eq(count_acts(MAG_ACT_ROUTE_DEL), 0);
	const struct mag_act *ra = ra_on(IF_ETH, 1);
	cr_assert_not_null(ra);
	cr_assert_eq(ra->n_hnp, 3, "the RA lists P1, P2 and P4");
}

Test(mag_prefix, take_is_hi_2_naming_own_and_taken)
{
	struct mh_prefix p9 = pf("2001:db8:100:9::");

	setup_p1_p2();
	change(MAG_PREFIX_TAKE, &p9, 1, 0);
	const struct mh_msg *p = nth_pbu(0);
	cr_assert_eq(p->group[0].hi, MH_HI_HANDOFF_BETWEEN_IFACES);
	cr_assert_eq(p->group[0].n_hnp, 3);
}

Test(mag_prefix, refused_change_keeps_the_old_set)
{
	struct mh_prefix p2 = pf("2001:db8:100:2::");

	setup_p1_p2();
	change(MAG_PREFIX_REMOVE, &p2, 1, 0);
	struct mh_msg r = make_pba(nth_pbu(0), PBA_STATUS_BCE_PBU_PREFIX_SET_DO_NOT_MATCH, 100,
				   NULL);
	pba(&r, 2 * S_NS + 1000);
	const struct mag_bul *b = mag_find_session(tm, "mn-a@example.org", LL_A1);
	cr_assert_eq(b->n_hnp, 2, "P1 and P2 kept");
	cr_assert(!memcmp(&b->hnp[1].prefix, &p2.prefix, 16));
	cr_assert_eq(count_acts(MAG_ACT_ROUTE_DEL), 0);
	cr_assert_null(ra_on(IF_ETH, 0), "nothing withdrawn");
}

Test(mag_prefix, refused_add_takes_the_early_route_away)
{
	struct mh_prefix p4 = pf("2001:db8:100:4::");
	struct in6_addr h4 = a6("2001:db8:100:4::7"), h1 = a6("2001:db8:100:1::7");

	setup_p1_p2();
	change(MAG_PREFIX_ADD, &p4, 1, 0);
	struct mh_msg r = make_pba(nth_pbu(0), PBA_STATUS_BCE_PBU_PREFIX_SET_DO_NOT_MATCH, 100,
				   NULL);
	pba(&r, 2 * S_NS + 1000);
	cr_assert_eq(count_acts(MAG_ACT_ROUTE_DEL), 1, "P4's early route, and only it");
	cr_assert(!memcmp(&nth_act(MAG_ACT_ROUTE_DEL, 0)->prefix.prefix, &p4.prefix, 16));
	cr_assert_null(mag_find_by_addr(tm, &h4));
	cr_assert_not_null(mag_find_by_addr(tm, &h1));
	cr_assert_eq(mag_find_session(tm, "mn-a@example.org", LL_A1)->n_hnp, 2);
}

/* Issue 11 item 3 at the MAG: clear refusals, nothing sent or lost. */
Test(mag_prefix, errors_are_clear_and_change_nothing)
{
	const char *why = NULL;
	struct mh_prefix p9 = pf("2001:db8:100:9::");
	struct mh_prefix both[2] = { pf("2001:db8:100:1::"), pf("2001:db8:100:2::") };

	setup_p1_p2();
	mag_acts_reset(ta);
	cr_assert_eq(mag_prefix_change(tm, LL_A1, MAG_PREFIX_REMOVE, &p9, 1, S_NS, ta, &why), -1);
	cr_assert_str_eq(why, "LLID does not hold a named prefix");
	cr_assert_eq(mag_prefix_change(tm, LL_A1, MAG_PREFIX_REMOVE, both, 2, S_NS, ta, &why), -1);
	cr_assert_str_eq(why, "that is every prefix of LLID: some, not all (delete the session instead)");
	cr_assert_eq(mag_prefix_change(tm, LL_A1, MAG_PREFIX_ADD, both, 1, S_NS, ta, &why), -1);
	cr_assert_str_eq(why, "LLID holds a named prefix already");
	cr_assert_eq(mag_prefix_change(tm, LL_A2, MAG_PREFIX_ADD, &p9, 1, S_NS, ta, &why), -1);
	cr_assert_str_eq(why, "no registered session on LLID");
	cr_assert_eq(count_acts(MAG_ACT_SEND_PBU), 0);
	cr_assert_eq(mag_find_session(tm, "mn-a@example.org", LL_A1)->n_hnp, 2);
}

/* Item 1: the old MAG of a subset handoff between MAGs refreshes P1+P2;
 * the PBA names P1 alone (P2 moved): P2 is withdrawn, its route goes. */
Test(mag_prefix, refresh_pba_without_a_prefix_withdraws_it)
{
	setup_p1_p2();
	timer(90 * S_NS);                 /* the refresh */
	const struct mh_msg *p = nth_pbu(0);
	cr_assert_not_null(p);
	cr_assert_eq(p->group[0].n_hnp, 2);
	struct mh_msg r = make_pba(p, 0, 100, "2001:db8:100:1::");
	pba(&r, 90 * S_NS + 1000);
	cr_assert_eq(count_acts(MAG_ACT_ROUTE_DEL), 1);
	cr_assert_eq(count_acts(MAG_ACT_ROUTE_ADD), 0, "P1 keeps its route");
	const struct mag_act *wd = ra_on(IF_ETH, 0);
	cr_assert_not_null(wd, "P2 withdrawn");
	cr_assert_eq(wd->n_hnp, 1);
}

Test(mag_prefix, ctl_prefix_commands)
{
	char out[512];

	setup_p1_p2();
	mag_acts_reset(ta);
	mag_ctl_handle(tm, "prefix remove 02:00:00:00:01:01 2001:db8:100:9::/64", S_NS, ta,
		       out, sizeof(out));
	cr_assert(strstr(out, "LLID does not hold a named prefix"), "%s", out);
	mag_ctl_handle(tm, "prefix move 02:00:00:00:01:01 2001:db8:100:9::/64", S_NS, ta,
		       out, sizeof(out));
	cr_assert(strstr(out, "usage: prefix"), "%s", out);
	mag_ctl_handle(tm, "prefix add 02:00:00:00:01:01 2001:db8:100:4::/64", S_NS, ta,
		       out, sizeof(out));
	cr_assert(strstr(out, "\"ok\":true"), "%s", out);
	cr_assert_eq(count_acts(MAG_ACT_SEND_PBU), 1);
}
