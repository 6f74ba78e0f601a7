/*
 * report_sessions.c - the mobility sessions of a run, from the LMA's
 * Binding Cache events in events.jsonl (bce_created, bce_refreshed,
 * bce_handoff, bce_deregistered, bce_deleted): when each session began and
 * ended and which prefixes it held from when on, so the timeline picture
 * shows sessions that come and go (problem statement 2.1) and prefixes
 * that move between them (2.2). A handoff that names from_session takes
 * the moved prefixes out of that session's set as well. Malformed lines
 * are skipped, as in report_events.c. A prefix held by two live sessions
 * at once is a shared prefix (issue 12: one HNP over several interfaces of
 * one MN); report_session_shared() tells the picture.
 *
 * Owns: that digest. Must not: draw (report_svg.c does).
 */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

static const char *str_of(json_object *o, const char *key)
{
	json_object *v;
	if (json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string))
		return json_object_get_string(v);
	return NULL;
}

static bool int_of(json_object *o, const char *key, int64_t *out)
{
	json_object *v;
	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_int))
		return false;
	*out = json_object_get_int64(v);
	return true;
}

/* "2001:db8:100:1::/64" entries joined as "2001:db8:100:1::, ..." */
static void hnps_of(json_object *o, char *buf, size_t cap)
{
	json_object *a;
	size_t n = 0;

	buf[0] = 0;
	if (!json_object_object_get_ex(o, "hnp", &a) || !json_object_is_type(a, json_type_array))
		return;
	for (size_t i = 0; i < json_object_array_length(a) && n < cap; i++) {
		const char *p = json_object_get_string(json_object_array_get_idx(a, i));
		int len = p ? (int)strcspn(p, "/") : 0;
		n += (size_t)snprintf(buf + n, cap - n, "%s%.*s", n ? ", " : "", len, p ? p : "");
	}
}

static struct report_session *find(struct report *r, uint64_t id)
{
	for (size_t i = 0; i < r->n_sessions; i++)
		if (r->sessions[i].id == id)
			return &r->sessions[i];
	return NULL;
}

static void set_hnps(struct report_session *s, double t, const char *hnps)
{
	if (s->n_change && !strcmp(s->change[s->n_change - 1].hnps, hnps))
		return;
	if (s->n_change == REPORT_SESSION_CHANGES)
		return;
	s->change[s->n_change].t = t;
	snprintf(s->change[s->n_change++].hnps, sizeof s->change[0].hnps, "%s", hnps);
}

static void add(struct report *r, uint64_t id, double t, json_object *o)
{
	const char *ll = str_of(o, "ll_id"), *svc = str_of(o, "service");
	struct report_session *s;

	if (r->n_sessions == REPORT_SESSION_MAX)
		return;
	s = &r->sessions[r->n_sessions++];
	memset(s, 0, sizeof *s);
	s->id = id;
	s->t_start = t;
	s->t_end = -1;
	snprintf(s->name, sizeof s->name, "%s%s%s", ll ? ll : "no MN-LL-ID", svc ? " " : "",
		 svc ? svc : "");
}

/* Is p one of the ", "-separated prefixes of list? */
static bool in_list(const char *list, const char *p)
{
	size_t n = strlen(p);

	for (const char *q = list; (q = strstr(q, p)); q += n)
		if ((q == list || q[-1] == ' ') && (q[n] == 0 || q[n] == ','))
			return true;
	return false;
}

/* The moved prefixes leave the session they came from. */
static void take_from(struct report *r, json_object *o, double t, const char *now)
{
	int64_t from;
	struct report_session *f;
	char kept[sizeof f->change[0].hnps] = "", *save = NULL, buf[sizeof kept];
	size_t n = 0;

	if (!int_of(o, "from_session", &from) || !(f = find(r, (uint64_t)from)) ||
	    !f->n_change)
		return;
	snprintf(buf, sizeof buf, "%s", f->change[f->n_change - 1].hnps);
	for (char *p = strtok_r(buf, ", ", &save); p; p = strtok_r(NULL, ", ", &save))
		if (!in_list(now, p) && n < sizeof kept)
			n += (size_t)snprintf(kept + n, sizeof kept - n, "%s%s", n ? ", " : "", p);
	set_hnps(f, t, kept[0] ? kept : "(none)");
}

static void apply(struct report *r, const char *ev, double t, json_object *o)
{
	int64_t id;
	struct report_session *s;
	char hnps[sizeof s->change[0].hnps];

	if (strncmp(ev, "bce_", 4) || !int_of(o, "session", &id))
		return;
	s = find(r, (uint64_t)id);
	if (!s && (!strcmp(ev, "bce_created") || !strcmp(ev, "bce_handoff"))) {
		add(r, (uint64_t)id, t, o);
		s = find(r, (uint64_t)id);
	}
	if (!s)
		return;
	hnps_of(o, hnps, sizeof hnps);
	if (!strcmp(ev, "bce_deleted") || !strcmp(ev, "bce_deregistered")) {
		if (s->t_end < 0)
			s->t_end = t;
		return;
	}
	if (hnps[0])
		set_hnps(s, t, hnps);
	if (!strcmp(ev, "bce_handoff"))
		take_from(r, o, t, hnps);
}

/* The set session x held at t: its last change at or before t, or NULL
 * when it did not exist (or had ended) then. */
static const char *set_at(const struct report_session *x, double t)
{
	const char *set = NULL;

	if (x->t_start > t || (x->t_end >= 0 && x->t_end <= t))
		return NULL;
	for (size_t k = 0; k < x->n_change && x->change[k].t <= t; k++)
		set = x->change[k].hnps;
	return set;
}

bool report_session_shared(const struct report *r, size_t i, size_t k)
{
	const struct report_session *x = &r->sessions[i];
	char buf[sizeof x->change[0].hnps], *save = NULL;
	double t = x->change[k].t;

	snprintf(buf, sizeof buf, "%s", x->change[k].hnps);
	for (char *p = strtok_r(buf, ", ", &save); p; p = strtok_r(NULL, ", ", &save))
		for (size_t j = 0; j < r->n_sessions; j++) {
			const char *other = j == i ? NULL : set_at(&r->sessions[j], t);
			if (other && in_list(other, p))
				return true;
		}
	return false;
}

int report_load_sessions(struct report *r, const char *path)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;

	r->n_sessions = 0;
	if (!f)
		return 0;
	while (getline(&line, &cap, f) > 0) {
		json_object *o = json_tokener_parse(line), *t;
		const char *ev = o ? str_of(o, "ev") : NULL;
		if (ev && json_object_object_get_ex(o, "t", &t) &&
		    (json_object_is_type(t, json_type_double) || json_object_is_type(t, json_type_int)))
			apply(r, ev, json_object_get_double(t), o);
		json_object_put(o);
	}
	free(line);
	fclose(f);
	return 0;
}
