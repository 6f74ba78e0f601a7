/*
 * mn_mip6.c - the client's home registration state machine (RFC 6275
 * 11.7.1, 11.8; RFC 5648 BIDs); see mn_mip6.h.
 *
 *   state        event                  -> state        action
 *   NO_COA       CoA appears            -> REGISTERING  BU (first-reg timeout)
 *   REGISTERING  BA 0                   -> REGISTERED   tunnel up, refresh timer
 *   REGISTERING  timeout                -> REGISTERING  BU again, timeout x2
 *                                                       (up to MAX_BINDACK_TIMEOUT)
 *   REGISTERING  BA 135                 -> REGISTERING  BU with the HA's seq + 1
 *   REGISTERING  BA 166 (BID held)      -> REGISTERING  BU with the next BID
 *   REGISTERING  BA other >= 128        -> FAILED       retry at MAX_BINDACK_TIMEOUT
 *   REGISTERED   refresh time           -> REGISTERING  BU (tunnel stays up)
 *   REGISTERED   lifetime over          -> REGISTERING  tunnel down
 *   any          CoA changes            -> REGISTERING  BU from the new CoA
 *   any          CoA gone               -> NO_COA       tunnel down
 * Refresh: at 3/4 of the granted lifetime (11.7.1 leaves the time to us).
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "mn_mip6.h"

#define BA_STATUS_SEQ_OUT_OF_WINDOW 135     /* RFC 6275 6.1.8 */
#define BA_STATUS_MCOA_PROHIBITED   166     /* RFC 5648 (from memory) */
#define SEC 1000000000ULL

const char *mn_mip6_state_name(enum mn_mip6_state s)
{
	switch (s) {
	case MN_MIP6_NO_COA: return "MN_MIP6_NO_COA";
	case MN_MIP6_REGISTERING: return "MN_MIP6_REGISTERING";
	case MN_MIP6_REGISTERED: return "MN_MIP6_REGISTERED";
	case MN_MIP6_FAILED: return "MN_MIP6_FAILED";
	}
	return "MN_MIP6_UNKNOWN";
}

static struct mn_mip6_act *push(struct mn_mip6_acts *out, enum mn_mip6_act_type t)
{
	static struct mn_mip6_act sink;

	if (out->n >= MN_MIP6_ACTS_MAX) {
		out->overflow++;
		return &sink;
	}
	struct mn_mip6_act *a = &out->a[out->n++];

	memset(a, 0, sizeof(*a));
	a->type = t;
	return a;
}

static void event(struct mn_mip6_acts *out, const char *ev, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void event(struct mn_mip6_acts *out, const char *ev, const char *fmt, ...)
{
	struct mn_mip6_act *a = push(out, MN_MIP6_ACT_EVENT);
	int n = snprintf(a->text, sizeof(a->text), "{\"ev\":\"%s\",", ev);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(a->text + n, sizeof(a->text) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	strcat(a->text, "}");
}

/* The one place the state changes: logs old -> new, sets the deadline. */
static void transition(struct mn_mip6 *c, enum mn_mip6_state to, uint64_t deadline_ns,
		       struct mn_mip6_acts *out)
{
	if (c->state != to)
		event(out, "mip6_state", "\"from\":\"%s\",\"to\":\"%s\"",
		      mn_mip6_state_name(c->state), mn_mip6_state_name(to));
	c->state = to;
	c->deadline_ns = deadline_ns;
	push(out, MN_MIP6_ACT_TIMER_SET)->deadline_ns = deadline_ns;
}

static void tunnel(struct mn_mip6 *c, bool up, struct mn_mip6_acts *out)
{
	if (c->tunnel == up)
		return;
	c->tunnel = up;
	push(out, up ? MN_MIP6_ACT_TUNNEL_UP : MN_MIP6_ACT_TUNNEL_DOWN)->coa = c->coa;
}

void mn_mip6_init(struct mn_mip6 *c, const struct mn_mip6_cfg *cfg, uint16_t first_seq)
{
	memset(c, 0, sizeof(*c));
	c->cfg = *cfg;
	c->seq = (uint16_t)(first_seq - 1);
	c->bid = cfg->bid;
	c->state = MN_MIP6_NO_COA;
}

/* RFC 6275 11.7.1: A and H set, the HAO carries the home address (the
 * shell adds it), the CoA in the BID option (RFC 5648 6.2). */
static void send_bu(struct mn_mip6 *c, uint32_t lifetime_s, struct mn_mip6_acts *out)
{
	struct mn_mip6_act *a = push(out, MN_MIP6_ACT_SEND_BU);
	struct mh_msg *m = &a->bu;

	mh_msg_init(m, MH_TYPE_BU);
	m->seq = ++c->seq;
	m->bu_flags = MH_BU_A | MH_BU_H;
	m->lifetime = (uint16_t)(lifetime_s / 4);
	if (c->cfg.mn_id[0])
		mh_set_mn_id(m, c->cfg.mn_id);
	if (c->bid) {
		m->group[0].has_bid = true;
		m->group[0].bid = c->bid;
		m->group[0].bid_coa_len = 16;
		memcpy(m->group[0].bid_coa, &c->coa, 16);
	}
	a->coa = c->coa;
	c->bu_sent++;
}

static void register_now(struct mn_mip6 *c, uint64_t now_ns, struct mn_mip6_acts *out)
{
	c->timeout_ns = c->registered_once ? MN_MIP6_INITIAL_TIMEOUT_NS :
			MN_MIP6_FIRST_REG_TIMEOUT_NS;
	c->retransmissions = 0;
	send_bu(c, c->cfg.lifetime_s, out);
	transition(c, MN_MIP6_REGISTERING, now_ns + c->timeout_ns, out);
}

void mn_mip6_coa(struct mn_mip6 *c, const struct in6_addr *coa, uint64_t now_ns,
		 struct mn_mip6_acts *out)
{
	char s[INET6_ADDRSTRLEN] = "";

	if (coa && c->has_coa && memcmp(coa, &c->coa, 16) == 0)
		return;
	if (c->tunnel)
		tunnel(c, false, out);
	c->has_coa = coa != NULL;
	if (!coa) {
		event(out, "mip6_coa_lost", "\"iface\":\"%s\"", c->cfg.iface);
		transition(c, MN_MIP6_NO_COA, 0, out);
		return;
	}
	c->coa = *coa;
	inet_ntop(AF_INET6, coa, s, sizeof(s));
	event(out, "mip6_coa", "\"iface\":\"%s\",\"coa\":\"%s\"", c->cfg.iface, s);
	register_now(c, now_ns, out);
}

static void accepted(struct mn_mip6 *c, const struct mh_msg *ba, uint64_t now_ns,
		     struct mn_mip6_acts *out)
{
	c->granted_s = ba->lifetime * 4u;
	c->registered_once = true;
	c->expiry_ns = now_ns + c->granted_s * SEC;
	event(out, "mip6_registered", "\"seq\":%u,\"bid\":%u,\"lifetime_s\":%u", ba->seq,
	      c->bid, c->granted_s);
	tunnel(c, true, out);
	transition(c, MN_MIP6_REGISTERED, now_ns + c->granted_s * SEC * 3 / 4, out);
}

/* 166: the home agent holds this BID for a proxy binding (appendix C):
 * the next one, skipping 0 (reserved). */
static void next_bid(struct mn_mip6 *c, struct mn_mip6_acts *out)
{
	uint16_t old = c->bid;

	c->bid = (uint16_t)(c->bid + 1 ? c->bid + 1 : 1);
	c->bid_changes++;
	event(out, "mip6_bid_changed", "\"from\":%u,\"to\":%u", old, c->bid);
}

int mn_mip6_ba(struct mn_mip6 *c, const struct in6_addr *src, const struct mh_msg *ba,
	       uint64_t now_ns, struct mn_mip6_acts *out)
{
	if (ba->type != MH_TYPE_BA || memcmp(src, &c->cfg.ha, 16) != 0 ||
	    c->state != MN_MIP6_REGISTERING ||
	    (ba->seq != c->seq && ba->status != BA_STATUS_SEQ_OUT_OF_WINDOW)) {
		c->ba_ignored++;
		return -1;
	}
	c->ba_received++;
	c->last_status = ba->status;
	if (ba->status < 128) {
		accepted(c, ba, now_ns, out);
		return 0;
	}
	event(out, "mip6_refused", "\"status\":%u,\"seq\":%u,\"bid\":%u", ba->status, ba->seq,
	      c->bid);
	c->rejections++;
	if (ba->status == BA_STATUS_SEQ_OUT_OF_WINDOW) {
		c->seq = ba->seq;               /* 11.7.1: continue from the HA's */
		register_now(c, now_ns, out);
	} else if (ba->status == BA_STATUS_MCOA_PROHIBITED && c->bid) {
		next_bid(c, out);
		register_now(c, now_ns, out);
	} else {
		transition(c, MN_MIP6_FAILED, now_ns + MN_MIP6_MAX_TIMEOUT_NS, out);
	}
	return 0;
}

void mn_mip6_timer(struct mn_mip6 *c, uint64_t now_ns, struct mn_mip6_acts *out)
{
	if (!c->deadline_ns || now_ns < c->deadline_ns)
		return;
	if (c->tunnel && c->expiry_ns && now_ns >= c->expiry_ns) {
		event(out, "mip6_expired", "\"bid\":%u", c->bid);
		tunnel(c, false, out);
	}
	switch (c->state) {
	case MN_MIP6_REGISTERING:
		/* 11.8: the timeout doubles up to MAX_BINDACK_TIMEOUT */
		c->timeout_ns *= 2;
		if (c->timeout_ns > MN_MIP6_MAX_TIMEOUT_NS)
			c->timeout_ns = MN_MIP6_MAX_TIMEOUT_NS;
		c->retransmissions++;
		event(out, "mip6_bu_retransmitted", "\"seq\":%u,\"timeout_ms\":%llu",
		      c->seq + 1u, (unsigned long long)(c->timeout_ns / 1000000));
		send_bu(c, c->cfg.lifetime_s, out);
		transition(c, MN_MIP6_REGISTERING, now_ns + c->timeout_ns, out);
		break;
	case MN_MIP6_REGISTERED:
	case MN_MIP6_FAILED:
		register_now(c, now_ns, out);
		break;
	case MN_MIP6_NO_COA:
		break;
	}
}

int mn_mip6_show(const struct mn_mip6 *c, uint64_t now_ns, char *out, size_t cap)
{
	char coa[INET6_ADDRSTRLEN] = "", hoa[INET6_ADDRSTRLEN], ha[INET6_ADDRSTRLEN];
	uint64_t left = c->expiry_ns > now_ns ? (c->expiry_ns - now_ns) / SEC : 0;

	if (c->has_coa)
		inet_ntop(AF_INET6, &c->coa, coa, sizeof(coa));
	inet_ntop(AF_INET6, &c->cfg.hoa, hoa, sizeof(hoa));
	inet_ntop(AF_INET6, &c->cfg.ha, ha, sizeof(ha));
	int n = snprintf(out, cap, "{\"iface\":\"%s\",\"state\":\"%s\",\"hoa\":\"%s\","
			 "\"coa\":\"%s\",\"ha\":\"%s\",\"bid\":%u,\"seq\":%u,\"tunnel\":%s,"
			 "\"granted_s\":%u,\"remaining_s\":%llu,\"bu_sent\":%llu,"
			 "\"ba_received\":%llu,\"rejections\":%llu,\"last_status\":%u}",
			 c->cfg.iface, mn_mip6_state_name(c->state), hoa, coa, ha, c->bid,
			 c->seq, c->tunnel ? "true" : "false", c->granted_s,
			 (unsigned long long)left, (unsigned long long)c->bu_sent,
			 (unsigned long long)c->ba_received,
			 (unsigned long long)c->rejections, c->last_status);
	return n < 0 || (size_t)n >= cap ? -1 : n;
}
