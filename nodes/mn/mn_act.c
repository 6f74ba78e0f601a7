/*
 * mn_act.c - the MN engine's output: the action list, event and log text,
 * prefix helpers, and the names of the engine's enums.
 *
 * Owns: struct mn_acts filling and formatting. Must not: carry out an
 * action (mn_io.c does), read clocks, or hold policy state.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

#include "mn_int.h"

const char *mn_act_type_name(enum mn_act_type t)
{
	switch (t) {
	case MN_ACT_ROUTE_ADD: return "ROUTE_ADD";
	case MN_ACT_ROUTE_DEL: return "ROUTE_DEL";
	case MN_ACT_RULE_ADD: return "RULE_ADD";
	case MN_ACT_RULE_DEL: return "RULE_DEL";
	case MN_ACT_TIMER_SET: return "TIMER_SET";
	case MN_ACT_EVENT: return "EVENT";
	case MN_ACT_LOG: return "LOG";
	case MN_ACT_SEND_FLOW_RS: return "SEND_FLOW_RS";
	}
	return "UNKNOWN";
}

const char *mn_event_name(enum mn_event e)
{
	switch (e) {
	case MN_EV_IFACE_UP: return "mn_iface_up";
	case MN_EV_IFACE_DOWN: return "mn_iface_down";
	case MN_EV_PREFIX_ADDED: return "mn_prefix_added";
	case MN_EV_PREFIX_REMOVED: return "mn_prefix_removed";
	case MN_EV_ROUTER_LEARNED: return "mn_router_learned";
	case MN_EV_ROUTER_LOST: return "mn_router_lost";
	case MN_EV_UPLINK_MOVED: return "mn_uplink_moved";
	case MN_EV_UPLINK_RETURNED: return "mn_uplink_returned";
	case MN_EV_FLOW_REQUESTED: return "mn_flow_requested";
	}
	return "unknown";
}

void mn_acts_reset(struct mn_acts *acts)
{
	acts->n = 0;
	acts->overflow = 0;
}

struct mn_act *mn_act_push(struct mn_acts *acts, enum mn_act_type t)
{
	static struct mn_act sink;       /* absorbs writes when the list is full */
	if (acts->n >= MN_ACTS_MAX) {
		acts->overflow++;
		memset(&sink, 0, sizeof(sink));
		return &sink;
	}
	struct mn_act *a = &acts->a[acts->n++];
	memset(a, 0, sizeof(*a));
	a->type = t;
	return a;
}

void mn_act_event(struct mn_acts *acts, enum mn_event ev, const char *fmt, ...)
{
	struct mn_act *a = mn_act_push(acts, MN_ACT_EVENT);
	va_list ap;
	a->ev = ev;
	va_start(ap, fmt);
	vsnprintf(a->text, sizeof(a->text), fmt, ap);
	va_end(ap);
}

void mn_act_log(struct mn_acts *acts, const char *fmt, ...)
{
	struct mn_act *a = mn_act_push(acts, MN_ACT_LOG);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(a->text, sizeof(a->text), fmt, ap);
	va_end(ap);
}

void mn_fmt_prefix(char *buf, size_t cap, const struct in6_addr *p, uint8_t plen)
{
	char s[INET6_ADDRSTRLEN];
	inet_ntop(AF_INET6, p, s, sizeof(s));
	snprintf(buf, cap, "%s/%u", s, plen);
}

void mn_prefix_mask(struct in6_addr *out, const struct in6_addr *a, uint8_t plen)
{
	*out = *a;
	for (unsigned i = 0; i < 16; i++) {
		unsigned bits = plen > i * 8 ? plen - i * 8 : 0;
		if (bits >= 8)
			continue;
		out->s6_addr[i] &= (uint8_t)(0xff00u >> bits);
	}
}

bool mn_prefix_covers(const struct in6_addr *p, uint8_t plen, const struct in6_addr *a)
{
	struct in6_addr m;
	if (plen > 128)
		return false;
	mn_prefix_mask(&m, a, plen);
	return memcmp(&m, p, sizeof(m)) == 0;
}
