/*
 * mag_txn.c - the MAG's PBU transactions (RFC 5213 6.9.1.1, 6.9.4): a PBU
 * built for one or several sessions of one MN (problem statement section 4:
 * one group per session, delimited by BID options), sent, retransmitted
 * with back-off, and given up. Pure, like mag_engine.c: everything leaves as
 * actions; time comes in as now_ns.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "mag_int.h"

/* ---- PBU transactions ------------------------------------------------------- */

struct mag_txn *mag_txn_new(struct mag *m, enum mag_txn_kind kind,
			       const struct in6_addr *lmaa)
{
	for (size_t i = 0; i < MAG_TXN_MAX; i++) {
		struct mag_txn *t = &m->txn[i];
		if (t->used)
			continue;
		memset(t, 0, sizeof(*t));
		t->used = true;
		t->kind = kind;
		t->lmaa = *lmaa;
		return t;
	}
	return NULL;
}

void mag_txn_add(struct mag *m, struct mag_txn *t, struct mag_bul *b)
{
	if (t->n_bul >= MH_GROUP_MAX)
		return;
	t->bul[t->n_bul++] = (unsigned)(b - m->bul);
	b->txn = (int)(t - m->txn);
}

void mag_txn_free(struct mag *m, struct mag_txn *t)
{
	for (unsigned i = 0; i < t->n_bul; i++)
		if (m->bul[t->bul[i]].txn == (int)(t - m->txn))
			m->bul[t->bul[i]].txn = -1;
	t->used = false;
	t->n_bul = 0;
}

/* RFC 6275 6.1.7: lifetime in units of 4 s, rounded up so the MAG never
 * asks for less than configured. */
static uint16_t lifetime_units(uint32_t s)
{
	uint32_t u = (s + 3) / 4;
	return (uint16_t)(u > 65535 ? 65535 : u);
}

static void pbu_group(const struct mag *m, const struct mag_bul *b,
		      struct mh_group *g)
{
	memset(g, 0, sizeof(*g));
	/* RFC 5648 6.2: a BID option opens each session's group when the
	 * MAG combines sessions (see the comment atop mh.h). */
	g->has_bid = m->cfg.multi_session_pbu ||
		     b->n_flow > 0;     /* RFC 6089: flows are bound to BIDs */
	g->bid = (uint16_t)b->id;
	g->has_mn_ll_id = true;          /* RFC 5213 6.9.1.1, 8.6 */
	g->mn_ll_id_len = 6;
	memcpy(g->mn_ll_id, b->ll_id, 6);
	g->has_hi = true;                /* 8.4 */
	g->hi = b->hi;
	g->has_att = true;               /* 8.5, never 0 */
	g->att = b->att;
	g->service_len = (uint8_t)strlen(b->service);   /* RFC 5149, section 2.1 */
	memcpy(g->service, b->service, g->service_len);
	if (b->n_hnp == 0) {
		/* 6.9.1.1: ALL_ZERO prefix, length 0: "assign me one" */
		g->n_hnp = 1;
		memset(&g->hnp[0], 0, sizeof(g->hnp[0]));
	} else {
		g->n_hnp = b->n_hnp;
		memcpy(g->hnp, b->hnp, sizeof(g->hnp[0]) * b->n_hnp);
	}
}

static void pbu_event(struct mag_acts *acts, const struct mag_txn *t,
		      const struct mh_msg *p, const struct mag_bul *b0, size_t bytes)
{
	char id[MAG_MN_ID_MAX + 16], pfx[200], mac[24], peer[INET6_ADDRSTRLEN];
	const struct mh_group *g = &p->group[0];
	mag_json_str(id, sizeof(id), b0->prof->mn_id);
	mag_fmt_prefixes(pfx, sizeof(pfx), g->hnp, g->n_hnp);
	mag_fmt_mac(mac, sizeof(mac), b0->ll_id);
	inet_ntop(AF_INET6, &t->lmaa, peer, sizeof(peer));
	mag_act_event(acts, MAG_EV_PBU_SENT,
		      "\"mn_id\":%s,\"seq\":%u,\"lifetime_s\":%u,\"hi\":%u,\"att\":%u,"
		      "\"ll_id\":\"%s\",\"hnp\":%s,\"flags\":\"AP\",\"peer\":\"%s\","
		      "\"kind\":\"%s\",\"sessions\":%u,\"retx\":%u,\"bytes\":%zu",
		      id, p->seq, p->lifetime * 4u, g->hi, g->att, mac, pfx, peer,
		      mag_txn_kind_name(t->kind), p->n_groups, t->retx, bytes);
}

/* Build and queue the PBU of t with a fresh sequence number and timestamp
 * (every retransmission too: RFC 6275 11.7.1 wants a new, greater sequence
 * number; RFC 5213 5.5 checks the timestamp against the LMA's clock). */
static void txn_emit(struct mag *m, struct mag_txn *t, uint64_t now_ns,
		     struct mag_acts *acts)
{
	if (t->n_bul == 0)
		return;
	struct mh_msg *p = mag_act_push_pbu(acts, &t->lmaa);
	if (!p)
		return;
	const struct mag_bul *b0 = &m->bul[t->bul[0]];
	uint16_t seq = m->next_seq++;
	if (t->n_seq == MAG_TXN_SEQ_MAX) {
		memmove(t->seq, t->seq + 1, sizeof(t->seq[0]) * (MAG_TXN_SEQ_MAX - 1));
		t->n_seq--;
	}
	t->seq[t->n_seq++] = seq;
	p->seq = seq;
	p->bu_flags = MH_BU_A | MH_BU_P;  /* RFC 5213 8.1 / 6.9.1.1 */
	p->lifetime = t->kind == MAG_TXN_DEREG ? 0 : lifetime_units(m->cfg.lifetime_s);
	p->has_mn_id = true;             /* 6.9.1.1: MN-ID from the profile */
	p->mn_id_subtype = MH_MN_ID_NAI;
	p->mn_id_len = (uint8_t)strnlen(b0->prof->mn_id, MH_MN_ID_MAX);
	memcpy(p->mn_id, b0->prof->mn_id, p->mn_id_len);
	if (m->cfg.use_timestamps) {     /* 5.5, 8.8 */
		p->has_timestamp = true;
		int64_t rt = (int64_t)now_ns + m->realtime_offset_ns;
		uint64_t ts = mh_timestamp_from_ns(rt > 0 ? (uint64_t)rt : 0);
		/* The LMA orders timestamps per MN and an equal one is not
		 * newer (5.5): two PBUs built in the same instant (the
		 * deregistrations of two sessions) must still differ, so the
		 * MAG's clock never repeats a value (1/65536 s steps). */
		if (ts <= m->last_timestamp)
			ts = m->last_timestamp + 1;
		m->last_timestamp = ts;
		p->timestamp = ts;
		t->timestamp = p->timestamp;
	}
	p->n_groups = (uint8_t)t->n_bul;
	for (unsigned i = 0; i < t->n_bul; i++) {
		struct mag_bul *b = &m->bul[t->bul[i]];
		pbu_group(m, b, &p->group[i]);
		b->seq = seq;
	}
	mag_flow_pbu(m, t, p);
	t->sent_ns = now_ns;
	uint8_t buf[2048];
	const char *why;
	int len = mh_encode(p, NULL, NULL, buf, sizeof(buf), &why);
	size_t bytes = len > 0 ? (size_t)len : 0;
	m->stats.pbu_sent++;
	m->stats.pbu_bytes += bytes;
	if (t->retx)
		m->stats.pbu_retx++;
	switch (t->kind) {
	case MAG_TXN_REG:
	case MAG_TXN_HANDOFF: m->stats.pbu_reg++; break;
	case MAG_TXN_REREG:
		m->stats.pbu_rereg++;
		m->stats.refresh_msgs++;
		m->stats.refresh_bytes += bytes;
		break;
	case MAG_TXN_DEREG: m->stats.pbu_dereg++; break;
	}
	pbu_event(acts, t, p, b0, bytes);
}

void mag_txn_start(struct mag *m, struct mag_txn *t, uint64_t now_ns,
		      struct mag_acts *acts)
{
	t->retx = 0;
	t->n_seq = 0;           /* a PBA to the PBU replaced is stale */
	t->timeout_ns = t->kind == MAG_TXN_REG ?
		MAG_INITIAL_BINDACK_TIMEOUT_FIRST_REG_NS : MAG_INITIAL_BINDACK_TIMEOUT_NS;
	t->deadline_ns = now_ns + t->timeout_ns;
	txn_emit(m, t, now_ns, acts);
}

/* No PBA after the last retransmission: RFC 6275 11.8 lets the MAG stop. */
static void txn_give_up(struct mag *m, struct mag_txn *t, uint64_t now_ns,
			struct mag_acts *acts)
{
	m->stats.give_up++;
	const struct mag_bul *b0 = &m->bul[t->bul[0]];
	char id[MAG_MN_ID_MAX + 16];
	mag_json_str(id, sizeof(id), b0->prof->mn_id);
	mag_act_event(acts, MAG_EV_PBU_GIVE_UP, "\"mn_id\":%s,\"kind\":\"%s\",\"retx\":%u",
		      id, mag_txn_kind_name(t->kind), t->retx);
	unsigned n = t->n_bul, slots[MH_GROUP_MAX];
	memcpy(slots, t->bul, sizeof(slots));
	enum mag_txn_kind kind = t->kind;
	mag_txn_free(m, t);
	for (unsigned i = 0; i < n; i++) {
		struct mag_bul *b = &m->bul[slots[i]];
		if (kind == MAG_TXN_HANDOFF) {
			mag_handoff_failed(m, b, now_ns, acts, "no_pba");
			continue;
		}
		if (kind == MAG_TXN_REREG) {
			/* keep forwarding until the binding expires */
			mag_act_log(acts, "bul %u: re-registration unanswered, "
				    "expires in %u s", b->id,
				    mag_bul_remaining_s(b, now_ns));
			continue;
		}
		mag_bul_delete(m, b, now_ns, acts, "no_pba");
	}
}

void mag_txn_timer(struct mag *m, struct mag_txn *t, uint64_t now_ns,
		      struct mag_acts *acts)
{
	if (t->retx >= m->cfg.max_retx) {
		txn_give_up(m, t, now_ns, acts);
		return;
	}
	t->retx++;
	t->timeout_ns *= 2;              /* RFC 6275 11.8 exponential back-off */
	if (t->timeout_ns > MAG_MAX_BINDACK_TIMEOUT_NS)
		t->timeout_ns = MAG_MAX_BINDACK_TIMEOUT_NS;
	t->deadline_ns = now_ns + t->timeout_ns;
	txn_emit(m, t, now_ns, acts);
}

