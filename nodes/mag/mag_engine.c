/*
 * mag_engine.c - the MAG's signaling (RFC 5213 section 6.9): the engine's
 * life and deadline, the registration, refresh and deregistration of a
 * binding update list entry, and the timers. The PBU transactions are in
 * mag_txn.c, attach/detach/handoff in mag_attach.c, PBA processing in
 * mag_pba.c.
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
			mag_txn_timer(m, t, now_ns, acts);
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
