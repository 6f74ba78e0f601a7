/*
 * mn_cfg.c - mnd's configuration: defaults, what a topology mn node gives
 * (its interfaces, <pmip fast-handover>), and the checks the engine relies
 * on.
 *
 * Owns: struct mn_cfg. Must not: read files other than through the
 * topology model, or touch the system.
 */
#include <stdio.h>
#include <string.h>

#include "mn_int.h"
#include "topo/topo.h"

void mn_cfg_defaults(struct mn_cfg *c)
{
	memset(c, 0, sizeof(*c));
	c->fast_handover = false;        /* RFC 5213 baseline unless asked */
	c->uplink_return = true;
	c->table_base = 100;
	c->rule_prio = 1000;
	c->mark_prio = 900;              /* flow marks before source rules */
	c->mark_base = 0x100;
}

int mn_cfg_from_topo(struct mn_cfg *c, const struct topo_node *n, const char **why)
{
	if (n->kind != TOPO_NODE_MN) {
		*why = "not an mn node";
		return -1;
	}
	if (n->n_ifaces > MN_IFACE_MAX) {
		*why = "too many interfaces (at most 8)";
		return -1;
	}
	for (size_t i = 0; i < n->n_ifaces; i++) {
		size_t len = strlen(n->ifaces[i].name);
		if (len >= MN_IFNAME_MAX) {
			*why = "interface name longer than 15 characters";
			return -1;
		}
		memcpy(c->ifname[i], n->ifaces[i].name, len + 1);
	}
	c->n_iface = n->n_ifaces;
	c->fast_handover = n->pmip.present && n->pmip.fast_handover;
	if (n->pmip.present)
		c->uplink_return = n->pmip.fast_handover_return;
	/* <flow-policy>: the MN's uplink selectors (section 3), before -F */
	if (n->pmip.n_flows > MN_SEL_MAX) {
		*why = "too many <flow> selectors";
		return -1;
	}
	for (size_t i = 0; i < n->pmip.n_flows; i++)
		if (mn_selector_parse(n->pmip.flows[i].text, &c->sel[i], why) < 0)
			return -1;
	c->n_sel = n->pmip.n_flows;
	return 0;
}

static int iface_index(const struct mn_cfg *c, const char *name)
{
	for (size_t i = 0; i < c->n_iface; i++)
		if (!strcmp(c->ifname[i], name))
			return (int)i;
	return -1;
}

static int check_selectors(const struct mn_cfg *c, const char **why)
{
	for (size_t i = 0; i < c->n_sel; i++) {
		const struct mn_selector *s = &c->sel[i];
		if (iface_index(c, s->iface) < 0) {
			*why = "a flow selector names an interface the node does not have";
			return -1;
		}
		if (s->fallback[0] && iface_index(c, s->fallback) < 0) {
			*why = "a flow selector's fallback is not an interface of the node";
			return -1;
		}
	}
	return 0;
}

int mn_cfg_check(const struct mn_cfg *c, const char **why)
{
	if (c->n_iface == 0 || c->n_iface > MN_IFACE_MAX) {
		*why = "an mn node needs 1 to 8 interfaces";
		return -1;
	}
	for (size_t i = 0; i < c->n_iface; i++) {
		if (!c->ifname[i][0] || iface_index(c, c->ifname[i]) != (int)i) {
			*why = "interface names must be given once each";
			return -1;
		}
	}
	/* tables 253-255 are the kernel's default/main/local (rtnetlink.h) */
	if (c->table_base == 0 ||
	    (c->table_base <= 255 && c->table_base + c->n_iface > 252)) {
		*why = "tables table_base.. must avoid 0 and 253-255";
		return -1;
	}
	if (c->rule_prio == 0 || c->mark_prio == 0 ||
	    c->mark_prio + c->n_iface > c->rule_prio || c->rule_prio > 32000) {
		*why = "priorities: 0 < mark_prio, mark_prio + interfaces <= rule_prio <= 32000";
		return -1;
	}
	if (c->mark_base == 0 || c->mark_base > UINT32_MAX - MN_IFACE_MAX - 1) {
		*why = "mark_base must be nonzero (0 means unmarked)";
		return -1;
	}
	if (c->n_sel > MN_SEL_MAX) {
		*why = "too many flow selectors";
		return -1;
	}
	return check_selectors(c, why);
}
