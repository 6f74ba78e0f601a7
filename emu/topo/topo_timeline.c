/*
 * topo_timeline.c - the timeline, played statically: events sorted by time
 * (stable: same time keeps file order), the run's duration, events naming
 * what exists, interfaces moved only onto free link ends, and timeline
 * <impair> patches resolved to the full impairment set in force.
 *
 * Default duration (no duration= on <topology>): the latest of every event
 * time (a move's plus its gap), flow stop and process start/stop, plus 1 s.
 * Must not: touch the system or read a clock.
 */
#include "topo_int.h"

#include <stdlib.h>
#include <string.h>

#include "units.h"

#define TOPO_DURATION_TAIL_NS 1000000000ULL

static void topo_sort_events(struct topo_pctx *c)
{
	struct topology *t = c->t;

	/* Insertion sort: stable, and timelines are short. */
	for (size_t i = 1; i < t->n_events; i++) {
		struct topo_event e = t->events[i];
		struct topo_patch p[2] = { c->ev_patch[i][0], c->ev_patch[i][1] };
		size_t j = i;

		for (; j > 0 && t->events[j - 1].at_ns > e.at_ns; j--) {
			t->events[j] = t->events[j - 1];
			memcpy(c->ev_patch[j], c->ev_patch[j - 1], sizeof(c->ev_patch[j]));
		}
		t->events[j] = e;
		memcpy(c->ev_patch[j], p, sizeof(p));
	}
}

static uint64_t topo_max(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

uint64_t topo_last_instant(const struct topology *t)
{
	uint64_t last = 0;

	for (size_t i = 0; i < t->n_events; i++)
		last = topo_max(last, t->events[i].at_ns + t->events[i].gap_ns);
	for (size_t i = 0; i < t->n_flows; i++)
		last = topo_max(last, t->flows[i].stop_ns);
	for (size_t n = 0; n < t->n_nodes; n++)
		for (size_t i = 0; i < t->nodes[n].n_procs; i++) {
			const struct topo_process *p = &t->nodes[n].procs[i];
			last = topo_max(last, topo_max(p->at_ns, p->has_stop ? p->stop_ns : 0));
		}
	return last;
}

static void topo_after_end(struct topo_pctx *c, const struct topo_loc *loc,
			   const char *what, const char *attr, uint64_t at_ns)
{
	char at[32], dur[32];

	if (at_ns <= c->t->duration_ns)
		return;
	topo_errors_add(c->errs, loc, "%s %s=\"%s\": after the end of the run "
			"(duration=\"%s\")", what, attr, units_fmt_time(at_ns, at, sizeof(at)),
			units_fmt_time(c->t->duration_ns, dur, sizeof(dur)));
}

static void topo_check_times(struct topo_pctx *c)
{
	struct topology *t = c->t;
	char what[64];

	for (size_t i = 0; i < t->n_events; i++)
		topo_after_end(c, &t->events[i].loc, topo_event_kind_name(t->events[i].kind),
			       "at", t->events[i].at_ns);
	for (size_t i = 0; i < t->n_flows; i++) {
		snprintf(what, sizeof(what), "flow \"%s\"", t->flows[i].id);
		topo_after_end(c, &t->flows[i].loc, what, "stop", t->flows[i].stop_ns);
	}
	for (size_t n = 0; n < t->n_nodes; n++)
		for (size_t i = 0; i < t->nodes[n].n_procs; i++) {
			const struct topo_process *p = &t->nodes[n].procs[i];
			snprintf(what, sizeof(what), "process \"%s\"", p->name);
			topo_after_end(c, &p->loc, what, "at", p->at_ns);
			if (p->has_stop)
				topo_after_end(c, &p->loc, what, "stop", p->stop_ns);
			if (p->has_stop && p->stop_ns <= p->at_ns)
				topo_errors_add(c->errs, &p->loc, "process \"%s\": stop is not "
						"after at", p->name);
		}
}

static bool topo_has_proc(const struct topo_node *n, const char *name)
{
	for (size_t i = 0; i < n->n_procs; i++)
		if (!strcmp(n->procs[i].name, name))
			return true;
	return false;
}

/* Names an event refers to exist; returns false if it cannot be played. */
static bool topo_event_refs(struct topo_pctx *c, const struct topo_event *e)
{
	const char *k = topo_event_kind_name(e->kind);
	const struct topo_node *n = NULL;

	if (e->link[0] && !topo_find_link(c->t, e->link)) {
		topo_errors_add(c->errs, &e->loc, "%s: unknown link \"%s\"", k, e->link);
		return false;
	}
	if (e->node[0] && !(n = topo_find_node(c->t, e->node))) {
		topo_errors_add(c->errs, &e->loc, "%s: unknown node \"%s\"", k, e->node);
		return false;
	}
	if (n && e->proc[0] && !topo_has_proc(n, e->proc)) {
		topo_errors_add(c->errs, &e->loc, "%s: node \"%s\" has no process \"%s\"",
				k, e->node, e->proc);
		return false;
	}
	if (n && (e->kind == TOPO_EV_DAEMON_STOP || e->kind == TOPO_EV_DAEMON_START) &&
	    !topo_daemon_event_ok(c, e, n))
		return false;
	if (n && e->kind == TOPO_EV_MOVE && e->iface[0] && !topo_find_iface(n, e->iface)) {
		topo_errors_add(c->errs, &e->loc, "%s: node \"%s\" has no interface \"%s\"",
				k, e->node, e->iface);
		return false;
	}
	return e->link[0] || e->node[0];
}

/* ends[] mirrors which link ends are plugged, as the run will have them. */
static void topo_play_move(struct topo_pctx *c, const struct topo_event *e,
			   struct topo_endpoint (*ends)[2])
{
	const struct topology *t = c->t;
	struct topo_endpoint *from = NULL, *to = NULL;
	size_t target = (size_t)(topo_find_link(t, e->link) - t->links);
	char at[32];

	for (size_t l = 0; l < t->n_links; l++)
		for (int k = 0; k < 2; k++)
			if (ends[l][k].attached && !strcmp(ends[l][k].node, e->node) &&
			    !strcmp(ends[l][k].iface, e->iface)) {
				from = &ends[l][k];
				if (l == target) {
					topo_errors_add(c->errs, &e->loc, "move: %s:%s is already "
							"on link \"%s\"", e->node, e->iface, e->link);
					return;
				}
			}
	for (int k = 1; k >= 0 && !to; k--)     /* b first: the usual free end */
		if (!ends[target][k].attached)
			to = &ends[target][k];
	if (!to) {
		topo_errors_add(c->errs, &e->loc, "move: link \"%s\" has no free end at %s",
				e->link, units_fmt_time(e->at_ns, at, sizeof(at)));
		return;
	}
	if (from)
		from->attached = false;
	to->attached = true;
	strcpy(to->node, e->node);
	strcpy(to->iface, e->iface);
}

static void topo_play(struct topo_pctx *c)
{
	struct topology *t = c->t;
	struct topo_endpoint (*ends)[2] = calloc(t->n_links + 1, sizeof(*ends));
	struct link_params (*cur)[2] = calloc(t->n_links + 1, sizeof(*cur));

	for (size_t l = 0; ends && cur && l < t->n_links; l++) {
		memcpy(ends[l], t->links[l].end, sizeof(ends[l]));
		memcpy(cur[l], t->links[l].dir, sizeof(cur[l]));
	}
	for (size_t i = 0; ends && cur && i < t->n_events; i++) {
		struct topo_event *e = &t->events[i];
		if (!topo_event_refs(c, e))
			continue;
		if (e->kind == TOPO_EV_MOVE && e->iface[0] && e->node[0] && e->link[0])
			topo_play_move(c, e, ends);
		if (e->kind != TOPO_EV_IMPAIR || !e->link[0])
			continue;
		size_t l = (size_t)(topo_find_link(t, e->link) - t->links);
		for (int d = 0; d < 2; d++) {
			if (e->dir_set[d])
				topo_patch_apply(&cur[l][d], &c->ev_patch[i][d]);
			e->impair[d] = cur[l][d];
		}
	}
	free(ends);
	free(cur);
}

static void topo_check_exec_ids(struct topo_pctx *c)
{
	const struct topology *t = c->t;

	for (size_t i = 0; i < t->n_events; i++)
		for (size_t j = 0; t->events[i].id[0] && j < i; j++)
			if (!strcmp(t->events[i].id, t->events[j].id)) {
				topo_errors_add(c->errs, &t->events[i].loc, "duplicate exec id "
						"\"%s\" (first at line %d)", t->events[i].id,
						t->events[j].loc.line);
				break;
			}
}

void topo_timeline(struct topo_pctx *c)
{
	struct topology *t = c->t;

	topo_sort_events(c);
	if (!t->duration_ns)
		t->duration_ns = topo_last_instant(t) + TOPO_DURATION_TAIL_NS;
	topo_check_times(c);
	topo_check_exec_ids(c);
	topo_play(c);
	for (size_t i = 0; i < t->n_expects; i++)
		if (t->expects[i].to_ns == UINT64_MAX)
			t->expects[i].to_ns = t->duration_ns;
}
