/*
 * expect.c - evaluates one <expect> of the topology against a built
 * report: pass or fail, the bound, the measured value, and a message that
 * says which and by how much. Semantics (doc/scenarios.md): the measured
 * delivery ratio, lost count, latency p99, largest arrival gap or link
 * counter compared with the bound as the topology says (min= >=, max= <=,
 * eq= ==); the share of arrivals via an interface >= min_share; an exec
 * exits with status= (default 0) and its output matches match=.
 * Windows are run-relative. Reads the exec output file; nothing else.
 */
#include <math.h>
#include <regex.h>
#include <stddef.h>
#include <stdio.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

#define EXEC_OUT_MAX (1u << 20)     /* outputs are small; bound what we read */

static void fail(struct report_expect *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The message may be truncated on purpose: vsnprintf, not snprintf. */
static void fail(struct report_expect *o, const char *fmt, ...)
{
	va_list ap;

	o->pass = false;
	va_start(ap, fmt);
	vsnprintf(o->message, sizeof o->message, fmt, ap);
	va_end(ap);
}

static const char *cmp_op(enum topo_cmp c)
{
	return c == TOPO_CMP_LE ? "<=" : c == TOPO_CMP_GE ? ">=" : "==";
}

/* The topology's bound: min= (>=), max= (<=), eq= (==). */
static bool cmp_holds(enum topo_cmp c, double measured, double bound)
{
	const double eps = 1e-9;
	if (c == TOPO_CMP_LE)
		return measured <= bound + eps;
	if (c == TOPO_CMP_GE)
		return measured + eps >= bound;
	return fabs(measured - bound) <= eps;
}

static uint64_t sat_add(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* The window in absolute monotonic ns, and its text for messages. An open
 * end (to_ns = UINT64_MAX: until the end of the run) saturates. */
static void window_abs(const struct report *r, const struct topo_expect *e,
		       uint64_t *from, uint64_t *to, char *txt, size_t len)
{
	char a[32], b[32];
	*from = e->has_window ? sat_add(r->t0_ns, e->from_ns) : 0;
	*to = e->has_window ? sat_add(r->t0_ns, e->to_ns) : UINT64_MAX;
	if (e->has_window)
		report_fmt(txt, len, " in [%s, %s]",
			   report_fmt_ms((double)e->from_ns / 1e6, a, sizeof a),
			   e->to_ns == UINT64_MAX ? "end" :
			   report_fmt_ms((double)e->to_ns / 1e6, b, sizeof b));
	else
		txt[0] = '\0';
}

static const struct report_flow *flow_or_fail(const struct report *r,
					      const struct topo_expect *e,
					      struct report_expect *o)
{
	const struct report_flow *f = report_find_flow(r, e->flow);
	if (!f) {
		fail(o, "flow %s is not in the topology", e->flow);
		return NULL;
	}
	if (!f->has_recv) {
		report_fmt(o->message, sizeof o->message, "flow %s: no receiver records (%s)",
			 f->id, f->problem[0] ? f->problem : "receiver did not report");
		o->pass = false;
		return NULL;
	}
	/* A sender that died or never started wrote no summary: what arrived
	 * says nothing of what should have (the highest sequence seen is no
	 * count of what was sent), so every expectation of the flow fails. */
	if (!f->has_send) {
		report_fmt(o->message, sizeof o->message,
			   "flow %s: the sender did not report (%s): nothing to measure against",
			   f->id, f->problem[0] ? f->problem : "no sender summary");
		o->pass = false;
		return NULL;
	}
	return f;
}

static void eval_delivery(const struct report *r, const struct topo_expect *e,
			  struct report_expect *o)
{
	const struct report_flow *f = flow_or_fail(r, e, o);
	uint64_t from, to, got, want;
	char w[80];
	if (!f)
		return;
	window_abs(r, e, &from, &to, w, sizeof w);
	got = f->st.received;
	want = f->st.sent;
	if (e->has_window) {
		struct tg_window_loss wl;
		tg_stats_loss_window(f->arr, f->n_arr, f->has_send ? f->st.sent : TG_SENT_UNKNOWN,
				     from, to, &wl);
		got = wl.received;
		want = wl.expected;
	}
	o->bound = e->value;
	o->measured = want ? (double)got / (double)want : 0;
	report_fmt(o->bound_s, sizeof o->bound_s, "%s %.2f%%", cmp_op(e->cmp), e->value * 100);
	report_fmt(o->measured_s, sizeof o->measured_s, "%.2f%% (%llu/%llu)", o->measured * 100,
		 (unsigned long long)got, (unsigned long long)want);
	o->pass = want > 0 && cmp_holds(e->cmp, o->measured, e->value);
	report_fmt(o->message, sizeof o->message, "flow %s delivered %s%s, %s %s%s", f->id,
		 o->measured_s, w, o->pass ? "meets" : "violates", o->bound_s,
		 want ? (f->has_send ? "" : " (sent count estimated: no sender summary)")
		      : " (no packets sent)");
}

static void eval_loss(const struct report *r, const struct topo_expect *e,
		      struct report_expect *o)
{
	const struct report_flow *f = flow_or_fail(r, e, o);
	uint64_t from, to, lost;
	char w[80];
	if (!f)
		return;
	window_abs(r, e, &from, &to, w, sizeof w);
	lost = f->st.lost;
	if (e->has_window) {
		struct tg_window_loss wl;
		tg_stats_loss_window(f->arr, f->n_arr, f->has_send ? f->st.sent : TG_SENT_UNKNOWN,
				     from, to, &wl);
		lost = wl.lost;
		if (!wl.expected) {
			report_fmt(o->message, sizeof o->message,
				   "flow %s: no packet was due%s: nothing to measure", f->id, w);
			return;
		}
	} else if (!f->st.sent) {
		report_fmt(o->message, sizeof o->message,
			   "flow %s: the sender sent nothing: nothing to measure", f->id);
		return;
	}
	o->bound = e->value;
	o->measured = (double)lost;
	o->pass = cmp_holds(e->cmp, o->measured, e->value);
	report_fmt(o->bound_s, sizeof o->bound_s, "%s %.0f", cmp_op(e->cmp), e->value);
	report_fmt(o->measured_s, sizeof o->measured_s, "%llu", (unsigned long long)lost);
	if (o->pass || e->cmp != TOPO_CMP_LE)
		report_fmt(o->message, sizeof o->message, "flow %s lost %llu packets%s, %s %s",
			 f->id, (unsigned long long)lost, w, o->pass ? "meets" : "violates",
			 o->bound_s);
	else
		report_fmt(o->message, sizeof o->message,
			 "flow %s lost %llu packets%s, %.0f over the bound %.0f", f->id,
			 (unsigned long long)lost, w, o->measured - e->value, e->value);
}

/* "<what> 73.2ms exceeds 50ms by 23.2ms", "... below 5ms by 1ms", "... meets <= 50ms" */
static void ms_verdict(struct report_expect *o, const char *what, double ms,
		       const struct topo_expect *e)
{
	char m[32], b[32], d[32];
	o->bound = (double)e->value_ns / 1e6;
	o->measured = ms;
	o->pass = cmp_holds(e->cmp, ms, o->bound);
	report_fmt_ms(ms, m, sizeof m);
	report_fmt_ms(o->bound, b, sizeof b);
	report_fmt(o->bound_s, sizeof o->bound_s, "%s %s", cmp_op(e->cmp), b);
	report_fmt(o->measured_s, sizeof o->measured_s, "%s", m);
	if (o->pass)
		report_fmt(o->message, sizeof o->message, "%s %s meets %s", what, m, o->bound_s);
	else
		report_fmt(o->message, sizeof o->message, "%s %s %s %s by %s", what, m,
			   ms > o->bound ? "exceeds" : "is below", b,
			   report_fmt_ms(fabs(ms - o->bound), d, sizeof d));
}

static void eval_latency(const struct report *r, const struct topo_expect *e,
			 struct report_expect *o)
{
	const struct report_flow *f = flow_or_fail(r, e, o);
	uint64_t from, to, p50, p99, max;
	char w[80], what[160];
	if (!f)
		return;
	window_abs(r, e, &from, &to, w, sizeof w);
	if (!tg_stats_latency_window(f->arr, f->n_arr, from, to, &p50, &p99, &max)) {
		report_fmt(o->message, sizeof o->message, "flow %s: no packet arrived%s", f->id, w);
		return;
	}
	report_fmt(what, sizeof what, "flow %s latency p99%s", f->id, w);
	ms_verdict(o, what, (double)p99 / 1e6, e);
}

/* Largest silence inside the window and the flow's span (report_flow_span:
 * its sending period shifted by the first packet's latency, so that packets
 * lost before the first arrival or after the last one count as silence). */
static void eval_gap(const struct report *r, const struct topo_expect *e,
		     struct report_expect *o)
{
	const struct report_flow *f = flow_or_fail(r, e, o);
	uint64_t from, to, start, stop, gap, at;
	char w[80], what[200], at_s[32];
	if (!f)
		return;
	if (!f->st.arrivals) {
		report_fmt(o->message, sizeof o->message, "flow %s: no packet arrived", f->id);
		return;
	}
	window_abs(r, e, &from, &to, w, sizeof w);
	report_flow_span(r, f, &start, &stop);
	from = from > start ? from : start;
	to = to < stop ? to : stop;
	if (to <= from) {
		report_fmt(o->message, sizeof o->message,
			   "flow %s: the window%s is outside the flow's sending period: nothing to measure",
			   f->id, w);
		return;
	}
	tg_stats_gap_window(f->arr, f->n_arr, from, to, &gap, &at);
	report_fmt(what, sizeof what, "flow %s largest gap%s (from %s)", f->id, w,
		   report_fmt_ms(((double)at - (double)r->t0_ns) / 1e6, at_s, sizeof at_s));
	ms_verdict(o, what, (double)gap / 1e6, e);
}

static void eval_via(const struct report *r, const struct topo_expect *e,
		     struct report_expect *o)
{
	const struct report_flow *f = flow_or_fail(r, e, o);
	uint64_t from, to, counts[TG_IFACE_MAX], total, on = 0;
	char w[80];
	if (!f)
		return;
	window_abs(r, e, &from, &to, w, sizeof w);
	total = tg_stats_iface_window(f->arr, f->n_arr, from, to, counts);
	for (size_t i = 0; i < f->n_ifaces; i++)
		if (strcmp(f->ifnames[i], e->iface) == 0)
			on = counts[i];
	o->bound = e->min_share > 0 ? e->min_share : 1.0;
	o->measured = total ? (double)on / (double)total : 0;
	o->pass = total > 0 && cmp_holds(TOPO_CMP_GE, o->measured, o->bound);
	report_fmt(o->bound_s, sizeof o->bound_s, ">= %.1f%%", o->bound * 100);
	report_fmt(o->measured_s, sizeof o->measured_s, "%.1f%% (%llu/%llu)", o->measured * 100,
		 (unsigned long long)on, (unsigned long long)total);
	report_fmt(o->message, sizeof o->message, "flow %s via %s: %s of arrivals%s, %s %s%s",
		 f->id, e->iface, o->measured_s, w, o->pass ? "meets" : "below", o->bound_s,
		 total ? "" : " (no packet arrived)");
}

static const struct {
	const char *name;
	size_t off;
} counters[] = {
	{ "in", offsetof(struct report_link_counters, in) },
	{ "delivered", offsetof(struct report_link_counters, delivered) },
	{ "dup", offsetof(struct report_link_counters, dup) },
	{ "drop_loss", offsetof(struct report_link_counters, drop_loss) },
	{ "drop_queue", offsetof(struct report_link_counters, drop_queue) },
	{ "drop_down", offsetof(struct report_link_counters, drop_down) },
	{ "drop_tx", offsetof(struct report_link_counters, drop_tx) },
	{ "in_flight", offsetof(struct report_link_counters, in_flight) },
	{ "bytes_in", offsetof(struct report_link_counters, bytes_in) },
	{ "bytes_out", offsetof(struct report_link_counters, bytes_out) },
};

static void eval_link_counter(const struct report *r, const struct topo_expect *e,
			      struct report_expect *o)
{
	const struct report_link *l = NULL;
	for (size_t i = 0; i < r->n_links; i++)
		if (strcmp(r->links[i].name, e->link) == 0)
			l = &r->links[i];
	size_t c = 0;
	while (c < sizeof counters / sizeof counters[0] && strcmp(counters[c].name, e->counter))
		c++;
	if (!l || c == sizeof counters / sizeof counters[0]) {
		fail(o, l ? "unknown link counter %s" : "no counters for link %s",
		     l ? e->counter : e->link);
		return;
	}
	const struct report_link_counters *lc = &l->dir[e->dir == LINK_DIR_BA];
	if (!lc->in) {
		report_fmt(o->message, sizeof o->message,
			   "link %s %s carried nothing: nothing to measure", e->link,
			   e->dir == LINK_DIR_BA ? "b->a" : "a->b");
		o->pass = false;
		return;
	}
	uint64_t v;
	memcpy(&v, (const char *)&l->dir[e->dir == LINK_DIR_BA] + counters[c].off, sizeof v);
	o->bound = e->value;
	o->measured = (double)v;
	o->pass = cmp_holds(e->cmp, o->measured, e->value);
	report_fmt(o->bound_s, sizeof o->bound_s, "%s %.0f", cmp_op(e->cmp), e->value);
	report_fmt(o->measured_s, sizeof o->measured_s, "%llu", (unsigned long long)v);
	report_fmt(o->message, sizeof o->message, "link %s %s %s = %llu, %s %s", e->link,
		 e->dir == LINK_DIR_BA ? "b->a" : "a->b", e->counter, (unsigned long long)v,
		 o->pass ? "holds" : "violates", o->bound_s);
}

/* Whole output file (bounded) as a string; NULL if unreadable. */
static char *read_output(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = f ? malloc(EXEC_OUT_MAX + 1) : NULL;
	if (!buf) {
		if (f)
			fclose(f);
		return NULL;
	}
	size_t n = fread(buf, 1, EXEC_OUT_MAX, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void match_output(const struct report *r, const struct report_exec *x,
			 const struct topo_expect *e, struct report_expect *o)
{
	char path[TOPO_PATH_MAX * 3];
	regex_t re;
	if (x->out_path[0])
		report_fmt(path, sizeof path, "%s", x->out_path);
	else
		report_fmt(path, sizeof path, "%s/exec/%s.out", r->run_dir, x->id);
	if (regcomp(&re, e->match, REG_EXTENDED | REG_NOSUB) != 0) {
		fail(o, "bad regular expression /%s/", e->match);
		return;
	}
	if (regexec(&re, "", 0, NULL, 0) == 0) {
		fail(o, "regular expression /%s/ matches an empty output: it proves nothing",
		     e->match);
		regfree(&re);
		return;
	}
	char *out = read_output(path);
	o->pass = out && regexec(&re, out, 0, NULL, 0) == 0;
	report_fmt(o->measured_s, sizeof o->measured_s, "%s", !out ? "no output" :
		 o->pass ? "matches" : "no match");
	report_fmt(o->message, sizeof o->message, "exec %s exited %d, output %s /%.160s/",
		 x->id, x->exit_status, !out ? "unreadable for" : o->pass ? "matches" : "does not match",
		 e->match);
	free(out);
	regfree(&re);
}

static void eval_exec(const struct report *r, const struct topo_expect *e,
		      struct report_expect *o)
{
	const struct report_exec *x = NULL;
	for (size_t i = 0; i < r->n_execs; i++)
		if (strcmp(r->execs[i].id, e->exec_id) == 0)
			x = &r->execs[i];
	int want = (int)e->value;       /* status=, default 0 */
	report_fmt(o->bound_s, sizeof o->bound_s, "exit %d%s", want, e->match[0] ? ", match" : "");
	if (!x || !x->finished) {
		fail(o, x && x->killed ? "exec %s was still running at the end of the run (killed)"
				       : "exec %s did not run to its end", e->exec_id);
		report_fmt(o->measured_s, sizeof o->measured_s, "not finished");
		return;
	}
	o->bound = want;
	o->measured = x->exit_status;
	report_fmt(o->measured_s, sizeof o->measured_s, "exit %d", x->exit_status);
	if (x->exit_status != want) {
		o->pass = false;
		report_fmt(o->message, sizeof o->message, "exec %s exited %d, expected %d",
			 x->id, x->exit_status, want);
	} else if (e->match[0]) {
		match_output(r, x, e, o);
	} else {
		o->pass = true;
		report_fmt(o->message, sizeof o->message, "exec %s exited %d", x->id, want);
	}
}

static void set_target(const struct topo_expect *e, struct report_expect *o)
{
	switch (e->kind) {
	case TOPO_EXP_VIA:
		report_fmt(o->target, sizeof o->target, "%s@%s", e->flow, e->iface);
		break;
	case TOPO_EXP_LINK_COUNTER:
		report_fmt(o->target, sizeof o->target, "%s.%s.%s", e->link,
			 e->dir == LINK_DIR_BA ? "ba" : "ab", e->counter);
		break;
	case TOPO_EXP_EXEC:
		report_fmt(o->target, sizeof o->target, "%s", e->exec_id);
		break;
	default:
		report_fmt(o->target, sizeof o->target, "%s", e->flow);
	}
}

void expect_eval(const struct report *r, const struct topo_expect *e,
		 struct report_expect *o)
{
	memset(o, 0, sizeof *o);
	o->kind = e->kind;
	o->line = e->loc.line;
	set_target(e, o);
	switch (e->kind) {
	case TOPO_EXP_DELIVERY: eval_delivery(r, e, o); break;
	case TOPO_EXP_LOSS: eval_loss(r, e, o); break;
	case TOPO_EXP_LATENCY_P99: eval_latency(r, e, o); break;
	case TOPO_EXP_GAP: eval_gap(r, e, o); break;
	case TOPO_EXP_VIA: eval_via(r, e, o); break;
	case TOPO_EXP_LINK_COUNTER: eval_link_counter(r, e, o); break;
	case TOPO_EXP_EXEC: eval_exec(r, e, o); break;
	default: fail(o, "unknown expectation kind %s", "?");
	}
}
