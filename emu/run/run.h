/*
 * run.h - one run of a topology: bring-up, timeline, teardown.
 *
 * Owns: applying a struct topology to the machine (namespaces, TAPs,
 * addresses, routes, sysctls, processes, flows, daemons), driving its
 * timeline on the libev loop, and taking everything down again on every
 * path: normal end, error, SIGINT/SIGTERM. The pieces: run.c (bring-up and
 * teardown), run_net.c (namespaces, TAPs, addresses, routes, links),
 * run_sched.c (the timeline), run_proc.c (the process table).
 */
#ifndef PMIPEMU_RUN_H
#define PMIPEMU_RUN_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <ev.h>

#include "state.h"
#include "topo/topo.h"

#define RUN_THREADS_MAX 64              /* the link engine's LINK_THREADS_MAX */

#define RUN_SETS_MAX 32

struct run_opts {
	const char *out_dir;            /* NULL = captures/<name>-<date-time> */
	uint64_t duration_ns;           /* 0 = the topology's */
	bool has_seed;
	uint64_t seed;
	bool quiet;                     /* no summary on stdout */
	const char *junit;              /* junit.xml path, NULL = none */
	bool no_realtime;               /* keep pmipemu at normal priority */
	unsigned threads;               /* link engine workers; 0 = one per core */
	bool has_spin;
	uint64_t spin_ns;               /* link engine early wake-up; 0 = off */
	unsigned spin_budget_pct;       /* its polling's share of a core; 0 = default */
	const char *sets[RUN_SETS_MAX]; /* --set PATH/@ATTR=VALUE, in order */
	size_t n_sets;
};

/* Result of a run, for `pmipemu test`. */
struct run_result {
	int setup_failed;               /* the topology could not be built */
	int interrupted;                /* SIGINT/SIGTERM */
	int expectations;               /* evaluated */
	int failed;                     /* unmet */
	int died;                       /* daemons/processes that died (run_died.c) */
	char out_dir[512];
};

int run_topology(struct topology *t, const struct run_opts *o,
		 struct run_result *res);
/* First thing of `run` and `test`: SIGINT/SIGTERM/SIGHUP wait (blocked)
 * until a run's handlers take them, so a stop at any moment is a stop. */
void run_hold_signals(void);
/* run_pcapng.c: DIR/run.pcapng from every DIR/NODE-IFACE.pcap (one named
 * interface each, frames in time order); after the captures are closed.
 * 0, or -1 with why. */
int run_pcapng_write(const char *dir, int64_t start_unix_ns, const char **why);

/* ---- internal, shared by run*.c ----------------------------------------- */

enum run_proc_kind {
	RUN_PROC_PROCESS,               /* <process> of a node */
	RUN_PROC_DAEMON,                /* lmad / magd / mnd */
	RUN_PROC_FLOW_SEND,
	RUN_PROC_FLOW_RECV,
	RUN_PROC_EXEC,                  /* <exec> of the timeline */
};
const char *run_proc_kind_name(enum run_proc_kind k);

struct run_proc {
	enum run_proc_kind kind;
	char name[64];                  /* process name, flow id, exec id */
	size_t node;
	pid_t pid;                      /* 0 = not running */
	bool exited;
	bool planned_stop;              /* <daemon-stop>: its exit is no failure */
	int status;                     /* shell-style exit code */
	uint64_t started_ns, ended_ns;  /* run-relative */
	int signalled;                  /* the last signal pmipemu sent it, 0 none */
	bool died;                      /* exited unexpectedly (run_died.c) */
	char log[512];                  /* its stdout+stderr file, "" = none */
	ev_child w;
	struct run *run;
};

enum run_act_kind {
	RUN_ACT_EVENT,                  /* a topology timeline event */
	RUN_ACT_ATTACH,                 /* second half of a move, after the gap */
	RUN_ACT_PROC_START,
	RUN_ACT_PROC_STOP,
	RUN_ACT_FLOW_START,
	RUN_ACT_END,
};

struct run_act {
	uint64_t at_ns;
	uint64_t seq;                   /* ties: insertion order */
	enum run_act_kind kind;
	size_t idx;                     /* event / node / flow index */
	size_t idx2;                    /* process index in node / port / link */
	int port, link;                 /* ATTACH */
};

/* How long before its start a flow's sender is started (run_sched.c). */
#define RUN_FLOW_LEAD_NS 2000000000ull

struct run_node {
	int ns_fd;
	int *ports;                     /* link engine port per interface */
};

struct run {
	struct topology *t;
	const struct run_opts *opts;
	struct ev_loop *loop;
	struct state st;
	char out_dir[512];
	char bin_dir[512];
	int origin_ns;
	struct run_node *nodes;
	struct link_engine *links;
	int64_t start_unix_ns;          /* t0 on the captures' clock (CLOCK_REALTIME) */
	int *link_ids;                  /* per topology link */
	struct evlog *log;
	uint64_t t0_ns;                 /* CLOCK_MONOTONIC at t = 0 */
	uint64_t duration_ns;
	uint64_t bringup_ns;            /* namespaces, TAPs, links */
	uint64_t daemons_ns;            /* daemons started until ready */

	struct run_proc *procs;
	size_t n_procs, cap_procs;

	struct run_act *acts;           /* sorted by (at_ns, seq); next = acts[next] */
	size_t n_acts, cap_acts, next_act;
	uint64_t act_seq;
	ev_timer act_timer;

	ev_signal sig_int, sig_term, sig_hup;
	ev_timer stop_timer;
	ev_timer progress_timer;        /* run_progress.c */
	struct run_congest_rule *congest;   /* run_congest_io.c */
	size_t n_congest;
	ev_timer congest_timer;
	bool progress_on;
	bool stopping;
	bool anchors_stopped;           /* LMAs got their SIGTERM */
	bool realtime;                  /* the link engine runs SCHED_FIFO */
	int interrupted;
	int errors;
	void *report;                   /* run_report.c's snapshot */
};

/* run_congest_io.c: the lmas' <congestion> rules, sampled from t = 0 to
 * the stop; the rules still in place at the stop are left (the LMA goes
 * with the run). */
int run_congest_start(struct run *r);
void run_congest_stop(struct run *r);

uint64_t run_now_ns(void);
uint64_t run_t_ns(const struct run *r);          /* now, run-relative */

/* run_proc.c */
int run_proc_start(struct run *r, enum run_proc_kind kind, const char *name,
		   size_t node, const char *cmd, const char *out_path);
int run_proc_start_argv(struct run *r, enum run_proc_kind kind, const char *name,
			size_t node, char *const *argv, const char *out_path);
void run_proc_signal_all(struct run *r, int sig);
/* Every signal pmipemu sends a process goes through here: it is then no
 * surprise when the process dies of it. */
void run_proc_kill(struct run_proc *p, int sig);
size_t run_proc_running(const struct run *r);
/* run.c: start node i's daemon (0 if it has none). */
int run_daemon_start(struct run *r, size_t i);
struct run_proc *run_proc_find(struct run *r, enum run_proc_kind kind,
			       size_t node, const char *name);

/* run_net.c: every node's namespace with its TAPs, sysctls, addresses and
 * routes. */
int run_nodes_up(struct run *r);
/* run_linkwatch.c: then the links, their carriers turned on in batches,
 * each waited for until it carries traffic. */
int run_links_up(struct run *r);
/* run_report.c: copy what the report needs before teardown frees it, then
 * evaluate expectations and write report.json, junit.xml, timeline.svg. */
void run_report_snapshot(struct run *r);
void run_report_finish(struct run *r, struct run_result *res, uint64_t teardown_ns);
void run_report_free(struct run *r);

/* run_died.c: a daemon or declared process that exits unexpectedly */
bool run_proc_unexpected(const struct run_proc *p);
/* Summary lines with the last lines of each one's log, "died" in
 * report.json; res->died. */
void run_died_report(struct run *r, struct run_result *res);

/* run_progress.c: the progress line (a terminal, no --quiet) */
void run_progress_start(struct run *r);
void run_progress_stop(struct run *r);

/* run_sched.c */
int run_sched_build(struct run *r);
void run_sched_add(struct run *r, const struct run_act *a);
void run_sched_arm(struct run *r);
void run_begin_stop(struct run *r, const char *why);
void run_stop_anchors_when_alone(struct run *r);

/* run_neigh.c: the kernel's one IPv6 neighbour table, raised (never
 * lowered) to what topology t needs; 1 raised, 0 enough, -1 failed (said). */
long run_neigh_need(const struct topology *t);
int run_neigh_size(const struct topology *t);

#endif
