/*
 * mag_engine.c - the MAG's signaling (RFC 5213 section 6.9): attach,
 * detach, inter-interface handoff, PBU construction and retransmission, PBA
 * processing, refresh, and the combined PBU of several sessions of one MN
 * (problem statement section 4, groups delimited by BID options).
 *
 * Owns: the decisions. Must not: touch sockets, clocks, netlink, libev, or
 * log: everything leaves as actions (mag_act.c); time comes in as now_ns.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "mag_int.h"

/* ---- engine life ----------------------------------------------------------- */

struct mag *mag_new(const struct mag_cfg *cfg, const char **why)
{
	if (cfg->n_access == 0 || cfg->n_access > MAG_ACCESS_MAX) {
		*why = "no access interface";
		return NULL;
	}
	if (cfg->lifetime_s == 0 || cfg->lifetime_s > 65535u * 4) {
		*why = "lifetime must be 1..262140 s (16 bits of 4 s, RFC 6275 6.1.7)";
		return NULL;
	}
	if (cfg->refresh_pct == 0 || cfg->refresh_pct >= 100) {
		*why = "refresh_pct must be 1..99";
		return NULL;
	}
	if (cfg->link_mtu < 1280 + 40) {
		*why = "access link MTU too small for the tunnel (1320 at least)";
		return NULL;
	}
	for (size_t i = 0; i < cfg->n_access; i++)
		if (cfg->access[i].att == MH_ATT_RESERVED) {
			*why = "access interface ATT is 0 (Reserved)";
			return NULL;
		}
	struct mag *m = calloc(1, sizeof(*m));
	if (!m) {
		*why = "out of memory";
		return NULL;
	}
	m->cfg = *cfg;
	m->next_seq = cfg->initial_seq;
	m->hb.next_ns = cfg->heartbeat_ns ? 1 : 0;   /* the first at once */
	for (size_t i = 0; i < MAG_BUL_MAX; i++)
		m->bul[i].state = MAG_BUL_DELETED;
	return m;
}

void mag_free(struct mag *m)
{
	free(m);
}

const struct mag_cfg *mag_cfg(const struct mag *m) { return &m->cfg; }
struct mag_stats *mag_stats(struct mag *m) { return &m->stats; }

void mag_set_realtime_offset(struct mag *m, int64_t offset_ns)
{
	m->realtime_offset_ns = offset_ns;
}

static bool registered(const struct mag_bul *b)
{
	return mag_bul_registered(b);
}

uint64_t mag_next_deadline(const struct mag *m)
{
	uint64_t d = 0;
#define MIN_DL(x) do { if ((x) && (!d || (x) < d)) d = (x); } while (0)
	for (size_t i = 0; i < MAG_TXN_MAX; i++)
		if (m->txn[i].used)
			MIN_DL(m->txn[i].deadline_ns);
	for (size_t i = 0; i < MAG_BUL_MAX; i++) {
		const struct mag_bul *b = &m->bul[i];
		if (b->state == MAG_BUL_DELETED)
			continue;
		MIN_DL(b->refresh_ns);
		MIN_DL(b->expiry_ns);
		MIN_DL(b->ra_ns);
	}
	if (m->cfg.heartbeat_ns)
		MIN_DL(m->hb.next_ns);
#undef MIN_DL
	return d;
}

/* Every input ends here: tell the shell when to call mag_timer next. */
void mag_announce_deadline(struct mag *m, struct mag_acts *acts)
{
	uint64_t d = mag_next_deadline(m);
	if (d == m->announced_deadline_ns)
		return;
	struct mag_act *a = mag_act_push(acts, MAG_ACT_TIMER_SET);
	if (!a)
		return;
	a->deadline_ns = d;
	m->announced_deadline_ns = d;
}

/* ---- deleting an entry ------------------------------------------------------ */

void mag_bul_delete(struct mag *m, struct mag_bul *b, uint64_t now_ns,
		       struct mag_acts *acts, const char *reason)
{
	if (registered(b))
		mag_bul_routes(m, b, MAG_ACT_ROUTE_DEL, acts);
	char id[MAG_MN_ID_MAX + 16], mac[24];
	mag_json_str(id, sizeof(id), b->prof->mn_id);
	mag_fmt_mac(mac, sizeof(mac), b->ll_id);
	mag_act_event(acts, MAG_EV_BUL_DELETED,
		      "\"mn_id\":%s,\"ll_id\":\"%s\",\"iface\":\"%s\",\"bid\":%u,\"reason\":\"%s\"",
		      id, mac, b->ifname, b->id, reason);
	mag_bul_set_state(m, b, MAG_BUL_DELETED, now_ns, acts, reason);
}

/* ---- PBU transactions ------------------------------------------------------- */

struct mag_txn *mag_txn_new(struct mag *m, enum mag_txn_kind kind,
			       const struct in6_addr *lmaa)
{
	for (size_t i = 0; i < MAG_TXN_MAX; i++) {
		struct mag_txn *t = &m->txn[i];
		if (t->used)
			continue;
		memset(t, 0, sizeof(*t));
		t->used = true;
		t->kind = kind;
		t->lmaa = *lmaa;
		return t;
	}
	return NULL;
}

void mag_txn_add(struct mag *m, struct mag_txn *t, struct mag_bul *b)
{
	if (t->n_bul >= MH_GROUP_MAX)
		return;
	t->bul[t->n_bul++] = (unsigned)(b - m->bul);
	b->txn = (int)(t - m->txn);
}

void mag_txn_free(struct mag *m, struct mag_txn *t)
{
	for (unsigned i = 0; i < t->n_bul; i++)
		if (m->bul[t->bul[i]].txn == (int)(t - m->txn))
			m->bul[t->bul[i]].txn = -1;
	t->used = false;
	t->n_bul = 0;
}

/* RFC 6275 6.1.7: lifetime in units of 4 s, rounded up so the MAG never
 * asks for less than configured. */
static uint16_t lifetime_units(uint32_t s)
{
	uint32_t u = (s + 3) / 4;
	return (uint16_t)(u > 65535 ? 65535 : u);
}

static void pbu_group(const struct mag *m, const struct mag_bul *b,
		      struct mh_group *g)
{
	memset(g, 0, sizeof(*g));
	/* RFC 5648 6.2: a BID option opens each session's group when the
	 * MAG combines sessions (see the comment atop mh.h). */
	g->has_bid = m->cfg.multi_session_pbu ||
		     b->n_flow > 0;     /* RFC 6089: flows are bound to BIDs */
	g->bid = (uint16_t)b->id;
	g->has_mn_ll_id = true;          /* RFC 5213 6.9.1.1, 8.6 */
	g->mn_ll_id_len = 6;
	memcpy(g->mn_ll_id, b->ll_id, 6);
	g->has_hi = true;                /* 8.4 */
	g->hi = b->hi;
	g->has_att = true;               /* 8.5, never 0 */
	g->att = b->att;
	g->service_len = (uint8_t)strlen(b->service);   /* RFC 5149, section 2.1 */
	memcpy(g->service, b->service, g->service_len);
	if (b->n_hnp == 0) {
		/* 6.9.1.1: ALL_ZERO prefix, length 0: "assign me one" */
		g->n_hnp = 1;
		memset(&g->hnp[0], 0, sizeof(g->hnp[0]));
	} else {
		g->n_hnp = b->n_hnp;
		memcpy(g->hnp, b->hnp, sizeof(g->hnp[0]) * b->n_hnp);
	}
}

static void pbu_event(struct mag_acts *acts, const struct mag_txn *t,
		      const struct mh_msg *p, const struct mag_bul *b0, size_t bytes)
{
	char id[MAG_MN_ID_MAX + 16], pfx[200], mac[24], peer[INET6_ADDRSTRLEN];
	const struct mh_group *g = &p->group[0];
	mag_json_str(id, sizeof(id), b0->prof->mn_id);
	mag_fmt_prefixes(pfx, sizeof(pfx), g->hnp, g->n_hnp);
	mag_fmt_mac(mac, sizeof(mac), b0->ll_id);
	inet_ntop(AF_INET6, &t->lmaa, peer, sizeof(peer));
	mag_act_event(acts, MAG_EV_PBU_SENT,
		      "\"mn_id\":%s,\"seq\":%u,\"lifetime_s\":%u,\"hi\":%u,\"att\":%u,"
		      "\"ll_id\":\"%s\",\"hnp\":%s,\"flags\":\"AP\",\"peer\":\"%s\","
		      "\"kind\":\"%s\",\"sessions\":%u,\"retx\":%u,\"bytes\":%zu",
		      id, p->seq, p->lifetime * 4u, g->hi, g->att, mac, pfx, peer,
		      mag_txn_kind_name(t->kind), p->n_groups, t->retx, bytes);
}

/* Build and queue the PBU of t with a fresh sequence number and timestamp
 * (every retransmission too: RFC 6275 11.7.1 wants a new, greater sequence
 * number; RFC 5213 5.5 checks the timestamp against the LMA's clock). */
static void txn_emit(struct mag *m, struct mag_txn *t, uint64_t now_ns,
		     struct mag_acts *acts)
{
	if (t->n_bul == 0)
		return;
	struct mh_msg *p = mag_act_push_pbu(acts, &t->lmaa);
	if (!p)
		return;
	const struct mag_bul *b0 = &m->bul[t->bul[0]];
	uint16_t seq = m->next_seq++;
	if (t->n_seq == MAG_TXN_SEQ_MAX) {
		memmove(t->seq, t->seq + 1, sizeof(t->seq[0]) * (MAG_TXN_SEQ_MAX - 1));
		t->n_seq--;
	}
	t->seq[t->n_seq++] = seq;
	p->seq = seq;
	p->bu_flags = MH_BU_A | MH_BU_P;  /* RFC 5213 8.1 / 6.9.1.1 */
	p->lifetime = t->kind == MAG_TXN_DEREG ? 0 : lifetime_units(m->cfg.lifetime_s);
	p->has_mn_id = true;             /* 6.9.1.1: MN-ID from the profile */
	p->mn_id_subtype = MH_MN_ID_NAI;
	p->mn_id_len = (uint8_t)strnlen(b0->prof->mn_id, MH_MN_ID_MAX);
	memcpy(p->mn_id, b0->prof->mn_id, p->mn_id_len);
	if (m->cfg.use_timestamps) {     /* 5.5, 8.8 */
		p->has_timestamp = true;
		int64_t rt = (int64_t)now_ns + m->realtime_offset_ns;
		uint64_t ts = mh_timestamp_from_ns(rt > 0 ? (uint64_t)rt : 0);
		/* The LMA orders timestamps per MN and an equal one is not
		 * newer (5.5): two PBUs built in the same instant (the
		 * deregistrations of two sessions) must still differ, so the
		 * MAG's clock never repeats a value (1/65536 s steps). */
		if (ts <= m->last_timestamp)
			ts = m->last_timestamp + 1;
		m->last_timestamp = ts;
		p->timestamp = ts;
		t->timestamp = p->timestamp;
	}
	p->n_groups = (uint8_t)t->n_bul;
	for (unsigned i = 0; i < t->n_bul; i++) {
		struct mag_bul *b = &m->bul[t->bul[i]];
		pbu_group(m, b, &p->group[i]);
		b->seq = seq;
	}
	mag_flow_pbu(m, t, p);
	t->sent_ns = now_ns;
	uint8_t buf[2048];
	const char *why;
	int len = mh_encode(p, NULL, NULL, buf, sizeof(buf), &why);
	size_t bytes = len > 0 ? (size_t)len : 0;
	m->stats.pbu_sent++;
	m->stats.pbu_bytes += bytes;
	if (t->retx)
		m->stats.pbu_retx++;
	switch (t->kind) {
	case MAG_TXN_REG:
	case MAG_TXN_HANDOFF: m->stats.pbu_reg++; break;
	case MAG_TXN_REREG:
		m->stats.pbu_rereg++;
		m->stats.refresh_msgs++;
		m->stats.refresh_bytes += bytes;
		break;
	case MAG_TXN_DEREG: m->stats.pbu_dereg++; break;
	}
	pbu_event(acts, t, p, b0, bytes);
}

void mag_txn_start(struct mag *m, struct mag_txn *t, uint64_t now_ns,
		      struct mag_acts *acts)
{
	t->retx = 0;
	t->n_seq = 0;           /* a PBA to the PBU replaced is stale */
	t->timeout_ns = t->kind == MAG_TXN_REG ?
		MAG_INITIAL_BINDACK_TIMEOUT_FIRST_REG_NS : MAG_INITIAL_BINDACK_TIMEOUT_NS;
	t->deadline_ns = now_ns + t->timeout_ns;
	txn_emit(m, t, now_ns, acts);
}

/* No PBA after the last retransmission: RFC 6275 11.8 lets the MAG stop. */
static void txn_give_up(struct mag *m, struct mag_txn *t, uint64_t now_ns,
			struct mag_acts *acts)
{
	m->stats.give_up++;
	const struct mag_bul *b0 = &m->bul[t->bul[0]];
	char id[MAG_MN_ID_MAX + 16];
	mag_json_str(id, sizeof(id), b0->prof->mn_id);
	mag_act_event(acts, MAG_EV_PBU_GIVE_UP, "\"mn_id\":%s,\"kind\":\"%s\",\"retx\":%u",
		      id, mag_txn_kind_name(t->kind), t->retx);
	unsigned n = t->n_bul, slots[MH_GROUP_MAX];
	memcpy(slots, t->bul, sizeof(slots));
	enum mag_txn_kind kind = t->kind;
	mag_txn_free(m, t);
	for (unsigned i = 0; i < n; i++) {
		struct mag_bul *b = &m->bul[slots[i]];
		if (kind == MAG_TXN_HANDOFF) {
			mag_handoff_failed(m, b, now_ns, acts, "no_pba");
			continue;
		}
		if (kind == MAG_TXN_REREG) {
			/* keep forwarding until the binding expires */
			mag_act_log(acts, "bul %u: re-registration unanswered, "
				    "expires in %u s", b->id,
				    mag_bul_remaining_s(b, now_ns));
			continue;
		}
		mag_bul_delete(m, b, now_ns, acts, "no_pba");
	}
}

static void txn_timer(struct mag *m, struct mag_txn *t, uint64_t now_ns,
		      struct mag_acts *acts)
{
	if (t->retx >= m->cfg.max_retx) {
		txn_give_up(m, t, now_ns, acts);
		return;
	}
	t->retx++;
	t->timeout_ns *= 2;              /* RFC 6275 11.8 exponential back-off */
	if (t->timeout_ns > MAG_MAX_BINDACK_TIMEOUT_NS)
		t->timeout_ns = MAG_MAX_BINDACK_TIMEOUT_NS;
	t->deadline_ns = now_ns + t->timeout_ns;
	txn_emit(m, t, now_ns, acts);
}

/* ---- registration, refresh, deregistration --------------------------------- */

static int start_registration(struct mag *m, struct mag_bul *b, uint64_t now_ns,
			      struct mag_acts *acts, const char **why)
{
	struct mag_txn *t = mag_txn_new(m, MAG_TXN_REG, &b->lmaa);
	if (!t) {
		*why = "too many outstanding PBUs";
		b->state = MAG_BUL_DELETED;
		return -1;
	}
	mag_txn_add(m, t, b);
	mag_bul_set_state(m, b, MAG_BUL_WAIT_PBA, now_ns, acts, "attach");
	mag_txn_start(m, t, now_ns, acts);
	return 0;
}

/* RFC 5213 6.9.1.4: lifetime-0 PBU, routes removed at once. */
static void start_deregistration(struct mag *m, struct mag_bul *b,
				 uint64_t now_ns, struct mag_acts *acts)
{
	if (registered(b))
		mag_bul_routes(m, b, MAG_ACT_ROUTE_DEL, acts);
	if (b->txn >= 0)
		mag_txn_free(m, &m->txn[b->txn]);
	struct mag_txn *t = mag_txn_new(m, MAG_TXN_DEREG, &b->lmaa);
	if (!t) {
		mag_bul_delete(m, b, now_ns, acts, "no_txn");
		return;
	}
	/* The MAG does not know whether the MN reappears elsewhere. */
	b->hi = MH_HI_UNKNOWN;
	mag_txn_add(m, t, b);
	/* routes are gone: leave the registered states without a second DEL */
	mag_bul_set_state(m, b, MAG_BUL_DEREGISTERING, now_ns, acts, "detach");
	mag_txn_start(m, t, now_ns, acts);
}

/* RFC 5213 6.9.1.3 (lifetime extension, HI = 5). With multi_session_pbu
 * every registered session of the MN at the same LMA rides in this PBU,
 * one BID group each: their refreshes align after the first one. */
static void start_refresh(struct mag *m, struct mag_bul *b, uint64_t now_ns,
			  struct mag_acts *acts)
{
	struct mag_txn *t = mag_txn_new(m, MAG_TXN_REREG, &b->lmaa);
	if (!t)
		return;
	mag_txn_add(m, t, b);
	for (size_t i = 0; m->cfg.multi_session_pbu && i < MAG_BUL_MAX; i++) {
		struct mag_bul *o = &m->bul[i];
		if (o == b || o->state != MAG_BUL_ACTIVE || o->txn >= 0 ||
		    strcmp(o->prof->mn_id, b->prof->mn_id) ||
		    memcmp(&o->lmaa, &b->lmaa, sizeof(o->lmaa)) ||
		    t->n_bul >= MH_GROUP_MAX)
			continue;
		mag_txn_add(m, t, o);
	}
	for (unsigned i = 0; i < t->n_bul; i++) {
		struct mag_bul *o = &m->bul[t->bul[i]];
		o->hi = MH_HI_NOT_CHANGED;
		mag_bul_set_state(m, o, MAG_BUL_REFRESHING, now_ns, acts, "refresh");
	}
	m->stats.refresh_sessions += t->n_bul;
	mag_txn_start(m, t, now_ns, acts);
}

void mag_bul_refresh(struct mag *m, struct mag_bul *b, uint64_t now_ns,
		     struct mag_acts *acts)
{
	start_refresh(m, b, now_ns, acts);
}

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
	if (start_registration(m, b, now_ns, acts, why) < 0)
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
	if (b && b->ifindex == ifindex && registered(b))
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
		if (o != b && registered(o) && o->ifindex != b->ifindex &&
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
	if (!registered(to) || to->handoff_from) {
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
		start_deregistration(m, old, now_ns, acts);
}

static void detach_one(struct mag *m, struct mag_bul *b, uint64_t now_ns,
		       struct mag_acts *acts)
{
	if (b->state == MAG_BUL_DEREGISTERING)
		return;
	struct mag_bul *o = m->cfg.move_on_detach && !m->shutting_down &&
			    registered(b) ? other_iface_session(m, b) : NULL;
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
	start_deregistration(m, b, now_ns, acts);
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
	if (!from || !registered(from))
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
			start_deregistration(m, b, now_ns, acts);
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

int mag_bul_register(struct mag *m, struct mag_bul *b, uint64_t now_ns,
		     struct mag_acts *acts, const char **why)
{
	return start_registration(m, b, now_ns, acts, why);
}

void mag_bul_deregister(struct mag *m, struct mag_bul *b, uint64_t now_ns,
			struct mag_acts *acts)
{
	start_deregistration(m, b, now_ns, acts);
}

/* ---- timers ------------------------------------------------------------------ */

static void bul_timer(struct mag *m, struct mag_bul *b, uint64_t now_ns,
		      struct mag_acts *acts)
{
	if (registered(b) && b->expiry_ns && b->expiry_ns <= now_ns) {
		mag_hb_note_expired(m, b);
		mag_bul_delete(m, b, now_ns, acts, "expired");
		return;
	}
	if (b->state == MAG_BUL_ACTIVE && b->refresh_ns && b->refresh_ns <= now_ns)
		start_refresh(m, b, now_ns, acts);
	if (registered(b))
		mag_ra_timer(m, b, now_ns, acts);
}

int mag_timer(struct mag *m, uint64_t now_ns, struct mag_acts *acts)
{
	for (size_t i = 0; i < MAG_TXN_MAX; i++) {
		struct mag_txn *t = &m->txn[i];
		if (t->used && t->deadline_ns <= now_ns)
			txn_timer(m, t, now_ns, acts);
	}
	for (size_t i = 0; i < MAG_BUL_MAX; i++)
		if (m->bul[i].state != MAG_BUL_DELETED)
			bul_timer(m, &m->bul[i], now_ns, acts);
	mag_hb_timer(m, now_ns, acts);
	mag_announce_deadline(m, acts);
	return 0;
}

/* A restarted LMA lost its binding cache (RFC 5847 5.3): every session
 * registered here is registered again at once; one already waiting for a
 * PBA has its PBU sent again with a fresh back-off. */
void mag_reregister_all(struct mag *m, uint64_t now_ns, struct mag_acts *acts)
{
	for (size_t i = 0; i < MAG_BUL_MAX; i++) {
		struct mag_bul *b = &m->bul[i];

		if (!mag_bul_registered(b) && b->state != MAG_BUL_WAIT_PBA)
			continue;
		if (b->txn >= 0)
			mag_txn_start(m, &m->txn[b->txn], now_ns, acts);
		else
			start_refresh(m, b, now_ns, acts);
	}
}
