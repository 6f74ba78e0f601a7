/*
 * report_json.c - report.json (keys in doc/scenarios.md), built with
 * json-c so that escaping is never ours to get wrong. Times are seconds
 * from the run start, latencies and gaps milliseconds.
 */
#include <json-c/json.h>
#include <stdio.h>
#include <time.h>

#include "report.h"

static void add(json_object *o, const char *k, json_object *v)
{
	json_object_object_add(o, k, v);
}

static json_object *u64(uint64_t v)
{
	return json_object_new_uint64(v);
}

static json_object *rel_s(const struct report *r, uint64_t t_ns)
{
	return json_object_new_double(((double)t_ns - (double)r->t0_ns) / 1e9);
}

static json_object *flow_json(const struct report *r, const struct report_flow *f)
{
	const struct tg_stats *s = &f->st;
	json_object *o = json_object_new_object(), *lat = NULL, *ifs = json_object_new_object();
	add(o, "sent", u64(s->sent));
	add(o, "sent_estimated", json_object_new_boolean(s->sent_estimated));
	add(o, "send_errors", u64(f->send_errors));
	add(o, "received", u64(s->received));
	add(o, "lost", u64(s->lost));
	add(o, "duplicates", u64(s->duplicates));
	add(o, "reordered", u64(s->reordered));
	add(o, "stray", u64(s->stray));
	if (s->has_latency) {
		lat = json_object_new_object();
		add(lat, "p50", json_object_new_double((double)s->lat_p50_ns / 1e6));
		add(lat, "p99", json_object_new_double((double)s->lat_p99_ns / 1e6));
		add(lat, "max", json_object_new_double((double)s->lat_max_ns / 1e6));
	}
	add(o, "latency_ms", lat);
	add(o, "max_gap_ms", s->has_gap ? json_object_new_double((double)s->max_gap_ns / 1e6) : NULL);
	add(o, "max_gap_at_s", s->has_gap ? rel_s(r, s->max_gap_from_ns) : NULL);
	add(o, "first_recv_s", s->arrivals ? rel_s(r, s->first_recv_ns) : NULL);
	add(o, "last_recv_s", s->arrivals ? rel_s(r, s->last_recv_ns) : NULL);
	for (size_t i = 0; i < f->n_ifaces; i++)
		add(ifs, f->ifnames[i], u64(s->by_iface[i]));
	add(o, "by_interface", ifs);
	add(o, "problem", f->problem[0] ? json_object_new_string(f->problem) : NULL);
	return o;
}

static json_object *counters_json(const struct report_link_counters *c)
{
	json_object *o = json_object_new_object();
	add(o, "in", u64(c->in));
	add(o, "delivered", u64(c->delivered));
	add(o, "dup", u64(c->dup));
	add(o, "drop_loss", u64(c->drop_loss));
	add(o, "drop_queue", u64(c->drop_queue));
	add(o, "drop_down", u64(c->drop_down));
	add(o, "drop_tx", u64(c->drop_tx));
	add(o, "in_flight", u64(c->in_flight));
	add(o, "bytes_in", u64(c->bytes_in));
	add(o, "bytes_out", u64(c->bytes_out));
	return o;
}

static json_object *expect_json(const struct report_expect *e)
{
	json_object *o = json_object_new_object();
	add(o, "kind", json_object_new_string(topo_expect_kind_name(e->kind)));
	add(o, "target", json_object_new_string(e->target));
	add(o, "pass", json_object_new_boolean(e->pass));
	add(o, "bound", json_object_new_double(e->bound));
	add(o, "measured", json_object_new_double(e->measured));
	add(o, "bound_text", json_object_new_string(e->bound_s));
	add(o, "measured_text", json_object_new_string(e->measured_s));
	add(o, "message", json_object_new_string(e->message));
	add(o, "line", json_object_new_int(e->line));
	return o;
}

static json_object *started_at(int64_t unix_s)
{
	char buf[32];
	struct tm tm;
	time_t t = (time_t)unix_s;
	if (!gmtime_r(&t, &tm) || !strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm))
		return NULL;
	return json_object_new_string(buf);
}

static json_object *ms_or_null(double ms)
{
	return ms < 0 ? NULL : json_object_new_double(ms);
}

/* "handovers": one object a mobility event (report_handover.c). */
static json_object *handovers_json(const struct report *r)
{
	static struct report_handover h[REPORT_HO_MAX];
	json_object *a = json_object_new_array();
	size_t n = report_handovers(r, h, REPORT_HO_MAX);
	for (size_t i = 0; i < n; i++) {
		json_object *o = json_object_new_object(), *fl = json_object_new_object();
		add(o, "at_s", json_object_new_double(h[i].at_s));
		add(o, "until_s", json_object_new_double(h[i].until_s));
		add(o, "event", json_object_new_string(h[i].what));
		add(o, "pbu_sent_ms", ms_or_null(h[i].pbu_ms));
		add(o, "pba_received_ms", ms_or_null(h[i].pba_ms));
		add(o, "binding_change_ms", ms_or_null(h[i].bce_ms));
		for (size_t k = 0; k < h[i].n_flows; k++) {
			json_object *x = json_object_new_object();
			add(x, "interruption_ms", json_object_new_double(h[i].flows[k].interruption_ms));
			add(x, "lost", u64(h[i].flows[k].lost));
			add(fl, h[i].flows[k].flow, x);
		}
		add(o, "flows", fl);
		json_object_array_add(a, o);
	}
	return a;
}

static json_object *report_json(const struct report *r)
{
	json_object *o = json_object_new_object(), *flows = json_object_new_object(),
		    *links = json_object_new_object(), *exps = json_object_new_array();
	add(o, "topology", json_object_new_string(r->topo->name));
	add(o, "file", json_object_new_string(r->topo->file));
	add(o, "seed", u64(r->seed));
	json_object *sets = json_object_new_array();
	for (size_t i = 0; i < r->topo->n_sets; i++)
		json_object_array_add(sets, json_object_new_string(r->topo->sets[i]));
	add(o, "overrides", sets);      /* --set, in order: the run's topology is the file's plus these */
	add(o, "started_at", started_at(r->start_unix_ns ? r->start_unix_ns / 1000000000 :
					 r->started_at_unix_s));
	/* Exact: capture timestamp - start_unix_ns = events.jsonl's t. */
	add(o, "start_unix_ns", r->start_unix_ns ? json_object_new_int64(r->start_unix_ns) : NULL);
	add(o, "duration_s", json_object_new_double((double)r->duration_ns / 1e9));
	for (size_t i = 0; i < r->n_flows; i++)
		add(flows, r->flows[i].id, flow_json(r, &r->flows[i]));
	add(o, "flows", flows);
	for (size_t i = 0; i < r->n_links; i++) {
		json_object *l = json_object_new_object();
		add(l, "ab", counters_json(&r->links[i].dir[LINK_DIR_AB]));
		add(l, "ba", counters_json(&r->links[i].dir[LINK_DIR_BA]));
		add(links, r->links[i].name, l);
	}
	add(o, "links", links);
	for (size_t i = 0; i < r->n_expects; i++)
		json_object_array_add(exps, expect_json(&r->expects[i]));
	add(o, "expectations", exps);
	add(o, "handovers", handovers_json(r));
	add(o, "failed", json_object_new_int(report_failed_count(r)));
	add(o, "events_count", u64(r->n_events));
	return o;
}

int report_write_json(const struct report *r, const char *path)
{
	json_object *o = report_json(r);
	int rc = json_object_to_file_ext(path, o, JSON_C_TO_STRING_PRETTY |
					 JSON_C_TO_STRING_NOSLASHESCAPE);
	json_object_put(o);
	return rc < 0 ? -1 : 0;
}
