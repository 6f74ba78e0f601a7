/*
 * run_proc.c - the run's process table: everything started in a node
 * (declared processes, daemons, flow ends, timeline commands), its exit
 * status, and the events that say so. Spawning itself is proc.c's.
 */
#include "run.h"
#include "evlog.h"
#include "proc.h"

#include <errno.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *run_proc_kind_name(enum run_proc_kind k)
{
	switch (k) {
	case RUN_PROC_PROCESS: return "process";
	case RUN_PROC_DAEMON: return "daemon";
	case RUN_PROC_FLOW_SEND: return "flow_send";
	case RUN_PROC_FLOW_RECV: return "flow_recv";
	case RUN_PROC_EXEC: return "exec";
	}
	return "?";
}

uint64_t run_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t run_t_ns(const struct run *r)
{
	uint64_t now = run_now_ns();
	return now > r->t0_ns ? now - r->t0_ns : 0;
}

static void run_proc_exited(struct ev_loop *loop, ev_child *w, int revents)
{
	struct run_proc *p = w->data;
	struct run *r = p->run;
	(void)revents;

	ev_child_stop(loop, w);
	p->exited = true;
	p->status = proc_status_code(w->rstatus);
	p->ended_ns = run_t_ns(r);
	p->pid = 0;
	p->died = run_proc_unexpected(p);

	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "kind", json_object_new_string(run_proc_kind_name(p->kind)));
	json_object_object_add(o, "name", json_object_new_string(p->name));
	json_object_object_add(o, "status", json_object_new_int(p->status));
	if (p->died)
		json_object_object_add(o, "unexpected", json_object_new_boolean(1));
	evlog_emit(r->log, p->kind == RUN_PROC_EXEC ? "exec_done" : "process_exit",
		   r->t->nodes[p->node].name, o);
	run_stop_anchors_when_alone(r);
	if (r->stopping && run_proc_running(r) == 0)
		ev_break(loop, EVBREAK_ALL);
}

/* The environment every node program gets (doc/design.md). */
static char **run_proc_env(struct run *r, size_t node, char *store, size_t len)
{
	static char *env[12];
	size_t n = 0, off = 0;
	const char *node_name = r->t->nodes[node].name;
	/* NAME=value suffix */
	const struct { const char *name, *val, *suffix; } var[] = {
		{ "PATH", r->bin_dir, ":/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" },
		{ "PMIPEMU_RUN_DIR", r->out_dir, "" },
		{ "PMIPEMU_STATE_DIR", r->st.dir, "" },
		{ "PMIPEMU_NODE", node_name, "" },
		{ "PMIPEMU_EVENT_SOCK", r->st.dir, "/events.sock" },
		/* the one pmipemu found: tree or installed */
		{ "PMIPEMU_XSD", topo_xsd_path(), "" },
	};

	for (size_t i = 0; i < sizeof(var) / sizeof(var[0]); i++) {
		int k = snprintf(store + off, len - off, "%s=%s%s", var[i].name,
				 var[i].val, var[i].suffix);
		env[n++] = store + off;
		off += (size_t)k + 1;
	}
	int k = snprintf(store + off, len - off, "PMIPEMU_T0_NS=%llu",
			 (unsigned long long)r->t0_ns);
	env[n++] = store + off;
	off += (size_t)k + 1;
	env[n++] = "LANG=C";
	env[n++] = "HOME=/root";
	env[n] = NULL;
	return env;
}

/* The table is sized once at bring-up (run.c) and never moves: libev
 * holds pointers to the watchers inside it. */
static struct run_proc *run_proc_slot(struct run *r)
{
	if (r->n_procs == r->cap_procs) {
		errno = ENOSPC;
		return NULL;
	}
	struct run_proc *p = &r->procs[r->n_procs];
	memset(p, 0, sizeof(*p));
	return p;
}

int run_proc_start_argv(struct run *r, enum run_proc_kind kind, const char *name,
			size_t node, char *const *argv, const char *out_path)
{
	char envbuf[4096];
	struct run_proc *p = run_proc_slot(r);

	if (!p)
		return -1;
	struct proc_spec s = {
		.netns_fd = r->nodes[node].ns_fd,
		.argv = argv,
		.envp = run_proc_env(r, node, envbuf, sizeof(envbuf)),
		.out_path = out_path,
	};
	pid_t pid = proc_spawn(&s);
	if (pid < 0)
		return -1;
	r->n_procs++;
	p->kind = kind;
	snprintf(p->name, sizeof(p->name), "%s", name);
	p->node = node;
	p->pid = pid;
	p->run = r;
	p->started_ns = run_t_ns(r);
	snprintf(p->log, sizeof(p->log), "%s", out_path ? out_path : "");
	state_add_proc(&r->st, pid);
	ev_child_init(&p->w, run_proc_exited, pid, 0);
	p->w.data = p;
	ev_child_start(r->loop, &p->w);

	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "kind", json_object_new_string(run_proc_kind_name(kind)));
	json_object_object_add(o, "name", json_object_new_string(name));
	json_object_object_add(o, "pid", json_object_new_int(pid));
	json_object_object_add(o, "cmd", json_object_new_string(argv[0]));
	evlog_emit(r->log, kind == RUN_PROC_EXEC ? "exec_start" : "process_start",
		   r->t->nodes[node].name, o);
	return 0;
}

int run_proc_start(struct run *r, enum run_proc_kind kind, const char *name,
		   size_t node, const char *cmd, const char *out_path)
{
	char buf[TOPO_CMD_MAX + PROC_ARGV_MAX];
	char *argv[PROC_ARGV_MAX];
	const char *why;

	if (proc_split(cmd, buf, sizeof(buf), argv, PROC_ARGV_MAX, &why) < 0) {
		fprintf(stderr, "pmipemu: node %s: %s: %s\n",
			r->t->nodes[node].name, name, why);
		errno = EINVAL;
		return -1;
	}
	return run_proc_start_argv(r, kind, name, node, argv, out_path);
}

void run_proc_kill(struct run_proc *p, int sig)
{
	if (p->pid <= 0)
		return;
	p->signalled = sig;
	kill(p->pid, sig);
}

void run_proc_signal_all(struct run *r, int sig)
{
	for (size_t i = 0; i < r->n_procs; i++)
		run_proc_kill(&r->procs[i], sig);
}

size_t run_proc_running(const struct run *r)
{
	size_t n = 0;
	for (size_t i = 0; i < r->n_procs; i++)
		n += r->procs[i].pid > 0;
	return n;
}

struct run_proc *run_proc_find(struct run *r, enum run_proc_kind kind,
			       size_t node, const char *name)
{
	for (size_t i = r->n_procs; i-- > 0;)
		if (r->procs[i].kind == kind && r->procs[i].node == node &&
		    !strcmp(r->procs[i].name, name))
			return &r->procs[i];
	return NULL;
}
