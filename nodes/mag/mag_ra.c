/*
 * mag_ra.c - home-link emulation (RFC 5213 6.7, 6.8): the unicast Router
 * Advertisements that give an MN its home network prefixes, in answer to its
 * Router Solicitation and periodically.
 *
 * Owns: what an RA says (prefixes, lifetimes, MTU) and when unsolicited ones
 * go. Must not: encode the RA (nd.h, in mag_io.c) or send it.
 */
#include <string.h>

#include "mag_int.h"

/* RFC 2473 6.7: the tunnel adds a 40-byte IPv6 header; advertising the
 * access link MTU less that keeps the MN's packets from needing
 * fragmentation at the tunnel entry point. */
#define MAG_TUNNEL_OVERHEAD 40

static bool ra_covers(const struct mag_bul *b, int ifindex, const uint8_t ll[6])
{
	return (b->state == MAG_BUL_ACTIVE || b->state == MAG_BUL_REFRESHING) &&
	       b->ifindex == ifindex && !memcmp(b->ll_id, ll, 6);
}

/*
 * One RA for the MN interface ll on ifindex, listing the prefixes of every
 * registered session it holds there (after an inter-interface handoff an
 * interface can hold two). Prefix lifetimes do not outlive the binding.
 */
void mag_ra_send(struct mag *m, int ifindex, const uint8_t ll_id[6],
		 uint64_t now_ns, struct mag_acts *acts)
{
	struct mag_act ra;
	memset(&ra, 0, sizeof(ra));
	ra.type = MAG_ACT_SEND_RA;
	ra.ifindex = ifindex;
	memcpy(ra.ll_id, ll_id, 6);
	ra.router_lifetime_s = m->cfg.router_lifetime_s;
	ra.mtu = m->cfg.link_mtu - MAG_TUNNEL_OVERHEAD;
	ra.valid_s = UINT32_MAX;
	for (size_t i = 0; i < MAG_BUL_MAX; i++) {
		struct mag_bul *b = &m->bul[i];
		if (!ra_covers(b, ifindex, ll_id))
			continue;
		memcpy(ra.ifname, b->ifname, sizeof(ra.ifname));
		for (unsigned k = 0; k < b->n_hnp && ra.n_hnp < MH_HNP_MAX; k++)
			ra.hnp[ra.n_hnp++] = b->hnp[k];
		uint32_t rem = mag_bul_remaining_s(b, now_ns);
		if (rem < ra.valid_s)
			ra.valid_s = rem;
		/* RFC 4861 6.2.4: the first few come quickly (mag.h) */
		if (b->ra_initial)
			b->ra_initial--;
		b->ra_ns = now_ns + (b->ra_initial ? MAG_INITIAL_RA_INTERVAL_NS :
				     m->cfg.ra_interval_ns);
	}
	if (ra.n_hnp == 0)
		return;
	ra.preferred_s = ra.valid_s;
	struct mag_act *a = mag_act_push(acts, MAG_ACT_SEND_RA);
	if (!a)
		return;
	*a = ra;
	m->stats.ra_sent++;
	char mac[24], pfx[256];
	mag_fmt_mac(mac, sizeof(mac), ll_id);
	mag_fmt_prefixes(pfx, sizeof(pfx), ra.hnp, ra.n_hnp);
	mag_act_event(acts, MAG_EV_RA_SENT,
		      "\"iface\":\"%s\",\"ll_id\":\"%s\",\"hnp\":%s,\"valid_s\":%u,\"mtu\":%u",
		      ra.ifname, mac, pfx, ra.valid_s, ra.mtu);
}

void mag_ra_timer(struct mag *m, struct mag_bul *b, uint64_t now_ns,
		  struct mag_acts *acts)
{
	if (b->ra_ns && b->ra_ns <= now_ns)
		mag_ra_send(m, b->ifindex, b->ll_id, now_ns, acts);
}

/* The withdrawal RA (a deleted session, section 2.1): the prefixes with
 * Valid and Preferred Lifetime 0. The MN deprecates its addresses at once;
 * RFC 4862 5.5.3 e lets it keep them valid for what they had left (at most
 * 2 hours; here the binding's remaining lifetime, which the MAG's RAs never
 * exceed), after which the stock Linux MN drops them by itself. Router
 * Lifetime 0 too when nothing is left to route for the interface here
 * (RFC 4861 6.2.5). */
void mag_ra_withdraw(struct mag *m, const struct mag_bul *b, const struct mh_prefix *p,
		     unsigned n, bool last, struct mag_acts *acts)
{
	struct mag_act *a = mag_act_push(acts, MAG_ACT_SEND_RA);
	char mac[24], pfx[256];

	if (!a || n == 0)
		return;
	a->ifindex = b->ifindex;
	memcpy(a->ifname, b->ifname, sizeof(a->ifname));
	memcpy(a->ll_id, b->ll_id, 6);
	a->router_lifetime_s = last ? 0 : m->cfg.router_lifetime_s;
	a->mtu = m->cfg.link_mtu - MAG_TUNNEL_OVERHEAD;
	for (unsigned i = 0; i < n && a->n_hnp < MH_HNP_MAX; i++)
		a->hnp[a->n_hnp++] = p[i];
	a->valid_s = a->preferred_s = 0;
	m->stats.ra_sent++;
	mag_fmt_mac(mac, sizeof(mac), b->ll_id);
	mag_fmt_prefixes(pfx, sizeof(pfx), p, n);
	mag_act_event(acts, MAG_EV_RA_SENT,
		      "\"iface\":\"%s\",\"ll_id\":\"%s\",\"hnp\":%s,\"valid_s\":0,\"mtu\":%u,"
		      "\"withdrawn\":true", b->ifname, mac, pfx, a->mtu);
}
