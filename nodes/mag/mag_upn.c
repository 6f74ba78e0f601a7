/*
 * mag_upn.c - the MAG's side of network-initiated prefix moves (problem
 * statement section 2.2): an Update Notification (RFC 7077, MH Type 19)
 * from the LMA with Notification Reason FLOW-MOBILITY (RFC 7864) names in
 * its HNP options the prefix set that the MN interface in its MN-LL-ID
 * option is to hold. The MAG answers with an Update Notification
 * Acknowledgement (Type 20) when the A flag asks for one, then registers
 * that set with one PBU: HI 2 when it brings prefixes in (the LMA moves
 * the named prefixes to this interface, or binds new ones), HI 5 when it
 * only leaves some out (the LMA, prefix-update on, removes them). The PBA
 * then does what a MAG-initiated change does (mag_pba.c, mag_prefix.c).
 *
 * Owns: the UPN's checks and the UPA. Must not: decode or send (mag_io.c).
 */
#include <string.h>

#include "mag_int.h"

static bool in_set(const struct mh_prefix *set, unsigned n, const struct mh_prefix *p)
{
	for (unsigned i = 0; i < n; i++)
		if (set[i].len == p->len && !memcmp(&set[i].prefix, &p->prefix, 16))
			return true;
	return false;
}

static bool from_lma(const struct mag *m, const struct in6_addr *src)
{
	return !memcmp(&m->cfg.lmaa, src, sizeof(*src));
}

static void send_upa(struct mag *m, const struct in6_addr *dst, const struct mh_msg *upn,
		     uint8_t status, struct mag_acts *acts)
{
	struct mh_msg *p;

	if (!(upn->upn_flags & MH_UPN_A))
		return;
	p = mag_act_push_pbu(acts, dst);
	if (!p)
		return;
	mh_msg_init(p, MH_TYPE_UPA);
	p->seq = upn->seq;              /* RFC 7077: copied from the UPN */
	p->status = status;
	p->n_groups = 0;
	if (upn->has_mn_id) {
		p->has_mn_id = true;
		p->mn_id_subtype = upn->mn_id_subtype;
		p->mn_id_len = upn->mn_id_len;
		memcpy(p->mn_id, upn->mn_id, upn->mn_id_len);
	}
	m->stats.upa_sent++;
}

/* The interface's session the UPN is about: MN-ID and MN-LL-ID. */
static struct mag_bul *upn_session(struct mag *m, const struct mh_msg *upn)
{
	const struct mh_group *g = &upn->group[0];
	struct mag_bul *b;

	if (!upn->has_mn_id || !g->has_mn_ll_id || g->mn_ll_id_len != 6)
		return NULL;
	b = mag_bul_find_service(m, g->mn_ll_id, "");
	if (!b || strlen(b->prof->mn_id) != upn->mn_id_len ||
	    memcmp(b->prof->mn_id, upn->mn_id, upn->mn_id_len))
		return NULL;
	return b;
}

/* Does the named set differ from b's; does it bring prefixes in? */
static bool differs(const struct mag_bul *b, const struct mh_group *g, bool *brings_in)
{
	bool same = g->n_hnp == b->n_hnp;

	*brings_in = false;
	for (unsigned i = 0; i < g->n_hnp; i++)
		if (!in_set(b->hnp, b->n_hnp, &g->hnp[i]))
			*brings_in = true, same = false;
	return !same;
}

static uint8_t check(const struct mag_bul *b, const struct mh_msg *upn, bool *change,
		     bool *brings_in)
{
	*change = false;
	if (!b || !mag_bul_registered(b))
		return MH_UPA_STATUS_MN_NOT_ATTACHED;
	if (upn->upn_reason != MH_UPN_REASON_FLOW_MOBILITY || upn->group[0].n_hnp == 0)
		return MH_UPA_STATUS_REASON_UNSPECIFIED;
	*change = differs(b, &upn->group[0], brings_in);
	if (*change && mag_prefix_busy(b))
		return MH_UPA_STATUS_REASON_UNSPECIFIED;
	return MH_UPA_STATUS_SUCCESS;
}

static void event(struct mag_acts *acts, const struct mh_msg *upn, uint8_t status)
{
	char id[2 * MAG_MN_ID_MAX + 16] = "null", name[MAG_MN_ID_MAX + 1];

	if (upn->has_mn_id) {
		size_t n = upn->mn_id_len < MAG_MN_ID_MAX ? upn->mn_id_len : MAG_MN_ID_MAX;
		memcpy(name, upn->mn_id, n);
		name[n] = 0;
		mag_json_str(id, sizeof(id), name);
	}
	mag_act_event(acts, MAG_EV_UPN_RECEIVED,
		      "\"mn_id\":%s,\"seq\":%u,\"reason\":%u,\"reason_name\":\"%s\","
		      "\"prefixes\":%u,\"status\":%u,\"status_name\":\"%s\"",
		      id, upn->seq, upn->upn_reason, mh_upn_reason_name(upn->upn_reason),
		      upn->group[0].n_hnp, status, mh_upa_status_name(status));
}

int mag_input_upn(struct mag *m, const struct in6_addr *src, const struct mh_msg *upn,
		  uint64_t now_ns, struct mag_acts *acts)
{
	struct mag_bul *b;
	bool change = false, brings_in = false;
	uint8_t status;
	const char *why = NULL;

	if (upn->type != MH_TYPE_UPN || !from_lma(m, src)) {
		m->stats.upn_ignored++;
		return 0;
	}
	m->stats.upn_received++;
	b = upn_session(m, upn);
	status = check(b, upn, &change, &brings_in);
	/* the UPA goes before the PBU it causes (RFC 7864, from memory) */
	send_upa(m, src, upn, status, acts);
	event(acts, upn, status);
	if (status == MH_UPA_STATUS_SUCCESS && change &&
	    mag_prefix_start_set(m, b, upn->group[0].hnp, upn->group[0].n_hnp, brings_in ?
				 MH_HI_HANDOFF_BETWEEN_IFACES : MH_HI_NOT_CHANGED,
				 "update notification", now_ns, acts, &why) < 0)
		mag_act_log(acts, "UPN seq %u: no PBU (%s)", upn->seq, why);
	mag_announce_deadline(m, acts);
	return 0;
}
