/*
 * mag_fh.c - appendix D fast handover at the MAG (see mag_fh.h): records
 * learnt from the LMA's Handover Initiate, activation on carrier loss,
 * return, data-plane lookups.
 *
 * Owns: the HI checks (RFC 5568 6.2.1 / RFC 5949 6.2.1 as used here), the
 * HAck codes (RFC 5568 6.2.2), the records' life. Must not: do I/O, read
 * clocks, change the BUL (that is mag_engine.c's: the carrier loss still
 * deregisters the session, RFC 5213 6.9.1.4, which is what tells the LMA).
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "mag_fh.h"
#include "pmip/nd.h"
#include "mag_int.h"

const char *mag_fh_act_type_name(enum mag_fh_act_type t)
{
	switch (t) {
	case MAG_FH_ACT_ROUTE_ADD: return "MAG_FH_ACT_ROUTE_ADD";
	case MAG_FH_ACT_ROUTE_DEL: return "MAG_FH_ACT_ROUTE_DEL";
	case MAG_FH_ACT_SEND_HACK: return "MAG_FH_ACT_SEND_HACK";
	case MAG_FH_ACT_PROBE_PEER: return "MAG_FH_ACT_PROBE_PEER";
	case MAG_FH_ACT_EVENT: return "MAG_FH_ACT_EVENT";
	}
	return "UNKNOWN";
}

const char *mag_fh_verdict_name(enum mag_fh_verdict v)
{
	switch (v) {
	case MAG_FH_NONE: return "MAG_FH_NONE";
	case MAG_FH_TO_PEER: return "MAG_FH_TO_PEER";
	case MAG_FH_DELIVER: return "MAG_FH_DELIVER";
	}
	return "UNKNOWN";
}

void mag_fh_init(struct mag_fh *f, bool enabled)
{
	memset(f, 0, sizeof(*f));
	f->enabled = enabled;
}

/* ---- actions ---------------------------------------------------------------- */

static struct mag_fh_act *push(struct mag_fh_acts *out, enum mag_fh_act_type t)
{
	if (out->n >= MAG_FH_ACTS_MAX) {
		out->overflow++;
		return NULL;
	}
	struct mag_fh_act *a = &out->a[out->n++];
	memset(a, 0, sizeof(*a));
	a->type = t;
	return a;
}

static void event(struct mag_fh_acts *out, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void event(struct mag_fh_acts *out, const char *name, const char *fmt, ...)
{
	struct mag_fh_act *a = push(out, MAG_FH_ACT_EVENT);
	va_list ap;

	if (!a)
		return;
	a->ev = name;
	va_start(ap, fmt);
	vsnprintf(a->text, sizeof(a->text), fmt, ap);
	va_end(ap);
}

static void route(struct mag_fh_acts *out, enum mag_fh_act_type t,
		  const struct mag_fh_rec *r, const struct mh_prefix *p)
{
	struct mag_fh_act *a = push(out, t);

	if (!a)
		return;
	a->prefix = *p;
	a->ifindex = r->ifindex;
	memcpy(a->ifname, r->ifname, sizeof(a->ifname));
	a->gw = r->mn_ll;
}

static void send_hack(struct mag_fh_acts *out, const struct in6_addr *dst,
		      const struct mh_msg *hi, uint8_t code)
{
	struct mag_fh_act *a = push(out, MAG_FH_ACT_SEND_HACK);

	if (!a)
		return;
	a->dst = *dst;
	mh_msg_init(&a->msg, MH_TYPE_HACK);
	a->msg.seq = hi->seq;           /* RFC 5568 6.2.2: copied from the HI */
	a->msg.hi_code = code;
	if (hi->has_mn_id) {
		a->msg.has_mn_id = true;
		a->msg.mn_id_subtype = hi->mn_id_subtype;
		a->msg.mn_id_len = hi->mn_id_len;
		memcpy(a->msg.mn_id, hi->mn_id, hi->mn_id_len);
	}
}

/* The first packet forwarded to the peer at a disconnect must not wait
 * for neighbour resolution on the way (RFC 4861 7.2.2 queues it while the
 * entry is INCOMPLETE: one round trip of the MAG-to-MAG link, 4 ms in
 * appd-fast-handover). So the path is used once now, while the binding is
 * only dormant; a STALE entry is used at once later (RFC 4861 7.3.3). */
static void probe_peer(struct mag_fh_acts *out, const struct in6_addr *peer)
{
	struct mag_fh_act *a = push(out, MAG_FH_ACT_PROBE_PEER);

	if (a)
		a->dst = *peer;
}

/* "mn_id":..,"ll_id":..,"peer":..,"hnps":[..] of a record. */
static const char *rec_fields(const struct mag_fh_rec *r, const struct mh_prefix *p,
			      unsigned n, char *buf, size_t cap)
{
	char id[2 * MAG_MN_ID_MAX], mac[32], peer[INET6_ADDRSTRLEN], hnps[256];

	mag_json_str(id, sizeof(id), r->mn_id);
	mag_fmt_mac(mac, sizeof(mac), r->ll_id);
	inet_ntop(AF_INET6, &r->peer, peer, sizeof(peer));
	mag_fmt_prefixes(hnps, sizeof(hnps), p, n);
	int w = snprintf(buf, cap, "\"mn_id\":%s,\"ll_id\":\"%s\",\"iface\":\"%s\","
			 "\"peer\":\"%s\",\"hnps\":%s", id, mac, r->ifname, peer, hnps);

	if (w < 0 && cap)
		buf[0] = '\0';         /* cannot happen with these formats */
	return buf;
}

/* ---- records ------------------------------------------------------------------ */

static bool addr_eq(const struct in6_addr *a, const struct in6_addr *b)
{
	return memcmp(a, b, sizeof(*a)) == 0;
}

static bool covers(const struct mh_prefix *p, const struct in6_addr *a)
{
	unsigned full = p->len / 8, rest = p->len % 8;

	if (memcmp(&p->prefix, a, full))
		return false;
	return rest == 0 ||
	       !((p->prefix.s6_addr[full] ^ a->s6_addr[full]) & (0xff00 >> rest));
}

static bool list_covers(const struct mh_prefix *p, unsigned n, const struct in6_addr *a)
{
	for (unsigned i = 0; i < n; i++)
		if (covers(&p[i], a))
			return true;
	return false;
}

static bool list_has(const struct mh_prefix *p, unsigned n, const struct mh_prefix *x)
{
	for (unsigned i = 0; i < n; i++)
		if (p[i].len == x->len && addr_eq(&p[i].prefix, &x->prefix))
			return true;
	return false;
}

static struct mag_fh_rec *rec_find(struct mag_fh *f, const char *mn_id, const uint8_t ll[6])
{
	for (size_t i = 0; i < MAG_FH_MAX; i++)
		if (f->rec[i].used && !strcmp(f->rec[i].mn_id, mn_id) &&
		    !memcmp(f->rec[i].ll_id, ll, 6))
			return &f->rec[i];
	return NULL;
}

static struct mag_fh_rec *rec_new(struct mag_fh *f)
{
	for (size_t i = 0; i < MAG_FH_MAX; i++)
		if (!f->rec[i].used) {
			memset(&f->rec[i], 0, sizeof(f->rec[i]));
			f->rec[i].used = true;
			return &f->rec[i];
		}
	return NULL;
}

static void stop_forwarding(struct mag_fh_rec *r, uint64_t now_ns, const char *why,
			    struct mag_fh_acts *out)
{
	char f[MAG_EV_TEXT_MAX - 120];

	r->active = false;
	event(out, "dormant_returned", "%s,\"reason\":\"%s\",\"active_ms\":%.3f,"
	      "\"forwarded\":%llu", rec_fields(r, r->own_hnp, r->n_own, f, sizeof(f)), why,
	      (double)(now_ns - r->activated_ns) / 1e6, (unsigned long long)r->fwd_to_peer);
}

/* The in-role routes: the peer's prefixes that are new here go in, the
 * ones no longer named go out. */
static void update_peer_routes(struct mag_fh_rec *r, const struct mh_group *g,
			       struct mag_fh_acts *out)
{
	for (unsigned i = 0; i < r->n_peer; i++)
		if (!list_has(g->hnp, g->n_hnp, &r->peer_hnp[i]))
			route(out, MAG_FH_ACT_ROUTE_DEL, r, &r->peer_hnp[i]);
	for (unsigned i = 0; i < g->n_hnp; i++)
		if (!list_has(r->peer_hnp, r->n_peer, &g->hnp[i]))
			route(out, MAG_FH_ACT_ROUTE_ADD, r, &g->hnp[i]);
	r->n_peer = g->n_hnp;
	memcpy(r->peer_hnp, g->hnp, sizeof(r->peer_hnp[0]) * g->n_hnp);
}

/* HI checks: code for the HAck, and the session it is about. */
static uint8_t hi_check(const struct mag_fh *f, const struct mag *m, const struct in6_addr *src,
			const struct mh_msg *hi, char *mn_id, const struct mag_bul **b)
{
	const struct mh_group *g = &hi->group[0];

	if (!f->enabled)
		return MH_HACK_ADMINISTRATIVELY_PROHIBITED;
	if (!addr_eq(src, &mag_cfg(m)->lmaa) || !(hi->hi_flags & MH_HINIT_P) ||
	    !hi->has_mn_id || !hi->has_alt_coa || hi->n_groups != 1 ||
	    !g->has_mn_ll_id || g->mn_ll_id_len != 6 || hi->mn_id_len >= MAG_MN_ID_MAX)
		return MH_HACK_NOT_ACCEPTED;
	memcpy(mn_id, hi->mn_id, hi->mn_id_len);
	mn_id[hi->mn_id_len] = '\0';
	*b = mag_find_session(m, mn_id, g->mn_ll_id);
	return *b ? MH_HACK_ACCEPTED : MH_HACK_NOT_ACCEPTED;
}

int mag_fh_input_hi(struct mag_fh *f, const struct mag *m, const struct in6_addr *src,
		    const struct mh_msg *hi, uint64_t now_ns, struct mag_fh_acts *out)
{
	char mn_id[MAG_MN_ID_MAX], fl[MAG_EV_TEXT_MAX - 80];
	const struct mag_bul *b = NULL;
	const struct mh_group *g = &hi->group[0];
	uint8_t code = hi_check(f, m, src, hi, mn_id, &b);
	struct mag_fh_rec *r = NULL;

	if (code == MH_HACK_ACCEPTED) {
		r = rec_find(f, mn_id, g->mn_ll_id);
		if (!r && (r = rec_new(f)) == NULL)
			code = MH_HACK_INSUFFICIENT_RESOURCES;
	}
	send_hack(out, src, hi, code);
	if (code != MH_HACK_ACCEPTED)
		return -1;
	if (r->active)                  /* a new HI: the LMA has us back */
		stop_forwarding(r, now_ns, "hi", out);
	if (r->ifindex && r->ifindex != b->ifindex)
		for (unsigned i = 0; i < r->n_peer; i++)
			route(out, MAG_FH_ACT_ROUTE_DEL, r, &r->peer_hnp[i]);
	if (r->ifindex != b->ifindex)
		r->n_peer = 0;          /* other interface: all routes anew */
	memcpy(r->mn_id, mn_id, sizeof(r->mn_id));
	memcpy(r->ll_id, g->mn_ll_id, 6);
	r->ifindex = b->ifindex;
	memcpy(r->ifname, b->ifname, sizeof(r->ifname));
	nd_ll_from_mac(r->ll_id, &r->mn_ll);
	r->lmaa = *src;
	r->peer = hi->alt_coa;
	r->hi_seq = hi->seq;
	update_peer_routes(r, g, out);
	probe_peer(out, &r->peer);
	event(out, "dormant_installed", "%s,\"hi_seq\":%u",
	      rec_fields(r, r->peer_hnp, r->n_peer, fl, sizeof(fl)), hi->seq);
	return 0;
}

void mag_fh_carrier_down(struct mag_fh *f, const struct mag *m, int ifindex,
			 uint64_t carrier_lost_ns, uint64_t now_ns, struct mag_fh_acts *out)
{
	char fl[MAG_EV_TEXT_MAX - 120];

	for (size_t i = 0; i < MAG_FH_MAX; i++) {
		struct mag_fh_rec *r = &f->rec[i];
		const struct mag_bul *b;

		if (!r->used || r->active || r->ifindex != ifindex)
			continue;
		b = mag_find_session(m, r->mn_id, r->ll_id);
		if (!b || b->n_hnp == 0)
			continue;       /* nothing registered: nothing to save */
		r->n_own = b->n_hnp;
		memcpy(r->own_hnp, b->hnp, sizeof(r->own_hnp[0]) * b->n_hnp);
		r->active = true;
		r->carrier_lost_ns = carrier_lost_ns;
		r->activated_ns = now_ns;
		event(out, "dormant_activated", "%s,\"carrier_lost_ns\":%llu,"
		      "\"reaction_us\":%.1f", rec_fields(r, r->own_hnp, r->n_own, fl, sizeof(fl)),
		      (unsigned long long)carrier_lost_ns,
		      (double)(now_ns - carrier_lost_ns) / 1e3);
	}
}

void mag_fh_check_return(struct mag_fh *f, const struct mag *m, uint64_t now_ns,
			 struct mag_fh_acts *out)
{
	for (size_t i = 0; i < MAG_FH_MAX; i++) {
		struct mag_fh_rec *r = &f->rec[i];
		const struct mag_bul *b;

		if (!r->used || !r->active)
			continue;
		b = mag_find_session(m, r->mn_id, r->ll_id);
		if (b && mag_bul_registered(b))
			stop_forwarding(r, now_ns, "reregistered", out);
	}
}

bool mag_fh_any_active(const struct mag_fh *f)
{
	for (size_t i = 0; i < MAG_FH_MAX; i++)
		if (f->rec[i].used && f->rec[i].active)
			return true;
	return false;
}

/* ---- data plane --------------------------------------------------------------- */

enum mag_fh_verdict mag_fh_downlink(struct mag_fh *f, const struct in6_addr *outer_src,
				    const struct in6_addr *dst, struct mag_fh_rec **rec)
{
	for (size_t i = 0; i < MAG_FH_MAX; i++) {
		struct mag_fh_rec *r = &f->rec[i];

		if (!r->used)
			continue;
		if (r->active && addr_eq(outer_src, &r->lmaa) &&
		    list_covers(r->own_hnp, r->n_own, dst)) {
			r->fwd_to_peer++;
			*rec = r;
			return MAG_FH_TO_PEER;
		}
		/* the other interface's prefix: from the MAG the LMA named
		 * (what it still receives after the cut) or from the LMA once
		 * it switched (RFC 5213 6.10.5's rule, extended to them) */
		if ((addr_eq(outer_src, &r->peer) || addr_eq(outer_src, &r->lmaa)) &&
		    list_covers(r->peer_hnp, r->n_peer, dst)) {
			r->fwd_from_peer++;
			*rec = r;
			return MAG_FH_DELIVER;
		}
	}
	*rec = NULL;
	return MAG_FH_NONE;
}

struct mag_fh_rec *mag_fh_uplink(struct mag_fh *f, const struct in6_addr *src)
{
	for (size_t i = 0; i < MAG_FH_MAX; i++) {
		struct mag_fh_rec *r = &f->rec[i];

		if (r->used && list_covers(r->peer_hnp, r->n_peer, src)) {
			r->fwd_uplink++;
			return r;
		}
	}
	return NULL;
}

void mag_fh_counts(const struct mag_fh *f, uint64_t *to_peer, uint64_t *from_peer,
		   uint64_t *uplink)
{
	*to_peer = *from_peer = *uplink = 0;
	for (size_t i = 0; i < MAG_FH_MAX; i++) {
		*to_peer += f->rec[i].fwd_to_peer;
		*from_peer += f->rec[i].fwd_from_peer;
		*uplink += f->rec[i].fwd_uplink;
	}
}
