/*
 * mn_int.h - the MN engine's insides, shared by its files (engine, action
 * list, control answers) and by the unit tests. Not for the shell.
 */
#ifndef PMIPEMU_MN_INT_H
#define PMIPEMU_MN_INT_H

#include "mn.h"

struct mn {
	struct mn_cfg cfg;
	struct mn_iface ifc[MN_IFACE_MAX];
	size_t n_ifc;
	struct mn_stats stats;
	uint64_t deadline_ns;            /* last TIMER_SET sent */
};

struct mn_act *mn_act_push(struct mn_acts *acts, enum mn_act_type t);
/* mn_engine.c, for mn_addr.c: a rule action of interface i; re-point every
 * rule of i at its target's table; the end of every input (targets, timer). */
void mn_rule_act(struct mn *m, enum mn_act_type t, size_t i,
		 const struct in6_addr *prefix, uint8_t plen, uint32_t fwmark,
		 uint32_t table, struct mn_acts *acts);
void mn_sync_rules(struct mn *m, size_t i, struct mn_acts *acts);
int mn_done(struct mn *m, struct mn_acts *acts);
/* mn_flow_req.c: after an RA on interface i, the flow requests' RS when due. */
void mn_flow_ra(struct mn *m, size_t i, uint64_t now_ns, struct mn_acts *acts);
#define MN_FLOW_RS_PERIOD_NS (10 * 1000000000ull)   /* soft state: again after */
void mn_act_event(struct mn_acts *acts, enum mn_event ev, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void mn_act_log(struct mn_acts *acts, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* "2001:db8::/64" */
void mn_fmt_prefix(char *buf, size_t cap, const struct in6_addr *p, uint8_t plen);
/* a masked to plen bits */
void mn_prefix_mask(struct in6_addr *out, const struct in6_addr *a, uint8_t plen);
bool mn_prefix_covers(const struct in6_addr *p, uint8_t plen, const struct in6_addr *a);

#endif
