/*
 * mag_cfg.c - the MAG engine's configuration: defaults and the conversion
 * from a topology mag node (emu/topo/topo.h struct topo_pmip).
 *
 * Owns: struct mag_cfg. Must not: read files (topo_load does) or open
 * devices (ifindex is the shell's to fill).
 */
#include <string.h>

#include "mag.h"
#include "topo/topo.h"

void mag_cfg_defaults(struct mag_cfg *c)
{
	memset(c, 0, sizeof(*c));
	c->lifetime_s = 60;
	c->default_hi = MH_HI_UNKNOWN;     /* RFC 5213 6.9.1.1: cannot tell */
	c->refresh_pct = 80;
	c->max_retx = 5;                   /* 1.5+3+6+12+24 s, then give up */
	c->max_status_retries = 3;
	/* RFC 4861 6.2.1 allows MaxRtrAdvInterval from 4 s; an emulated run is
	 * short, so the MAG re-advertises every 10 s. */
	c->ra_interval_ns = 10000000000ull;
	c->router_lifetime_s = 1800;       /* RFC 4861 6.2.1 default */
	c->link_mtu = 1500;
	c->initial_seq = 1;
	c->heartbeat_missed = 3;
}

static int cfg_add_profile(struct mag_cfg *c, const struct topo_mn_policy *p,
			   const char **why)
{
	if (!p->has_ll_id) {
		/* The MAG identifies the MN by its MAC (RS source link-layer
		 * address), so a profile without one can never match. */
		*why = "MN policy profile without MN-LL-ID (MAC)";
		return -1;
	}
	if (c->n_profile >= MAG_PROFILE_MAX || p->n_hnps > MH_HNP_MAX) {
		*why = "too many MN profiles or prefixes";
		return -1;
	}
	struct mag_profile *q = &c->profile[c->n_profile++];
	size_t l = strnlen(p->mn_id, sizeof(p->mn_id));
	if (l == 0 || l >= sizeof(q->mn_id)) {
		*why = "MN-ID empty or too long";
		return -1;
	}
	memcpy(q->mn_id, p->mn_id, l);
	q->mn_id[l] = 0;
	memcpy(q->ll_id, p->ll_id, 6);
	q->att = p->att;
	if (strlen(p->service) > MAG_SERVICE_MAX) {
		*why = "service name longer than 64 octets";
		return -1;
	}
	strcpy(q->service, p->service);
	q->n_hnp = (uint8_t)p->n_hnps;
	for (size_t i = 0; i < p->n_hnps; i++) {
		q->hnp[i].prefix = p->hnps[i].addr;
		q->hnp[i].len = p->hnps[i].len;
	}
	return 0;
}

int mag_cfg_from_topo(struct mag_cfg *c, const struct topo_node *n,
		      const char **why)
{
	mag_cfg_defaults(c);
	const struct topo_pmip *p = &n->pmip;
	if (n->kind != TOPO_NODE_MAG || !p->present) {
		*why = "node is not a mag with a <pmip> element";
		return -1;
	}
	c->lmaa = p->lma_addr;
	c->proxy_coa = p->mag_addr;
	if (p->lifetime_s)
		c->lifetime_s = p->lifetime_s;
	c->use_timestamps = p->use_timestamps;
	c->multi_session_pbu = p->multi_session_pbu;
	c->revocation = p->revocation;
	memset(&c->auth, 0, sizeof(c->auth));
	if (p->auth.present && p->auth.len && p->auth.len <= MH_AUTH_KEY_MAX) {
		c->auth.present = true;
		c->auth.spi = p->auth.spi;
		c->auth.len = p->auth.len;
		memcpy(c->auth.key, p->auth.key, p->auth.len);
	}
	c->heartbeat_ns = p->heartbeat_ns;
	c->heartbeat_missed = p->heartbeat_missed ? p->heartbeat_missed : 3;
	/* fast-handover="on": when one interface of an MN loses its link,
	 * its prefixes go to the MN's other interface on this MAG (HI 2,
	 * problem statement section 4) instead of a deregistration. */
	c->move_on_detach = p->fast_handover;
	if (p->n_access == 0 || p->n_access > MAG_ACCESS_MAX) {
		*why = "a mag needs 1 to 16 access interfaces";
		return -1;
	}
	for (size_t i = 0; i < p->n_access; i++) {
		struct mag_access *a = &c->access[c->n_access++];
		size_t l = strnlen(p->access_iface[i], TOPO_NAME_MAX);
		if (l == 0 || l >= sizeof(a->name)) {
			*why = "access interface name empty or too long";
			return -1;
		}
		memcpy(a->name, p->access_iface[i], l);
		/* The emulated links are Ethernet TAPs: IEEE 802.3 (IANA 3)
		 * unless the MN's profile says otherwise. */
		a->att = MH_ATT_ETHERNET;
		/* walked here, not topo_find_iface(): the engine links no
		 * libtopo code, only its structs */
		for (size_t k = 0; k < n->n_ifaces; k++)
			if (!strcmp(n->ifaces[k].name, a->name) && n->ifaces[k].mtu)
				c->link_mtu = n->ifaces[k].mtu;
	}
	for (size_t i = 0; i < p->n_mns; i++)
		if (cfg_add_profile(c, &p->mns[i], why) < 0)
			return -1;
	return 0;
}
