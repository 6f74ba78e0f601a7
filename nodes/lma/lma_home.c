/*
 * lma_home.c - the LMA as a home agent too (problem statement appendix C,
 * Figure 3): the MN's own home registrations (RFC 6275 9.5.1, 10.3.1-10.3.2,
 * the IPv6 part of RFC 5555) next to its proxy bindings in one binding
 * cache, told apart by Binding Identifiers (RFC 5648).
 *
 * A home binding is a session of kind BCE_KIND_HOME keyed by (MN-ID, BID)
 * with no MN-LL-ID and no ATT, so the proxy rules of lma_handoff.c never
 * take it for an interface of theirs. Its one prefix is the home address
 * as a /128 and its proxy_coa the care-of address: the data plane (longest
 * prefix first, bce_lookup_addr) then tunnels the home address to the
 * care-of address and the rest of the home prefix to the MAG, and accepts
 * the MN's reverse tunnel from the care-of address (lma_uplink_check).
 *
 * The BID rules (doc/protocol.md "Appendix C"):
 *   bids off (baseline): a PBU for the MN overwrites every home binding
 *     whose home address its prefixes cover, as an RFC 5213 LMA with one
 *     binding per prefix would: the problem the appendix describes.
 *   bids on: a PBU without BID, or with a BID one of the MN's home bindings
 *     holds, gets a BID the LMA/HA generates (from 0xffff down, where MNs
 *     numbering from 1 up do not go), kept across refreshes; so the
 *     PMIPv6-first order leaves the MN's BIDs free. A BU whose BID a proxy
 *     binding of the MN holds is refused with RFC 5648's MCOA PROHIBITED
 *     (166), the BID option echoing it with that status.
 * Must not: do I/O, read clocks, log (see lma.h).
 */
#include "lma_int.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#define HOME_PLEN 128
#define BID_GENERATED_TOP 0xffffu

struct home_ctx {
	const struct mh_msg *bu;
	struct in6_addr coa;            /* where the binding points */
	struct in6_addr src;            /* the BU's source: the BA goes there */
	struct in6_addr hoa;
	struct bce_key key;
};

/* ---- which MN ---------------------------------------------------------------- */

static bool policy_is(const struct lma_policy *p, const struct mh_msg *bu)
{
	return !bu->has_mn_id || (strlen(p->mn_id) == bu->mn_id_len &&
				  memcmp(p->mn_id, bu->mn_id, bu->mn_id_len) == 0);
}

/* The profile whose static HNP covers the home address (the MN-ID's when
 * the BU names one, RFC 4283); NULL with *status. */
static const struct lma_policy *home_policy(const struct lma *l, const struct home_ctx *h,
					    uint8_t *status)
{
	bool mn_known = false;

	for (size_t i = 0; i < l->cfg.n_policies; i++) {
		const struct lma_policy *p = &l->cfg.policies[i];

		if (!policy_is(p, h->bu))
			continue;
		mn_known = true;
		for (uint8_t j = 0; j < p->n_hnp; j++)
			if (bce_prefix_covers(&p->hnp[j].prefix, p->hnp[j].len, &h->hoa))
				return p;
	}
	*status = h->bu->has_mn_id && !mn_known ? LMA_STATUS_NOT_HA_FOR_THIS_MN :
		  LMA_STATUS_NOT_HOME_SUBNET;
	return NULL;
}

/* RFC 6275 9.5.1 / 10.3.1 checks, and the binding's key. */
static uint8_t home_check(const struct lma *l, struct home_ctx *h)
{
	const struct mh_msg *bu = h->bu;
	const struct mh_group *g = &bu->group[0];
	const struct lma_policy *p;
	uint8_t status = 0;

	if (!l->cfg.home_agent)
		return LMA_STATUS_HOME_REG_NOT_SUPPORTED;
	if (!(bu->bu_flags & MH_BU_H))
		return PBA_STATUS_UNSPECIFIED;       /* no route optimization here */
	if (!(p = home_policy(l, h, &status)))
		return status;
	memset(&h->key, 0, sizeof(h->key));
	h->key.mn_id = (const uint8_t *)p->mn_id;
	h->key.mn_id_len = (uint8_t)strlen(p->mn_id);
	h->key.bid = bu->n_groups && g->has_bid ? g->bid : BCE_BID_NONE;
	/* RFC 5648 6.2: the BID option's care-of address, else (RFC 6275
	 * 6.2.5) the Alternate Care-of Address, else the source */
	h->coa = h->src;
	if (bu->has_alt_coa)
		h->coa = bu->alt_coa;
	if (bu->n_groups && g->has_bid && g->bid_coa_len == 16)
		memcpy(&h->coa, g->bid_coa, 16);
	return 0;
}

/* ---- the BA -------------------------------------------------------------------- */

static void send_ba(struct lma *l, const struct home_ctx *h, uint8_t status, uint16_t seq,
		    uint16_t lifetime, struct lma_actions *out)
{
	const struct mh_group *g = &h->bu->group[0];
	char peer[INET6_ADDRSTRLEN];
	struct mh_msg ba;
	size_t n = out->n;

	mh_msg_init(&ba, MH_TYPE_BA);
	ba.status = status;
	ba.seq = seq;
	ba.lifetime = status ? 0 : lifetime;
	if (h->bu->n_groups && g->has_bid) {  /* RFC 5648 6.2: per-BID status */
		ba.group[0].has_bid = true;
		ba.group[0].bid = g->bid;
		ba.group[0].bid_status = status;
	}
	lma_act_send_mh(out, &h->src, &ba);
	if (out->n == n)
		return;
	out->v[n].pba.has_rh2 = true;           /* RFC 6275 9.5.4 / 6.4 */
	out->v[n].pba.home_addr = h->hoa;
	l->st.ba_home_sent++;
	if (status)
		l->st.home_rejected++;
	inet_ntop(AF_INET6, &h->src, peer, sizeof(peer));
	lma_act_event(out, LMA_EV_BA_SENT, "\"status\":%u,\"status_name\":\"%s\",\"seq\":%u,"
		      "\"bid\":%u,\"lifetime_s\":%u,\"peer\":\"%s\"", status,
		      lma_status_name(status), seq, h->key.bid, ba.lifetime * 4u, peer);
}

/* ---- the binding cache ---------------------------------------------------------- */

/* The MN's session other than skip whose BID is bid, of kind k. */
static struct bce_session *bid_holder(const struct lma *l, const struct bce_key *k,
				      uint16_t bid, enum bce_kind kind,
				      const struct bce_session *skip)
{
	const struct bce_mn *mn = bce_find_mn(l->bc, k->mn_id, k->mn_id_len);

	for (struct bce_session *s = mn ? mn->sessions : NULL; s; s = s->mn_next)
		if (s != skip && s->kind == kind && s->bid == bid)
			return s;
	return NULL;
}

static bool routes_hoa(const struct bce_session *s, const struct in6_addr *hoa)
{
	return s->n_prefix == 1 && s->prefix[0]->len == HOME_PLEN &&
	       memcmp(&s->prefix[0]->prefix, hoa, 16) == 0;
}

/* RFC 5648 5.6 (from memory): a BU without BID leaves one binding for the
 * home address; the MN's other home bindings of it go. */
static void drop_other_homes(struct lma *l, const struct home_ctx *h,
			     const struct bce_session *keep, struct lma_actions *out)
{
	struct bce_mn *mn = bce_find_mn(l->bc, h->key.mn_id, h->key.mn_id_len);
	struct bce_session *s = mn ? mn->sessions : NULL, *next;

	for (; s; s = next) {
		next = s->mn_next;
		if (s != keep && s->kind == BCE_KIND_HOME && routes_hoa(s, &h->hoa))
			lma_session_delete(l, s, "replaced", out);
	}
}

static uint16_t granted(const struct lma *l, uint16_t units)
{
	uint32_t max_u = l->cfg.max_lifetime_s / 4;

	return units > max_u ? (uint16_t)max_u : units;
}

static struct bce_session *home_create(struct lma *l, const struct home_ctx *h)
{
	struct bce_session *s = bce_session_add(l->bc, &h->key);

	if (!s)
		return NULL;
	s->kind = BCE_KIND_HOME;
	if (bce_prefix_bind(l->bc, s, &h->hoa, HOME_PLEN) < 0) {
		bce_session_del(l->bc, s);
		return NULL;
	}
	l->st.sessions_created++;
	l->st.home_created++;
	return s;
}

static void home_register(struct lma *l, struct bce_session *s, const struct home_ctx *h,
			  uint64_t now_ns, struct lma_actions *out)
{
	s->proxy_coa = h->coa;
	s->seq = h->bu->seq;
	s->lifetime_s = granted(l, h->bu->lifetime) * 4u;
	lma_session_set_state(l, s, BCE_STATE_REGISTERED,
			      now_ns + (uint64_t)s->lifetime_s * 1000000000ULL, out,
			      "home registration (RFC 6275 10.3.1)");
	s->registered_ns = now_ns;
}

/* RFC 6275 9.5.1: a is newer than b modulo 2^16. */
static bool seq_newer(uint16_t a, uint16_t b)
{
	uint16_t d = (uint16_t)(a - b);

	return d != 0 && d < 32768;
}

static void bu_event(const struct home_ctx *h, struct lma_actions *out)
{
	char coa[INET6_ADDRSTRLEN], hoa[INET6_ADDRSTRLEN], id[2 * MH_MN_ID_MAX + 8] = "null";
	const struct mh_group *g = &h->bu->group[0];

	if (h->bu->has_mn_id)
		lma_json_str(id, sizeof(id), h->bu->mn_id, h->bu->mn_id_len);
	inet_ntop(AF_INET6, &h->src, coa, sizeof(coa));
	inet_ntop(AF_INET6, &h->hoa, hoa, sizeof(hoa));
	lma_act_event(out, LMA_EV_BU_RECEIVED, "\"mn_id\":%s,\"hoa\":\"%s\",\"peer\":\"%s\","
		      "\"seq\":%u,\"lifetime_s\":%u,\"bid\":%u,\"flags\":\"0x%04x\"", id, hoa, coa,
		      h->bu->seq, h->bu->lifetime * 4u,
		      h->bu->n_groups && g->has_bid ? g->bid : 0, h->bu->bu_flags);
}

static void home_update(struct lma *l, struct bce_session *s, const struct home_ctx *h,
			uint64_t now_ns, struct lma_actions *out)
{
	bool created = !s, moved;
	char f[1024], from[INET6_ADDRSTRLEN] = "";

	if (!s && !(s = home_create(l, h))) {
		send_ba(l, h, LMA_STATUS_INSUFFICIENT_RESOURCES, h->bu->seq, 0, out);
		return;
	}
	moved = !created && memcmp(&s->proxy_coa, &h->coa, 16) != 0;
	inet_ntop(AF_INET6, &s->proxy_coa, from, sizeof(from));
	home_register(l, s, h, now_ns, out);
	if (h->key.bid == BCE_BID_NONE)
		drop_other_homes(l, h, s, out);
	lma_session_fields(s, f, sizeof(f));
	if (created)
		lma_act_event(out, LMA_EV_BCE_CREATED, "%s", f);
	else if (moved)
		lma_act_event(out, LMA_EV_BCE_HANDOFF, "%s,\"from\":\"%s\",\"hi\":0", f, from);
	else
		lma_act_event(out, LMA_EV_BCE_REFRESHED, "%s,\"revived\":false", f);
	if (!created)
		l->st.home_refreshed++;
	send_ba(l, h, 0, h->bu->seq, granted(l, h->bu->lifetime), out);
	lma_act_routes(out, s);
}

/* A BID one of the MN's proxy bindings holds (RFC 5648 keeps one binding
 * per BID: taking it would overwrite that binding the other way round). */
static bool bid_collides(struct lma *l, const struct home_ctx *h, struct lma_actions *out)
{
	const struct bce_session *p;
	char f[1024];

	if (h->key.bid == BCE_BID_NONE ||
	    !(p = bid_holder(l, &h->key, h->key.bid, BCE_KIND_PROXY, NULL)))
		return false;
	l->st.bid_collisions++;
	lma_act_event(out, LMA_EV_BID_COLLISION, "\"bid\":%u,\"held_by\":{%s}", h->key.bid,
		      lma_session_fields(p, f, sizeof(f)));
	return true;
}

int lma_input_bu_home(struct lma *l, const struct in6_addr *src, const struct in6_addr *hoa,
		      const struct mh_msg *bu, uint64_t now_ns, struct lma_actions *out)
{
	struct home_ctx h = { .bu = bu, .src = *src, .hoa = *hoa };
	struct bce_session *s;
	uint8_t st;

	if (bu->type != MH_TYPE_BU)
		return -1;
	l->now_ns = now_ns;
	l->st.bu_home_received++;
	bu_event(&h, out);
	if ((st = home_check(l, &h)) != 0)
		send_ba(l, &h, st, bu->seq, 0, out);
	else if ((s = bce_find_session(l->bc, &h.key)) && !seq_newer(bu->seq, s->seq))
		send_ba(l, &h, LMA_STATUS_SEQ_OUT_OF_WINDOW, s->seq, 0, out);
	else if (bid_collides(l, &h, out))
		send_ba(l, &h, LMA_STATUS_MCOA_PROHIBITED, bu->seq, 0, out);
	else if (bu->lifetime == 0) {           /* RFC 6275 10.3.2 */
		if (s) {
			l->st.home_deregistered++;
			lma_session_delete(l, s, "deregistered", out);
		}
		send_ba(l, &h, 0, bu->seq, 0, out);
	} else {
		home_update(l, s, &h, now_ns, out);
	}
	lma_act_timer(l, out);
	return 0;
}

/* ---- the proxy side's part ------------------------------------------------------- */

static uint16_t generate_bid(const struct lma *l, const struct bce_key *k)
{
	const struct bce_mn *mn = bce_find_mn(l->bc, k->mn_id, k->mn_id_len);

	for (uint32_t b = BID_GENERATED_TOP; b > BCE_BID_NONE; b--) {
		bool used = false;

		for (const struct bce_session *s = mn ? mn->sessions : NULL; s && !used;
		     s = s->mn_next)
			used = s->bid == b;
		if (!used)
			return (uint16_t)b;
	}
	return BCE_BID_NONE;
}

void lma_home_proxy_bid(struct lma *l, struct lma_group_ctx *c, struct lma_actions *out)
{
	if (!l->cfg.home_agent || !l->cfg.bids || c->plan == LMA_PLAN_REJECT)
		return;
	if (c->g->has_bid && !bid_holder(l, &c->key, c->g->bid, BCE_KIND_HOME, NULL))
		return;                         /* the MAG's own BID is free */
	if (c->s && c->s->kind == BCE_KIND_PROXY && c->s->bid != BCE_BID_NONE &&
	    !bid_holder(l, &c->key, c->s->bid, BCE_KIND_HOME, NULL)) {
		c->key.bid = c->s->bid;         /* generated before: keep it */
		return;
	}
	c->key.bid = generate_bid(l, &c->key);
	l->st.bids_assigned++;
	lma_act_event(out, LMA_EV_BID_ASSIGNED, "\"bid\":%u,\"pbu_bid\":%u", c->key.bid,
		      c->g->has_bid ? c->g->bid : 0);
}

void lma_home_after_proxy(struct lma *l, const struct lma_group_ctx *c,
			  struct lma_actions *out)
{
	struct bce_session *p = c->s, *s, *next;

	if (!l->cfg.home_agent || l->cfg.bids || !p || c->plan == LMA_PLAN_REJECT ||
	    c->plan == LMA_PLAN_DEREG || c->plan == LMA_PLAN_NOOP_DEREG ||
	    p->kind != BCE_KIND_PROXY)
		return;
	for (s = p->mn->sessions; s; s = next) {
		char f[1024];
		bool covered = false;

		next = s->mn_next;
		if (s->kind != BCE_KIND_HOME || s->n_prefix != 1)
			continue;
		for (uint8_t i = 0; i < p->n_prefix && !covered; i++)
			covered = bce_prefix_covers(&p->prefix[i]->prefix, p->prefix[i]->len,
						    &s->prefix[0]->prefix);
		if (!covered)
			continue;
		l->st.home_overwritten++;
		lma_act_event(out, LMA_EV_BCE_OVERWRITTEN, "%s,\"by_session\":%llu",
			      lma_session_fields(s, f, sizeof(f)), (unsigned long long)p->id);
		lma_session_delete(l, s, "overwritten", out);
	}
}
