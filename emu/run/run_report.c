/*
 * run_report.c - the bridge from a finished run to its report: copies the
 * link counters and exec results before teardown frees them, then has
 * report.c evaluate the expectations and write the files.
 */
#include "run.h"
#include "links/link.h"
#include "report/report.h"
#include "evlog.h"

#include <json-c/json.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct run_snapshot {
	struct report_link *links;
	size_t n_links;
	struct report_exec *execs;
	size_t n_execs;
	int64_t started_at;
	uint64_t duration_ns;
};

static void snap_links(struct run *r, struct run_snapshot *s)
{
	s->links = calloc(r->t->n_links + 1, sizeof(*s->links));
	if (!s->links)
		return;
	s->n_links = r->t->n_links;
	for (size_t i = 0; i < r->t->n_links; i++) {
		snprintf(s->links[i].name, sizeof(s->links[i].name), "%s", r->t->links[i].name);
		for (int d = 0; d < 2; d++) {
			struct link_counters c;
			struct report_link_counters *o = &s->links[i].dir[d];
			link_engine_counters(r->links, r->link_ids ? r->link_ids[i] : -1,
					     (enum link_dir_id)d, &c);
			o->in = c.in;
			o->delivered = c.delivered;
			o->dup = c.dup;
			o->drop_loss = c.drop_loss;
			o->drop_queue = c.drop_queue;
			o->drop_down = c.drop_down;
			o->drop_tx = c.drop_tx;
			o->in_flight = c.in_flight;
			o->bytes_in = c.bytes_in;
			o->bytes_out = c.bytes_out;
		}
	}
}

static void snap_execs(struct run *r, struct run_snapshot *s)
{
	s->execs = calloc(r->t->n_events + 1, sizeof(*s->execs));
	if (!s->execs)
		return;
	for (size_t i = 0; i < r->t->n_events; i++) {
		const struct topo_event *e = &r->t->events[i];
		if (e->kind != TOPO_EV_EXEC)
			continue;
		struct report_exec *x = &s->execs[s->n_execs++];
		snprintf(x->id, sizeof(x->id), "%s", e->id);
		snprintf(x->node, sizeof(x->node), "%s", e->node);
		for (size_t k = 0; k < r->n_procs; k++) {
			const struct run_proc *p = &r->procs[k];
			if (p->kind == RUN_PROC_EXEC && !strcmp(p->name, e->id)) {
				/* Killed at teardown = did not finish in time. */
				x->killed = p->signalled != 0;
				x->finished = p->exited && !x->killed;
				x->exit_status = p->status;
			}
		}
	}
}

/* The drops summary of the events log: one event per link at the end. */
/* The link engine's own figures: its workers, what their early wake-ups
 * spent polling (the CPU cost of punctual deliveries), how they read. */
static void log_engine_stats(struct run *r)
{
	struct link_engine_stats st;
	struct json_object *o = json_object_new_object();

	link_engine_stats(r->links, &st);
	json_object_object_add(o, "threads", json_object_new_int((int)link_engine_threads(r->links)));
	json_object_object_add(o, "spin_ms", json_object_new_double((double)st.spin_ns / 1e6));
	json_object_object_add(o, "wakeups", json_object_new_int64((int64_t)st.wakeups));
	json_object_object_add(o, "frames_read", json_object_new_int64((int64_t)st.frames_read));
	json_object_object_add(o, "read_batches", json_object_new_int64((int64_t)st.read_batches));
	json_object_object_add(o, "port_errors", json_object_new_int64((int64_t)st.port_errors));
	evlog_emit(r->log, "link_engine", NULL, o);
}

static void log_link_stats(struct run *r, const struct run_snapshot *s)
{
	static const char *dir[2] = { "ab", "ba" };
	for (size_t i = 0; i < s->n_links; i++) {
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, "link", json_object_new_string(s->links[i].name));
		for (int d = 0; d < 2; d++) {
			const struct report_link_counters *c = &s->links[i].dir[d];
			struct json_object *x = json_object_new_object();
			json_object_object_add(x, "in", json_object_new_int64((int64_t)c->in));
			json_object_object_add(x, "delivered", json_object_new_int64((int64_t)c->delivered));
			json_object_object_add(x, "drop_loss", json_object_new_int64((int64_t)c->drop_loss));
			json_object_object_add(x, "drop_queue", json_object_new_int64((int64_t)c->drop_queue));
			json_object_object_add(x, "drop_down", json_object_new_int64((int64_t)c->drop_down));
			json_object_object_add(x, "dup", json_object_new_int64((int64_t)c->dup));
			/* Not in the report's counters: refused by the far TAP, and
			 * still in flight when the run ended. */
			struct link_counters lc;
			link_engine_counters(r->links, r->link_ids ? r->link_ids[i] : -1,
					     (enum link_dir_id)d, &lc);
			json_object_object_add(x, "drop_tx", json_object_new_int64((int64_t)lc.drop_tx));
			json_object_object_add(x, "in_flight", json_object_new_int64((int64_t)lc.in_flight));
			json_object_object_add(o, dir[d], x);
		}
		evlog_emit(r->log, "link_stats", NULL, o);
	}
	log_engine_stats(r);
}

void run_report_snapshot(struct run *r)
{
	struct run_snapshot *s = calloc(1, sizeof(*s));
	if (!s)
		return;
	snap_links(r, s);
	log_link_stats(r, s);
	snap_execs(r, s);
	s->started_at = (int64_t)time(NULL) - (int64_t)(run_t_ns(r) / 1000000000ull);
	s->duration_ns = run_t_ns(r);
	r->report = s;
}

void run_report_finish(struct run *r, struct run_result *res, uint64_t teardown_ns)
{
	struct run_snapshot *s = r->report;
	struct report rep;
	const char *why = NULL;
	char junit[700];

	if (!s)
		return;
	struct report_input in = {
		.topo = r->t,
		.run_dir = r->out_dir,
		.t0_ns = r->t0_ns,
		.started_at_unix_s = s->started_at,
		.start_unix_ns = r->start_unix_ns,
		.seed = r->t->seed,
		.duration_ns = s->duration_ns,
		.links = s->links,
		.n_links = s->n_links,
		.execs = s->execs,
		.n_execs = s->n_execs,
	};
	memset(&rep, 0, sizeof(rep));
	if (report_build(&in, &rep, &why) < 0) {
		fprintf(stderr, "pmipemu: report: %s\n", why ? why : "failed");
		res->failed = 1;
		report_free(&rep);
		return;
	}
	snprintf(junit, sizeof(junit), "%s/junit.xml", r->out_dir);
	if (report_write_all(&rep, r->out_dir, r->opts->junit ? r->opts->junit : junit) < 0)
		fprintf(stderr, "pmipemu: cannot write the report files in %s\n", r->out_dir);
	res->expectations = (int)rep.n_expects;
	res->failed = report_failed_count(&rep);
	if (r->opts->quiet) {
		report_print_expects(&rep, stdout);
	} else {
		report_print_summary(&rep, stdout);
		printf("bring-up %.1f ms (daemons ready in %.1f ms more), teardown %.1f ms; results in %s\n",
		       (double)r->bringup_ns / 1e6, (double)r->daemons_ns / 1e6,
		       (double)teardown_ns / 1e6, r->out_dir);
	}
	fflush(stdout);
	report_free(&rep);
	run_died_report(r, res);
}

void run_report_free(struct run *r)
{
	struct run_snapshot *s = r->report;
	if (!s)
		return;
	free(s->links);
	free(s->execs);
	free(s);
	r->report = NULL;
}
