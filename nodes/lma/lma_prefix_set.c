/*
 * lma_prefix_set.c - problem statement section 2.2 (a) and (b) at the LMA:
 * a re-registration (HI 5, RFC 5213 8.4 "handoff state not changed") of
 * an interface's session that names a prefix set different from the one
 * the entry holds. Prefixes the entry holds and the PBU leaves out are
 * removed (a); named prefixes that no session routes and that the MN's
 * profile or the pool allows are added (b). RFC 5213 5.4.1 alone refuses
 * any such PBU with 159 (prefix sets do not match); so does this file when
 * the PBU names a prefix another session routes (that is a move, HI 2) or
 * none the entry keeps.
 *
 * Owns: that decision and its application. Must not: validate options,
 * build the PBA, do I/O.
 */
#include "lma_int.h"

#include <string.h>

static bool named(const struct lma_group_ctx *c, const struct bce_prefix *x)
{
	for (uint8_t i = 0; i < c->n_req; i++)
		if (c->req[i].len == x->len && !memcmp(&c->req[i].prefix, &x->prefix, 16))
			return true;
	return false;
}

bool lma_set_change_fits(const struct lma *l, const struct lma_group_ctx *c,
			 const struct bce_session *s)
{
	unsigned kept = 0, added = 0;

	if (!l->cfg.prefix_update || !s || s->state != BCE_STATE_REGISTERED || c->g->hi != MH_HI_NOT_CHANGED)
		return false;
	for (uint8_t i = 0; i < c->n_req; i++) {
		const struct bce_prefix *x = bce_find_prefix(l->bc, &c->req[i].prefix,
							     c->req[i].len);

		if (x && bce_session_has_prefix(s, x))
			kept++;
		else if (x && x->n_route)
			return false;       /* routed by another session */
		else
			added++;            /* find_owner checked it is the MN's */
	}
	return kept > 0 && (added > 0 || kept < s->n_prefix);
}

static void drop_unnamed(struct lma *l, struct bce_session *s, const struct lma_group_ctx *c,
			 struct lma_actions *out)
{
	for (uint8_t i = s->n_prefix; i-- > 0;) {
		struct bce_prefix *x = s->prefix[i];
		struct bce_prefix gone = { .prefix = x->prefix, .len = x->len };

		if (named(c, x))
			continue;
		bce_prefix_unbind(l->bc, s, x);
		x = bce_find_prefix(l->bc, &gone.prefix, gone.len);
		if (!x || !bce_prefix_downlink(x))
			lma_act_route(out, LMA_ACT_ROUTE_DEL, &gone, NULL);
	}
}

void lma_apply_set_change(struct lma *l, const struct in6_addr *src,
			  const struct mh_msg *pbu, struct lma_group_ctx *c,
			  uint64_t now_ns, struct lma_actions *out)
{
	struct bce_session *s = c->s;

	for (uint8_t i = 0; i < c->n_req; i++) {
		struct bce_prefix *x = bce_find_prefix(l->bc, &c->req[i].prefix, c->req[i].len);

		if (x && bce_session_has_prefix(s, x))
			continue;
		if (bce_prefix_bind(l->bc, s, &c->req[i].prefix, c->req[i].len) < 0) {
			c->plan = LMA_PLAN_REJECT;
			c->status = PBA_STATUS_UNSPECIFIED;
			return;
		}
	}
	drop_unnamed(l, s, c, out);
	l->st.set_changes++;
	lma_apply_update(l, src, pbu, c, now_ns, out);
}
