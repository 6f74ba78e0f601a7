/*
 * test_mh_upn.c - the Update Notification / Acknowledgement codec (RFC
 * 7077 4.1-4.2, MH Types 19/20) as the network-initiated section 2.2
 * procedure uses it (RFC 7864 reason FLOW-MOBILITY, HNP options naming
 * the interface's new prefix set; doc/protocol.md "Section 2.2").
 */
#include <criterion/criterion.h>
#include <string.h>

#include "mh_testlib.h"

static void upn_full(struct mh_msg *m)
{
	mh_msg_init(m, MH_TYPE_UPN);
	m->seq = 0x4321;
	m->upn_reason = MH_UPN_REASON_FLOW_MOBILITY;
	m->upn_flags = MH_UPN_A;
	cr_assert_eq(mh_set_mn_id(m, "mn1@example.org"), 0);
	m->group[0].has_mn_ll_id = true;
	m->group[0].mn_ll_id_len = 6;
	memcpy(m->group[0].mn_ll_id, "\x02\x00\x00\x00\xaa\x01", 6);
	m->group[0].n_hnp = 2;
	m->group[0].hnp[0].len = 64;
	m->group[0].hnp[0].prefix = tl_addr("2001:db8:100:1::");
	m->group[0].hnp[1].len = 64;
	m->group[0].hnp[1].prefix = tl_addr("2001:db8:100:2::");
}

static void round_trip(const struct mh_msg *m)
{
	struct in6_addr s = tl_addr("2001:db8:1::1"), d = tl_addr("2001:db8:1::2");
	struct mh_msg back;
	uint8_t buf[512];
	const char *why = NULL;
	int n = mh_encode(m, &s, &d, buf, sizeof buf, &why);

	cr_assert_gt(n, 0, "%s", why);
	cr_assert_eq(n % 8, 0);
	cr_assert_eq(mh_decode(buf, (size_t)n, &s, &d, &back, &why), 0, "%s", why);
	cr_assert(mh_msg_equal(m, &back));
	cr_assert_eq(back.group[0].n_hnp, m->group[0].n_hnp);
}

Test(mh_upn, update_notification_round_trips)
{
	struct mh_msg m;

	upn_full(&m);
	round_trip(&m);
}

Test(mh_upn, update_notification_ack_round_trips)
{
	struct mh_msg m;

	mh_msg_init(&m, MH_TYPE_UPA);
	m.seq = 9;
	m.status = MH_UPA_STATUS_MN_NOT_ATTACHED;
	cr_assert_eq(mh_set_mn_id(&m, "mn1@example.org"), 0);
	round_trip(&m);
}

Test(mh_upn, fixed_fields_sit_at_octets_6_to_9)
{
	struct mh_msg m;
	uint8_t buf[512];
	const char *why;
	int n;

	upn_full(&m);
	m.upn_flags = 0xff;             /* only A and D exist */
	n = mh_encode(&m, NULL, NULL, buf, sizeof buf, &why);
	cr_assert_gt(n, 0);
	cr_assert_eq(buf[2], 19, "MH Type 19 (RFC 7077)");
	cr_assert_eq(buf[6], 0x43);
	cr_assert_eq(buf[7], 0x21, "Sequence # right after the checksum");
	cr_assert_eq(buf[8], 8, "Notification Reason FLOW-MOBILITY (RFC 7864)");
	cr_assert_eq(buf[9], 0xc0, "A and D from the top bit, Reserved 0");
	cr_assert(buf[10] == MH_OPT_MN_ID || buf[10] <= MH_OPT_PADN);
	/* HNP options stay 8n+4 aligned (RFC 5213 8.3) */
	for (int off = 10; off < n; off += buf[off] == 0 ? 1 : buf[off + 1] + 2)
		if (buf[off] == MH_OPT_HNP)
			cr_assert_eq(off % 8, 4, "HNP at %d", off);
}

Test(mh_upn, ack_reserved_octet_is_sent_zero)
{
	struct mh_msg m;
	uint8_t buf[64];
	const char *why;

	mh_msg_init(&m, MH_TYPE_UPA);
	m.upn_flags = 0xff;             /* not a UPA field */
	m.status = MH_UPA_STATUS_SUCCESS;
	cr_assert_eq(mh_encode(&m, NULL, NULL, buf, sizeof buf, &why), 16);
	cr_assert_eq(buf[2], 20);
	cr_assert_eq(buf[8], 0);
	cr_assert_eq(buf[9], 0);
}

Test(mh_upn, truncated_notification_is_refused)
{
	uint8_t buf[8] = { 59, 0, 19, 0, 0, 0, 0, 1 };
	struct mh_msg m;
	const char *why = NULL;

	/* Header Len 0 = 8 octets: below the 10 the UPN needs */
	cr_assert_eq(mh_decode(buf, sizeof buf, NULL, NULL, &m, &why), -1);
	cr_assert_not_null(why);
}

Test(mh_upn, names)
{
	cr_assert_str_eq(mh_type_name(19), "MH_TYPE_UPN");
	cr_assert_str_eq(mh_upn_reason_name(8), "MH_UPN_REASON_FLOW_MOBILITY");
	cr_assert_str_eq(mh_upa_status_name(0), "MH_UPA_STATUS_SUCCESS");
	cr_assert_str_eq(mh_upa_status_name(1), "UNKNOWN");
}
