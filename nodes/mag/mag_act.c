/*
 * mag_act.c - the MAG engine's output: the action list, event and log text
 * (JSON members, escaped), and the names of the engine's enums.
 *
 * Owns: struct mag_acts filling and formatting. Must not: carry out an
 * action (mag_io.c does), read clocks, or hold protocol state.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

#include "pmip/hex.h"
#include "mag_int.h"

const char *mag_act_type_name(enum mag_act_type t)
{
	switch (t) {
	case MAG_ACT_SEND_PBU: return "SEND_PBU";
	case MAG_ACT_ROUTE_ADD: return "ROUTE_ADD";
	case MAG_ACT_ROUTE_DEL: return "ROUTE_DEL";
	case MAG_ACT_SEND_RA: return "SEND_RA";
	case MAG_ACT_TIMER_SET: return "TIMER_SET";
	case MAG_ACT_EVENT: return "EVENT";
	case MAG_ACT_LOG: return "LOG";
	}
	return "UNKNOWN";
}

const char *mag_event_name(enum mag_event e)
{
	switch (e) {
	case MAG_EV_PBU_SENT: return "pbu_sent";
	case MAG_EV_PBA_RECEIVED: return "pba_received";
	case MAG_EV_BUL_CREATED: return "bul_created";
	case MAG_EV_BUL_REFRESHED: return "bul_refreshed";
	case MAG_EV_BUL_DELETED: return "bul_deleted";
	case MAG_EV_MN_ATTACHED: return "mn_attached";
	case MAG_EV_MN_DETACHED: return "mn_detached";
	case MAG_EV_RA_SENT: return "ra_sent";
	case MAG_EV_PBU_GIVE_UP: return "pbu_give_up";
	case MAG_EV_MN_UNKNOWN: return "mn_unknown";
	case MAG_EV_BUL_HANDOFF: return "bul_handoff";
	case MAG_EV_BRI_RECEIVED: return "bri_received";
	case MAG_EV_BRI_SENT: return "bri_sent";
	case MAG_EV_BRA_RECEIVED: return "bra_received";
	case MAG_EV_UPN_RECEIVED: return "upn_received";
	case MAG_EV_FLOW_ANSWERED: return "flow_answered";
	case MAG_EV_FLOW_WITHDRAWN: return "flow_withdrawn";
	case MAG_EV_PATH_DOWN: return "path_down";
	case MAG_EV_PATH_UP: return "path_up";
	case MAG_EV_LMA_RESTARTED: return "lma_restarted";
	case MAG_EV_SESSION_ADDED: return "session_added";
	case MAG_EV_SESSION_DELETED: return "session_deleted";
	}
	return "unknown";
}

const char *mag_txn_kind_name(enum mag_txn_kind k)
{
	switch (k) {
	case MAG_TXN_REG: return "registration";
	case MAG_TXN_REREG: return "re-registration";
	case MAG_TXN_DEREG: return "de-registration";
	case MAG_TXN_HANDOFF: return "handoff";
	}
	return "unknown";
}

void mag_acts_reset(struct mag_acts *acts)
{
	acts->n = 0;
	acts->n_pbu = 0;
	acts->overflow = 0;
}

struct mag_act *mag_act_push(struct mag_acts *acts, enum mag_act_type t)
{
	if (acts->n >= MAG_ACTS_MAX) {
		acts->overflow++;
		return NULL;
	}
	struct mag_act *a = &acts->a[acts->n++];
	memset(a, 0, sizeof(*a));
	a->type = t;
	return a;
}

struct mh_msg *mag_act_push_pbu(struct mag_acts *acts, const struct in6_addr *dst)
{
	if (acts->n_pbu >= MAG_ACTS_PBU_MAX) {
		acts->overflow++;
		return NULL;
	}
	struct mag_act *a = mag_act_push(acts, MAG_ACT_SEND_PBU);
	if (!a)
		return NULL;
	a->peer = *dst;
	a->pbu_idx = (unsigned)acts->n_pbu;
	struct mh_msg *m = &acts->pbu[acts->n_pbu++];
	memset(m, 0, sizeof(*m));
	m->type = MH_TYPE_BU;
	m->payload_proto = 59;          /* IPPROTO_NONE (RFC 6275 6.1.1) */
	m->n_groups = 1;
	return m;
}

void mag_act_event(struct mag_acts *acts, enum mag_event ev, const char *fmt, ...)
{
	struct mag_act *a = mag_act_push(acts, MAG_ACT_EVENT);
	if (!a)
		return;
	a->ev = ev;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(a->text, sizeof(a->text), fmt, ap);
	va_end(ap);
}

void mag_act_log(struct mag_acts *acts, const char *fmt, ...)
{
	struct mag_act *a = mag_act_push(acts, MAG_ACT_LOG);
	if (!a)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(a->text, sizeof(a->text), fmt, ap);
	va_end(ap);
}

/* A JSON string literal (with quotes); control characters escaped as \u. */
void mag_json_str(char *buf, size_t cap, const char *s)
{
	size_t o = 0;
	if (cap < 3) {
		if (cap)
			buf[0] = 0;
		return;
	}
	buf[o++] = '"';
	for (; *s && o + 8 < cap; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\') {
			buf[o++] = '\\';
			buf[o++] = (char)c;
		} else if (c < 0x20 || c == 0x7f) {
			o += (size_t)snprintf(buf + o, cap - o, "\\u%04x", c);
		} else {
			buf[o++] = (char)c;
		}
	}
	buf[o++] = '"';
	buf[o] = 0;
}

/* ["2001:db8::/64",...] */
void mag_fmt_prefixes(char *buf, size_t cap, const struct mh_prefix *p, unsigned n)
{
	size_t o = 0;
	char a[INET6_ADDRSTRLEN];
	o += (size_t)snprintf(buf, cap, "[");
	for (unsigned i = 0; i < n && o < cap; i++) {
		inet_ntop(AF_INET6, &p[i].prefix, a, sizeof(a));
		o += (size_t)snprintf(buf + o, cap - o, "%s\"%s/%u\"",
				      i ? "," : "", a, p[i].len);
	}
	if (o < cap)
		snprintf(buf + o, cap - o, "]");
}

void mag_fmt_mac(char *buf, size_t cap, const uint8_t mac[6])
{
	snprintf(buf, cap, "%02x:%02x:%02x:%02x:%02x:%02x",
		 mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
}

int mag_parse_mac(const char *s, uint8_t mac[6])
{
	for (int i = 0; i < 6; i++) {
		int hi = hex_digit(s[0]), lo = hi < 0 ? -1 : hex_digit(s[1]);
		if (hi < 0 || lo < 0)
			return -1;
		mac[i] = (uint8_t)(hi << 4 | lo);
		s += 2;
		if (i < 5 && *s++ != ':')
			return -1;
	}
	return *s ? -1 : 0;
}
