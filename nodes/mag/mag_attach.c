/*
 * mag_attach.c - the MAG's view of the MN's interfaces (RFC 5213 6.9.1.1,
 * 6.9.1.4, 5.4.1): attach and Router Solicitation, detach, the handoff of a
 * lost interface's prefixes to another interface of the same MN (HI 2,
 * problem statement section 4), shutdown. Pure, like mag_engine.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "mag_int.h"

/* ---- attach, RS, detach, handoff ----------------------------------------- */

static bool mn_has_other_session(const struct mag *m, const char *mn_id,
				 const uint8_t ll[6])
{
	for (size_t i = 0; i < MAG_BUL_MAX; i++) {
		const struct mag_bul *b = &m->bul[i];
		if (b->state != MAG_BUL_DELETED && b->state != MAG_BUL_DEREGISTERING &&
		    !strcmp(b->prof->mn_id, mn_id) && memcmp(b->ll_id, ll, 6))
			return true;
	}
	return false;
}

/*
 * RFC 5213 6.9.1.1, Handoff Indicator: 1 when the MAG knows this is an
 * attachment over a new interface - here, when another interface of the
 * same MN is attached to this MAG, so this one is an additional interface;
 * otherwise the MAG cannot tell a first attachment from a handoff between
 * MAGs and says 4, "Handoff state unknown" (cfg.default_hi, which an
 * operator who knows better may set to 1 or 3). 2 comes from mag_handoff().
 */
static uint8_t choose_hi(const struct mag *m, const struct mag_profile *p,
			 const uint8_t ll[6])
{
	if (mn_has_other_session(m, p->mn_id, ll))
		return MH_HI_ATTACH_NEW_IFACE;
	return m->cfg.default_hi;
}

static void attach_event(struct mag_acts *acts, const struct mag_bul *b, uint8_t hi)
{
	char id[MAG_MN_ID_MAX + 16], mac[24];
	mag_json_str(id, sizeof(id), b->prof->mn_id);
	mag_fmt_mac(mac, sizeof(mac), b->ll_id);
	mag_act_event(acts, MAG_EV_MN_ATTACHED,
		      "\"iface\":\"%s\",\"ll_id\":\"%s\",\"mn_id\":%s,\"att\":%u,\"hi\":%u",
		      b->ifname, mac, id, b->att, hi);
}

static int attach(struct mag *m, int ifindex, const uint8_t ll[6],
		  uint64_t now_ns, struct mag_acts *acts, const char **why)
{
	if (!mag_access_find(m, ifindex)) {
		*why = "not an access interface";
		return -1;
	}
	const struct mag_profile *p = mag_profile_by_ll(m, ll);
	if (!p) {
		/* RFC 5213 6.9.1.1: no policy profile, no service */
		char mac[24];
		m->stats.attach_unknown++;
		mag_fmt_mac(mac, sizeof(mac), ll);
		mag_act_event(acts, MAG_EV_MN_UNKNOWN, "\"ll_id\":\"%s\"", mac);
		*why = "no policy profile for this MN-LL-ID";
		return -1;
	}
	struct mag_bul *old = mag_bul_find(m, p->mn_id, ll);
	if (old && old->ifindex == ifindex && old->state != MAG_BUL_DEREGISTERING)
		return 0;                 /* already attached here */
	if (old)
		mag_bul_delete(m, old, now_ns, acts, "reattach");
	uint8_t hi = choose_hi(m, p, ll);
	struct mag_bul *b = mag_bul_new(m, p, ifindex, ll);
	if (!b) {
		*why = "binding update list full";
		return -1;
	}
	b->hi = hi;
	m->stats.attach++;
	attach_event(acts, b, hi);
	if (mag_bul_register(m, b, now_ns, acts, why) < 0)
		return -1;
	mag_session_attach_services(m, b, now_ns, acts);
	return 0;
}

int mag_mn_attach(struct mag *m, int ifindex, const uint8_t ll_id[6],
		  uint64_t now_ns, struct mag_acts *acts, const char **why)
{
	int r = attach(m, ifindex, ll_id, now_ns, acts, why);
	mag_announce_deadline(m, acts);
	return r;
}

/* RFC 5213 6.7 / RFC 4861 6.2.6: every RS gets an RA once registered. */
int mag_mn_rs(struct mag *m, int ifindex, const uint8_t ll_id[6],
	      uint64_t now_ns, struct mag_acts *acts, const char **why)
{
	const struct mag_profile *p = mag_profile_by_ll(m, ll_id);
	struct mag_bul *b = p ? mag_bul_find(m, p->mn_id, ll_id) : NULL;
	int r = 0;
	if (b && b->ifindex == ifindex && mag_bul_registered(b))
		mag_ra_send(m, ifindex, ll_id, now_ns, acts);
	else if (!b || b->ifindex != ifindex || b->state == MAG_BUL_DEREGISTERING)
		r = attach(m, ifindex, ll_id, now_ns, acts, why);
	mag_announce_deadline(m, acts);
	return r;
}

/* The registered session of the same MN on another interface, if any. */
static struct mag_bul *other_iface_session(struct mag *m, const struct mag_bul *b)
{
	for (size_t i = 0; i < MAG_BUL_MAX; i++) {
		struct mag_bul *o = &m->bul[i];
		if (o != b && mag_bul_registered(o) && o->ifindex != b->ifindex &&
		    !strcmp(o->prof->mn_id, b->prof->mn_id))
			return o;
	}
	return NULL;
}

static bool has_prefix(const struct mh_prefix *set, unsigned n,
		       const struct mh_prefix *p)
{
	for (unsigned i = 0; i < n; i++)
		if (set[i].len == p->len && !memcmp(&set[i].prefix, &p->prefix, 16))
			return true;
	return false;
}

/*
 * Handoff between two interfaces of the MN on this MAG (section 4, RFC 5213
 * 8.4 HI 2): the MN's registered session on `to` takes `from`'s prefixes.
 * The PBU is to's own (MN-LL-ID, ATT, BID) with HI 2 and every prefix it
 * will hold - its own first, then the moved ones: a PBU names the whole
 * prefix set of its session, and the LMA's HI 2 rule moves the named
 * prefixes it does not hold yet and refuses (159) a set missing one it
 * holds. Nothing moves before the PBA (make before break); a refused or
 * unanswered PBU gives `to` its own prefixes back (mag_handoff_failed).
 */
static int handoff_start(struct mag *m, struct mag_bul *from, struct mag_bul *to,
			 uint64_t now_ns, struct mag_acts *acts, const char **why)
{
	struct mh_prefix set[MH_HNP_MAX];
	unsigned n = to->n_hnp;
	if (!mag_bul_registered(to) || to->handoff_from) {
		*why = "TO_LLID is not registered, or a handoff to it is under way";
		return -1;
	}
	memcpy(set, to->hnp, sizeof(set[0]) * n);
	for (unsigned i = 0; i < from->n_hnp; i++) {
		if (has_prefix(set, n, &from->hnp[i]))
			continue;
		if (n >= MH_HNP_MAX) {
			*why = "too many prefixes for one session";
			return -1;
		}
		set[n++] = from->hnp[i];
	}
	struct mag_txn *t = mag_txn_new(m, MAG_TXN_HANDOFF, &to->lmaa);
	if (!t) {
		*why = "too many outstanding PBUs";
		return -1;
	}
	mag_bul_leave_txn(m, to);        /* this PBU extends its lifetime too */
	to->handoff_n_hnp = to->n_hnp;
	to->n_hnp = (uint8_t)n;
	memcpy(to->hnp, set, sizeof(set[0]) * n);
	to->hi = MH_HI_HANDOFF_BETWEEN_IFACES;
	to->handoff_from = from->id;
	mag_txn_add(m, t, to);
	mag_bul_set_state(m, to, MAG_BUL_REFRESHING, now_ns, acts, "handoff");
	mag_txn_start(m, t, now_ns, acts);
	return 0;
}

/* The LMA refused the handoff or never answered: `to` keeps only its own
 * prefixes; a session left behind by a dead link (detach_one) is
 * deregistered, as it would have been without the move (6.9.1.4). */
void mag_handoff_failed(struct mag *m, struct mag_bul *b, uint64_t now_ns,
			struct mag_acts *acts, const char *reason)
{
	struct mag_bul *old = mag_bul_by_id(m, b->handoff_from);
	if (b->set_change)              /* section 2.2 (a)/(b), mag_prefix.c */
		mag_prefix_unroute_added(b, acts);
	b->n_hnp = b->handoff_n_hnp;
	if (b->set_change)
		memcpy(b->hnp, b->was_hnp, sizeof(b->hnp[0]) * b->n_hnp);
	if (b->set_change)
		mag_phash_rebuild(m);
	b->set_change = false;
	b->handoff_from = 0;
	b->handoff_subset = false;
	mag_act_log(acts, "bul %u: handoff failed (%s), own prefixes kept", b->id,
		    reason);
	mag_bul_set_state(m, b, MAG_BUL_ACTIVE, now_ns, acts, "handoff failed");
	if (old && old != b && old->state == MAG_BUL_WAIT_PBA && old->txn < 0)
		mag_bul_deregister(m, old, now_ns, acts);
}

static void detach_one(struct mag *m, struct mag_bul *b, uint64_t now_ns,
		       struct mag_acts *acts)
{
	if (b->state == MAG_BUL_DEREGISTERING)
		return;
	struct mag_bul *o = m->cfg.move_on_detach && !m->shutting_down &&
			    mag_bul_registered(b) ? other_iface_session(m, b) : NULL;
	const char *why;
	if (o) {
		/* the old interface is gone: its routes go now (break before
		 * make is all a dead link allows); the entry waits, without
		 * routes, for the PBA that moves its prefixes (accepted: it
		 * goes; refused: it is deregistered) */
		mag_bul_routes(m, b, MAG_ACT_ROUTE_DEL, acts);
		mag_bul_leave_txn(m, b);
		mag_bul_set_state(m, b, MAG_BUL_WAIT_PBA, now_ns, acts, "moving");
		if (handoff_start(m, b, o, now_ns, acts, &why) == 0)
			return;
		mag_act_log(acts, "bul %u: not moved (%s)", b->id, why);
	}
	mag_bul_deregister(m, b, now_ns, acts);
}

/* b waits for the PBA of a handoff moving its prefixes (detach_one). */
static bool being_moved(const struct mag *m, const struct mag_bul *b)
{
	for (size_t i = 0; b->state == MAG_BUL_WAIT_PBA && i < MAG_BUL_MAX; i++)
		if (m->bul[i].handoff_from == b->id && &m->bul[i] != b)
			return true;
	return false;
}

int mag_mn_detach(struct mag *m, int ifindex, uint64_t now_ns,
		  struct mag_acts *acts)
{
	mag_hb_forget_iface(m, ifindex);
	uint8_t seen[MAG_BUL_MAX][6];
	size_t n_seen = 0;
	for (size_t i = 0; i < MAG_BUL_MAX; i++) {
		struct mag_bul *b = &m->bul[i];
		/* a second report of the same loss changes nothing: a
		 * deregistration of a session being moved would name its
		 * prefixes, now the other interface's */
		if (b->state == MAG_BUL_DELETED || b->ifindex != ifindex ||
		    b->state == MAG_BUL_DEREGISTERING || being_moved(m, b))
			continue;
		bool dup = false;
		for (size_t k = 0; k < n_seen; k++)
			dup |= !memcmp(seen[k], b->ll_id, 6);
		if (!dup) {
			char mac[24];
			memcpy(seen[n_seen++], b->ll_id, 6);
			mag_fmt_mac(mac, sizeof(mac), b->ll_id);
			m->stats.detach++;
			mag_act_event(acts, MAG_EV_MN_DETACHED,
				      "\"iface\":\"%s\",\"ll_id\":\"%s\"", b->ifname, mac);
		}
		detach_one(m, b, now_ns, acts);
	}
	mag_announce_deadline(m, acts);
	return 0;
}

int mag_handoff(struct mag *m, const char *mn_id, const uint8_t from_ll[6],
		const uint8_t to_ll[6], uint64_t now_ns, struct mag_acts *acts,
		const char **why)
{
	struct mag_bul *from = mag_bul_find(m, mn_id, from_ll);
	struct mag_bul *to = mag_bul_find(m, mn_id, to_ll);
	int r = -1;
	if (!from || !mag_bul_registered(from))
		*why = "no registered session for MN-ID and FROM_LLID";
	else if (!to || to->state == MAG_BUL_DEREGISTERING)
		*why = "TO_LLID is not attached to this MAG";
	else if (!memcmp(from_ll, to_ll, 6))
		*why = "FROM_LLID and TO_LLID are the same interface";
	else
		r = handoff_start(m, from, to, now_ns, acts, why);
	mag_announce_deadline(m, acts);
	return r;
}

int mag_shutdown(struct mag *m, uint64_t now_ns, struct mag_acts *acts)
{
	int left = 0;
	if (m->cfg.revocation && !m->shutting_down) {
		/* RFC 5846 9.1: one bulk BRI instead of a PBU per session */
		m->shutting_down = true;
		mag_revoke_all(m, now_ns, acts);
		mag_announce_deadline(m, acts);
		return 0;
	}
	m->shutting_down = true;
	for (size_t i = 0; i < MAG_BUL_MAX; i++) {
		struct mag_bul *b = &m->bul[i];
		if (b->state == MAG_BUL_DELETED || b->state == MAG_BUL_DEREGISTERING)
			continue;
		bool room = acts->n + b->n_hnp + 8 < MAG_ACTS_MAX &&
			    acts->n_pbu < MAG_ACTS_PBU_MAX;
		if (room)
			mag_bul_deregister(m, b, now_ns, acts);
		else
			left++;
	}
	mag_announce_deadline(m, acts);
	return left;
}

int mag_handoff_start(struct mag *m, struct mag_bul *from, struct mag_bul *to,
		      uint64_t now_ns, struct mag_acts *acts, const char **why)
{
	return handoff_start(m, from, to, now_ns, acts, why);
}
