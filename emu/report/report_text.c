/*
 * report_text.c - the one-screen summary `pmipemu run` prints (flows,
 * links, expectations) and the one-line-per-expectation form of
 * `pmipemu test`. Plain text, fixed columns, 80 wide.
 */
#include <stdio.h>

#include "report.h"

static void print_flows(const struct report *r, FILE *f)
{
	char p99[32], gap[32], at[32];
	if (!r->n_flows)
		return;
	fprintf(f, "%-12s %8s %8s %7s %5s %9s %9s %8s  %s\n", "flow", "sent", "recv",
		"lost", "dup", "p99", "max gap", "at", "via");
	for (size_t i = 0; i < r->n_flows; i++) {
		const struct report_flow *fl = &r->flows[i];
		const struct tg_stats *s = &fl->st;
		fprintf(f, "%-12s %8llu %8llu %7llu %5llu %9s %9s %8s ", fl->id,
			(unsigned long long)s->sent, (unsigned long long)s->received,
			(unsigned long long)s->lost, (unsigned long long)s->duplicates,
			s->has_latency ? report_fmt_ms((double)s->lat_p99_ns / 1e6, p99, sizeof p99) : "-",
			s->has_gap ? report_fmt_ms((double)s->max_gap_ns / 1e6, gap, sizeof gap) : "-",
			s->has_gap ? report_fmt_ms(((double)s->max_gap_from_ns - (double)r->t0_ns) / 1e6,
						   at, sizeof at) : "-");
		for (size_t k = 0; k < fl->n_ifaces; k++)
			fprintf(f, " %s:%llu", fl->ifnames[k], (unsigned long long)s->by_iface[k]);
		fprintf(f, "%s%s\n", fl->problem[0] ? "  ! " : "", fl->problem);
	}
}

static void print_links(const struct report *r, FILE *f)
{
	if (!r->n_links)
		return;
	fprintf(f, "\n%-12s %3s %9s %9s %7s %7s %7s %7s\n", "link", "dir", "in",
		"delivered", "loss", "queue", "down", "dup");
	for (size_t i = 0; i < r->n_links; i++)
		for (int d = 0; d < 2; d++) {
			const struct report_link_counters *c = &r->links[i].dir[d];
			fprintf(f, "%-12s %3s %9llu %9llu %7llu %7llu %7llu %7llu\n",
				d ? "" : r->links[i].name, d ? "b>a" : "a>b",
				(unsigned long long)c->in, (unsigned long long)c->delivered,
				(unsigned long long)c->drop_loss, (unsigned long long)c->drop_queue,
				(unsigned long long)c->drop_down, (unsigned long long)c->dup);
		}
}

void report_print_expects(const struct report *r, FILE *f)
{
	for (size_t i = 0; i < r->n_expects; i++) {
		const struct report_expect *e = &r->expects[i];
		fprintf(f, "%s %s: %s %s: %s (bound %s)\n", e->pass ? "PASS" : "FAIL",
			r->topo->name, topo_expect_kind_name(e->kind), e->target,
			e->measured_s[0] ? e->measured_s : "-", e->bound_s[0] ? e->bound_s : "-");
		if (!e->pass)
			fprintf(f, "     %s\n", e->message);
	}
}

static void print_handovers(const struct report *r, FILE *f)
{
	static struct report_handover h[REPORT_HO_MAX];
	size_t n = report_handovers(r, h, REPORT_HO_MAX);
	char a[32], b[32], c[32];
	if (n)
		fprintf(f, "\nhandover (event at; first PBU sent, PBA received, binding change after it)\n");
	for (size_t i = 0; i < n; i++) {
		fprintf(f, "%7.2fs %-36s PBU %s  PBA %s  BCE %s\n", h[i].at_s, h[i].what,
			h[i].pbu_ms < 0 ? "-" : report_fmt_ms(h[i].pbu_ms, a, sizeof a),
			h[i].pba_ms < 0 ? "-" : report_fmt_ms(h[i].pba_ms, b, sizeof b),
			h[i].bce_ms < 0 ? "-" : report_fmt_ms(h[i].bce_ms, c, sizeof c));
		for (size_t k = 0; k < h[i].n_flows; k++)
			fprintf(f, "          flow %-16s interruption %-8s lost %llu\n", h[i].flows[k].flow,
				report_fmt_ms(h[i].flows[k].interruption_ms, a, sizeof a),
				(unsigned long long)h[i].flows[k].lost);
	}
}

void report_print_summary(const struct report *r, FILE *f)
{
	fprintf(f, "== %s  seed %llu  %.1fs  %zu events\n", r->topo->name,
		(unsigned long long)r->seed, (double)r->duration_ns / 1e9, r->n_events);
	print_flows(r, f);
	print_links(r, f);
	print_handovers(r, f);
	if (r->n_expects) {
		fprintf(f, "\n");
		report_print_expects(r, f);
		fprintf(f, "%d of %zu expectations failed\n", report_failed_count(r), r->n_expects);
	}
	fprintf(f, "report: %s/report.json  timeline: %s/timeline.svg\n", r->run_dir, r->run_dir);
}
