/*
 * lma_handoff.c - which Binding Cache entry a PBU group is about, and what
 * to do with it (RFC 5213 5.4.1, 5.3.2-5.3.5), extended for multihoming.
 *
 * Must not: validate options (lma_check.c did), build the PBA, do I/O;
 * carrying the decision out is lma_apply.c's.
 *
 * The decision table, mirrored by lma_decide() (HNP = the non-zero Home
 * Network Prefix options of the group; "key" = MN-ID, MN-LL-ID, ATT, service,
 * BID):
 *
 *   a service (RFC 5149 Service Selection) the MN has no profile for -> 151
 *   (sessions of other services are never looked at below: section 2.1)
 *   lifetime 0 ............ the entry holding the HNPs (or the key's entry):
 *                           its Proxy-CoA == source -> DEREG (5.3.5), else a
 *                           late deregistration from a previous MAG -> accepted,
 *                           nothing changes (NOOP_DEREG); so too when the
 *                           holder is another interface's entry (the HNPs
 *                           moved there with HI 2)
 *   no HNP (ALL_ZERO, "assign me one", 5.4.1.2/5.4.1.3):
 *     key has an entry .... UPDATE it (refresh if same Proxy-CoA, else handoff)
 *     HI 2 and the MN has exactly one registered entry: MOVE all its
 *                           prefixes to the key's (new) entry (5.4.1.2)
 *     HI 4 and the MN has an entry we cannot tell apart (no MN-LL-ID on
 *       either side) ...... WAIT MaxDelayBeforeNewBCEAssign for a
 *                           deregistration; then handoff of that entry, or NEW
 *     otherwise ........... NEW (5.3.2)
 *   HNPs (5.4.1.1):
 *     a HNP of another MN, or unknown and not in the profile -> 155
 *     none bound yet ...... key's entry must hold exactly them (159) -> UPDATE,
 *                           no entry -> NEW with them (static profile)
 *     HI 2 ................ MOVE them to the key's entry (new if none): an
 *                           inter-interface handoff, also behind the same MAG
 *                           (problem statement section 4: 5.3.1 alone would see
 *                           a lifetime extension); the old entry keeps what is
 *                           not named (subset move, section 2.2) or goes
 *     HI 1 ................ key's entry holding exactly them -> UPDATE (a MAG
 *                           repeating HI 1 on refresh); key's entry with
 *                           others -> 159; no entry -> NEW sharing them
 *                           (a prefix shared by interfaces, section 3)
 *     HI 5 from the key's entry naming some of its prefixes and/or new
 *       ones nobody routes -> SET: its set becomes the named one (section
 *       2.2 (a) remove, (b) add; lma_prefix_set.c)
 *     HI 5 from an entry that holds only part of them (the rest moved
 *       away by a subset handoff, section 2.2) -> UPDATE it, its own set
 *     HI 3, 4, 5 .......... the entry holding them; if it has another key the
 *                           prefixes follow the PBU's interface (MOVE); else
 *                           its set must match (159) -> UPDATE
 * A refresh (same Proxy-CoA, same key) is therefore never taken for a
 * handoff, and a PBU for another interface never for a refresh.
 */
#include "lma_int.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

static bool addr_eq(const struct in6_addr *a, const struct in6_addr *b)
{
	return memcmp(a, b, sizeof(*a)) == 0;
}

static struct bce_session *find_key(const struct lma *l, const struct bce_key *k)
{
	struct bce_session *s = bce_find_session(l->bc, k);
	struct bce_key any = *k;

	if (s)
		return s;
	any.any_bid = true;
	return bce_find_session(l->bc, &any);
}

static struct bce_prefix *req_prefix(const struct lma *l, const struct mh_prefix *p)
{
	return bce_find_prefix(l->bc, &p->prefix, p->len);
}

/* Does s hold exactly the requested prefixes? */
static bool same_set(const struct lma *l, const struct bce_session *s,
		     const struct lma_group_ctx *c)
{
	if (s->n_prefix != c->n_req)
		return false;
	for (uint8_t i = 0; i < c->n_req; i++) {
		const struct bce_prefix *x = req_prefix(l, &c->req[i]);

		if (!x || !bce_session_has_prefix(s, x))
			return false;
	}
	return true;
}

/* Every prefix of s is among the requested ones. */
static bool subset_of_req(const struct lma *l, const struct bce_session *s,
			  const struct lma_group_ctx *c)
{
	for (uint8_t i = 0; i < s->n_prefix; i++) {
		bool found = false;

		for (uint8_t j = 0; j < c->n_req && !found; j++)
			found = req_prefix(l, &c->req[j]) == s->prefix[i];
		if (!found)
			return false;
	}
	return true;
}

/* Every requested prefix s does not hold is routed by another session. */
static bool rest_held_elsewhere(const struct lma *l, const struct bce_session *s,
				const struct lma_group_ctx *c)
{
	for (uint8_t i = 0; i < c->n_req; i++) {
		const struct bce_prefix *x = req_prefix(l, &c->req[i]);

		if (!x || (!bce_session_has_prefix(s, x) && x->n_route == 0))
			return false;
	}
	return true;
}

static bool key_eq(const struct bce_session *s, const struct bce_key *k)
{
	return s->ll_id_len == k->ll_id_len &&
	       (k->ll_id_len == 0 || memcmp(s->ll_id, k->ll_id, k->ll_id_len) == 0) &&
	       s->att == k->att && bce_session_service_is(s, k->service, k->service_len);
}

/* Section 2.1: sessions of other services (RFC 5149) of the same MN are
 * other mobility sessions altogether: never the one a PBU hands off,
 * refreshes or takes prefixes from. */
static bool same_service(const struct bce_session *s, const struct bce_key *k)
{
	return bce_session_service_is(s, k->service, k->service_len);
}

void lma_reject(struct lma_group_ctx *c, uint8_t status)
{
	c->plan = LMA_PLAN_REJECT;
	c->status = status;
}

static void plan(struct lma_group_ctx *c, enum lma_plan p, struct bce_session *s,
		 struct bce_session *ref)
{
	c->plan = p;
	c->s = s;
	c->ref = ref;
}

/* 5.4.1.1: who holds the named prefixes. -1 when one is not this MN's. */
static int find_owner(const struct lma *l, const struct lma_group_ctx *c,
		      const struct bce_session *exact, struct bce_session **owner)
{
	const struct bce_mn *mn = bce_find_mn(l->bc, c->key.mn_id, c->key.mn_id_len);

	*owner = NULL;
	for (uint8_t i = 0; i < c->n_req; i++) {
		struct bce_prefix *x = req_prefix(l, &c->req[i]);

		if (x && x->n_route) {
			if (x->route[0]->mn != mn || !same_service(x->route[0], &c->key))
				return -1;
			if (!*owner)
				*owner = exact && bce_session_has_prefix(exact, x) ?
					 (struct bce_session *)exact : x->route[0];
		} else if (!lma_prefix_authorized(l, c->key.mn_id, c->key.mn_id_len,
						  &c->req[i]) && !lma_prefix_in_pool(l, &c->req[i])) {
			return -1;
		}
	}
	return 0;
}

/* No MN-LL-ID on one side: this PBU may be the same interface moving. */
static bool ambiguous(const struct lma *l, const struct lma_group_ctx *c)
{
	const struct bce_mn *mn = bce_find_mn(l->bc, c->key.mn_id, c->key.mn_id_len);

	for (const struct bce_session *s = mn ? mn->sessions : NULL; s; s = s->mn_next)
		if (s->state == BCE_STATE_REGISTERED && same_service(s, &c->key) &&
		    s->kind == BCE_KIND_PROXY &&
		    (c->key.ll_id_len == 0 || s->ll_id_len == 0))
			return true;
	return false;
}

/* 5.4.1.2 with HI 2: the one registered session of the MN, whose prefixes
 * follow the interface the PBU names; NULL when the MN has none or several
 * (then the LMA cannot tell which one moved: a new session). */
static struct bce_session *sole_session(const struct lma *l, const struct lma_group_ctx *c)
{
	const struct bce_mn *mn = bce_find_mn(l->bc, c->key.mn_id, c->key.mn_id_len);
	struct bce_session *one = NULL;

	for (struct bce_session *s = mn ? mn->sessions : NULL; s; s = s->mn_next) {
		if (s->state != BCE_STATE_REGISTERED || s->n_prefix == 0 ||
		    s->kind != BCE_KIND_PROXY || !same_service(s, &c->key))
			continue;
		if (one)
			return NULL;
		one = s;
	}
	return one;
}

static void decide_zero(const struct lma *l, struct lma_group_ctx *c,
			struct bce_session *exact)
{
	struct bce_session *from;

	if (exact)
		plan(c, LMA_PLAN_UPDATE, exact, exact);
	else if (c->g->hi == MH_HI_HANDOFF_BETWEEN_IFACES && (from = sole_session(l, c))) {
		/* an inter-technology handoff from a MAG that knows no prefix
		 * (problem statement section 2.2): all of from's prefixes move */
		plan(c, LMA_PLAN_MOVE, NULL, from);
		c->handoff_from = from;
	}
	else if (!c->force_new && c->g->hi == MH_HI_UNKNOWN && ambiguous(l, c))
		plan(c, LMA_PLAN_WAIT, NULL, NULL);
	else
		plan(c, LMA_PLAN_NEW, NULL, NULL);
}

static void decide_named(const struct lma *l, struct lma_group_ctx *c,
			 struct bce_session *exact, struct bce_session *owner)
{
	if (!owner) {
		if (!exact)
			plan(c, LMA_PLAN_NEW, NULL, NULL);
		else if (same_set(l, exact, c))
			plan(c, LMA_PLAN_UPDATE, exact, exact);
		else
			lma_reject(c, PBA_STATUS_BCE_PBU_PREFIX_SET_DO_NOT_MATCH);
		return;
	}
	switch (c->g->hi) {
	case MH_HI_HANDOFF_BETWEEN_IFACES:
		if (exact && !subset_of_req(l, exact, c))
			lma_reject(c, PBA_STATUS_BCE_PBU_PREFIX_SET_DO_NOT_MATCH);
		else
			plan(c, LMA_PLAN_MOVE, exact, owner);
		return;
	case MH_HI_ATTACH_NEW_IFACE:
		if (exact && same_set(l, exact, c))
			plan(c, LMA_PLAN_UPDATE, exact, exact);
		else if (exact)
			lma_reject(c, PBA_STATUS_BCE_PBU_PREFIX_SET_DO_NOT_MATCH);
		else
			plan(c, LMA_PLAN_NEW, NULL, NULL);
		return;
	default:
		/* Section 2.2, a subset handoff racing a refresh: the old
		 * interface's refresh (HI 5) still names the prefixes that have
		 * just moved away. It refreshes what the entry still holds and
		 * the PBA tells its MAG that set; it never takes them back. */
		if (lma_set_change_fits(l, c, exact))
			plan(c, LMA_PLAN_SET, exact, exact);      /* 2.2 (a)/(b) */
		else if (c->g->hi == MH_HI_NOT_CHANGED && exact &&
		    exact->state == BCE_STATE_REGISTERED && exact->n_prefix &&
		    subset_of_req(l, exact, c) && rest_held_elsewhere(l, exact, c))
			plan(c, LMA_PLAN_UPDATE, exact, exact);
		else if (owner != exact && !key_eq(owner, &c->key) &&
		    (!exact || subset_of_req(l, exact, c)))
			plan(c, LMA_PLAN_MOVE, exact, owner);
		else if (same_set(l, owner, c))
			plan(c, LMA_PLAN_UPDATE, owner, owner);
		else
			lma_reject(c, PBA_STATUS_BCE_PBU_PREFIX_SET_DO_NOT_MATCH);
	}
}

void lma_decide(struct lma *l, const struct in6_addr *src, const struct mh_msg *pbu,
		struct lma_group_ctx *c)
{
	struct bce_session *exact = find_key(l, &c->key), *owner;

	plan(c, LMA_PLAN_REJECT, NULL, NULL);
	c->status = PBA_STATUS_ACCEPTED;
	if (c->handoff_from) {
		/* a held PBU: it was checked when it came, and the deregistration
		 * that released it is newer by construction */
		plan(c, LMA_PLAN_MOVE, exact, NULL);
		return;
	}
	if (!lma_service_authorized(l, &c->key)) {
		lma_reject(c, PBA_STATUS_SERVICE_AUTHORIZATION_FAILED);
		return;
	}
	if (find_owner(l, c, exact, &owner) < 0) {
		lma_reject(c, PBA_STATUS_NOT_AUTHORIZED_FOR_HOME_NETWORK_PREFIX);
		return;
	}
	if (pbu->lifetime == 0) {
		struct bce_session *s = c->n_req ? owner : exact;
		/* the prefixes moved to another interface's session (HI 2,
		 * section 4: same MAG, same Proxy-CoA): a late deregistration
		 * of the old interface must not take them from it */
		bool moved = s && s != exact && c->key.ll_id_len && !key_eq(s, &c->key);

		if (s && !moved && addr_eq(&s->proxy_coa, src))
			plan(c, LMA_PLAN_DEREG, s, s);
		else
			plan(c, LMA_PLAN_NOOP_DEREG, s, NULL);
		return;
	}
	if (c->n_req == 0)
		decide_zero(l, c, exact);
	else
		decide_named(l, c, exact, owner);
}
