/*
 * mag_pba.c - Proxy Binding Acknowledgement processing at the MAG (RFC 5213
 * 6.9.1.2, 6.9.1.3, 6.9.1.4): matching a PBA to the outstanding PBU,
 * status handling, routes and the Router Advertisement on acceptance, and
 * the groups of a combined PBA matched back to sessions by BID.
 *
 * Owns: what a PBA does to the BUL. Must not: decode the PBA (mag_io.c
 * does, with mh_decode) or touch the system.
 */
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

#include "mag_int.h"

/* Does the PBA's group g belong to t? Its BID (RFC 5648) and MN-LL-ID
 * (RFC 5213 5.3.6: the PBA copies them from the PBU) must be one of t's
 * sessions'. */
static bool group_in_txn(const struct mag *m, const struct mag_txn *t,
			 const struct mh_group *g)
{
	for (unsigned i = 0; i < t->n_bul; i++) {
		const struct mag_bul *b = &m->bul[t->bul[i]];
		if (g->has_bid && g->bid != (uint16_t)b->id)
			continue;
		if (g->has_mn_ll_id && (g->mn_ll_id_len != 6 ||
					memcmp(g->mn_ll_id, b->ll_id, 6)))
			continue;
		/* RFC 5149: the LMA may echo the service; if so, it is b's */
		if (g->service_len && (g->service_len != strlen(b->service) ||
				       memcmp(g->service, b->service, g->service_len)))
			continue;
		return true;
	}
	return false;
}

static bool pba_mn_id_is(const struct mh_msg *pba, const struct mag_profile *p)
{
	return pba->mn_id_len == strlen(p->mn_id) &&
	       !memcmp(pba->mn_id, p->mn_id, pba->mn_id_len);
}

/* The transaction this PBA answers, exactly: same LMA, MN-ID, a sequence
 * number this very PBU went out with (RFC 6275 6.1.8), and groups whose
 * MN-LL-ID and BID are the transaction's. Status 135 carries the LMA's
 * last accepted number instead, so it is matched by MN-ID and groups.
 * A PBA with an empty MN-ID (status 160, RFC 5213 5.3.1) is matched by
 * sequence number alone. */
static struct mag_txn *pba_match(struct mag *m, const struct in6_addr *src,
				 const struct mh_msg *pba)
{
	for (size_t i = 0; i < MAG_TXN_MAX; i++) {
		struct mag_txn *t = &m->txn[i];
		if (!t->used || t->n_bul == 0 || memcmp(&t->lmaa, src, sizeof(*src)))
			continue;
		const struct mag_profile *p = m->bul[t->bul[0]].prof;
		if (pba->has_mn_id && pba->mn_id_len && !pba_mn_id_is(pba, p))
			continue;
		bool groups_ok = true;
		for (unsigned k = 0; k < pba->n_groups && k < MH_GROUP_MAX; k++)
			groups_ok = groups_ok && group_in_txn(m, t, &pba->group[k]);
		if (!groups_ok)
			continue;
		if (pba->status == MAG_PBA_STATUS_SEQ_OUT_OF_WINDOW && pba->has_mn_id &&
		    pba->mn_id_len)
			return t;
		if (mag_txn_sent_seq(t, pba->seq))
			return t;
	}
	return NULL;
}

/* The PBA group of session b: by BID when groups carry one (RFC 5648),
 * else the only group. NULL when the PBA says nothing about b. */
static const struct mh_group *pba_group(const struct mh_msg *pba,
					const struct mag_bul *b)
{
	for (unsigned i = 0; i < pba->n_groups && i < MH_GROUP_MAX; i++)
		if (pba->group[i].has_bid && pba->group[i].bid == (uint16_t)b->id)
			return &pba->group[i];
	if (pba->n_groups == 1 && !pba->group[0].has_bid)
		return &pba->group[0];
	return NULL;
}

static bool same_prefixes(const struct mag_bul *b, const struct mh_group *g)
{
	if (b->n_hnp != g->n_hnp)
		return false;
	for (unsigned i = 0; i < b->n_hnp; i++)
		if (b->hnp[i].len != g->hnp[i].len ||
		    memcmp(&b->hnp[i].prefix, &g->hnp[i].prefix, 16))
			return false;
	return true;
}

static bool in_set(const struct mh_prefix *set, unsigned n, const struct mh_prefix *p)
{
	for (unsigned i = 0; i < n; i++)
		if (set[i].len == p->len && !memcmp(&set[i].prefix, &p->prefix, 16))
			return true;
	return false;
}

static void pba_event(struct mag_acts *acts, const struct mag_txn *t,
		      const struct mh_msg *pba, const struct mag_bul *b0)
{
	char id[MAG_MN_ID_MAX + 16], pfx[200] = "[]";
	mag_json_str(id, sizeof(id), b0->prof->mn_id);
	if (pba->n_groups)
		mag_fmt_prefixes(pfx, sizeof(pfx), pba->group[0].hnp,
				 pba->group[0].n_hnp);
	mag_act_event(acts, MAG_EV_PBA_RECEIVED,
		      "\"mn_id\":%s,\"seq\":%u,\"status\":%u,\"status_name\":\"%s\","
		      "\"lifetime_s\":%u,\"hnp\":%s,\"kind\":\"%s\",\"sessions\":%u",
		      id, pba->seq, pba->status, pba_status_name(pba->status),
		      pba->lifetime * 4u, pfx, mag_txn_kind_name(t->kind), pba->n_groups);
}

static void bul_event(struct mag_acts *acts, enum mag_event ev, const struct mag_bul *b)
{
	char id[MAG_MN_ID_MAX + 16], pfx[200], mac[24], svc[2 * MAG_SERVICE_MAX + 8] = "null";
	mag_json_str(id, sizeof(id), b->prof->mn_id);
	if (b->service[0])
		mag_json_str(svc, sizeof(svc), b->service);
	mag_fmt_prefixes(pfx, sizeof(pfx), b->hnp, b->n_hnp);
	mag_fmt_mac(mac, sizeof(mac), b->ll_id);
	mag_act_event(acts, ev,
		      "\"mn_id\":%s,\"ll_id\":\"%s\",\"iface\":\"%s\",\"att\":%u,\"bid\":%u,"
		      "\"service\":%s,\"hnp\":%s,\"lifetime_s\":%u,\"seq\":%u",
		      id, mac, b->ifname, b->att, b->id, svc, pfx, b->lifetime_s, b->seq);
}

/* Accepted registration: prefixes from the PBA (6.9.1.2: the LMA's
 * assignment is authoritative), routes, RA. */
static void accept_reg(struct mag *m, struct mag_bul *b, const struct mh_group *g,
		       uint64_t now_ns, struct mag_acts *acts)
{
	if (g && g->n_hnp) {
		b->n_hnp = g->n_hnp;
		memcpy(b->hnp, g->hnp, sizeof(b->hnp[0]) * g->n_hnp);
	}
	if (b->n_hnp == 0 || b->hnp[0].len == 0) {
		mag_bul_delete(m, b, now_ns, acts, "pba_without_hnp");
		return;
	}
	mag_bul_set_state(m, b, MAG_BUL_ACTIVE, now_ns, acts, "pba accepted");
	mag_bul_routes(m, b, MAG_ACT_ROUTE_ADD, acts);
	bul_event(acts, MAG_EV_BUL_CREATED, b);
	mag_ra_send(m, b->ifindex, b->ll_id, now_ns, acts);
}

/* Routes for what changed between the prefix set `was` and b's: removed
 * ones first, then added ones; prefixes in both keep their routes (no gap
 * for the flows of the session's own prefixes). */
static void routes_diff(struct mag_bul *b, const struct mh_prefix *was,
			unsigned n_was, struct mag_acts *acts)
{
	for (unsigned i = 0; i < n_was; i++)
		if (!in_set(b->hnp, b->n_hnp, &was[i]))
			mag_bul_route(b, &was[i], MAG_ACT_ROUTE_DEL, acts);
	for (unsigned i = 0; i < b->n_hnp; i++)
		if (!in_set(was, n_was, &b->hnp[i]))
			mag_bul_route(b, &b->hnp[i], MAG_ACT_ROUTE_ADD, acts);
}

/* Accepted handoff between two interfaces of the MN (section 4): the
 * session it replaces goes only now (make before break), its prefixes'
 * routes move to b's interface, and the RA there lists them all. */
static void accept_handoff(struct mag *m, struct mag_bul *b, const struct mh_group *g,
			   uint64_t now_ns, struct mag_acts *acts)
{
	struct mag_bul *old = mag_bul_by_id(m, b->handoff_from);
	unsigned from_id = b->handoff_from;
	b->handoff_from = 0;
	if (old && old != b && b->handoff_subset)
		mag_subset_accepted(m, old, b, now_ns, acts);   /* section 2.2 */
	else if (old && old != b)
		mag_bul_delete(m, old, now_ns, acts, "handoff");
	b->handoff_subset = false;
	/* b's own routes are those of hnp[0 .. handoff_n_hnp), or of the set
	 * saved before a section 2.2 set change (mag_prefix.c) */
	struct mh_prefix was[MH_HNP_MAX];
	unsigned n_was = b->handoff_n_hnp;
	if (b->set_change)              /* routed since the PBU: old and new */
		n_was = mag_prefix_routed(b, was);
	else
		memcpy(was, b->hnp, sizeof(was[0]) * n_was);
	b->set_change = false;
	if (g && g->n_hnp) {
		b->n_hnp = g->n_hnp;
		memcpy(b->hnp, g->hnp, sizeof(b->hnp[0]) * g->n_hnp);
	}
	routes_diff(b, was, n_was, acts);
	mag_prefix_withdraw_lost(m, b, was, n_was, acts);
	mag_bul_set_state(m, b, MAG_BUL_ACTIVE, now_ns, acts, "handoff accepted");
	mag_phash_rebuild(m);
	char id[MAG_MN_ID_MAX + 16], pfx[200], mac[24];
	mag_json_str(id, sizeof(id), b->prof->mn_id);
	mag_fmt_prefixes(pfx, sizeof(pfx), b->hnp, b->n_hnp);
	mag_fmt_mac(mac, sizeof(mac), b->ll_id);
	mag_act_event(acts, MAG_EV_BUL_HANDOFF,
		      "\"mn_id\":%s,\"ll_id\":\"%s\",\"iface\":\"%s\",\"att\":%u,"
		      "\"bid\":%u,\"from_bid\":%u,\"hnp\":%s,\"lifetime_s\":%u,\"seq\":%u",
		      id, mac, b->ifname, b->att, b->id, from_id, pfx, b->lifetime_s, b->seq);
	mag_ra_send(m, b->ifindex, b->ll_id, now_ns, acts);
}

static void accept_rereg(struct mag *m, struct mag_bul *b, const struct mh_group *g,
			 uint64_t now_ns, struct mag_acts *acts)
{
	if (g && g->n_hnp && !same_prefixes(b, g)) {
		/* 6.9.1.2: the LMA's set is authoritative; a prefix it left
		 * out moved to another interface (section 2.2, a subset
		 * handoff racing this refresh) or was removed: the MN is told
		 * at once (lifetimes 0), its route goes, the others stay */
		struct mh_prefix was[MH_HNP_MAX];
		unsigned n_was = b->n_hnp;
		memcpy(was, b->hnp, sizeof(was));
		b->n_hnp = g->n_hnp;
		memcpy(b->hnp, g->hnp, sizeof(b->hnp[0]) * g->n_hnp);
		routes_diff(b, was, n_was, acts);
		mag_prefix_withdraw_lost(m, b, was, n_was, acts);
		mag_phash_rebuild(m);    /* the data plane looks prefixes up */
	}
	mag_bul_set_state(m, b, MAG_BUL_ACTIVE, now_ns, acts, "refreshed");
	bul_event(acts, MAG_EV_BUL_REFRESHED, b);
	/* The RA's prefix lifetimes never outlive the binding (mag_ra.c), so
	 * the MN learns the renewed ones now, before its address expires with
	 * the old binding lifetime: a new Valid Lifetime above the remaining
	 * one is taken (RFC 4862 5.5.3 e). */
	mag_ra_send(m, b->ifindex, b->ll_id, now_ns, acts);
}

/* A combined PBA whose Status rejects it but whose BID options all say
 * 0 rejects it whole (an LMA that does not fill them in); otherwise each
 * group's fate is its own BID status, whatever the Status (RFC 5648 6.2:
 * the Status is only the first rejected group's). */
static bool rejected_whole(const struct mh_msg *pba)
{
	if (pba->status == PBA_STATUS_ACCEPTED)
		return false;
	for (unsigned i = 0; i < pba->n_groups && i < MH_GROUP_MAX; i++)
		if (pba->group[i].has_bid && pba->group[i].bid_status)
			return false;
	return true;
}

static void apply(struct mag *m, enum mag_txn_kind kind, uint64_t sent_ns,
		  struct mag_bul *b, uint8_t status, bool whole, const struct mh_msg *pba,
		  uint64_t now_ns, struct mag_acts *acts)
{
	const struct mh_group *g = pba_group(pba, b);
	if (g && g->has_bid && !whole)
		status = g->bid_status;          /* RFC 5648 6.2 per-binding */
	if (kind == MAG_TXN_DEREG) {
		mag_bul_delete(m, b, now_ns, acts, "deregistered");
		return;
	}
	if (kind == MAG_TXN_HANDOFF && (status != PBA_STATUS_ACCEPTED ||
					pba->lifetime == 0)) {
		/* the LMA kept the prefixes where they were */
		mag_handoff_failed(m, b, now_ns, acts, pba_status_name(status));
		return;
	}
	if (status != PBA_STATUS_ACCEPTED) {
		/* 6.9.1.2: rejected - no prefix advertised, no forwarding */
		mag_bul_delete(m, b, now_ns, acts, pba_status_name(status));
		return;
	}
	b->lifetime_s = pba->lifetime * 4u;  /* the LMA may grant less */
	if (b->lifetime_s == 0) {
		mag_bul_delete(m, b, now_ns, acts, "lifetime_0");
		return;
	}
	b->reg_sent_ns = sent_ns;
	if (kind == MAG_TXN_REG)
		accept_reg(m, b, g, now_ns, acts);
	else if (kind == MAG_TXN_HANDOFF)
		accept_handoff(m, b, g, now_ns, acts);
	else
		accept_rereg(m, b, g, now_ns, acts);
}

/* 135 (sequence out of window, RFC 6275 11.7.1: go on from the LMA's
 * number) and 156/157 (RFC 5213 5.5: timestamp not acceptable): the same
 * PBU again, fresh sequence number and timestamp, a bounded number of
 * times. Returns true when resent. */
static bool resend_on_status(struct mag *m, struct mag_txn *t,
			     const struct mh_msg *pba, uint64_t now_ns,
			     struct mag_acts *acts)
{
	uint8_t st = pba->status;
	if (st != MAG_PBA_STATUS_SEQ_OUT_OF_WINDOW &&
	    st != PBA_STATUS_TIMESTAMP_MISMATCH &&
	    st != PBA_STATUS_TIMESTAMP_LOWER_THAN_PREV_ACCEPTED)
		return false;
	if (t->status_retries >= m->cfg.max_status_retries)
		return false;
	t->status_retries++;
	if (st == MAG_PBA_STATUS_SEQ_OUT_OF_WINDOW)
		m->next_seq = (uint16_t)(pba->seq + 1);
	mag_act_log(acts, "PBA status %u (%s): PBU resent (%u/%u)", st,
		    pba_status_name(st), t->status_retries, m->cfg.max_status_retries);
	mag_txn_start(m, t, now_ns, acts);
	return true;
}

int mag_input_pba(struct mag *m, const struct in6_addr *src,
		  const struct mh_msg *pba, uint64_t now_ns,
		  struct mag_acts *acts)
{
	m->stats.pba_received++;
	struct mag_txn *t = NULL;
	/* RFC 5213 8.2: a PBA is a BA with the P flag */
	if (pba->type == MH_TYPE_BA && (pba->ba_flags & MH_BA_P))
		t = pba_match(m, src, pba);
	if (!t) {
		m->stats.pba_ignored++;
		mag_act_log(acts, "PBA seq %u status %u ignored: no matching PBU",
			    pba->seq, pba->status);
		mag_announce_deadline(m, acts);
		return 0;
	}
	m->stats.pba_status[pba->status]++;
	pba_event(acts, t, pba, &m->bul[t->bul[0]]);
	if (resend_on_status(m, t, pba, now_ns, acts)) {
		mag_announce_deadline(m, acts);
		return 0;
	}
	unsigned n = t->n_bul, slots[MH_GROUP_MAX];
	memcpy(slots, t->bul, sizeof(slots));
	enum mag_txn_kind kind = t->kind;
	uint64_t sent_ns = t->sent_ns;
	mag_txn_free(m, t);
	bool whole = rejected_whole(pba);
	for (unsigned i = 0; i < n; i++)
		apply(m, kind, sent_ns, &m->bul[slots[i]], pba->status, whole, pba,
		      now_ns, acts);
	mag_flow_pba(m, slots, n, pba, acts);   /* RFC 6089 statuses */
	mag_announce_deadline(m, acts);
	return 0;
}
