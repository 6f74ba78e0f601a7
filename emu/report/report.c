/*
 * report.c - builds a struct report from a finished run: copies what the
 * run code measured (links, execs), reads the flows and events from the
 * run folder, evaluates the expectations (expect.c); writes the output
 * files. Reads and writes files only: no network, no clock.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

static void *dup_array(const void *src, size_t n, size_t size)
{
	if (!n)
		return NULL;
	void *p = malloc(n * size);
	if (p)
		memcpy(p, src, n * size);
	return p;
}

static uint64_t sat_add(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

void report_flow_span(const struct report *r, const struct report_flow *f,
		      uint64_t *start, uint64_t *stop)
{
	const struct topo_flow *tf = topo_find_flow(r->topo, f->id);
	uint64_t end = r->duration_ns, lat = 0;
	if (r->topo->duration_ns && (!end || r->topo->duration_ns < end))
		end = r->topo->duration_ns;    /* planned end, not the stop phase */
	if (tf && tf->stop_ns && tf->stop_ns < end)
		end = tf->stop_ns;
	if (f->n_arr && f->arr[0].recv_ns > f->arr[0].send_ns)
		lat = f->arr[0].recv_ns - f->arr[0].send_ns;
	*start = sat_add(sat_add(r->t0_ns, tf ? tf->start_ns : 0), lat);
	*stop = sat_add(sat_add(r->t0_ns, end), lat);
	if (r->duration_ns && *stop > sat_add(r->t0_ns, r->duration_ns))
		*stop = sat_add(r->t0_ns, r->duration_ns);
	if (*stop < *start)
		*stop = *start;
}

/* The summary's largest gap counts the silence before the first and after
 * the last arrival inside the flow's span: an outage lasting to the end of
 * the flow is the largest gap, not the jitter before it. */
static void span_gap(const struct report *r, struct report_flow *f)
{
	uint64_t start, stop, gap, at;
	if (!f->st.arrivals || !f->has_send)
		return;
	report_flow_span(r, f, &start, &stop);
	if (start < f->st.first_recv_ns || stop > f->st.last_recv_ns)
		if (tg_stats_gap_window(f->arr, f->n_arr, start, stop, &gap, &at) == 0 &&
		    gap > f->st.max_gap_ns) {
			f->st.max_gap_ns = gap;
			f->st.max_gap_from_ns = at;
			f->st.has_gap = true;
		}
}

static int load_flows(struct report *r)
{
	const struct topology *t = r->topo;
	if (!t->n_flows)
		return 0;
	r->flows = calloc(t->n_flows, sizeof *r->flows);
	if (!r->flows)
		return -1;
	for (size_t i = 0; i < t->n_flows; i++, r->n_flows++) {
		if (report_load_flow(&r->flows[i], r->run_dir, t->flows[i].id) < 0)
			return -1;
		span_gap(r, &r->flows[i]);
		if (report_load_uplink(&r->flows[i], t, r->run_dir) < 0)
			return -1;
	}
	return 0;
}

static int eval_expects(struct report *r)
{
	const struct topology *t = r->topo;
	if (!t->n_expects)
		return 0;
	r->expects = calloc(t->n_expects, sizeof *r->expects);
	if (!r->expects)
		return -1;
	for (size_t i = 0; i < t->n_expects; i++, r->n_expects++)
		expect_eval(r, &t->expects[i], &r->expects[i]);
	return 0;
}

int report_build(const struct report_input *in, struct report *out, const char **why)
{
	char path[sizeof out->run_dir + 32];

	memset(out, 0, sizeof *out);
	if (!in->topo || !in->run_dir || strlen(in->run_dir) >= sizeof out->run_dir) {
		*why = "report: no topology or no run folder";
		return -1;
	}
	out->topo = in->topo;
	snprintf(out->run_dir, sizeof out->run_dir, "%s", in->run_dir);
	out->t0_ns = in->t0_ns;
	out->started_at_unix_s = in->started_at_unix_s;
	out->start_unix_ns = in->start_unix_ns;
	out->seed = in->seed;
	out->duration_ns = in->duration_ns;
	out->links = dup_array(in->links, in->n_links, sizeof *in->links);
	out->execs = dup_array(in->execs, in->n_execs, sizeof *in->execs);
	if ((in->n_links && !out->links) || (in->n_execs && !out->execs))
		goto nomem;
	out->n_links = in->n_links;
	out->n_execs = in->n_execs;
	snprintf(path, sizeof path, "%s/events.jsonl", in->run_dir);
	if (report_load_events(out, path) < 0 || report_load_sessions(out, path) < 0 ||
	    load_flows(out) < 0 ||
	    eval_expects(out) < 0)
		goto nomem;
	return 0;
nomem:
	*why = "report: out of memory";
	return -1;
}

void report_free(struct report *r)
{
	for (size_t i = 0; i < r->n_flows; i++)
	{
		free(r->flows[i].arr);
		free(r->flows[i].out_iface);
	}
	free(r->flows);
	free(r->links);
	free(r->execs);
	free(r->events);
	free(r->expects);
	memset(r, 0, sizeof *r);
}

int report_failed_count(const struct report *r)
{
	int n = 0;
	for (size_t i = 0; i < r->n_expects; i++)
		n += !r->expects[i].pass;
	return n;
}

const struct report_flow *report_find_flow(const struct report *r, const char *id)
{
	for (size_t i = 0; i < r->n_flows; i++)
		if (strcmp(r->flows[i].id, id) == 0)
			return &r->flows[i];
	return NULL;
}

int report_write_all(const struct report *r, const char *run_dir,
		     const char *junit_path)
{
	char path[TOPO_PATH_MAX * 3];
	int rc = 0;
	snprintf(path, sizeof path, "%s/report.json", run_dir);
	rc |= report_write_json(r, path);
	snprintf(path, sizeof path, "%s/timeline.svg", run_dir);
	rc |= report_write_svg(r, path);
	if (junit_path)
		rc |= report_write_junit(r, junit_path);
	return rc ? -1 : 0;
}

const char *report_xml_escape(const char *s, char *buf, size_t len)
{
	size_t o = 0;
	for (; *s && o + 7 < len; s++) {
		const char *rep = NULL;
		switch (*s) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&apos;"; break;
		}
		if (rep) {
			memcpy(buf + o, rep, strlen(rep));
			o += strlen(rep);
		} else if ((unsigned char)*s >= 0x20 || *s == '\t' || *s == '\n') {
			buf[o++] = *s;  /* other control characters are not XML 1.0 */
		}
	}
	if (len)
		buf[o < len ? o : len - 1] = '\0';
	return buf;
}

const char *report_fmt_ms(double ms, char *buf, size_t len)
{
	if (ms >= 10000)
		snprintf(buf, len, "%.1fs", ms / 1000);
	else if (ms >= 1000)
		snprintf(buf, len, "%.2fs", ms / 1000);
	else if (ms >= 10)
		snprintf(buf, len, "%.0fms", ms);
	else
		snprintf(buf, len, "%.2fms", ms);
	return buf;
}

int report_fmt(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	return n;
}
