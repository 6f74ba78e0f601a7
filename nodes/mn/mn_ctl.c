/*
 * mn_ctl.c - mnd's control commands: one request line in, one JSON
 * document out (doc/design.md "Run-time conventions"): show ifaces, show
 * rules, show stats, flow add|del, help.
 *
 * Owns: command parsing and the answers' JSON. Must not: read or write the
 * socket (nio_ctl does) or change the engine's state other than through
 * the engine's functions (flow add|del: mn_flow_sel_add/del).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <json-c/json.h>

#include "mn_int.h"
#include "mn_mip6.h"

static json_object *jstr(const char *s) { return json_object_new_string(s); }
static json_object *jint(int64_t v) { return json_object_new_int64(v); }

static json_object *prefix_json(const struct in6_addr *a, uint8_t plen)
{
	char s[INET6_ADDRSTRLEN + 8];
	mn_fmt_prefix(s, sizeof(s), a, plen);
	return jstr(s);
}

static json_object *iface_json(const struct mn *m, size_t i, uint64_t now_ns)
{
	const struct mn_iface *f = &m->ifc[i];
	json_object *o = json_object_new_object(), *addrs = json_object_new_array(),
		    *pfx = json_object_new_array();
	char r[INET6_ADDRSTRLEN];
	for (size_t k = 0; k < f->n_addr; k++)
		json_object_array_add(addrs, prefix_json(&f->addr[k].addr, f->addr[k].plen));
	for (size_t k = 0; k < MN_ADDR_MAX; k++)
		if (f->pfx[k].used)
			json_object_array_add(pfx, prefix_json(&f->pfx[k].prefix,
							       f->pfx[k].plen));
	json_object_object_add(o, "name", jstr(f->name));
	json_object_object_add(o, "ifindex", jint(f->ifindex));
	json_object_object_add(o, "carrier", json_object_new_boolean(f->carrier));
	json_object_object_add(o, "up", json_object_new_boolean(f->up));
	json_object_object_add(o, "usable", json_object_new_boolean(mn_iface_usable(m, i)));
	json_object_object_add(o, "addresses", addrs);
	json_object_object_add(o, "prefixes", pfx);
	if (f->has_router) {
		inet_ntop(AF_INET6, &f->router, r, sizeof(r));
		json_object_object_add(o, "router", jstr(r));
		json_object_object_add(o, "router_confirmed",
				       json_object_new_boolean(f->router_confirmed));
		json_object_object_add(o, "router_remaining_s",
				       jint(f->router_expiry_ns > now_ns ?
					    (int64_t)((f->router_expiry_ns - now_ns) / 1000000000ull) : 0));
	} else {
		json_object_object_add(o, "router", NULL);
	}
	json_object_object_add(o, "table", jint(f->table));
	json_object_object_add(o, "uplink", jstr(m->ifc[f->target].name));
	json_object_object_add(o, "mark", jint(mn_iface_mark(m, i)));
	return o;
}

static json_object *show_ifaces(const struct mn *m, uint64_t now_ns)
{
	json_object *o = json_object_new_object(), *a = json_object_new_array();
	for (size_t i = 0; i < m->n_ifc; i++)
		json_object_array_add(a, iface_json(m, i, now_ns));
	json_object_object_add(o, "fast_handover", json_object_new_boolean(m->cfg.fast_handover));
	json_object_object_add(o, "uplink_return", json_object_new_boolean(m->cfg.uplink_return));
	json_object_object_add(o, "ifaces", a);
	return o;
}

static json_object *rule_json(const struct mn *m, size_t i, const struct mn_prefix *p)
{
	json_object *o = json_object_new_object();
	const struct mn_iface *f = &m->ifc[i];
	if (p) {
		json_object_object_add(o, "from", prefix_json(&p->prefix, p->plen));
		json_object_object_add(o, "table", jint(p->rule_table));
		json_object_object_add(o, "prio", jint(m->cfg.rule_prio + i));
	} else {
		json_object_object_add(o, "fwmark", jint(mn_iface_mark(m, i)));
		json_object_object_add(o, "table", jint(f->mark_table));
		json_object_object_add(o, "prio", jint(m->cfg.mark_prio + i));
	}
	json_object_object_add(o, "iface", jstr(f->name));
	json_object_object_add(o, "uplink", jstr(m->ifc[f->target].name));
	return o;
}

static json_object *route_json(const struct mn_iface *f)
{
	json_object *o = json_object_new_object();
	char r[INET6_ADDRSTRLEN];
	inet_ntop(AF_INET6, &f->router, r, sizeof(r));
	json_object_object_add(o, "table", jint(f->table));
	json_object_object_add(o, "dst", jstr("::/0"));
	json_object_object_add(o, "via", jstr(r));
	json_object_object_add(o, "dev", jstr(f->name));
	return o;
}

static json_object *show_rules(const struct mn *m)
{
	json_object *o = json_object_new_object(), *rules = json_object_new_array(),
		    *routes = json_object_new_array(), *sel = json_object_new_array();
	for (size_t i = 0; i < m->n_ifc; i++) {
		const struct mn_iface *f = &m->ifc[i];
		if (f->mark_table)
			json_object_array_add(rules, rule_json(m, i, NULL));
		for (size_t k = 0; k < MN_ADDR_MAX; k++)
			if (f->pfx[k].used && f->pfx[k].rule_table)
				json_object_array_add(rules, rule_json(m, i, &f->pfx[k]));
		if (f->route_installed)
			json_object_array_add(routes, route_json(f));
	}
	for (size_t s = 0; s < m->cfg.n_sel; s++) {
		char t[MN_SEL_TEXT_MAX + 64];
		mn_selector_format(&m->cfg.sel[s], t, sizeof(t));
		json_object *x = json_object_new_object();
		json_object_object_add(x, "fid", jint((int64_t)s + 1));
		json_object_object_add(x, "selector", jstr(t));
		json_object_object_add(x, "removed", json_object_new_boolean(m->cfg.sel[s].removed));
		json_object_object_add(x, "hits", jint((int64_t)m->stats.sel_hits[s]));
		json_object_array_add(sel, x);
	}
	json_object_object_add(o, "rules", rules);
	json_object_object_add(o, "routes", routes);
	json_object_object_add(o, "flow_selectors", sel);
	return o;
}

static json_object *show_stats(const struct mn *m)
{
	const struct mn_stats *s = &m->stats;
	json_object *o = json_object_new_object(), *to = json_object_new_object();
#define ADD(name) json_object_object_add(o, #name, jint((int64_t)s->name))
	ADD(moves); ADD(returns); ADD(carrier_down); ADD(carrier_up);
	ADD(ra_accepted); ADD(ra_ignored); ADD(addr_added); ADD(addr_removed);
	ADD(addr_ignored); ADD(flows_classified); ADD(flows_unmatched);
	ADD(flows_fallback); ADD(flows_unusable); ADD(nl_errors); ADD(nfq_errors);
	ADD(nfq_bad_packets);
#undef ADD
	for (size_t i = 0; i < m->n_ifc; i++)
		json_object_object_add(to, m->ifc[i].name, jint((int64_t)s->flows_to[i]));
	json_object_object_add(o, "flows_to", to);
	return o;
}

static json_object *help(void)
{
	json_object *o = json_object_new_object(), *a = json_object_new_array();
	static const char *cmds[] = {
		"show ifaces", "show rules", "show stats", "show mip6",
		"flow add SELECTOR -> IFACE [fallback IFACE] [request [any]]",
		"flow del FID", "help",
	};
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		json_object_array_add(a, jstr(cmds[i]));
	json_object_object_add(o, "commands", a);
	return o;
}

static json_object *error(const char *msg)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "error", jstr(msg));
	return o;
}

/* Words separated by blanks; "show  ifaces" is "show ifaces". */
static bool is_cmd(const char *line, const char *w1, const char *w2)
{
	char a[32], b[32], c[2];
	int n = sscanf(line, " %31s %31s %1s", a, b, c);
	if (!w2)
		return n == 1 && !strcmp(a, w1);
	return n == 2 && !strcmp(a, w1) && !strcmp(b, w2);
}

/* "flow add RULE" -> {"added":FID}, "flow del FID" -> {"removed":FID}. */
static json_object *flow_cmd(struct mn *m, const char *line, struct mn_acts *acts,
			     uint64_t now_ns)
{
	const char *why = "usage: flow add RULE | flow del FID";
	const char *p = line + strspn(line, " \t") + 4;
	json_object *o;
	char *end;
	int fid = -1;

	p += strspn(p, " \t");
	if (!strncmp(p, "add", 3) && (p[3] == ' ' || p[3] == '\t')) {
		fid = mn_flow_sel_add(m, p + 4, now_ns, acts, &why);
	} else if (!strncmp(p, "del", 3) && (p[3] == ' ' || p[3] == '\t')) {
		unsigned long v = strtoul(p + 4, &end, 10);

		if (end != p + 4 && !*(end + strspn(end, " \t\r\n")) && v <= 0xffff &&
		    mn_flow_sel_del(m, (unsigned)v, now_ns, acts, &why) == 0)
			fid = (int)v;
		else if (end == p + 4 || *(end + strspn(end, " \t\r\n")))
			why = "flow del: FID is a number (show rules lists them)";
	}
	if (fid < 0)
		return error(why);
	o = json_object_new_object();
	json_object_object_add(o, p[0] == 'a' ? "added" : "removed", jint(fid));
	return o;
}

static bool is_flow_cmd(const char *line)
{
	const char *p = line + strspn(line, " \t");

	return !strncmp(p, "flow", 4) && (p[4] == ' ' || p[4] == '\t');
}

/* Appendix C: "show mip6" answers from the client Mobile IPv6 entry. */
void mn_ctl_handle_mip6(struct mn *m, const struct mn_mip6 *c, const char *line,
			struct mn_acts *acts, uint64_t now_ns, char *out, size_t cap)
{
	if (!is_cmd(line, "show", "mip6")) {
		mn_ctl_handle(m, line, acts, now_ns, out, cap);
		return;
	}
	if (!c)
		snprintf(out, cap, "{\"error\":\"no <mip6> client on this node\"}");
	else if (mn_mip6_show(c, now_ns, out, cap) < 0)
		snprintf(out, cap, "{\"error\":\"answer too long\"}");
}

void mn_ctl_handle(struct mn *m, const char *line, struct mn_acts *acts,
		   uint64_t now_ns, char *out, size_t cap)
{
	json_object *o;
	if (is_flow_cmd(line))
		o = flow_cmd(m, line, acts, now_ns);
	else if (is_cmd(line, "show", "ifaces"))
		o = show_ifaces(m, now_ns);
	else if (is_cmd(line, "show", "rules"))
		o = show_rules(m);
	else if (is_cmd(line, "show", "stats"))
		o = show_stats(m);
	else if (is_cmd(line, "help", NULL))
		o = help();
	else
		o = error("unknown command; try help");
	const char *s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
							  JSON_C_TO_STRING_NOSLASHESCAPE);
	if (cap) {
		if (strlen(s) < cap)
			strcpy(out, s);
		else
			snprintf(out, cap, "{\"error\":\"answer too long\"}");
	}
	json_object_put(o);
}
