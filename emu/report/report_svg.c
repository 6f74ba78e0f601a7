/*
 * report_svg.c - timeline.svg: per flow, packets received per 100 ms bin
 * stacked by arrival interface (one colour per interface name, legend);
 * timeline events (link down/up, move, impair, exec) as labelled vertical
 * lines across every flow; daemon events (PBU/PBA, bce_*) as ticks with
 * labels in a lane below; above them the LMA's mobility sessions, each a
 * bar with its prefix set at every change (report_sessions.c); seconds on
 * the x axis. Labels are placed in rows so that none overlaps another.
 * Plain SVG 1.1, no script, no CSS file. The two lanes under the axis
 * (daemon events, sessions) are drawn by report_svg_lanes.c.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "report_svg.h"

static const char *const palette[] = {
	"#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2",
	"#17becf", "#bcbd22", "#7f7f7f", "#d62728",
};

const char *report_svg_colour(size_t i)
{
	return palette[i % (sizeof palette / sizeof palette[0])];
}

static const char *iface_colour(struct svg *s, const char *name)
{
	size_t i = 0;
	while (i < s->n_names && strcmp(s->names[i], name))
		i++;
	if (i == s->n_names && s->n_names < MAX_NAMES)
		snprintf(s->names[s->n_names++], REPORT_IFNAME_MAX, "%s", name);
	return report_svg_colour(i);
}

static const char *event_colour(const char *ev)
{
	if (strstr(ev, "down") || strstr(ev, "detach"))
		return "#d62728";
	if (strstr(ev, "up") || strstr(ev, "attach"))
		return "#2ca02c";
	if (strstr(ev, "impair"))
		return "#ff7f0e";
	if (strstr(ev, "move"))
		return "#9467bd";
	return "#555555";
}

/* Row for a label spanning [left, left + w] whose dashed line at x runs
 * down through the rows below it: one row under the lowest row still
 * covered at left, so that no line crosses another label's text (a
 * staircase). Out of rows: the first row free at left, line or not. */
static int place_row(double *row_end, int rows, double left, double w, double x)
{
	int k = 0;
	for (int i = 0; i < rows; i++)
		if (row_end[i] >= left)
			k = i + 1;
	for (int i = 0; k >= rows && i < rows; i++)
		if (row_end[i] < left)
			k = i;
	if (k >= rows)
		return -1;
	row_end[k] = fmax(left + w, x);
	return k;
}

/* Labels near the right edge are drawn to the left of their line. */
static bool label_left(double x, double w)
{
	return x + w > W - 4;
}

void report_svg_text(struct svg *s, double x, double y, const char *anchor,
		     const char *extra, const char *str)
{
	char buf[512];
	fprintf(s->f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\"%s>%s</text>\n",
		x, y, anchor, extra, report_xml_escape(str, buf, sizeof buf));
}

static double nice_step(double span, int ticks)
{
	double raw = span / ticks, mag = pow(10, floor(log10(raw)));
	double m = raw / mag;
	return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * mag;
}

/* Labels of timeline events in rows above the plots; returns rows used. */
static int major_labels(struct svg *s, int *row_of)
{
	double row_end[MAX_ROWS];
	int used = 0;
	for (int i = 0; i < MAX_ROWS; i++)
		row_end[i] = -1e9;
	for (size_t i = 0; i < s->r->n_events; i++) {
		const struct report_event *e = &s->r->events[i];
		row_of[i] = -1;
		if (e->cls != REPORT_EV_MAJOR)
			continue;
		double x = xpos(s, e->t_s), w = CHAR_W * ((double)strlen(e->label) + 7) + 6;
		row_of[i] = place_row(row_end, MAX_ROWS, label_left(x, w) ? x - w : x - 2, w, x);
		if (row_of[i] >= used)
			used = row_of[i] + 1;
	}
	return used;
}

static void draw_grid(struct svg *s, double top, double bottom)
{
	double step = nice_step(s->t_max_s, 10);
	for (double t = 0; t <= s->t_max_s + 1e-9; t += step)
		fprintf(s->f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
			"stroke=\"#e4e4e4\"/>\n", xpos(s, t), top, xpos(s, t), bottom);
}

static void draw_axis(struct svg *s, double y)
{
	char buf[32];
	double step = nice_step(s->t_max_s, 10);
	fprintf(s->f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#333\"/>\n",
		X0, y, X1, y);
	for (double t = 0; t <= s->t_max_s + 1e-9; t += step) {
		fprintf(s->f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#333\"/>\n",
			xpos(s, t), y, xpos(s, t), y + 4);
		snprintf(buf, sizeof buf, "%g", round(t * 1000) / 1000);
		report_svg_text(s, xpos(s, t), y + 16, "middle", "", buf);
	}
	report_svg_text(s, X1, y + 30, "end", "", "time since run start (s)");
}

/* The flow as drawn: for a sender with several interfaces whose captures
 * named them (report_uplink.c), arrivals coloured by the interface they
 * left by ("?" when no capture saw the packet). *copy is malloc'd or NULL. */
static const struct report_flow *flow_view(const struct report_flow *fl, struct report_flow *v,
					   struct tg_arrival **copy)
{
	*copy = NULL;
	if (!fl->out_iface || !(*copy = malloc(fl->n_arr * sizeof **copy)))
		return fl;
	*v = *fl;
	v->n_ifaces = fl->n_out_ifaces;
	memcpy(v->ifnames, fl->out_ifnames, sizeof v->ifnames);
	for (size_t i = 0; i < fl->n_arr; i++) {
		(*copy)[i] = fl->arr[i];
		(*copy)[i].iface = fl->out_iface[i];
		if (fl->out_iface[i] == 0xff) {
			if (v->n_ifaces == fl->n_out_ifaces && v->n_ifaces < TG_IFACE_MAX)
				snprintf(v->ifnames[v->n_ifaces++], REPORT_IFNAME_MAX, "?");
			(*copy)[i].iface = (uint32_t)v->n_ifaces - 1;
		}
	}
	v->arr = *copy;
	return v;
}

static void draw_legend(struct svg *s, const struct report_flow *fl, double top)
{
	double x = X1 - 8, w_all = CHAR_W * 12 + 8;
	for (size_t k = 0; k < fl->n_ifaces; k++)
		w_all += CHAR_W * (double)strlen(fl->ifnames[k]) + 18;
	fprintf(s->f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"18\" fill=\"white\" "
		"fill-opacity=\"0.9\" stroke=\"#ddd\"/>\n", X1 - 4 - w_all, top + 3, w_all);
	for (size_t k = fl->n_ifaces; k-- > 0;) {
		double w = CHAR_W * (double)strlen(fl->ifnames[k]) + 18;
		x -= w;
		fprintf(s->f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"10\" height=\"10\" fill=\"%s\"/>\n",
			x, top + 6, iface_colour(s, fl->ifnames[k]));
		report_svg_text(s, x + 13, top + 15, "start", "", fl->ifnames[k]);
	}
	report_svg_text(s, x - 6, top + 15, "end", " fill=\"#555\"",
	     fl->out_iface ? "left via:" : "arrived via:");
}

static void flow_title(struct svg *s, const struct report_flow *fl, const struct topo_flow *tf,
		       double y)
{
	char buf[300], route[80] = "", gap[48] = "";
	const struct tg_stats *st = &fl->st;
	if (tf && tf->from[0] && tf->to[0])
		report_fmt(route, sizeof route, " (%s \xe2\x86\x92 %s)", tf->from, tf->to);
	if (st->has_gap) {
		char ms[32];
		report_fmt(gap, sizeof gap, ", largest gap %s at %.2fs",
			   report_fmt_ms((double)st->max_gap_ns / 1e6, ms, sizeof ms),
			   ((double)st->max_gap_from_ns - (double)s->r->t0_ns) / 1e9);
	}
	report_fmt(buf, sizeof buf, "flow %s%s: sent %llu, received %llu, lost %llu%s",
		   fl->id, route, (unsigned long long)st->sent, (unsigned long long)st->received,
		   (unsigned long long)st->lost, gap);
	report_svg_text(s, X0, y, "start", " font-weight=\"bold\"", buf);
}

static uint32_t bin_total(const uint32_t *row, size_t n_ifaces)
{
	uint32_t t = 0;
	for (size_t k = 0; k < n_ifaces; k++)
		t += row[k];
	return t;
}

static void draw_bars(struct svg *s, const struct report_flow *fl, const uint32_t *bins,
		      size_t n_bins, double top, double bottom)
{
	uint32_t ymax = 1;
	char buf[32];
	for (size_t b = 0; b < n_bins; b++) {
		uint32_t t = bin_total(bins + b * TG_IFACE_MAX, fl->n_ifaces);
		ymax = t > ymax ? t : ymax;
	}
	double step = nice_step(ymax, 4), ytop = ceil(ymax / step) * step;
	double bw = (X1 - X0) / (double)n_bins, scale = (bottom - top - 26) / ytop;
	for (double v = 0; v <= ytop + 1e-9; v += step) {
		double y = bottom - v * scale;
		fprintf(s->f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#e4e4e4\"/>\n",
			X0, y, X1, y);
		snprintf(buf, sizeof buf, "%g", v);
		report_svg_text(s, X0 - 6, y + 4, "end", "", buf);
	}
	for (size_t b = 0; b < n_bins; b++) {
		double y = bottom;
		for (size_t k = 0; k < fl->n_ifaces; k++) {
			uint32_t c = bins[b * TG_IFACE_MAX + k];
			if (!c)
				continue;
			double h = c * scale;
			y -= h;
			fprintf(s->f, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" "
				"fill=\"%s\"/>\n", X0 + (double)b * bw, y, bw > 1.5 ? bw - 0.4 : bw, h,
				iface_colour(s, fl->ifnames[k]));
		}
	}
}

static void draw_flow(struct svg *s, const struct report_flow *fl, double top)
{
	double bottom = top + PANEL_H;
	size_t n_bins = (size_t)ceil(s->t_max_s * 1e9 / (double)REPORT_BIN_NS);
	uint32_t *bins = calloc(n_bins * TG_IFACE_MAX + 1, sizeof *bins);

	flow_title(s, fl, topo_find_flow(s->r->topo, fl->id), top - 8);
	fprintf(s->f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
		"fill=\"#fafafa\" stroke=\"#ccc\"/>\n", X0, top, X1 - X0, PANEL_H);
	draw_grid(s, top, bottom);
	fprintf(s->f, "<text x=\"0\" y=\"0\" text-anchor=\"middle\" fill=\"#555\" "
		"transform=\"translate(16 %.1f) rotate(-90)\">packets / 100 ms</text>\n",
		(top + bottom) / 2);
	if (bins && fl->n_arr) {
		tg_stats_bins(fl->arr, fl->n_arr, s->r->t0_ns, REPORT_BIN_NS, n_bins, bins);
		draw_bars(s, fl, bins, n_bins, top, bottom);
	} else {
		report_svg_text(s, (X0 + X1) / 2, (top + bottom) / 2, "middle", " fill=\"#d62728\"",
		     "no packet received");
	}
	if (fl->problem[0] && fl->n_arr)     /* a warning, clear of the bars' legend */
		report_svg_text(s, X0 + 6, top + 14, "start", " fill=\"#d62728\"", fl->problem);
	else if (fl->problem[0])
		report_svg_text(s, (X0 + X1) / 2, (top + bottom) / 2 + 16, "middle", " fill=\"#d62728\"",
		     fl->problem);
	free(bins);
}

static void draw_majors(struct svg *s, const int *row_of, double y_lab0, double bottom)
{
	for (size_t i = 0; i < s->r->n_events; i++) {
		const struct report_event *e = &s->r->events[i];
		if (e->cls != REPORT_EV_MAJOR)
			continue;
		double x = xpos(s, e->t_s), y = row_of[i] >= 0 ? y_lab0 + row_of[i] * ROW_H : -1;
		const char *c = event_colour(e->ev);
		fprintf(s->f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
			"stroke-width=\"1.2\" stroke-dasharray=\"5 3\"/>\n", x,
			y >= 0 ? y + 3 : y_lab0, x, bottom, c);
		if (y >= 0) {
			char extra[64], lab[200];
			snprintf(extra, sizeof extra, " fill=\"%s\"", c);
			report_fmt(lab, sizeof lab, "%.2fs %s", e->t_s, e->label);
			bool left = label_left(x, CHAR_W * ((double)strlen(e->label) + 7) + 6);
			report_svg_text(s, left ? x - 3 : x + 2, y, left ? "end" : "start", extra, lab);
		}
	}
}

static double time_span_s(const struct report *r)
{
	double t = (double)r->duration_ns / 1e9;
	for (size_t i = 0; i < r->n_events; i++)
		t = r->events[i].t_s > t ? r->events[i].t_s : t;
	for (size_t i = 0; i < r->n_flows; i++)
		if (r->flows[i].st.arrivals)
			t = fmax(t, ((double)r->flows[i].st.last_recv_ns - (double)r->t0_ns) / 1e9);
	return t > 0.1 ? t : 1;
}

static void write_body(struct svg *s, int *row_of, double *height)
{
	char title[160];
	int rows = major_labels(s, row_of);
	double y_lab0 = 66, y_plot0 = y_lab0 + rows * ROW_H + 28;
	double bottom = y_plot0 + (double)s->r->n_flows * (PANEL_H + PANEL_GAP) - PANEL_GAP;

	report_fmt(title, sizeof title, "%s \xe2\x80\x94 seed %llu", s->r->topo->name,
		   (unsigned long long)s->r->seed);
	report_svg_text(s, W / 2, 26, "middle", " font-size=\"17\" font-weight=\"bold\"", title);
	report_svg_text(s, W / 2, 44, "middle", " fill=\"#555\"",
	     "packets received per 100 ms, stacked by arrival interface; dashed lines: "
	     "timeline events; ticks: daemon events");
	if (!s->r->n_flows) {
		bottom = y_plot0 + 40;
		report_svg_text(s, W / 2, y_plot0 + 20, "middle", " fill=\"#888\"", "no flows in this topology");
	}
	for (size_t i = 0; i < s->r->n_flows; i++) {
		struct report_flow v;
		struct tg_arrival *copy;
		draw_flow(s, flow_view(&s->r->flows[i], &v, &copy),
			  y_plot0 + (double)i * (PANEL_H + PANEL_GAP));
		free(copy);
	}
	draw_majors(s, row_of, y_lab0, bottom);
	for (size_t i = 0; i < s->r->n_flows; i++) {
		struct report_flow v;
		struct tg_arrival *copy;
		if (s->r->flows[i].n_arr)
			draw_legend(s, flow_view(&s->r->flows[i], &v, &copy),
				    y_plot0 + (double)i * (PANEL_H + PANEL_GAP));
		else
			copy = NULL;
		free(copy);
	}
	draw_axis(s, bottom);
	double sess = report_svg_sessions(s, bottom + 42);
	*height = bottom + 44 + sess + report_svg_ticks(s, bottom + 42 + sess) + 10;
}

int report_write_svg(const struct report *r, const char *path)
{
	struct svg s = { .r = r, .t_max_s = time_span_s(r) };
	char *body = NULL;
	size_t len = 0;
	double height = 0;
	int *row_of = calloc(r->n_events + 1, sizeof *row_of);
	FILE *out = fopen(path, "w");

	/* the height is known once the rows are placed: draw into memory first */
	s.f = open_memstream(&body, &len);
	if (!row_of || !out || !s.f) {
		free(row_of);
		if (out)
			fclose(out);
		if (s.f)
			fclose(s.f);
		free(body);
		return -1;
	}
	write_body(&s, row_of, &height);
	fclose(s.f);
	fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
		"viewBox=\"0 0 %.0f %.0f\" font-family=\"DejaVu Sans, Arial, sans-serif\" "
		"font-size=\"11\">\n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
		W, height, W, height);
	fwrite(body, 1, len, out);
	fprintf(out, "</svg>\n");
	free(body);
	free(row_of);
	return fclose(out) == 0 ? 0 : -1;
}
