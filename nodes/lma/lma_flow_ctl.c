/*
 * lma_flow_ctl.c - the flow table on the control socket (section 3):
 * "flow add RULE", "flow del ID", "flow list" / "show flows", answered as
 * JSON; events for every change leave as actions.
 *
 * Pure: no socket, no clock; lma_io.c passes the line in and carries the
 * actions out. Must not: change rules other than through lma_flow_add/del
 * (which check them).
 */
#include "lma_int.h"
#include "lma_ctl.h"

#include <arpa/inet.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static size_t emit(json_object *o, char *out, size_t cap)
{
	const char *s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	size_t n = strlen(s);
	int rc;

	if (n < cap)
		rc = snprintf(out, cap, "%s", s);
	else
		rc = snprintf(out, cap, "{\"error\":\"answer too long (%zu bytes)\"}", n);
	json_object_put(o);
	return rc < 0 ? 0 : (size_t)rc < cap ? (size_t)rc : cap - 1;
}

static size_t answer(const char *key, const char *msg, uint32_t id, char *out, size_t cap)
{
	json_object *o = json_object_new_object();

	if (msg)
		json_object_object_add(o, key, json_object_new_string(msg));
	else
		json_object_object_add(o, key, json_object_new_int64(id));
	return emit(o, out, cap);
}

struct show_ctx {
	const struct lma *l;
	json_object *arr;
};

static json_object *target_json(const struct bce_prefix *x, const struct flow_target *t)
{
	json_object *o = json_object_new_object();
	const struct bce_session *s = x ? lma_flow_route(x, t) : NULL;

	json_object_object_add(o, "name", json_object_new_string(t->name));
	json_object_object_add(o, "weight", json_object_new_int(t->weight));
	json_object_object_add(o, "session", s ? json_object_new_int64((int64_t)s->id) : NULL);
	return o;
}

static void rule_json(void *arg, const struct flow_rule *r)
{
	struct show_ctx *c = arg;
	json_object *o = json_object_new_object(), *tg = json_object_new_array();
	char text[FLOW_RULE_TEXT_MAX + 64], sel[FLOW_SEL_TEXT_MAX + 64], p[64];
	const struct bce_prefix *x = bce_find_prefix(c->l->bc, &r->prefix, r->plen);

	flow_rule_format(r, text, sizeof(text));
	flow_sel_format(&r->sel, sel, sizeof(sel));
	lma_fmt_prefix(p, sizeof(p), &r->prefix, r->plen);
	json_object_object_add(o, "id", json_object_new_int64(r->id));
	json_object_object_add(o, "prefix", json_object_new_string(p));
	json_object_object_add(o, "prio", json_object_new_int(r->prio));
	json_object_object_add(o, "shared_by", json_object_new_int(x ? x->n_route : 0));
	json_object_object_add(o, "hits", json_object_new_int64((int64_t)r->hits));
	json_object_object_add(o, "selector", json_object_new_string(sel));
	json_object_object_add(o, "mode", json_object_new_string(flow_mode_name(r->mode)));
	json_object_object_add(o, "origin",
			       json_object_new_string(flow_origin_name(r->origin)));
	for (uint8_t i = 0; i < r->n_target; i++)
		json_object_array_add(tg, target_json(x, &r->target[i]));
	json_object_object_add(o, "targets", tg);
	json_object_object_add(o, "rule", json_object_new_string(text));
	json_object_array_add(c->arr, o);
}

int lma_show_flows(const struct lma *l, char *out, size_t cap)
{
	json_object *o = json_object_new_object();
	const struct flow_tab_stats *st = flow_tab_stats(l->flows);
	struct show_ctx c = { l, json_object_new_array() };

	flow_tab_foreach(l->flows, rule_json, &c);
	json_object_object_add(o, "flows", c.arr);
	json_object_object_add(o, "lookups", json_object_new_int64((int64_t)st->lookups));
	json_object_object_add(o, "cache_hits", json_object_new_int64((int64_t)st->cache_hits));
	json_object_object_add(o, "flow_routed", json_object_new_int64((int64_t)l->st.flow_routed));
	json_object_object_add(o, "flow_fallback",
			       json_object_new_int64((int64_t)l->st.flow_fallback));
	json_object_object_add(o, "flow_unrouted",
			       json_object_new_int64((int64_t)l->st.flow_unrouted));
	json_object_object_add(o, "flow_refused",
			       json_object_new_int64((int64_t)l->st.flow_refused));
	json_object_object_add(o, "flow_withdrawn",
			       json_object_new_int64((int64_t)l->st.flow_withdrawn));
	size_t n = emit(o, out, cap);
	return strncmp(out, "{\"error\"", 8) ? (int)n : -1;
}

static size_t flow_del(struct lma *l, const char *arg, char *out, size_t cap,
		       struct lma_actions *acts)
{
	char *e;
	unsigned long id = strtoul(arg, &e, 10);

	if (!*arg || *e || id == 0 || id > UINT32_MAX)
		return answer("error", "flow del takes a rule id", 0, out, cap);
	if (lma_flow_del(l, (uint32_t)id, acts) < 0)
		return answer("error", "no flow rule with this id", 0, out, cap);
	return answer("removed", NULL, (uint32_t)id, out, cap);
}

static size_t flow_add(struct lma *l, const char *text, char *out, size_t cap,
		       struct lma_actions *acts)
{
	struct flow_rule r;
	const char *why = NULL;

	if (flow_rule_parse(text, &r, &why) < 0 ||
	    lma_flow_add(l, &r, FLOW_ORIGIN_CTL, &why, acts) < 0)
		return answer("error", why, 0, out, cap);
	return answer("added", NULL, r.id, out, cap);
}

size_t lma_flow_ctl(struct lma *l, const char *line, char *out, size_t cap,
		    struct lma_actions *acts)
{
	while (*line == ' ' || *line == '\t')
		line++;
	if (!strcmp(line, "flow list") || !strcmp(line, "show flows")) {
		if (lma_show_flows(l, out, cap) < 0)
			return answer("error", "flows do not fit the answer", 0, out, cap);
		return strlen(out);
	}
	if (!strncmp(line, "flow add ", 9))
		return flow_add(l, line + 9, out, cap, acts);
	if (!strncmp(line, "flow del ", 9))
		return flow_del(l, line + 9, out, cap, acts);
	if (!strcmp(line, "flow") || !strncmp(line, "flow ", 5))
		return answer("error", "flow add RULE | flow del ID | flow list", 0, out, cap);
	return 0;
}
