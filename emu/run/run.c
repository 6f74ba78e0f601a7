/*
 * run.c - one run of a topology: bring-up, the loop, teardown (see run.h).
 *
 * Teardown takes the same path whatever happened: processes get SIGTERM,
 * then SIGKILL; the link engine closes its TAPs (which removes them); the
 * namespace fds are closed (which frees the namespaces, their processes
 * being gone); the state folder is removed. Captures, logs and reports in
 * the run folder are the results and stay.
 */
#include "run.h"
#include "evlog.h"
#include "links/link.h"
#include "netns.h"
#include "proc.h"

#include <errno.h>
#include <json-c/json.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int mkdirs(const char *path)
{
	char buf[PATH_MAX];
	snprintf(buf, sizeof(buf), "%s", path);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(buf, 0755) < 0 && errno != EEXIST ? -1 : 0;
}

static int run_dirs(struct run *r)
{
	const char *sub[] = { "", "/flows", "/logs", "/exec", "/config" };
	char path[700];

	if (r->opts->out_dir) {
		snprintf(r->out_dir, sizeof(r->out_dir), "%s", r->opts->out_dir);
	} else {
		char stamp[32];
		time_t now = time(NULL);
		strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", localtime(&now));
		snprintf(r->out_dir, sizeof(r->out_dir), "captures/%s-%s",
			 r->t->name, stamp);
	}
	for (size_t i = 0; i < sizeof(sub) / sizeof(sub[0]); i++) {
		snprintf(path, sizeof(path), "%s%s", r->out_dir, sub[i]);
		if (mkdirs(path) < 0) {
			fprintf(stderr, "pmipemu: cannot create %s: %s\n", path,
				strerror(errno));
			return -1;
		}
	}
	char abs[PATH_MAX];
	if (realpath(r->out_dir, abs) && strlen(abs) < sizeof(r->out_dir))
		memcpy(r->out_dir, abs, strlen(abs) + 1);
	return 0;
}

static void run_bin_dir(struct run *r)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0) {
		snprintf(r->bin_dir, sizeof(r->bin_dir), "/usr/local/bin");
		return;
	}
	exe[n] = '\0';
	char *slash = strrchr(exe, '/');
	if (slash)
		*slash = '\0';
	if (strlen(exe) < sizeof(r->bin_dir))
		memcpy(r->bin_dir, exe, strlen(exe) + 1);
}

/* ---- daemons and flow receivers, started at t = 0 ------------------------ */

static const char *daemon_of(enum topo_node_kind k)
{
	switch (k) {
	case TOPO_NODE_LMA: return "lmad";
	case TOPO_NODE_MAG: return "magd";
	case TOPO_NODE_MN: return "mnd";
	default: return NULL;
	}
}

/* Start node i's daemon (at bring-up, and again on <daemon-start>). 0 when
 * the node has none; -1 with a message on stderr. */
int run_daemon_start(struct run *r, size_t i)
{
	const struct topo_node *n = &r->t->nodes[i];
	const char *prog = daemon_of(n->kind);
	char cfg[700], ctl[400], log[700], path[700];

	if (!prog || !n->pmip.present)
		return 0;
	snprintf(cfg, sizeof(cfg), "%s/config/%s.xml", r->out_dir, n->name);
	snprintf(ctl, sizeof(ctl), "%s/%s.ctl", r->st.dir, n->name);
	snprintf(log, sizeof(log), "%s/logs/%s-%s.log", r->out_dir, n->name, prog);
	snprintf(path, sizeof(path), "%s/%s", r->bin_dir, prog);
	if (topo_write_node(r->t, n, cfg) < 0) {
		fprintf(stderr, "pmipemu: node %s: cannot write %s\n", n->name, cfg);
		return -1;
	}
	char *argv[] = { path, "-f", cfg, "-N", (char *)n->name, "-s", ctl, NULL };
	if (run_proc_start_argv(r, RUN_PROC_DAEMON, prog, i, argv, log) < 0) {
		fprintf(stderr, "pmipemu: node %s: cannot start %s: %s\n", n->name,
			prog, strerror(errno));
		return -1;
	}
	return 0;
}

static int daemons_start(struct run *r)
{
	for (size_t i = 0; i < r->t->n_nodes; i++)
		if (run_daemon_start(r, i) < 0)
			return -1;
	return 0;
}

/* A daemon is ready when its control socket exists. */
static int daemons_ready(struct run *r)
{
	const uint64_t limit_ns = 5000000000ull;
	uint64_t t0 = run_now_ns();

	for (size_t i = 0; i < r->n_procs; i++) {
		const struct run_proc *p = &r->procs[i];
		char ctl[400];
		if (p->kind != RUN_PROC_DAEMON)
			continue;
		snprintf(ctl, sizeof(ctl), "%s/%s.ctl", r->st.dir, r->t->nodes[p->node].name);
		while (access(ctl, F_OK) < 0) {
			if (run_now_ns() - t0 > limit_ns || proc_zombie(p->pid)) {
				fprintf(stderr, "pmipemu: node %s: %s did not come up (see %s/logs/%s-%s.log)\n",
					r->t->nodes[p->node].name, p->name, r->out_dir,
					r->t->nodes[p->node].name, p->name);
				return -1;
			}
			struct timespec ts = { 0, 2000000 };
			nanosleep(&ts, NULL);
		}
	}
	return 0;
}

static size_t node_idx(const struct topology *t, const char *name)
{
	for (size_t i = 0; i < t->n_nodes; i++)
		if (!strcmp(t->nodes[i].name, name))
			return i;
	return 0;
}

static int receivers_start(struct run *r)
{
	for (size_t f = 0; f < r->t->n_flows; f++) {
		const struct topo_flow *fl = &r->t->flows[f];
		char port[8], out[700], log[700];
		snprintf(port, sizeof(port), "%u", fl->dport);
		snprintf(out, sizeof(out), "%s/flows/%s.recv.json", r->out_dir, fl->id);
		snprintf(log, sizeof(log), "%s/logs/%s-trafgen-%s.log", r->out_dir,
			 fl->to, fl->id);
		char *argv[] = { "trafgen", "recv", "--flow", (char *)fl->id, "--port",
				 port, "--out", out, NULL };
		if (run_proc_start_argv(r, RUN_PROC_FLOW_RECV, fl->id,
					node_idx(r->t, fl->to), argv, log) < 0)
			return -1;
	}
	return 0;
}

/* ---- signals -------------------------------------------------------------- */

static void on_signal(struct ev_loop *loop, ev_signal *w, int revents)
{
	struct run *r = w->data;
	(void)revents;

	if (r->stopping) {
		/* A second signal: no more patience. */
		run_proc_signal_all(r, SIGKILL);
		ev_break(loop, EVBREAK_ALL);
		return;
	}
	r->interrupted = w->signum;
	run_begin_stop(r, w->signum == SIGINT ? "SIGINT" : "SIGTERM");
}

static void run_stop_sigset(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGHUP);
}

void run_hold_signals(void)
{
	sigset_t set;
	run_stop_sigset(&set);
	sigprocmask(SIG_BLOCK, &set, NULL);
}

/* The stop signals were held since main() (run_hold_signals): one that came
 * before the handlers is delivered now, and the run stops as soon as its
 * loop runs, tearing down what bring-up made. libev does not unblock them. */
static void signals_start(struct run *r)
{
	ev_signal *ws[] = { &r->sig_int, &r->sig_term, &r->sig_hup };
	int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	sigset_t set;

	for (int i = 0; i < 3; i++) {
		ev_signal_init(ws[i], on_signal, sigs[i]);
		ws[i]->data = r;
		ev_signal_start(r->loop, ws[i]);
	}
	signal(SIGPIPE, SIG_IGN);
	run_stop_sigset(&set);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
}

/* ---- teardown ----------------------------------------------------------- */

static void procs_reap(struct run *r)
{
	run_proc_signal_all(r, SIGKILL);
	for (size_t i = 0; i < r->n_procs; i++) {
		struct run_proc *p = &r->procs[i];
		int st;
		if (p->pid <= 0)
			continue;
		ev_child_stop(r->loop, &p->w);
		while (waitpid(p->pid, &st, 0) < 0 && errno == EINTR)
			;
		p->exited = true;
		p->status = proc_status_code(st);
		p->pid = 0;
		p->died = run_proc_unexpected(p);
	}
}

static void teardown(struct run *r)
{
	if (r->procs)
		procs_reap(r);
	proc_spawner_stop();
	ev_timer_stop(r->loop, &r->act_timer);
	ev_timer_stop(r->loop, &r->stop_timer);
	ev_signal_stop(r->loop, &r->sig_int);
	ev_signal_stop(r->loop, &r->sig_term);
	ev_signal_stop(r->loop, &r->sig_hup);
	run_hold_signals();     /* `pmipemu test`: until the next run's handlers */
	if (r->links) {
		run_report_snapshot(r);
		link_engine_free(r->links);
		r->links = NULL;
	}
	for (size_t i = 0; r->nodes && i < r->t->n_nodes; i++) {
		if (r->nodes[i].ns_fd >= 0)
			close(r->nodes[i].ns_fd);
		free(r->nodes[i].ports);
	}
	free(r->nodes);
	r->nodes = NULL;
	if (r->log) {
		evlog_close(r->log);
		r->log = NULL;
	}
	state_remove(&r->st);
	if (r->origin_ns >= 0)
		close(r->origin_ns);
	free(r->link_ids);
	free(r->acts);
}

/* ---- the run -------------------------------------------------------------- */

/* The link engine's deliveries are only as punctual as pmipemu gets a CPU:
 * on this kernel (no preemption, HZ 250) a woken process can wait
 * milliseconds, which was the whole p99 delay error (doc/bench.md). Real-time
 * priority removes it; SCHED_RESET_ON_FORK keeps the node programs at normal
 * priority. Without the privilege the run goes on at normal priority. */
static void run_realtime(struct run *r)
{
	struct sched_param sp = { .sched_priority = 10 };

	if (r->opts->no_realtime)
		return;
	r->realtime = sched_setscheduler(0, SCHED_FIFO | SCHED_RESET_ON_FORK, &sp) == 0;
}

static int bring_up(struct run *r)
{
	char sock[400];
	uint64_t start = run_now_ns();

	r->origin_ns = netns_open_current();
	if (r->origin_ns < 0 || proc_spawner_start() < 0)
		return -1;
	snprintf(sock, sizeof(sock), "%s/events.sock", r->st.dir);
	r->log = evlog_open(r->loop, r->out_dir, sock, start);
	if (!r->log) {
		fprintf(stderr, "pmipemu: events log: %s\n", strerror(errno));
		return -1;
	}
	_Static_assert(RUN_THREADS_MAX == LINK_THREADS_MAX, "run.h's bound is the engine's");
	struct link_engine_opts lo = {
		.seed = r->t->seed, .pcap_dir = r->out_dir, .threads = r->opts->threads,
		.spin_ns = r->opts->has_spin ? r->opts->spin_ns : LINK_SPIN_NS_DEFAULT,
		.spin_budget_pct = r->opts->spin_budget_pct,
	};

	r->links = link_engine_new(&lo);
	if (!r->links)
		return -1;
	(void)run_neigh_size(r->t);     /* from init_net, before the nodes */
	if (run_nodes_up(r) < 0)
		return -1;
	size_t cap = r->t->n_flows * 2 + r->t->n_nodes + r->t->n_events + 16;
	for (size_t i = 0; i < r->t->n_nodes; i++)
		cap += r->t->nodes[i].n_procs * 2;
	for (size_t i = 0; i < r->t->n_events; i++)
		cap += r->t->events[i].kind == TOPO_EV_START ||
		       r->t->events[i].kind == TOPO_EV_DAEMON_START;
	r->procs = calloc(cap, sizeof(*r->procs));
	r->cap_procs = cap;
	if (!r->procs)
		return -1;
	/* The network is ready before anything attaches: the daemons run and
	 * listen before a single carrier comes on, so that they see every
	 * attachment (an MN sends its first Router Solicitation the moment its
	 * carrier appears, the next one only seconds later). */
	uint64_t d0 = run_now_ns();
	if (daemons_start(r) < 0 || daemons_ready(r) < 0)
		return -1;
	r->daemons_ns = run_now_ns() - d0;
	if (run_links_up(r) < 0)
		return -1;
	r->t0_ns = run_now_ns();
	r->bringup_ns = r->t0_ns - start - r->daemons_ns;
	evlog_set_t0(r->log, r->t0_ns);

	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "topology", json_object_new_string(r->t->name));
	json_object_object_add(o, "seed", json_object_new_int64((int64_t)r->t->seed));
	json_object_object_add(o, "nodes", json_object_new_int((int)r->t->n_nodes));
	json_object_object_add(o, "links", json_object_new_int((int)r->t->n_links));
	json_object_object_add(o, "bringup_ms", json_object_new_double((double)r->bringup_ns / 1e6));
	json_object_object_add(o, "daemons_ms", json_object_new_double((double)r->daemons_ns / 1e6));
	json_object_object_add(o, "run_id", json_object_new_string(r->st.id));
	/* The run start on the captures' clock (doc/reading-a-run.md): a
	 * packet at capture time T is at run time T - start_unix_ns. */
	r->start_unix_ns = (int64_t)r->t0_ns + link_engine_realtime_offset_ns(r->links);
	json_object_object_add(o, "start_unix_ns", json_object_new_int64(r->start_unix_ns));
	json_object_object_add(o, "realtime", json_object_new_boolean(r->realtime));
	evlog_emit(r->log, "run_start", NULL, o);
	if (receivers_start(r) < 0)
		return -1;
	return run_sched_build(r);
}

int run_topology(struct topology *t, const struct run_opts *o,
		 struct run_result *res)
{
	struct run r;

	memset(&r, 0, sizeof(r));
	memset(res, 0, sizeof(*res));
	r.t = t;
	r.opts = o;
	r.origin_ns = -1;
	if (o->has_seed)
		t->seed = o->seed;
	r.duration_ns = o->duration_ns ? o->duration_ns : t->duration_ns;
	r.loop = ev_default_loop(0);
	run_bin_dir(&r);
	if (run_dirs(&r) < 0)
		return -1;
	snprintf(res->out_dir, sizeof(res->out_dir), "%s", r.out_dir);
	if (state_create(&r.st, r.out_dir) < 0) {
		fprintf(stderr, "pmipemu: state folder under %s: %s\n", state_root(),
			strerror(errno));
		return -1;
	}
	signals_start(&r);
	run_realtime(&r);
	if (bring_up(&r) < 0) {
		fprintf(stderr, "pmipemu: %s: bring-up failed, tearing down\n", t->file);
		res->setup_failed = 1;
	} else {
		if (!o->quiet)
			printf("pmipemu: %s: %zu nodes, %zu links up in %.1f ms (run %s); running %.1f s\n",
			       t->name, t->n_nodes, t->n_links, (double)r.bringup_ns / 1e6,
			       r.st.id, (double)r.duration_ns / 1e9);
		run_sched_arm(&r);
		run_progress_start(&r);
		if (run_congest_start(&r) < 0) {
			fprintf(stderr, "pmipemu: congestion rules: out of memory\n");
			r.errors++;
		}
		ev_run(r.loop, 0);
		run_congest_stop(&r);
		run_progress_stop(&r);
	}
	res->interrupted = r.interrupted;
	uint64_t td0 = run_now_ns();
	teardown(&r);
	uint64_t td = run_now_ns() - td0;
	const char *why;
	if (!res->setup_failed && run_pcapng_write(r.out_dir, r.start_unix_ns, &why) < 0)
		fprintf(stderr, "pmipemu: %s/run.pcapng not written: %s\n", r.out_dir, why);
	if (!res->setup_failed)
		run_report_finish(&r, res, td);
	else
		run_died_report(&r, res);       /* a daemon that died starting */
	run_report_free(&r);
	return res->setup_failed ? -1 : 0;
}
