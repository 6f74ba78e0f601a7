/*
 * lma_upn.c - network-initiated moves of some, not all, prefixes
 * (problem statement section 2.2) at the LMA. The operator (ctl `prefix
 * add|remove|move LLID P/LEN...`, or the timeline's <prefix node="lma">)
 * names an MN interface and prefixes; the LMA checks the request against
 * its Binding Cache and tells the interface's MAG with an Update
 * Notification (RFC 7077 4.1, MH Type 19) whose Notification Reason is
 * FLOW-MOBILITY (RFC 7864) and whose HNP options name the whole prefix set
 * the interface is to hold (with the MN-ID and MN-LL-ID options naming
 * the session). The MAG acknowledges (UPA, Type 20) and registers that set
 * with a PBU; the Binding Cache changes only then, by the PBU rules (HI 2:
 * the named prefixes move here; HI 5 with prefix-update: the set shrinks).
 * The MAG that gives a moved prefix up learns it from the revocation
 * (RFC 5846, revocation on) or its next refresh's PBA (doc/protocol.md).
 *
 * An unanswered UPN is sent again (timeout and retries as the BRI's).
 *
 * Owns: the request's checks, the UPN, its retransmission, matching UPAs. Must not: change
 * the Binding Cache (the PBU does), do I/O.
 */
#include "lma_int.h"

#include <arpa/inet.h>
#include <string.h>

struct find_ll {
	const uint8_t *ll;
	struct bce_session *s;
};

static void match_ll(void *arg, const struct bce_session *s)
{
	struct find_ll *f = arg;

	if (!f->s && s->state == BCE_STATE_REGISTERED && s->ll_id_len == 6 &&
	    !memcmp(s->ll_id, f->ll, 6) && s->service_len == 0)
		f->s = (struct bce_session *)s;
}

static const struct bce_session *holder(const struct lma *l, const struct mh_prefix *p)
{
	const struct bce_prefix *x = bce_find_prefix(l->bc, &p->prefix, p->len);

	return x ? bce_prefix_downlink(x) : NULL;
}

static bool holds(const struct bce_session *s, const struct lma *l, const struct mh_prefix *p)
{
	const struct bce_prefix *x = bce_find_prefix(l->bc, &p->prefix, p->len);

	return x && bce_session_has_prefix(s, x);
}

/* MOVE: every prefix routed by another registered session of the MN,
 * each of which keeps at least one prefix (some, not all). */
static int check_move(const struct lma *l, const struct bce_session *s,
		      const struct mh_prefix *p, unsigned n, const char **why)
{
	for (unsigned i = 0; i < n; i++) {
		const struct bce_session *h = holder(l, &p[i]);
		unsigned left;

		if (h == s) {
			*why = "LLID holds a named prefix already";
			return -1;
		}
		if (!h || h->mn != s->mn || h->service_len) {
			*why = "the MN holds no such prefix on another interface";
			return -1;
		}
		left = h->n_prefix;
		for (unsigned j = 0; j < n; j++)
			left -= holder(l, &p[j]) == h;
		if (left == 0) {
			*why = "that is every prefix of the other interface: some, not all";
			return -1;
		}
	}
	return 0;
}

/* ADD: nobody routes them and the MN may have them (profile or pool). */
static int check_add(const struct lma *l, const struct bce_session *s,
		     const struct mh_prefix *p, unsigned n, const char **why)
{
	for (unsigned i = 0; i < n; i++) {
		if (holder(l, &p[i])) {
			*why = "a named prefix is held by a session already";
			return -1;
		}
		if (!lma_prefix_authorized(l, s->mn->id, s->mn->id_len, &p[i]) &&
		    !lma_prefix_in_pool(l, &p[i])) {
			*why = "a named prefix is not authorized for the MN";
			return -1;
		}
	}
	return 0;
}

static int check_remove(const struct lma *l, const struct bce_session *s,
			const struct mh_prefix *p, unsigned n, const char **why)
{
	for (unsigned i = 0; i < n; i++)
		if (!holds(s, l, &p[i])) {
			*why = "LLID does not hold a named prefix";
			return -1;
		}
	if (n >= s->n_prefix) {
		*why = "that is every prefix of LLID: some, not all";
		return -1;
	}
	return 0;
}

static int check(const struct lma *l, const struct bce_session *s, enum lma_prefix_op op,
		 const struct mh_prefix *p, unsigned n, const char **why)
{
	if (!s) {
		*why = "no registered session for LLID";
		return -1;
	}
	if (n == 0 || s->n_prefix + n > MH_HNP_MAX) {
		*why = "name 1..16 prefixes (at most 16 a session)";
		return -1;
	}
	if (op != LMA_PREFIX_MOVE && !l->cfg.prefix_update) {
		*why = "prefix-update is off (RFC 5213: a session's prefix set is fixed)";
		return -1;
	}
	if (op == LMA_PREFIX_MOVE)
		return check_move(l, s, p, n, why);
	return op == LMA_PREFIX_ADD ? check_add(l, s, p, n, why) : check_remove(l, s, p, n, why);
}

static bool named(const struct mh_prefix *p, unsigned n, const struct bce_prefix *x)
{
	for (unsigned i = 0; i < n; i++)
		if (p[i].len == x->len && !memcmp(&p[i].prefix, &x->prefix, 16))
			return true;
	return false;
}

/* The UPN: MN-ID, MN-LL-ID and the set s is to hold. */
static void build(struct lma *l, const struct bce_session *s, enum lma_prefix_op op,
		  const struct mh_prefix *p, unsigned n, struct mh_msg *m)
{
	struct mh_group *g = &m->group[0];

	mh_msg_init(m, MH_TYPE_UPN);
	m->seq = ++l->upn_seq;
	m->upn_reason = MH_UPN_REASON_FLOW_MOBILITY;
	m->upn_flags = MH_UPN_A;
	m->has_mn_id = true;
	m->mn_id_subtype = MH_MN_ID_NAI;
	m->mn_id_len = s->mn->id_len;
	memcpy(m->mn_id, s->mn->id, s->mn->id_len);
	g->has_mn_ll_id = true;
	g->mn_ll_id_len = s->ll_id_len;
	memcpy(g->mn_ll_id, s->ll_id, s->ll_id_len);
	for (uint8_t i = 0; i < s->n_prefix; i++) {
		const struct bce_prefix *x = s->prefix[i];

		if (op == LMA_PREFIX_REMOVE && named(p, n, x))
			continue;
		g->hnp[g->n_hnp].prefix = x->prefix;
		g->hnp[g->n_hnp++].len = x->len;
	}
	for (unsigned i = 0; op != LMA_PREFIX_REMOVE && i < n; i++)
		g->hnp[g->n_hnp++] = p[i];
}

/* Kept for its UPA and sent again until it comes (RFC 7077 has the LMA
 * retransmit, as remembered; timeout and retries are the BRI's). A full
 * table gives up the oldest. */
static void remember(struct lma *l, const struct in6_addr *dst, const struct mh_msg *m)
{
	struct lma_upn *u = &l->upn[0];

	for (size_t i = 0; i < LMA_UPN_MAX; i++) {
		if (!l->upn[i].used) {
			u = &l->upn[i];
			break;
		}
		if (l->upn[i].deadline_ns < u->deadline_ns)
			u = &l->upn[i];
	}
	u->used = true;
	u->retx = 0;
	u->dst = *dst;
	u->msg = *m;
	u->deadline_ns = l->now_ns + LMA_BRI_TIMEOUT_NS;
}

uint64_t lma_upn_deadline(const struct lma *l)
{
	uint64_t d = BCE_NO_DEADLINE;

	for (size_t i = 0; i < LMA_UPN_MAX; i++)
		if (l->upn[i].used && l->upn[i].deadline_ns < d)
			d = l->upn[i].deadline_ns;
	return d;
}

void lma_upn_timer(struct lma *l, uint64_t now_ns, struct lma_actions *out)
{
	char peer[INET6_ADDRSTRLEN];

	for (size_t i = 0; i < LMA_UPN_MAX; i++) {
		struct lma_upn *u = &l->upn[i];

		if (!u->used || u->deadline_ns > now_ns)
			continue;
		if (u->retx >= LMA_BRI_RETRIES) {
			u->used = false;
			l->st.upn_unanswered++;
			inet_ntop(AF_INET6, &u->dst, peer, sizeof(peer));
			lma_act_event(out, LMA_EV_UPN_UNANSWERED, "\"seq\":%u,\"peer\":\"%s\"",
				      u->msg.seq, peer);
			continue;
		}
		u->retx++;
		u->deadline_ns = now_ns + (LMA_BRI_TIMEOUT_NS << u->retx);
		lma_act_send_mh(out, &u->dst, &u->msg);
		l->st.upn_retx++;
	}
}

int lma_prefix_notify(struct lma *l, const uint8_t ll_id[6], enum lma_prefix_op op,
		      const struct mh_prefix *p, unsigned n, uint64_t now_ns,
		      struct lma_actions *out, const char **why)
{
	struct find_ll f = { .ll = ll_id };
	char id[2 * MH_MN_ID_MAX + 8], peer[INET6_ADDRSTRLEN];
	struct mh_msg m;

	l->now_ns = now_ns;
	bce_foreach_session(l->bc, match_ll, &f);
	if (check(l, f.s, op, p, n, why) < 0)
		return -1;
	build(l, f.s, op, p, n, &m);
	lma_act_send_mh(out, &f.s->proxy_coa, &m);
	remember(l, &f.s->proxy_coa, &m);
	l->st.upn_sent++;
	lma_json_str(id, sizeof(id), f.s->mn->id, f.s->mn->id_len);
	inet_ntop(AF_INET6, &f.s->proxy_coa, peer, sizeof(peer));
	lma_act_event(out, LMA_EV_UPN_SENT,
		      "\"mn_id\":%s,\"session\":%llu,\"seq\":%u,\"op\":\"%s\",\"reason\":%u,"
		      "\"prefixes\":%u,\"peer\":\"%s\"", id, (unsigned long long)f.s->id, m.seq,
		      op == LMA_PREFIX_ADD ? "add" : op == LMA_PREFIX_REMOVE ? "remove" : "move",
		      m.upn_reason, m.group[0].n_hnp, peer);
	lma_act_timer(l, out);
	return 0;
}

int lma_input_upa(struct lma *l, const struct in6_addr *src, const struct mh_msg *upa,
		  struct lma_actions *out)
{
	struct lma_upn *u = NULL;
	char peer[INET6_ADDRSTRLEN];

	for (size_t i = 0; i < LMA_UPN_MAX && !u; i++)
		if (l->upn[i].used && l->upn[i].msg.seq == upa->seq &&
		    !memcmp(&l->upn[i].dst, src, sizeof(*src)))
			u = &l->upn[i];
	if (!u) {
		l->st.upa_unmatched++;
		return -1;
	}
	u->used = false;
	l->st.upa_received++;
	inet_ntop(AF_INET6, src, peer, sizeof(peer));
	lma_act_event(out, LMA_EV_UPA_RECEIVED, "\"seq\":%u,\"status\":%u,\"status_name\":\"%s\","
		      "\"peer\":\"%s\"", upa->seq, upa->status, mh_upa_status_name(upa->status),
		      peer);
	return 0;
}
