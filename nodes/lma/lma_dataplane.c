/*
 * lma_dataplane.c - per-packet lookups of the LMA's user-space tunnel
 * (RFC 5213 5.6): which Proxy-CoA a downlink packet goes to, and whether an
 * uplink packet came from a MAG the source's prefix is bound to.
 *
 * Must not: touch packets or sockets (lma_io.c does); only look up and
 * count. O(1): one hash lookup per prefix length in use (normally one),
 * and for a shared prefix with flow rules the flow table's (flow_tab.h).
 */
#include "lma_int.h"

#include <string.h>

const struct in6_addr *lma_downlink_peer_flow(struct lma *l, const struct flow_key *k)
{
	const struct bce_prefix *x = bce_lookup_addr(l->bc, &k->dst);
	const struct bce_session *d;

	if (!x) {
		l->st.drops[LMA_DROP_NO_BINDING]++;
		return NULL;
	}
	/* section 3: a rule may send this flow over another session sharing
	 * the prefix; otherwise (and when its targets are down) the prefix's
	 * own downlink */
	d = x->n_route > 1 ? lma_flow_downlink(l, x, k) : NULL;
	if (!d)
		d = bce_prefix_downlink(x);
	if (!d) {
		/* 5.3.5: deregistered, waiting MinDelayBeforeBCEDelete */
		l->st.drops[LMA_DROP_DEREGISTERED]++;
		return NULL;
	}
	l->st.downlink_pkts++;
	return &d->proxy_coa;
}

const struct in6_addr *lma_downlink_peer(struct lma *l, const struct in6_addr *dst)
{
	struct flow_key k = { .dst = *dst };

	return lma_downlink_peer_flow(l, &k);
}

static bool from_route(const struct bce_session *s, const struct in6_addr *outer_src)
{
	return s && s->state == BCE_STATE_REGISTERED &&
	       memcmp(&s->proxy_coa, outer_src, sizeof(*outer_src)) == 0;
}

int lma_uplink_check(struct lma *l, const struct in6_addr *outer_src,
		     const struct in6_addr *inner_src)
{
	const struct bce_prefix *x = bce_lookup_addr(l->bc, inner_src);

	if (!x) {
		l->st.drops[LMA_DROP_UNKNOWN_SOURCE]++;
		return -1;
	}
	/* 5.6.2: the tunnel must be one the prefix is bound to; a shared
	 * prefix has several. A dormant route counts from its installation
	 * (appendix D): the MN moves its uplink to the other interface as soon
	 * as it sees the carrier loss, which may be before the deregistration
	 * from the dead link's MAG reaches us. It is the same MN's session. */
	for (uint8_t i = 0; i < x->n_route; i++) {
		if (from_route(x->route[i], outer_src)) {
			l->st.uplink_pkts++;
			return 0;
		}
	}
	if (x->dormant && from_route(x->dormant, outer_src)) {
		l->st.uplink_pkts++;
		return 0;
	}
	l->st.drops[LMA_DROP_WRONG_PROXY_COA]++;
	return -1;
}
