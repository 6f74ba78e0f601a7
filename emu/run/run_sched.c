/*
 * run_sched.c - the run's timeline: every timed action (topology events,
 * process starts and stops, flow starts, the second half of a move, the
 * end), ordered by (time, insertion sequence), on one ev_timer.
 *
 * Timeline events need millisecond accuracy at most; the link engine's
 * deliveries, which need microseconds, have their own timerfd (links/).
 */
#include "run.h"
#include "evlog.h"
#include "links/link.h"
#include "io/nio.h"

#include <arpa/inet.h>
#include <errno.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int act_cmp(const struct run_act *a, const struct run_act *b)
{
	if (a->at_ns != b->at_ns)
		return a->at_ns < b->at_ns ? -1 : 1;
	return a->seq < b->seq ? -1 : (a->seq > b->seq);
}

/* Insert keeping the pending part sorted; the list is short (tens to
 * thousands of actions), so insertion is a memmove. */
void run_sched_add(struct run *r, const struct run_act *a)
{
	if (r->n_acts == r->cap_acts) {
		size_t cap = r->cap_acts ? r->cap_acts * 2 : 64;
		struct run_act *n = realloc(r->acts, cap * sizeof(*n));
		if (!n) {
			r->errors++;
			return;
		}
		r->acts = n;
		r->cap_acts = cap;
	}
	struct run_act x = *a;
	x.seq = r->act_seq++;
	size_t i = r->n_acts;
	while (i > r->next_act && act_cmp(&r->acts[i - 1], &x) > 0)
		i--;
	memmove(&r->acts[i + 1], &r->acts[i], (r->n_acts - i) * sizeof(x));
	r->acts[i] = x;
	r->n_acts++;
}

static bool proc_has_start_event(const struct topology *t, const char *node,
				 const char *proc)
{
	for (size_t i = 0; i < t->n_events; i++)
		if (t->events[i].kind == TOPO_EV_START &&
		    !strcmp(t->events[i].node, node) && !strcmp(t->events[i].proc, proc))
			return true;
	return false;
}

int run_sched_build(struct run *r)
{
	const struct topology *t = r->t;

	for (size_t i = 0; i < t->n_events; i++)
		run_sched_add(r, &(struct run_act){ .at_ns = t->events[i].at_ns,
			      .kind = RUN_ACT_EVENT, .idx = i });
	for (size_t n = 0; n < t->n_nodes; n++) {
		for (size_t p = 0; p < t->nodes[n].n_procs; p++) {
			const struct topo_process *tp = &t->nodes[n].procs[p];
			if (!proc_has_start_event(t, t->nodes[n].name, tp->name))
				run_sched_add(r, &(struct run_act){ .at_ns = tp->at_ns,
					.kind = RUN_ACT_PROC_START, .idx = n, .idx2 = p });
			if (tp->has_stop)
				run_sched_add(r, &(struct run_act){ .at_ns = tp->stop_ns,
					.kind = RUN_ACT_PROC_STOP, .idx = n, .idx2 = p });
		}
	}
	/* A sender is started RUN_FLOW_LEAD_NS ahead and waits for its start
	 * (trafgen --at): starting a process takes milliseconds, and seconds
	 * when hundreds start at once (1000 flows of a generated domain: most
	 * senders began sending a second or more late). */
	for (size_t f = 0; f < t->n_flows; f++) {
		uint64_t at = t->flows[f].start_ns;
		run_sched_add(r, &(struct run_act){
			.at_ns = at > RUN_FLOW_LEAD_NS ? at - RUN_FLOW_LEAD_NS : 0,
			.kind = RUN_ACT_FLOW_START, .idx = f });
	}
	run_sched_add(r, &(struct run_act){ .at_ns = r->duration_ns, .kind = RUN_ACT_END });
	return r->errors ? -1 : 0;
}

static size_t node_index(const struct run *r, const char *name)
{
	for (size_t i = 0; i < r->t->n_nodes; i++)
		if (!strcmp(r->t->nodes[i].name, name))
			return i;
	return (size_t)-1;
}

static int port_of(const struct run *r, const char *node, const char *iface)
{
	return link_engine_find_port(r->links, node, iface);
}

static void log_link(struct run *r, const char *ev, const char *link)
{
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "link", json_object_new_string(link));
	evlog_emit(r->log, ev, NULL, o);
}

static void proc_start(struct run *r, size_t n, size_t p)
{
	const struct topo_process *tp = &r->t->nodes[n].procs[p];
	char out[700];

	snprintf(out, sizeof(out), "%s/logs/%s-%s.log", r->out_dir,
		 r->t->nodes[n].name, tp->name);
	if (run_proc_start(r, RUN_PROC_PROCESS, tp->name, n, tp->cmd, out) < 0) {
		fprintf(stderr, "pmipemu: %s:%d: cannot start process %s\n",
			tp->loc.file, tp->loc.line, tp->name);
		r->errors++;
	}
}

static void proc_stop(struct run *r, size_t n, const char *name)
{
	struct run_proc *p = run_proc_find(r, RUN_PROC_PROCESS, n, name);
	if (p)
		run_proc_kill(p, SIGTERM);
}

static void ev_move(struct run *r, const struct topo_event *e)
{
	int port = port_of(r, e->node, e->iface);
	int link = link_engine_find_link(r->links, e->link);
	uint64_t now = run_now_ns();
	struct json_object *o = json_object_new_object();

	link_engine_detach(r->links, port, now);
	json_object_object_add(o, "iface", json_object_new_string(e->iface));
	json_object_object_add(o, "to", json_object_new_string(e->link));
	json_object_object_add(o, "gap_ms", json_object_new_double((double)e->gap_ns / 1e6));
	evlog_emit(r->log, "move_detach", e->node, o);
	run_sched_add(r, &(struct run_act){ .at_ns = run_t_ns(r) + e->gap_ns,
		      .kind = RUN_ACT_ATTACH, .port = port, .link = link,
		      .idx = (size_t)(e - r->t->events) });
}

static void ev_impair(struct run *r, const struct topo_event *e)
{
	int link = link_engine_find_link(r->links, e->link);

	for (int d = 0; d < 2; d++)
		if (e->dir_set[d])
			link_engine_set_params(r->links, link, (enum link_dir_id)d,
					       &e->impair[d]);
	log_link(r, "link_impair", e->link);
}

static void ev_exec(struct run *r, const struct topo_event *e)
{
	char out[700];
	size_t n = node_index(r, e->node);

	snprintf(out, sizeof(out), "%s/exec/%s.out", r->out_dir, e->id);
	if (run_proc_start(r, RUN_PROC_EXEC, e->id, n, e->cmd, out) < 0)
		r->errors++;
}

/* The node's running daemon, or NULL. */
static struct run_proc *daemon_running(struct run *r, size_t n)
{
	for (size_t i = 0; i < r->n_procs; i++)
		if (r->procs[i].kind == RUN_PROC_DAEMON && r->procs[i].node == n &&
		    r->procs[i].pid > 0)
			return &r->procs[i];
	return NULL;
}

/* <daemon-stop>: SIGKILL is a crash (nothing cleaned up), SIGTERM an
 * orderly stop. */
static void ev_daemon(struct run *r, const struct topo_event *e)
{
	size_t n = node_index(r, e->node);
	struct run_proc *p = daemon_running(r, n);
	struct json_object *o = json_object_new_object();

	if (e->kind == TOPO_EV_DAEMON_STOP && p) {
		p->planned_stop = true;
		json_object_object_add(o, "name", json_object_new_string(p->name));
		json_object_object_add(o, "signal", json_object_new_string(
			e->signal == SIGKILL ? "kill" : "term"));
		evlog_emit(r->log, "daemon_stop", e->node, o);
		run_proc_kill(p, e->signal);
		return;
	}
	if (e->kind == TOPO_EV_DAEMON_START && !p) {
		evlog_emit(r->log, "daemon_start", e->node, o);
		if (run_daemon_start(r, n) < 0)
			r->errors++;
		return;
	}
	json_object_object_add(o, "ignored", json_object_new_string(
		p ? "already running" : "not running"));
	evlog_emit(r->log, e->kind == TOPO_EV_DAEMON_STOP ? "daemon_stop" : "daemon_start",
		   e->node, o);
}

/* A timeline command on a node daemon's control socket: the line and its
 * answer go to the event log as event `name`; an error (in the answer, or
 * no answer) counts as a run error, the expectations then say what it did
 * not do. */
static void ctl_event(struct run *r, const char *node, const char *line, const char *name)
{
	char ctl[600], out[1024] = "";
	struct json_object *o = json_object_new_object();

	snprintf(ctl, sizeof(ctl), "%s/%s.ctl", r->st.dir, node);
	if (nio_ctl_request_timeout(ctl, line, out, sizeof(out), 1000) < 0)
		snprintf(out, sizeof(out), "{\"error\":\"control socket: %s\"}", strerror(errno));
	if (strstr(out, "\"error\""))
		r->errors++;
	json_object_object_add(o, "command", json_object_new_string(line));
	json_object_object_add(o, "answer", json_object_new_string(out));
	evlog_emit(r->log, name, node, o);
}

/* Section 2.1: the MAG's own control command (`session add|delete LLID
 * SERVICE`), answered in milliseconds; the answer goes to the event log,
 * an error counts as a run error. */
static void ev_session(struct run *r, const struct topo_event *e)
{
	char line[160];
	const uint8_t *m = e->ll_id;

	snprintf(line, sizeof(line), "session %s %02x:%02x:%02x:%02x:%02x:%02x %s",
		 e->session_delete ? "delete" : "add", m[0], m[1], m[2], m[3], m[4], m[5],
		 e->service);
	ctl_event(r, e->node, line, "session");
}

/* Section 3: the LMA's `flow add RULE` / `flow del ID` on its control
 * socket; the answer goes to the event log, an error counts as a run
 * error. */
static void ev_flow_rule(struct run *r, const struct topo_event *e)
{
	char line[TOPO_CMD_MAX + 16];

	snprintf(line, sizeof(line), "flow %s %s", e->rule_delete ? "del" : "add", e->cmd);
	ctl_event(r, e->node, line, "flow_rule");
}

/* Section 2.2: `prefix OP LLID P/LEN...` on the MAG's or the LMA's control
 * socket; the answer goes to the event log, an error counts as a run
 * error (the expectations then say what it did not do). */
static void ev_prefix(struct run *r, const struct topo_event *e)
{
	char line[TOPO_CMD_MAX + 64];
	const uint8_t *m = e->ll_id;

	snprintf(line, sizeof(line), "prefix %s %02x:%02x:%02x:%02x:%02x:%02x %s", e->op,
		 m[0], m[1], m[2], m[3], m[4], m[5], e->cmd);
	ctl_event(r, e->node, line, "prefix");
}

static void apply_event(struct run *r, const struct topo_event *e)
{
	int link;

	switch (e->kind) {
	case TOPO_EV_LINK_DOWN:
	case TOPO_EV_LINK_UP:
		link = link_engine_find_link(r->links, e->link);
		link_engine_set_up(r->links, link, e->kind == TOPO_EV_LINK_UP, run_now_ns());
		log_link(r, e->kind == TOPO_EV_LINK_UP ? "link_up" : "link_down", e->link);
		break;
	case TOPO_EV_IMPAIR:
		ev_impair(r, e);
		break;
	case TOPO_EV_MOVE:
		ev_move(r, e);
		break;
	case TOPO_EV_START: {
		size_t n = node_index(r, e->node);
		for (size_t p = 0; p < r->t->nodes[n].n_procs; p++)
			if (!strcmp(r->t->nodes[n].procs[p].name, e->proc))
				proc_start(r, n, p);
		break;
	}
	case TOPO_EV_STOP:
		proc_stop(r, node_index(r, e->node), e->proc);
		break;
	case TOPO_EV_EXEC:
		ev_exec(r, e);
		break;
	case TOPO_EV_DAEMON_STOP:
	case TOPO_EV_DAEMON_START:
		ev_daemon(r, e);
		break;
	case TOPO_EV_SESSION:
		ev_session(r, e);
		break;
	case TOPO_EV_FLOW_RULE:
		ev_flow_rule(r, e);
		break;
	case TOPO_EV_PREFIX:
		ev_prefix(r, e);
		break;
	}
}

static void flow_start(struct run *r, size_t f);

static void apply(struct run *r, const struct run_act *a)
{
	switch (a->kind) {
	case RUN_ACT_EVENT:
		apply_event(r, &r->t->events[a->idx]);
		break;
	case RUN_ACT_ATTACH: {
		const struct topo_event *e = &r->t->events[a->idx];
		struct json_object *o = json_object_new_object();
		link_engine_attach(r->links, a->port, a->link, run_now_ns());
		json_object_object_add(o, "iface", json_object_new_string(e->iface));
		json_object_object_add(o, "link", json_object_new_string(e->link));
		evlog_emit(r->log, "move_attach", e->node, o);
		break;
	}
	case RUN_ACT_PROC_START:
		proc_start(r, a->idx, a->idx2);
		break;
	case RUN_ACT_PROC_STOP:
		proc_stop(r, a->idx, r->t->nodes[a->idx].procs[a->idx2].name);
		break;
	case RUN_ACT_FLOW_START:
		flow_start(r, a->idx);
		break;
	case RUN_ACT_END:
		run_begin_stop(r, "duration");
		break;
	}
}

static void act_fire(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct run *r = w->data;
	(void)loop;
	(void)revents;

	while (!r->stopping && r->next_act < r->n_acts &&
	       r->acts[r->next_act].at_ns <= run_t_ns(r)) {
		struct run_act a = r->acts[r->next_act++];
		apply(r, &a);
	}
	run_sched_arm(r);
}

void run_sched_arm(struct run *r)
{
	ev_timer_stop(r->loop, &r->act_timer);
	if (r->stopping || r->next_act >= r->n_acts)
		return;
	uint64_t at = r->acts[r->next_act].at_ns, now = run_t_ns(r);
	double delay = at > now ? (double)(at - now) / 1e9 : 0.0;
	ev_timer_init(&r->act_timer, act_fire, delay, 0.0);
	r->act_timer.data = r;
	ev_timer_start(r->loop, &r->act_timer);
}

/* ---- flows: trafgen in the sending node (doc/scenarios.md) -------------- */

static void fmt_addr(const struct in6_addr *a, char *buf, size_t len);

static void flow_start(struct run *r, size_t f)
{
	const struct topo_flow *fl = &r->t->flows[f];
	char dst[64], src[64], dport[8], sport[8], rate[32], size[16], dur[32];
	char on[32], off[32], burst[16], at[32], out[700], log[700];
	size_t n = node_index(r, fl->from);

	fmt_addr(&fl->dst, dst, sizeof(dst));
	snprintf(dport, sizeof(dport), "%u", fl->dport);
	snprintf(sport, sizeof(sport), "%u", fl->sport);
	snprintf(rate, sizeof(rate), "%.3f", fl->rate_pps);
	snprintf(size, sizeof(size), "%u", fl->size);
	snprintf(dur, sizeof(dur), "%.6fs", (double)(fl->stop_ns - fl->start_ns) / 1e9);
	snprintf(on, sizeof(on), "%.6fs", (double)fl->on_ns / 1e9);
	snprintf(off, sizeof(off), "%.6fs", (double)fl->off_ns / 1e9);
	snprintf(burst, sizeof(burst), "%u", fl->burst ? fl->burst : 1);
	snprintf(at, sizeof(at), "%.6fs", (double)fl->start_ns / 1e9);
	snprintf(out, sizeof(out), "%s/flows/%s.send.json", r->out_dir, fl->id);
	snprintf(log, sizeof(log), "%s/logs/%s-trafgen-%s.log", r->out_dir, fl->from, fl->id);

	char *argv[32];
	size_t k = 0;
	argv[k++] = "trafgen"; argv[k++] = "send";
	argv[k++] = "--flow"; argv[k++] = (char *)fl->id;
	argv[k++] = "--dst"; argv[k++] = dst;
	argv[k++] = "--dport"; argv[k++] = dport;
	argv[k++] = "--sport"; argv[k++] = sport;
	if (fl->has_src) {
		fmt_addr(&fl->src, src, sizeof(src));
		argv[k++] = "--src"; argv[k++] = src;
	}
	argv[k++] = "--rate"; argv[k++] = rate;
	argv[k++] = "--size"; argv[k++] = size;
	argv[k++] = "--pattern"; argv[k++] = (char *)topo_flow_pattern_name(fl->pattern);
	if (fl->pattern == TOPO_FLOW_ONOFF) {
		argv[k++] = "--on"; argv[k++] = on;
		argv[k++] = "--off"; argv[k++] = off;
	}
	if (fl->pattern == TOPO_FLOW_BURST) {
		argv[k++] = "--burst"; argv[k++] = burst;
	}
	argv[k++] = "--at"; argv[k++] = at;
	argv[k++] = "--duration"; argv[k++] = dur;
	argv[k++] = "--out"; argv[k++] = out;
	argv[k] = NULL;
	if (run_proc_start_argv(r, RUN_PROC_FLOW_SEND, fl->id, n, argv, log) < 0)
		r->errors++;
}

static void fmt_addr(const struct in6_addr *a, char *buf, size_t len)
{
	inet_ntop(AF_INET6, a, buf, (socklen_t)len);
}

/* ---- the end ------------------------------------------------------------ */

static void stop_timeout(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct run *r = w->data;
	(void)revents;

	if (run_proc_running(r) == 0) {
		ev_break(loop, EVBREAK_ALL);
		return;
	}
	if (w->repeat < 1.5) {          /* second pass: SIGKILL sent, give up */
		ev_break(loop, EVBREAK_ALL);
		return;
	}
	evlog_emit(r->log, "stop_kill", NULL, NULL);
	run_proc_signal_all(r, SIGKILL);
	w->repeat = 1.0;
	ev_timer_again(loop, w);
}

static bool is_anchor(const struct run *r, const struct run_proc *p)
{
	return p->kind == RUN_PROC_DAEMON && r->t->nodes[p->node].kind == TOPO_NODE_LMA;
}

/* The LMAs stop last: the MAGs' deregistrations (RFC 5213 6.9.1.4) must
 * find them listening. Called on every exit while stopping. */
void run_stop_anchors_when_alone(struct run *r)
{
	if (!r->stopping || r->anchors_stopped)
		return;
	for (size_t i = 0; i < r->n_procs; i++)
		if (r->procs[i].pid > 0 && !is_anchor(r, &r->procs[i]))
			return;
	r->anchors_stopped = true;
	for (size_t i = 0; i < r->n_procs; i++)
		run_proc_kill(&r->procs[i], SIGTERM);
}

/* Every process gets SIGTERM (receivers write their results, MAGs
 * deregister), the links keep running meanwhile; the LMAs when the rest
 * are gone; SIGKILL after 3 s. */
void run_begin_stop(struct run *r, const char *why)
{
	struct json_object *o = json_object_new_object();

	if (r->stopping)
		return;
	r->stopping = true;
	ev_timer_stop(r->loop, &r->act_timer);
	json_object_object_add(o, "reason", json_object_new_string(why));
	evlog_emit(r->log, "run_stop", NULL, o);
	for (size_t i = 0; i < r->n_procs; i++)
		if (!is_anchor(r, &r->procs[i]))
			run_proc_kill(&r->procs[i], SIGTERM);
	run_stop_anchors_when_alone(r);
	ev_timer_init(&r->stop_timer, stop_timeout, 3.0, 3.0);
	r->stop_timer.data = r;
	ev_timer_start(r->loop, &r->stop_timer);
	if (run_proc_running(r) == 0)
		ev_break(r->loop, EVBREAK_ALL);
}
