/*
 * lma_revoke.c - Binding Revocation at the LMA (RFC 5846, MH Type 16).
 *
 * Owns: the Binding Revocation Indications the LMA sends (to the previous
 * MAG on a handoff, lma_handoff.c calls; for `ctl lma revoke`), the
 * acknowledgements it takes, and the bulk revocation a MAG sends when it
 * goes away (G flag: every binding with that Proxy-CoA).
 * A BRI is sent again after LMA_BRI_TIMEOUT_NS, doubling, at most
 * LMA_BRI_RETRIES times, until its BRA comes (RFC 5846, values ours);
 * then the MAG's binding is left to end with its lifetime.
 * Must not: do I/O.
 */
#include "lma_int.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

static void br_init(struct mh_msg *m, uint8_t br_type, uint16_t seq)
{
	mh_msg_init(m, MH_TYPE_BR);
	m->br_type = br_type;
	m->seq = seq;
	m->br_flags = MH_BR_P;          /* 8.1 / 8.2: a proxy binding */
}

static void keep_for_retx(struct lma *l, const struct in6_addr *dst, const struct mh_msg *m)
{
	for (size_t i = 0; i < LMA_BRI_MAX; i++) {
		struct lma_bri *b = &l->bri[i];

		if (b->used)
			continue;
		b->used = true;
		b->retx = 0;
		b->dst = *dst;
		b->msg = *m;
		b->deadline_ns = l->now_ns + LMA_BRI_TIMEOUT_NS;
		return;
	}
}

uint64_t lma_revoke_deadline(const struct lma *l)
{
	uint64_t d = BCE_NO_DEADLINE;

	for (size_t i = 0; i < LMA_BRI_MAX; i++)
		if (l->bri[i].used && l->bri[i].deadline_ns < d)
			d = l->bri[i].deadline_ns;
	return d;
}

void lma_revoke_timer(struct lma *l, uint64_t now_ns, struct lma_actions *out)
{
	char peer[INET6_ADDRSTRLEN];

	for (size_t i = 0; i < LMA_BRI_MAX; i++) {
		struct lma_bri *b = &l->bri[i];

		if (!b->used || b->deadline_ns > now_ns)
			continue;
		if (b->retx >= LMA_BRI_RETRIES) {
			b->used = false;
			l->st.bri_unanswered++;
			inet_ntop(AF_INET6, &b->dst, peer, sizeof(peer));
			lma_act_event(out, LMA_EV_BRI_UNANSWERED, "\"seq\":%u,\"peer\":\"%s\"",
				      b->msg.seq, peer);
			continue;
		}
		b->retx++;
		b->deadline_ns = now_ns + (LMA_BRI_TIMEOUT_NS << b->retx);
		lma_act_send_mh(out, &b->dst, &b->msg);
		l->st.bri_retx++;
	}
}

/* The BRA answers the BRI with its sequence number, from its MAG. */
static void bra_matched(struct lma *l, const struct in6_addr *src, uint16_t seq)
{
	for (size_t i = 0; i < LMA_BRI_MAX; i++)
		if (l->bri[i].used && l->bri[i].msg.seq == seq &&
		    !memcmp(&l->bri[i].dst, src, sizeof(*src)))
			l->bri[i].used = false;
}

void lma_revoke_send(struct lma *l, const struct bce_session *s, const struct mh_prefix *hnp,
		     uint8_t n, uint8_t trigger, struct lma_actions *out)
{
	struct mh_msg m;
	struct mh_group *g = &m.group[0];
	char id[2 * MH_MN_ID_MAX + 8], peer[INET6_ADDRSTRLEN];

	br_init(&m, MH_BR_TYPE_BRI, ++l->br_seq);
	m.br_trigger = trigger;
	/* RFC 5846 8.1: the MN-ID, and what names the binding at the MAG */
	m.has_mn_id = true;
	m.mn_id_subtype = MH_MN_ID_NAI;
	m.mn_id_len = s->mn->id_len;
	memcpy(m.mn_id, s->mn->id, s->mn->id_len);
	if (s->ll_id_len) {
		g->has_mn_ll_id = true;
		g->mn_ll_id_len = s->ll_id_len;
		memcpy(g->mn_ll_id, s->ll_id, s->ll_id_len);
	}
	for (uint8_t i = 0; i < (n ? n : s->n_prefix) && g->n_hnp < MH_HNP_MAX; i++) {
		g->hnp[g->n_hnp].prefix = n ? hnp[i].prefix : s->prefix[i]->prefix;
		g->hnp[g->n_hnp++].len = n ? hnp[i].len : s->prefix[i]->len;
	}
	lma_act_send_mh(out, &s->proxy_coa, &m);
	l->st.bri_sent++;
	keep_for_retx(l, &s->proxy_coa, &m);
	lma_json_str(id, sizeof(id), s->mn->id, s->mn->id_len);
	inet_ntop(AF_INET6, &s->proxy_coa, peer, sizeof(peer));
	lma_act_event(out, LMA_EV_BRI_SENT,
		      "\"mn_id\":%s,\"seq\":%u,\"trigger\":%u,\"trigger_name\":\"%s\","
		      "\"prefixes\":%u,\"peer\":\"%s\"",
		      id, m.seq, trigger, mh_br_trigger_name(trigger), g->n_hnp, peer);
}

void lma_note_moved(struct lma_moved *mv, struct bce_session *f, const struct bce_prefix *x)
{
	if (mv->n >= MH_HNP_MAX)
		return;
	mv->from[mv->n] = f;
	mv->prefix[mv->n].prefix = x->prefix;
	mv->prefix[mv->n++].len = x->len;
}

/* RFC 5846 8.1: a BRI to each previous MAG that still held a binding for
 * the prefixes that moved (another Proxy-CoA; the same MAG knows). */
void lma_revoke_moved(struct lma *l, const struct in6_addr *src,
			 const struct bce_session *t, const struct lma_moved *mv,
			 struct lma_actions *out)
{
	for (uint8_t i = 0; l->cfg.revocation && i < mv->n; i++) {
		struct bce_session *f = mv->from[i];
		struct mh_prefix p[MH_HNP_MAX];
		uint8_t n = 0;
		bool first = true;

		for (uint8_t j = 0; j < i && first; j++)
			first = mv->from[j] != f;
		if (!first || f->state != BCE_STATE_REGISTERED ||
		    !memcmp(&f->proxy_coa, src, sizeof(*src)))
			continue;
		for (uint8_t j = i; j < mv->n; j++)
			if (mv->from[j] == f)
				p[n++] = mv->prefix[j];
		lma_revoke_send(l, f, p, n, f->att == t->att ? MH_BR_TRIGGER_INTER_MAG_SAME_ATT :
				MH_BR_TRIGGER_INTER_MAG_DIFFERENT_ATT, out);
	}
}

int lma_revoke_mn(struct lma *l, const uint8_t *mn_id, size_t len, uint64_t now_ns,
		  struct lma_actions *out)
{
	struct bce_mn *mn = bce_find_mn(l->bc, mn_id, len);
	int n = 0;

	l->now_ns = now_ns;
	while (mn && mn->sessions) {
		struct bce_session *s = mn->sessions;
		bool last = mn->n_session == 1;   /* the MN goes with its last session */

		/* a home binding (appendix C) has no MAG to tell: RFC 5846's
		 * revocation of a client binding is not built */
		if (s->state == BCE_STATE_REGISTERED && s->kind == BCE_KIND_PROXY)
			lma_revoke_send(l, s, NULL, 0, MH_BR_TRIGGER_ADMINISTRATIVE_REASON, out);
		lma_session_delete(l, s, "revoked", out);
		l->st.revoked++;
		n++;
		if (last)
			break;
	}
	lma_act_timer(l, out);
	return n;
}

static void send_bra(struct lma *l, const struct in6_addr *dst, const struct mh_msg *bri,
		     uint8_t status, struct lma_actions *out)
{
	struct mh_msg m;

	(void)l;
	br_init(&m, MH_BR_TYPE_BRA, bri->seq);    /* 6.2: the BRI's number */
	m.status = status;
	m.br_flags = bri->br_flags & (MH_BR_P | MH_BR_G);
	m.n_groups = 0;
	lma_act_send_mh(out, dst, &m);
}

struct sessions_at {
	const struct in6_addr *coa;
	const struct mh_msg *m;         /* NULL: every MN */
	struct bce_session **out;
	size_t n, cap;
};

static void collect(void *arg, const struct bce_session *s)
{
	struct sessions_at *c = arg;
	const struct mh_group *g = c->m ? &c->m->group[0] : NULL;

	if (memcmp(&s->proxy_coa, c->coa, sizeof(*c->coa)) || c->n == c->cap)
		return;
	if (c->m && (c->m->mn_id_len != s->mn->id_len ||
		     memcmp(c->m->mn_id, s->mn->id, s->mn->id_len)))
		return;
	if (g && g->has_mn_ll_id && (g->mn_ll_id_len != s->ll_id_len ||
				     memcmp(g->mn_ll_id, s->ll_id, s->ll_id_len)))
		return;
	c->out[c->n++] = (struct bce_session *)s;
}

/* A MAG's BRI (RFC 5846 9.1): with G, every proxy binding whose Proxy-CoA
 * is the sender; else the named MN's bindings there. */
static int input_bri(struct lma *l, const struct in6_addr *src, const struct mh_msg *m,
		     struct lma_actions *out)
{
	struct bce_session *del[256];
	size_t n = 0;
	char peer[INET6_ADDRSTRLEN];

	l->st.bri_received++;
	if (!(m->br_flags & MH_BR_P)) {
		send_bra(l, src, m, MH_BRA_STATUS_PROXY_REVOCATION_NOT_SUPPORTED, out);
		return 0;
	}
	if (!(m->br_flags & MH_BR_G) && !m->has_mn_id) {
		send_bra(l, src, m, MH_BRA_STATUS_MN_IDENTITY_REQUIRED, out);
		return 0;
	}
	struct sessions_at c = { src, (m->br_flags & MH_BR_G) ? NULL : m, del, 0, 256 };

	bce_foreach_session(l->bc, collect, &c);
	n = c.n;
	for (size_t i = 0; i < n; i++) {
		lma_session_delete(l, del[i], "revoked_by_mag", out);
		l->st.revoked++;
	}
	inet_ntop(AF_INET6, src, peer, sizeof(peer));
	lma_act_event(out, LMA_EV_BRI_RECEIVED,
		      "\"seq\":%u,\"global\":%s,\"trigger\":%u,\"revoked\":%zu,\"peer\":\"%s\"",
		      m->seq, (m->br_flags & MH_BR_G) ? "true" : "false", m->br_trigger, n, peer);
	send_bra(l, src, m, n ? MH_BRA_STATUS_SUCCESS : MH_BRA_STATUS_BINDING_DOES_NOT_EXIST,
		 out);
	return 0;
}

int lma_input_br(struct lma *l, const struct in6_addr *src, const struct mh_msg *m,
		 struct lma_actions *out)
{
	char peer[INET6_ADDRSTRLEN];

	if (m->br_type == MH_BR_TYPE_BRI)
		return input_bri(l, src, m, out);
	if (m->br_type != MH_BR_TYPE_BRA)
		return -1;
	l->st.bra_received++;
	bra_matched(l, src, m->seq);
	inet_ntop(AF_INET6, src, peer, sizeof(peer));
	lma_act_event(out, LMA_EV_BRA_RECEIVED,
		      "\"seq\":%u,\"status\":%u,\"status_name\":\"%s\",\"peer\":\"%s\"",
		      m->seq, m->status, mh_bra_status_name(m->status), peer);
	return 0;
}
