/*
 * mag_session.c - several mobility sessions on one MN interface (problem
 * statement section 2.1), told apart by the Service Selection option (RFC
 * 5149): the service profiles registered on attach, and sessions added and
 * deleted at run time (ctl, timeline), each with its own PBU, prefixes and
 * lifetime, without touching the interface's other sessions.
 *
 * Owns: which sessions an interface holds, the prefix advertisement of a
 * new one (the PBA's RA, mag_pba.c) and the withdrawal of a deleted one.
 * Must not: build PBUs (mag_engine.c) or touch the system.
 *
 * A session added on a live interface is registered with Handoff Indicator
 * 1, "attachment over a new interface" (RFC 5213 8.4): it is no handoff of
 * any prefix, and 3GPP registers an additional PDN connection the same way
 * (TS 29.275, from memory; see doc/protocol.md).
 */
#include <stdio.h>
#include <string.h>

#include "mag_int.h"

static void session_event(struct mag_acts *acts, enum mag_event ev, const struct mag_bul *b)
{
	char id[MAG_MN_ID_MAX + 16], mac[24], svc[2 * MAG_SERVICE_MAX + 8], pfx[200];

	mag_json_str(id, sizeof(id), b->prof->mn_id);
	mag_json_str(svc, sizeof(svc), b->service);
	mag_fmt_mac(mac, sizeof(mac), b->ll_id);
	mag_fmt_prefixes(pfx, sizeof(pfx), b->hnp, b->n_hnp);
	mag_act_event(acts, ev, "\"mn_id\":%s,\"ll_id\":\"%s\",\"iface\":\"%s\",\"service\":%s,"
		      "\"bid\":%u,\"hnp\":%s,\"lifetime_s\":%u", id, mac, b->ifname, svc, b->id,
		      pfx, b->lifetime_s);
}

/* A new entry for service on ll, from the service's own profile when the
 * MAG has one (its static HNPs), else from the interface's (asking ::/0:
 * the LMA's profile for the service decides the prefix). */
static struct mag_bul *service_bul_new(struct mag *m, const struct mag_profile *base,
				       int ifindex, const char *service)
{
	const struct mag_profile *sp = NULL;

	for (size_t i = 0; i < m->cfg.n_profile && !sp; i++)
		if (!memcmp(m->cfg.profile[i].ll_id, base->ll_id, 6) &&
		    !strcmp(m->cfg.profile[i].service, service))
			sp = &m->cfg.profile[i];
	struct mag_bul *b = mag_bul_new(m, sp ? sp : base, ifindex, base->ll_id);
	if (b && !sp) {
		snprintf(b->service, sizeof(b->service), "%s", service);
		b->n_hnp = 0;
	}
	return b;
}

void mag_session_attach_services(struct mag *m, const struct mag_bul *first,
				 uint64_t now_ns, struct mag_acts *acts)
{
	for (size_t i = 0; i < m->cfg.n_profile; i++) {
		const struct mag_profile *p = &m->cfg.profile[i];
		const char *why = "";

		if (p == first->prof || !p->service[0] || memcmp(p->ll_id, first->ll_id, 6))
			continue;
		struct mag_bul *old = mag_bul_find_service(m, p->ll_id, p->service);
		if (old && old->ifindex == first->ifindex &&
		    old->state != MAG_BUL_DEREGISTERING)
			continue;
		if (old)
			mag_bul_delete(m, old, now_ns, acts, "reattach");
		struct mag_bul *b = mag_bul_new(m, p, first->ifindex, p->ll_id);
		if (!b) {
			mag_act_log(acts, "service %s: binding update list full", p->service);
			return;
		}
		b->hi = first->hi;
		if (mag_bul_register(m, b, now_ns, acts, &why) < 0)
			mag_act_log(acts, "service %s: %s", p->service, why);
	}
}

/* The interface's registered session that says it is attached here. */
static struct mag_bul *live_session(struct mag *m, const uint8_t ll[6])
{
	const struct mag_profile *p = mag_profile_by_ll(m, ll);
	struct mag_bul *b = p ? mag_bul_find(m, p->mn_id, ll) : NULL;

	return b && mag_bul_registered(b) ? b : NULL;
}

static int check_service(const char *service, const char **why)
{
	size_t n = service ? strlen(service) : 0;

	if (n == 0 || n > MAG_SERVICE_MAX) {
		*why = "service name must be 1..64 octets (RFC 5149 Service Selection)";
		return -1;
	}
	return 0;
}

static int session_add(struct mag *m, const uint8_t ll[6], const char *service,
		       uint64_t now_ns, struct mag_acts *acts, const char **why)
{
	struct mag_bul *live = live_session(m, ll), *old, *b;

	if (check_service(service, why) < 0)
		return -1;
	if (!live) {
		*why = "MN interface has no registered session on this MAG (attach first)";
		return -1;
	}
	old = mag_bul_find_service(m, ll, service);
	if (old && old->state != MAG_BUL_DEREGISTERING) {
		*why = "the interface already has a session for this service";
		return -1;
	}
	if (old)
		mag_bul_delete(m, old, now_ns, acts, "replaced");
	b = service_bul_new(m, live->prof, live->ifindex, service);
	if (!b) {
		*why = "binding update list full";
		return -1;
	}
	b->hi = MH_HI_ATTACH_NEW_IFACE;
	session_event(acts, MAG_EV_SESSION_ADDED, b);
	return mag_bul_register(m, b, now_ns, acts, why);
}

int mag_session_add(struct mag *m, const uint8_t ll_id[6], const char *service,
		    uint64_t now_ns, struct mag_acts *acts, const char **why)
{
	int r = session_add(m, ll_id, service, now_ns, acts, why);

	mag_announce_deadline(m, acts);
	return r;
}

static int session_delete(struct mag *m, const uint8_t ll[6], const char *service,
			  uint64_t now_ns, struct mag_acts *acts, const char **why)
{
	if (check_service(service, why) < 0)
		return -1;
	struct mag_bul *b = mag_bul_find_service(m, ll, service);
	if (!b || b->state == MAG_BUL_DEREGISTERING) {
		*why = "the interface has no session for this service";
		return -1;
	}
	/* withdrawn before the routes go: the MN stops using the prefix */
	if (mag_bul_registered(b))
		mag_ra_withdraw(m, b, b->hnp, b->n_hnp, !mag_bul_iface_shared(m, b), acts);
	session_event(acts, MAG_EV_SESSION_DELETED, b);
	mag_bul_deregister(m, b, now_ns, acts);
	return 0;
}

int mag_session_delete(struct mag *m, const uint8_t ll_id[6], const char *service,
		       uint64_t now_ns, struct mag_acts *acts, const char **why)
{
	int r = session_delete(m, ll_id, service, now_ns, acts, why);

	mag_announce_deadline(m, acts);
	return r;
}
