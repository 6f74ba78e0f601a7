/*
 * report.h - what a run measured, and whether the topology's expectations
 * held: report.json, junit.xml, timeline.svg and a one-screen summary.
 *
 * Owns: reading the run folder (flows/ from trafgen, events.jsonl, exec
 * outputs), per-flow statistics (through tg_stats), expectation evaluation
 * (expect.c), and the output formats (report_json.c, report_junit.c,
 * report_svg.c, report_text.c). Must not: touch the network, namespaces or
 * processes, or read clocks: the lead's run code fills struct report_input
 * and calls report_build() once the run is over. Formats: doc/scenarios.md.
 *
 * Files read in RUN_DIR:
 *   flows/ID.send.json   trafgen send summary     (per topology flow)
 *   flows/ID.recv.json   trafgen recv summary
 *   flows/ID.recv.csv    trafgen recv records
 *   events.jsonl         one JSON object a line: "t" (s), "ev", "node", ...
 *   exec/ID.out          output of a timeline <exec> (unless out_path given)
 */
#ifndef PMIPEMU_REPORT_H
#define PMIPEMU_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "topo/topo.h"
#include "trafgen/tg.h"

#define REPORT_BIN_NS   100000000ull    /* timeline bins: 100 ms */
#define REPORT_IFNAME_MAX 16

/* One direction of a link, as the link engine counted it. */
struct report_link_counters {
	uint64_t in;                /* frames offered to the link */
	uint64_t delivered;
	uint64_t dup;               /* extra copies made by the duplicate model */
	uint64_t drop_loss, drop_queue, drop_down;
	uint64_t drop_tx;           /* the far TAP refused the write */
	uint64_t in_flight;         /* accepted, neither delivered nor dropped at the end */
	uint64_t bytes_in, bytes_out;
};

struct report_link {
	char name[TOPO_NAME_MAX];
	struct report_link_counters dir[2];     /* [LINK_DIR_AB], [LINK_DIR_BA] */
};

/* A timeline <exec> that ran (or not). */
struct report_exec {
	char id[TOPO_NAME_MAX];
	char node[TOPO_NAME_MAX];
	bool finished;              /* false: never started or still running at the end */
	bool killed;                /* still running at the end: pmipemu killed it */
	int exit_status;            /* shell-style: exit code, 128+N for signal N */
	char out_path[TOPO_PATH_MAX];   /* "" = RUN_DIR/exec/ID.out */
};

struct report_input {
	const struct topology *topo;    /* borrowed: must outlive the report */
	const char *run_dir;
	uint64_t t0_ns;                 /* CLOCK_MONOTONIC at run start (PMIPEMU_T0_NS) */
	int64_t started_at_unix_s;      /* wall clock of the start, for humans */
	int64_t start_unix_ns;          /* t0 on the captures' clock, 0 unknown */
	uint64_t seed;
	uint64_t duration_ns;           /* how long the run lasted */
	const struct report_link *links;
	size_t n_links;
	const struct report_exec *execs;
	size_t n_execs;
};

/* One events.jsonl line, digested for the timeline. */
enum report_ev_class {
	REPORT_EV_MAJOR,            /* timeline: link down/up, impair, move, exec */
	REPORT_EV_TICK,             /* daemons: PBU/PBA, bce_*, ... */
	REPORT_EV_HIDDEN,           /* process bookkeeping, not drawn */
};
const char *report_ev_class_name(enum report_ev_class c);

struct report_event {
	double t_s;                 /* run-relative */
	char ev[32];
	char node[TOPO_NAME_MAX];
	char label[160];            /* ev and its key fields, for the timeline */
	enum report_ev_class cls;
};

struct report_flow {
	char id[TOPO_NAME_MAX];
	bool has_send, has_recv;    /* summaries found and readable */
	char problem[160];          /* why a file was missing or bad, "" if none */
	uint64_t send_errors;       /* refused by the sender's stack */
	char ifnames[TG_IFACE_MAX][REPORT_IFNAME_MAX];  /* arrival ifaces, by index */
	size_t n_ifaces;
	struct tg_arrival *arr;     /* iface = index in ifnames, times monotonic ns */
	size_t n_arr;
	struct tg_stats st;
	/* Sender with several interfaces (report_uplink.c): the one each
	 * arrival left by, index in out_ifnames ("node:iface"), 0xff unknown;
	 * NULL when the sender's captures did not tell. */
	uint8_t *out_iface;
	char out_ifnames[TG_IFACE_MAX][REPORT_IFNAME_MAX];
	size_t n_out_ifaces;
};

struct report_expect {
	enum topo_expect_kind kind;
	char target[80];            /* flow id, link/dir/counter, exec id */
	bool pass;
	double bound, measured;     /* in the unit of the kind (ratio, count, ms) */
	char bound_s[48];           /* "<= 50ms", ">= 99%" */
	char measured_s[48];
	char message[256];          /* why it failed, by how much; or what held */
	int line;                   /* of the <expect> element, 0 if unknown */
};

/* A mobility session as the LMA's events tell it (report_sessions.c): the
 * prefix set it held from each instant on, for the timeline picture
 * (sections 2.1, 2.2: sessions that come and go, prefixes that move). */
#define REPORT_SESSION_MAX 16
#define REPORT_SESSION_CHANGES 12
struct report_session {
	uint64_t id;                /* the LMA's session number */
	char name[64];              /* "MN-LL-ID service" */
	double t_start, t_end;      /* run-relative; t_end < 0: still there */
	size_t n_change;
	struct {
		double t;
		char hnps[120];     /* "P1, P2" (prefix lengths dropped) */
	} change[REPORT_SESSION_CHANGES];
};

struct report {
	const struct topology *topo;
	char run_dir[TOPO_PATH_MAX * 2];
	uint64_t t0_ns;
	int64_t started_at_unix_s;
	int64_t start_unix_ns;
	uint64_t seed;
	uint64_t duration_ns;
	struct report_flow *flows;
	size_t n_flows;
	struct report_link *links;
	size_t n_links;
	struct report_exec *execs;
	size_t n_execs;
	struct report_event *events;
	size_t n_events;
	struct report_expect *expects;
	size_t n_expects;
	struct report_session sessions[REPORT_SESSION_MAX];
	size_t n_sessions;
};

/* Reads the run folder and evaluates every expectation. A missing flow file
 * or events.jsonl is not an error (the flow's expectations fail, saying so);
 * -1 only for a bad input or no memory. *out must be freed either way. */
int report_build(const struct report_input *in, struct report *out, const char **why);
/* report.json, timeline.svg in run_dir; junit.xml at junit_path if not NULL. */
int report_write_all(const struct report *r, const char *run_dir,
		     const char *junit_path);
int report_write_json(const struct report *r, const char *path);
int report_write_junit(const struct report *r, const char *path);
/* One <testsuite> element (for a file of several topologies). */
void report_junit_suite(const struct report *r, FILE *f);
int report_write_svg(const struct report *r, const char *path);
/* Flows, links, expectations: for `pmipemu run`. */
void report_print_summary(const struct report *r, FILE *f);
/* One line an expectation: for `pmipemu test`. */
void report_print_expects(const struct report *r, FILE *f);
int report_failed_count(const struct report *r);
void report_free(struct report *r);

/* Internals shared by the report files. */
const struct report_flow *report_find_flow(const struct report *r, const char *id);
/* When a flow's packets were due at its receiver, absolute ns: the sending
 * period (topology start .. stop, else the run's planned end, never past
 * the run's end) shifted by the first arrival's latency. */
void report_flow_span(const struct report *r, const struct report_flow *f,
		      uint64_t *start, uint64_t *stop);
int report_load_flow(struct report_flow *f, const char *run_dir, const char *id);
/* The leaving interface of each arrival, from the sender's captures. */
int report_load_uplink(struct report_flow *f, const struct topology *t, const char *run_dir);
/* Does change k of session i hold a prefix that another session holds at
 * that instant (a shared prefix)? */
bool report_session_shared(const struct report *r, size_t i, size_t k);
int report_load_events(struct report *r, const char *path);
/* The LMA's bce_* events of events.jsonl into r->sessions (the first
 * REPORT_SESSION_MAX sessions). No file: none. */
int report_load_sessions(struct report *r, const char *path);
/* XML text escaping (&, <, >, ", ') into buf; truncates safely. */
const char *report_xml_escape(const char *s, char *buf, size_t len);
/* snprintf that may truncate on purpose (messages, labels): no warning. */
int report_fmt(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* "12.5ms", "1.2s": a duration for people. buf >= 32. */
const char *report_fmt_ms(double ms, char *buf, size_t len);

/* report_handover.c: per mobility event of the timeline, per flow active
 * then, the interruption and the loss until the next mobility event (at
 * most 5 s), and the signalling that followed (ms after the event, -1 if
 * none). */
#define REPORT_HO_WINDOW_NS 5000000000ull
#define REPORT_HO_FLOWS 16
#define REPORT_HO_MAX 64
struct report_ho_flow {
	char flow[TOPO_NAME_MAX];
	double interruption_ms;     /* largest arrival gap in the window */
	uint64_t lost;              /* packets sent in the window and lost */
};
struct report_handover {
	double at_s, until_s;       /* run-relative window */
	char what[160];             /* "move mn:eth0 -> acc2" */
	double pbu_ms, pba_ms, bce_ms;  /* first pbu_sent, pba_received, bce_* */
	struct report_ho_flow flows[REPORT_HO_FLOWS];
	size_t n_flows;
};
size_t report_handovers(const struct report *r, struct report_handover *out, size_t max);

/* expect.c: evaluates one expectation against a built report. */
void expect_eval(const struct report *r, const struct topo_expect *e,
		 struct report_expect *out);

#endif
