/*
 * run_congest_io.c - the run plays an operator's monitoring system for the
 * lmas' <congestion> rules (problem statement section 3, appendix B:
 * network-initiated load balancing): every `every` it reads the backlog of
 * the named access link direction off the link engine, and when the pure
 * engine (run_congest.c) says so it adds the rule at the LMA, or removes
 * it, through the LMA's control socket (`flow add RULE` / `flow del ID`),
 * as `pmipemu ctl` would. Nothing travels in a protocol message that a
 * real network would not send: PMIPv6 has no message for an access link's
 * load (doc/protocol.md "Load balancing triggered by congestion").
 *
 * Events (events.jsonl, node = the lma): congestion_on (link, dir,
 * backlog, rule id, the LMA's answer), congestion_off (link, dir, backlog,
 * peak, rule id, answer). A refused command counts as a run error.
 *
 * Owns: sampling and the control exchange. Must not: decide (the engine
 * does) or touch the LMA other than through its control socket.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

#include "evlog.h"
#include "io/nio.h"
#include "links/link.h"
#include "run.h"
#include "run_congest.h"

struct run_congest_rule {
	const struct topo_congestion *g;
	const char *lma;                /* node name */
	int link;                       /* link engine id */
	struct run_congest st;
	long rule_id;                   /* the LMA's id of the rule in place */
};

/* `flow add|del` at the LMA; the answer in out. 0 when it took. */
static int lma_cmd(struct run *r, const char *lma, const char *line, char *out, size_t cap)
{
	char ctl[600];

	snprintf(ctl, sizeof(ctl), "%s/%s.ctl", r->st.dir, lma);
	if (nio_ctl_request_timeout(ctl, line, out, cap, 1000) < 0) {
		snprintf(out, cap, "{\"error\":\"control socket: %s\"}", strerror(errno));
		return -1;
	}
	return strstr(out, "\"error\"") ? -1 : 0;
}

static void emit(struct run *r, struct run_congest_rule *c, const char *ev, size_t backlog,
		 const char *answer)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "link", json_object_new_string(c->g->link));
	json_object_object_add(o, "dir", json_object_new_string(c->g->dir == LINK_DIR_AB
								? "ab" : "ba"));
	json_object_object_add(o, "backlog", json_object_new_int64((int64_t)backlog));
	if (!strcmp(ev, "congestion_off"))
		json_object_object_add(o, "peak", json_object_new_int64((int64_t)c->st.peak));
	json_object_object_add(o, "rule_id", json_object_new_int64(c->rule_id));
	json_object_object_add(o, "answer", json_object_new_string(answer));
	evlog_emit(r->log, ev, c->lma, o);
}

static void act(struct run *r, struct run_congest_rule *c, enum run_congest_cmd cmd,
		size_t backlog)
{
	char line[TOPO_FLOW_TEXT_MAX + 16], out[1024] = "";
	const char *p;
	int rc;

	if (cmd == RUN_CONGEST_ADD)
		snprintf(line, sizeof(line), "flow add %s", c->g->rule);
	else
		snprintf(line, sizeof(line), "flow del %ld", c->rule_id);
	rc = lma_cmd(r, c->lma, line, out, sizeof(out));
	if (rc == 0 && cmd == RUN_CONGEST_ADD && (p = strstr(out, "\"added\":")))
		c->rule_id = strtol(p + 8, NULL, 10);
	if (rc < 0) {
		r->errors++;
		run_congest_failed(&c->st);
	}
	emit(r, c, cmd == RUN_CONGEST_ADD ? "congestion_on" : "congestion_off", backlog, out);
	if (rc == 0 && cmd == RUN_CONGEST_DEL)
		c->rule_id = 0;
}

static void tick(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct run *r = w->data;
	uint64_t now = run_now_ns();

	(void)loop;
	(void)revents;
	if (r->stopping)
		return;
	for (size_t i = 0; i < r->n_congest; i++) {
		struct run_congest_rule *c = &r->congest[i];
		size_t n = link_engine_backlog(r->links, c->link, (enum link_dir_id)c->g->dir,
					       now, NULL);
		enum run_congest_cmd cmd = run_congest_sample(&c->st, now, n);

		if (cmd != RUN_CONGEST_NONE)
			act(r, c, cmd, n);
	}
}

static void add_rules(struct run *r, const struct topo_node *n, uint64_t *every)
{
	for (size_t j = 0; j < n->pmip.n_congestion; j++) {
		const struct topo_congestion *g = &n->pmip.congestion[j];
		struct run_congest_rule *c = &r->congest[r->n_congest++];
		size_t k = (size_t)(topo_find_link(r->t, g->link) - r->t->links);

		c->g = g;
		c->lma = n->name;
		c->link = r->link_ids[k];
		run_congest_init(&c->st, g->above, g->below, g->hold_ns, g->release_ns);
		if (g->every_ns < *every)
			*every = g->every_ns;
	}
}

int run_congest_start(struct run *r)
{
	uint64_t every = UINT64_MAX;
	size_t n = 0;

	for (size_t i = 0; i < r->t->n_nodes; i++)
		n += r->t->nodes[i].pmip.n_congestion;
	if (n == 0)
		return 0;
	r->congest = calloc(n, sizeof(*r->congest));
	if (!r->congest)
		return -1;
	for (size_t i = 0; i < r->t->n_nodes; i++)
		add_rules(r, &r->t->nodes[i], &every);
	ev_timer_init(&r->congest_timer, tick, (double)every / 1e9, (double)every / 1e9);
	r->congest_timer.data = r;
	ev_timer_start(r->loop, &r->congest_timer);
	return 0;
}

void run_congest_stop(struct run *r)
{
	if (!r->congest)
		return;
	ev_timer_stop(r->loop, &r->congest_timer);
	free(r->congest);
	r->congest = NULL;
	r->n_congest = 0;
}
