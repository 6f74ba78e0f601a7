/*
 * mag_revoke.c - Binding Revocation at the MAG (RFC 5846, MH Type 16).
 *
 * Owns: what a BRI from the LMA does to the BUL (the named prefixes are
 * withdrawn from the MN at once with an RA whose lifetimes are 0, their
 * routes removed, a session left without prefixes deleted), the BRA that
 * answers it, and the bulk BRI (G flag) of a MAG that shuts down.
 * Must not: decode or send (mag_io.c), retransmit (a lost bulk BRI leaves
 * the bindings to expire at the LMA, see doc/protocol.md).
 */
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

#include "mag_int.h"

static bool hnp_named(const struct mh_group *g, const struct mh_prefix *p)
{
	if (g->n_hnp == 0)
		return true;            /* no HNP option: every prefix */
	for (unsigned i = 0; i < g->n_hnp; i++)
		if (g->hnp[i].len == p->len && !memcmp(&g->hnp[i].prefix, &p->prefix, 16))
			return true;
	return false;
}

static bool br_names(const struct mh_msg *br, const struct mag_bul *b)
{
	const struct mh_group *g = &br->group[0];

	if (br->br_flags & MH_BR_G)
		return true;            /* every binding of ours */
	if (!br->has_mn_id || br->mn_id_len != strlen(b->prof->mn_id) ||
	    memcmp(br->mn_id, b->prof->mn_id, br->mn_id_len))
		return false;
	return !g->has_mn_ll_id || (g->mn_ll_id_len == 6 && !memcmp(g->mn_ll_id, b->ll_id, 6));
}

/* Withdraw what br names of b; true when b had any of it. */
static bool revoke_one(struct mag *m, struct mag_bul *b, const struct mh_msg *br,
		       uint64_t now_ns, struct mag_acts *acts)
{
	struct mh_prefix gone[MH_HNP_MAX], kept[MH_HNP_MAX];
	unsigned n_gone = 0, n_kept = 0;

	for (unsigned i = 0; i < b->n_hnp; i++) {
		if (hnp_named(&br->group[0], &b->hnp[i]))
			gone[n_gone++] = b->hnp[i];
		else
			kept[n_kept++] = b->hnp[i];
	}
	if (n_gone == 0)
		return false;
	mag_ra_withdraw(m, b, gone, n_gone, n_kept == 0 && !mag_bul_iface_shared(m, b), acts);
	m->stats.revoked++;
	if (n_kept == 0) {
		mag_bul_leave_txn(m, b);
		mag_bul_delete(m, b, now_ns, acts, "revoked");
		return true;
	}
	for (unsigned i = 0; i < n_gone; i++)
		mag_bul_route(b, &gone[i], MAG_ACT_ROUTE_DEL, acts);
	memcpy(b->hnp, kept, sizeof(kept[0]) * n_kept);
	b->n_hnp = (uint8_t)n_kept;
	mag_phash_rebuild(m);
	return true;
}

static void send_br(struct mag *m, const struct in6_addr *dst, uint8_t br_type, uint16_t seq,
		    uint8_t code, uint16_t flags, const struct mh_msg *id_from,
		    struct mag_acts *acts)
{
	struct mh_msg *p = mag_act_push_pbu(acts, dst);

	(void)m;
	if (!p)
		return;
	mh_msg_init(p, MH_TYPE_BR);
	p->br_type = br_type;
	p->seq = seq;
	p->br_flags = flags;
	if (br_type == MH_BR_TYPE_BRA)
		p->status = code;
	else
		p->br_trigger = code;
	p->n_groups = 0;
	if (id_from && id_from->has_mn_id && id_from->mn_id_len) {
		p->has_mn_id = true;            /* RFC 5846 6.2: as in the BRI */
		p->mn_id_subtype = id_from->mn_id_subtype;
		p->mn_id_len = id_from->mn_id_len;
		memcpy(p->mn_id, id_from->mn_id, id_from->mn_id_len);
	}
}

static bool from_our_lma(const struct mag *m, const struct in6_addr *src)
{
	if (!memcmp(&m->cfg.lmaa, src, sizeof(*src)))
		return true;
	for (size_t i = 0; i < MAG_BUL_MAX; i++)
		if (m->bul[i].state != MAG_BUL_DELETED &&
		    !memcmp(&m->bul[i].lmaa, src, sizeof(*src)))
			return true;
	return false;
}

static void bri(struct mag *m, const struct in6_addr *src, const struct mh_msg *br,
		uint64_t now_ns, struct mag_acts *acts)
{
	unsigned n = 0;
	char id[MAG_MN_ID_MAX + 16] = "null";

	m->stats.bri_received++;
	for (size_t i = 0; i < MAG_BUL_MAX; i++) {
		struct mag_bul *b = &m->bul[i];

		if (b->state != MAG_BUL_DELETED && !memcmp(&b->lmaa, src, sizeof(*src)) &&
		    br_names(br, b))
			n += revoke_one(m, b, br, now_ns, acts);
	}
	if (br->has_mn_id && br->mn_id_len < sizeof(id) / 2) {
		char raw[MH_MN_ID_MAX + 1];

		memcpy(raw, br->mn_id, br->mn_id_len);
		raw[br->mn_id_len] = 0;
		mag_json_str(id, sizeof(id), raw);
	}
	mag_act_event(acts, MAG_EV_BRI_RECEIVED,
		      "\"mn_id\":%s,\"seq\":%u,\"trigger\":%u,\"trigger_name\":\"%s\","
		      "\"global\":%s,\"revoked\":%u", id, br->seq, br->br_trigger,
		      mh_br_trigger_name(br->br_trigger),
		      (br->br_flags & MH_BR_G) ? "true" : "false", n);
	send_br(m, src, MH_BR_TYPE_BRA, br->seq,
		n ? MH_BRA_STATUS_SUCCESS : MH_BRA_STATUS_BINDING_DOES_NOT_EXIST,
		br->br_flags & (MH_BR_P | MH_BR_G), br, acts);
	m->stats.bra_sent++;
}

int mag_input_br(struct mag *m, const struct in6_addr *src, const struct mh_msg *br,
		 uint64_t now_ns, struct mag_acts *acts)
{
	if (!from_our_lma(m, src)) {
		m->stats.bri_ignored++;         /* RFC 5846 10: only our LMA may */
		mag_announce_deadline(m, acts);
		return 0;
	}
	if (br->br_type == MH_BR_TYPE_BRI) {
		bri(m, src, br, now_ns, acts);
	} else if (br->br_type == MH_BR_TYPE_BRA) {
		m->stats.bra_received++;
		mag_act_event(acts, MAG_EV_BRA_RECEIVED, "\"seq\":%u,\"status\":%u,"
			      "\"status_name\":\"%s\"", br->seq, br->status,
			      mh_bra_status_name(br->status));
	}
	mag_announce_deadline(m, acts);
	return 0;
}

void mag_revoke_all(struct mag *m, uint64_t now_ns, struct mag_acts *acts)
{
	bool any = false;

	for (size_t i = 0; i < MAG_BUL_MAX; i++) {
		struct mag_bul *b = &m->bul[i];

		if (b->state == MAG_BUL_DELETED)
			continue;
		if (mag_bul_registered(b))
			any = true;
		mag_bul_leave_txn(m, b);
		mag_bul_delete(m, b, now_ns, acts, "revoked_bulk");
	}
	if (!any)
		return;
	/* the Sequence # space of the BRI is the MAG's PBU counter's */
	send_br(m, &m->cfg.lmaa, MH_BR_TYPE_BRI, m->next_seq++,
		MH_BR_TRIGGER_ADMINISTRATIVE_REASON, MH_BR_P | MH_BR_G, NULL, acts);
	m->stats.bri_sent++;
	mag_act_event(acts, MAG_EV_BRI_SENT, "\"global\":true,\"trigger\":%u,\"trigger_name\":\"%s\"",
		      MH_BR_TRIGGER_ADMINISTRATIVE_REASON,
		      mh_br_trigger_name(MH_BR_TRIGGER_ADMINISTRATIVE_REASON));
}
