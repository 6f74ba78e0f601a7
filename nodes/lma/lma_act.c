/*
 * lma_act.c - the LMA engine's actions and event texts, and the names of
 * its enums. Must not: carry anything out (lma_io.c does), read clocks.
 */
#include "lma_int.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *lma_status_name(unsigned status)
{
	switch (status) {
	case LMA_STATUS_INSUFFICIENT_RESOURCES: return "INSUFFICIENT_RESOURCES";
	case LMA_STATUS_SEQ_OUT_OF_WINDOW: return "SEQUENCE_NUMBER_OUT_OF_WINDOW";
	case LMA_STATUS_HOME_REG_NOT_SUPPORTED: return "HOME_REGISTRATION_NOT_SUPPORTED";
	case LMA_STATUS_NOT_HOME_SUBNET: return "NOT_HOME_SUBNET";
	case LMA_STATUS_NOT_HA_FOR_THIS_MN: return "NOT_HOME_AGENT_FOR_THIS_MOBILE_NODE";
	case LMA_STATUS_MCOA_PROHIBITED: return "MCOA_PROHIBITED";
	}
	return pba_status_name(status);
}

const char *lma_action_type_name(enum lma_action_type t)
{
	switch (t) {
	case LMA_ACT_SEND_PBA: return "LMA_ACT_SEND_PBA";
	case LMA_ACT_ROUTE_ADD: return "LMA_ACT_ROUTE_ADD";
	case LMA_ACT_ROUTE_DEL: return "LMA_ACT_ROUTE_DEL";
	case LMA_ACT_TIMER_SET: return "LMA_ACT_TIMER_SET";
	case LMA_ACT_EVENT: return "LMA_ACT_EVENT";
	case LMA_ACT_LOG: return "LMA_ACT_LOG";
	}
	return "LMA_ACT_UNKNOWN";
}

const char *lma_event_name(enum lma_event e)
{
	switch (e) {
	case LMA_EV_PBU_RECEIVED: return "pbu_received";
	case LMA_EV_PBA_SENT: return "pba_sent";
	case LMA_EV_BCE_CREATED: return "bce_created";
	case LMA_EV_BCE_REFRESHED: return "bce_refreshed";
	case LMA_EV_BCE_HANDOFF: return "bce_handoff";
	case LMA_EV_BCE_DEREGISTERED: return "bce_deregistered";
	case LMA_EV_BCE_DELETED: return "bce_deleted";
	case LMA_EV_BCE_PENDING: return "bce_pending";
	case LMA_EV_BCE_DORMANT_ACTIVATED: return "bce_dormant_activated";
	case LMA_EV_BCE_DORMANT_RESTORED: return "bce_dormant_restored";
	case LMA_EV_DORMANT_INSTALLED: return "dormant_installed";
	case LMA_EV_HACK_RECEIVED: return "hack_received";
	case LMA_EV_BRI_SENT: return "bri_sent";
	case LMA_EV_BRA_RECEIVED: return "bra_received";
	case LMA_EV_UPN_SENT: return "upn_sent";
	case LMA_EV_UPA_RECEIVED: return "upa_received";
	case LMA_EV_UPN_UNANSWERED: return "upn_unanswered";
	case LMA_EV_BRI_RECEIVED: return "bri_received";
	case LMA_EV_MAG_RESTARTED: return "mag_restarted";
	case LMA_EV_BRI_UNANSWERED: return "bri_unanswered";
	case LMA_EV_FLOW_ADDED: return "flow_added";
	case LMA_EV_FLOW_REMOVED: return "flow_removed";
	case LMA_EV_FLOW_REFUSED: return "flow_refused";
	case LMA_EV_BU_RECEIVED: return "bu_received";
	case LMA_EV_BA_SENT: return "ba_sent";
	case LMA_EV_BCE_OVERWRITTEN: return "bce_overwritten";
	case LMA_EV_BID_COLLISION: return "bid_collision";
	case LMA_EV_BID_ASSIGNED: return "bid_assigned";
	}
	return "unknown";
}

const char *lma_drop_name(enum lma_drop d)
{
	switch (d) {
	case LMA_DROP_NO_BINDING: return "no_binding";
	case LMA_DROP_DEREGISTERED: return "deregistered";
	case LMA_DROP_WRONG_PROXY_COA: return "wrong_proxy_coa";
	case LMA_DROP_UNKNOWN_SOURCE: return "unknown_source";
	case LMA_DROP_MAX: break;
	}
	return "unknown";
}

const char *lma_plan_name(enum lma_plan p)
{
	switch (p) {
	case LMA_PLAN_REJECT: return "LMA_PLAN_REJECT";
	case LMA_PLAN_NEW: return "LMA_PLAN_NEW";
	case LMA_PLAN_UPDATE: return "LMA_PLAN_UPDATE";
	case LMA_PLAN_MOVE: return "LMA_PLAN_MOVE";
	case LMA_PLAN_DEREG: return "LMA_PLAN_DEREG";
	case LMA_PLAN_NOOP_DEREG: return "LMA_PLAN_NOOP_DEREG";
	case LMA_PLAN_WAIT: return "LMA_PLAN_WAIT";
	case LMA_PLAN_SET: return "LMA_PLAN_SET";
	}
	return "LMA_PLAN_UNKNOWN";
}

/* ---- the action array -------------------------------------------------------- */

void lma_actions_init(struct lma_actions *a)
{
	memset(a, 0, sizeof(*a));
}

void lma_actions_clear(struct lma_actions *a)
{
	a->n = 0;
	a->overflow = false;
}

void lma_actions_fini(struct lma_actions *a)
{
	free(a->v);
	memset(a, 0, sizeof(*a));
}

static struct lma_action *act_push(struct lma_actions *a, enum lma_action_type t)
{
	if (a->n == a->cap) {
		size_t ncap = a->cap ? a->cap * 2 : 16;
		struct lma_action *v = realloc(a->v, ncap * sizeof(*v));

		if (!v) {
			a->overflow = true;
			return NULL;
		}
		a->v = v;
		a->cap = ncap;
	}
	struct lma_action *x = &a->v[a->n++];

	x->type = t;
	return x;
}

/* ---- formatting ----------------------------------------------------------------- */

void lma_json_str(char *out, size_t cap, const uint8_t *s, size_t len)
{
	size_t o = 0;

	if (cap < 3) {
		if (cap)
			out[0] = '\0';
		return;
	}
	out[o++] = '"';
	for (size_t i = 0; i < len && o + 8 < cap; i++) {
		uint8_t c = s[i];

		if (c == '"' || c == '\\')
			o += (size_t)snprintf(out + o, cap - o, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			o += (size_t)snprintf(out + o, cap - o, "\\u%04x", c);
		else
			out[o++] = (char)c;
	}
	out[o++] = '"';
	out[o] = '\0';
}

void lma_fmt_ll_id(char *out, size_t cap, const uint8_t *ll, size_t len)
{
	size_t o = 0;

	out[0] = '\0';
	for (size_t i = 0; i < len && o + 4 < cap; i++)
		o += (size_t)snprintf(out + o, cap - o, i ? ":%02x" : "%02x", ll[i]);
}

void lma_fmt_prefix(char *out, size_t cap, const struct in6_addr *p, uint8_t len)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(AF_INET6, p, a, sizeof(a));
	snprintf(out, cap, "%s/%u", a, len);
}

static size_t fmt_hnps(char *out, size_t cap, const struct bce_session *s)
{
	size_t o = (size_t)snprintf(out, cap, "[");

	for (uint8_t i = 0; i < s->n_prefix && o + 60 < cap; i++) {
		char p[64];

		lma_fmt_prefix(p, sizeof(p), &s->prefix[i]->prefix, s->prefix[i]->len);
		o += (size_t)snprintf(out + o, cap - o, "%s\"%s\"", i ? "," : "", p);
	}
	o += (size_t)snprintf(out + o, cap - o, "]");
	return o;
}

const char *lma_session_fields(const struct bce_session *s, char *buf, size_t len)
{
	char id[2 * MH_MN_ID_MAX + 8], ll[64], coa[INET6_ADDRSTRLEN], hnps[512];
	char svc[2 * MH_SERVICE_MAX + 8] = "null";

	lma_json_str(id, sizeof(id), s->mn->id, s->mn->id_len);
	if (s->service_len)
		lma_json_str(svc, sizeof(svc), s->service, s->service_len);
	lma_fmt_ll_id(ll, sizeof(ll), s->ll_id, s->ll_id_len);
	inet_ntop(AF_INET6, &s->proxy_coa, coa, sizeof(coa));
	fmt_hnps(hnps, sizeof(hnps), s);
	snprintf(buf, len, "\"session\":%llu,\"mn_id\":%s,\"ll_id\":\"%s\",\"att\":%u,"
		 "\"bid\":%u,\"service\":%s,\"proxy_coa\":\"%s\",\"hnp\":%s,\"lifetime_s\":%u,"
		 "\"seq\":%u,\"kind\":\"%s\"", (unsigned long long)s->id, id, ll, s->att, s->bid,
		 svc, coa, hnps, s->lifetime_s, s->seq, bce_kind_name(s->kind));
	return buf;
}

/* ---- actions ------------------------------------------------------------------- */

void lma_act_event(struct lma_actions *a, enum lma_event ev, const char *fmt, ...)
{
	struct lma_action *x = act_push(a, LMA_ACT_EVENT);
	va_list ap;

	if (!x)
		return;
	x->event.ev = ev;
	int n = snprintf(x->event.json, sizeof(x->event.json), "{\"ev\":\"%s\",",
			 lma_event_name(ev));
	va_start(ap, fmt);
	vsnprintf(x->event.json + n, sizeof(x->event.json) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	strcat(x->event.json, "}");
}

void lma_act_log(struct lma_actions *a, const char *fmt, ...)
{
	struct lma_action *x = act_push(a, LMA_ACT_LOG);
	va_list ap;

	if (!x)
		return;
	va_start(ap, fmt);
	vsnprintf(x->event.json, sizeof(x->event.json), fmt, ap);
	va_end(ap);
}

void lma_act_pba(struct lma *l, struct lma_actions *a, const struct in6_addr *dst,
		 const struct mh_msg *pba)
{
	struct lma_action *x = act_push(a, LMA_ACT_SEND_PBA);
	char id[2 * MH_MN_ID_MAX + 8] = "null", peer[INET6_ADDRSTRLEN];

	if (!x)
		return;
	x->pba.dst = *dst;
	x->pba.has_rh2 = false;
	x->pba.msg = *pba;
	l->st.pba_sent++;
	l->st.pba_status[pba->status]++;
	if (pba->has_mn_id)
		lma_json_str(id, sizeof(id), pba->mn_id, pba->mn_id_len);
	inet_ntop(AF_INET6, dst, peer, sizeof(peer));
	lma_act_event(a, LMA_EV_PBA_SENT,
		      "\"mn_id\":%s,\"status\":%u,\"status_name\":\"%s\",\"seq\":%u,"
		      "\"lifetime_s\":%u,\"groups\":%u,\"peer\":\"%s\"",
		      id, pba->status, lma_status_name(pba->status), pba->seq,
		      pba->lifetime * 4u, pba->n_groups, peer);
}

/* Any other Mobility Header message (the appendix D HI): same action. */
void lma_act_send_mh(struct lma_actions *a, const struct in6_addr *dst,
		     const struct mh_msg *m)
{
	struct lma_action *x = act_push(a, LMA_ACT_SEND_PBA);

	if (!x)
		return;
	x->pba.dst = *dst;
	x->pba.has_rh2 = false;
	x->pba.msg = *m;
}

void lma_act_route(struct lma_actions *a, enum lma_action_type t,
		   const struct bce_prefix *x, const struct in6_addr *peer)
{
	struct lma_action *r = act_push(a, t);

	if (!r)
		return;
	r->route.prefix.prefix = x->prefix;
	r->route.prefix.len = x->len;
	if (peer)
		r->route.peer = *peer;
	else
		memset(&r->route.peer, 0, sizeof(r->route.peer));
}

/* ROUTE_ADD for each prefix whose downlink is s (after a change). */
void lma_act_routes(struct lma_actions *a, const struct bce_session *s)
{
	for (uint8_t i = 0; i < s->n_prefix; i++) {
		const struct bce_session *d = bce_prefix_downlink(s->prefix[i]);

		if (d)
			lma_act_route(a, LMA_ACT_ROUTE_ADD, s->prefix[i], &d->proxy_coa);
	}
}

void lma_act_timer(struct lma *l, struct lma_actions *a)
{
	uint64_t d = lma_next_deadline(l);

	if (d == l->announced_ns)
		return;
	struct lma_action *x = act_push(a, LMA_ACT_TIMER_SET);

	if (!x)
		return;
	x->deadline_ns = d;
	l->announced_ns = d;
}
