/*
 * report_events.c - events.jsonl (written by evlog.c) digested for the
 * timeline: time, name, node, a short label, and whether it is a timeline
 * event (a line across the plot), a daemon event (a tick) or bookkeeping
 * (not drawn). Malformed lines are skipped: the log is evidence, not input
 * to trust.
 */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

static const char *const ev_class_names[] = {
	[REPORT_EV_MAJOR] = "major",
	[REPORT_EV_TICK] = "tick",
	[REPORT_EV_HIDDEN] = "hidden",
};

const char *report_ev_class_name(enum report_ev_class c)
{
	if ((unsigned)c < sizeof ev_class_names / sizeof ev_class_names[0])
		return ev_class_names[c];
	return "?";
}

static enum report_ev_class classify(const char *ev)
{
	static const char *const major[] = {
		"link_down", "link_up", "impair", "move", "move_detach",
		"move_attach", "exec", "exec_start", "exec_done",
		/* appendix D fast handover: the MAG's activation (the instant
		 * it saw the carrier loss) and return, the LMA's switch */
		"dormant_activated", "dormant_returned",
		"bce_dormant_activated", "bce_dormant_restored",
		/* sections 2.1, 2.2: the timeline's <session> and <prefix> */
		"session", "prefix",
	};
	static const char *const hidden[] = {
		"process_start", "process_exit", "stop_kill", "log",
	};
	for (size_t i = 0; i < sizeof major / sizeof major[0]; i++)
		if (strcmp(ev, major[i]) == 0)
			return REPORT_EV_MAJOR;
	for (size_t i = 0; i < sizeof hidden / sizeof hidden[0]; i++)
		if (strcmp(ev, hidden[i]) == 0)
			return REPORT_EV_HIDDEN;
	if (strncmp(ev, "run_", 4) == 0)
		return REPORT_EV_HIDDEN;
	return REPORT_EV_TICK;
}

static const char *str_field(json_object *o, const char *key)
{
	json_object *v;
	if (json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string))
		return json_object_get_string(v);
	return NULL;
}

/* "link_down l1", "move_attach mn1:eth0 -> l2", "mag1 pba_received status=0" */
static void make_label(struct report_event *e, json_object *o)
{
	static const char *const keys[] = { "link", "name", "id", "mn_id", "mn", "hnp", "prefix" };
	const char *iface = str_field(o, "iface"), *to = str_field(o, "to");
	size_t n = (size_t)snprintf(e->label, sizeof e->label, "%s%s%s",
				    e->cls == REPORT_EV_TICK ? e->node : "",
				    e->cls == REPORT_EV_TICK && e->node[0] ? " " : "", e->ev);
	if (iface && n < sizeof e->label)
		n += (size_t)snprintf(e->label + n, sizeof e->label - n, " %s:%s%s%s",
				      e->node, iface, to ? " -> " : "", to ? to : "");
	for (size_t i = 0; i < sizeof keys / sizeof keys[0] && n < sizeof e->label; i++) {
		const char *v = str_field(o, keys[i]);
		if (v)
			n += (size_t)snprintf(e->label + n, sizeof e->label - n, " %s", v);
	}
	/* <session>/<prefix>: the control command the run sent, e.g.
	 * "mag2: prefix take 02:00:00:00:aa:02 2001:db8:100:2::/64" */
	const char *cmd = str_field(o, "command");
	if (cmd && (!strcmp(e->ev, "session") || !strcmp(e->ev, "prefix")) && n < sizeof e->label)
		n += (size_t)snprintf(e->label + n, sizeof e->label - n, " %s: %s", e->node, cmd);
	/* the LMA's flow rules (lma_flow.c): who set it and the rule itself,
	 * e.g. "lma flow_added policy hnp 2001:db8:100:1::/64 ... -> if2" */
	const char *origin = str_field(o, "origin"), *rule = str_field(o, "rule");
	if (!strncmp(e->ev, "flow_", 5) && rule && n < sizeof e->label)
		n += (size_t)snprintf(e->label + n, sizeof e->label - n, " %s%s%s",
				      origin ? origin : "", origin ? " " : "", rule);
	json_object *st;
	if (json_object_object_get_ex(o, "status", &st) && n < sizeof e->label &&
	    json_object_is_type(st, json_type_int))
		snprintf(e->label + n, sizeof e->label - n, " status=%d", json_object_get_int(st));
}

static int parse_line(const char *line, struct report_event *e)
{
	json_object *o = json_tokener_parse(line), *t;
	const char *ev, *node;
	if (!o)
		return -1;
	if (!json_object_object_get_ex(o, "t", &t) ||
	    !(json_object_is_type(t, json_type_double) || json_object_is_type(t, json_type_int)) ||
	    !(ev = str_field(o, "ev"))) {
		json_object_put(o);
		return -1;
	}
	node = str_field(o, "node");
	memset(e, 0, sizeof *e);
	e->t_s = json_object_get_double(t);
	snprintf(e->ev, sizeof e->ev, "%s", ev);
	snprintf(e->node, sizeof e->node, "%s", node ? node : "");
	e->cls = classify(e->ev);
	make_label(e, o);
	json_object_put(o);
	return 0;
}

static int cmp_event(const void *a, const void *b)
{
	const struct report_event *x = a, *y = b;
	return (x->t_s > y->t_s) - (x->t_s < y->t_s);
}

int report_load_events(struct report *r, const char *path)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0, n_cap = 0;
	struct report_event e;
	if (!f)
		return 0;               /* no events: nothing to draw */
	while (getline(&line, &cap, f) > 0) {
		if (parse_line(line, &e) < 0)
			continue;
		if (r->n_events == n_cap) {
			n_cap = n_cap ? n_cap * 2 : 64;
			struct report_event *v = realloc(r->events, n_cap * sizeof *v);
			if (!v) {
				free(line);
				fclose(f);
				return -1;
			}
			r->events = v;
		}
		r->events[r->n_events++] = e;
	}
	free(line);
	fclose(f);
	if (r->n_events)   /* evlog writes in order; sort anyway, timestamps rule */
		qsort(r->events, r->n_events, sizeof *r->events, cmp_event);
	return 0;
}
