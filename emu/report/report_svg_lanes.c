/*
 * report_svg_lanes.c - the two lanes of timeline.svg under the time axis
 * (report_svg.c draws the rest): daemon events (PBU/PBA, bce_*) as ticks
 * with their labels listed in blocks that never overlap, and the LMA's
 * mobility sessions (report_sessions.c), a bar each with its prefix set at
 * every change.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "report_svg.h"

/* Daemon events become blocks: an event whose time falls under the
 * previous block's text joins it as one more line, so labels never overlap
 * and each line says its own time. */
struct tick_block {
	size_t first, n;            /* events[first..] of class TICK, n of them */
	double x, right;
	double tx;                  /* where its labels start: right of x, or
				     * pulled left so the longest ends inside */
};

/* A label of width w next to x, kept inside the picture. */
static double label_start(double x, double w)
{
	double tx = x + 2;
	if (tx + w > W - 4)
		tx = W - 4 - w;
	return tx < 4 ? 4 : tx;
}

static void tick_label(const struct report_event *e, char *buf, size_t len)
{
	report_fmt(buf, len, "%.2fs %s", e->t_s, e->label);
}

static size_t block_ticks(struct svg *s, struct tick_block *b)
{
	size_t n = 0;
	char lab[200];
	for (size_t i = 0; i < s->r->n_events; i++) {
		const struct report_event *e = &s->r->events[i];
		if (e->cls != REPORT_EV_TICK)
			continue;
		double x = xpos(s, e->t_s);
		tick_label(e, lab, sizeof lab);
		double w = CHAR_W * 0.92 * (double)strlen(lab) + 8;
		double tx = label_start(x, w);
		/* it joins the previous block if its text would touch it */
		if (n && (x <= b[n - 1].right || tx <= b[n - 1].right)) {
			struct tick_block *p = &b[n - 1];
			if (++p->n <= TICK_LINES) {
				p->tx = fmin(p->tx, label_start(p->tx - 2, w));
				p->right = fmax(p->right, p->tx + w);
			}
			continue;
		}
		b[n++] = (struct tick_block){ i, 1, x, tx + w, tx };
	}
	return n;
}

/* One block: a tick per event on the lane's top line, then the list. */
static size_t draw_block(struct svg *s, const struct tick_block *b, double y0)
{
	char lab[200];
	size_t shown = 0;
	for (size_t i = b->first, k = 0; k < b->n; i++) {
		const struct report_event *e = &s->r->events[i];
		if (e->cls != REPORT_EV_TICK)
			continue;
		double x = xpos(s, e->t_s);
		fprintf(s->f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#444\"/>\n",
			x, y0 - 5, x, y0 + (k == 0 ? 4 : 0));
		if (k < TICK_LINES) {
			tick_label(e, lab, sizeof lab);
			report_svg_text(s, b->tx, y0 + 12 + (double)k * (ROW_H - 2), "start",
			     " font-size=\"10\" fill=\"#444\"", lab);
			shown++;
		}
		k++;
	}
	if (b->n > TICK_LINES) {
		report_fmt(lab, sizeof lab, "+%zu more (events.jsonl)", b->n - TICK_LINES);
		report_svg_text(s, b->tx, y0 + 12 + (double)shown * (ROW_H - 2), "start",
		     " font-size=\"10\" fill=\"#888\"", lab);
		shown++;
	}
	return shown;
}

/* Daemon-event lane below the axis; returns its height. */
double report_svg_ticks(struct svg *s, double y0)
{
	struct tick_block *b = calloc(s->r->n_events + 1, sizeof *b);
	size_t lines = 0;
	if (!b)
		return 0;
	size_t n = block_ticks(s, b);
	if (n) {
		report_svg_text(s, X0 - 6, y0 + 10, "end", " fill=\"#555\"", "daemon");
		report_svg_text(s, X0 - 6, y0 + 22, "end", " fill=\"#555\"", "events");
		fprintf(s->f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
			"stroke=\"#bbb\"/>\n", X0, y0 - 5, X1, y0 - 5);
	}
	for (size_t i = 0; i < n; i++) {
		size_t l = draw_block(s, &b[i], y0);
		lines = l > lines ? l : lines;
	}
	free(b);
	return (double)lines * (ROW_H - 2) + (n ? 8 : 0);
}

/* Mobility sessions lane (report_sessions.c): one row per session of the
 * LMA, a bar from its creation to its end, a tick and the prefix set at
 * each change (labels on two alternating lines), "(shared)" when another
 * session holds one of its prefixes then. Returns its height. */
#define SESS_H 46.0
static void draw_session(struct svg *s, const struct report_session *x, size_t i, double y)
{
	double a = xpos(s, x->t_start), b = xpos(s, x->t_end < 0 ? s->t_max_s : x->t_end);
	const char *c = report_svg_colour(i);
	char lab[160];

	report_fmt(lab, sizeof lab, "session %llu: %s%s", (unsigned long long)x->id, x->name,
		   x->t_end < 0 ? "" : " (ends)");
	report_svg_text(s, a + 2, y + 9, "start", " font-size=\"10\" fill=\"#444\"", lab);
	fprintf(s->f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"6\" fill=\"%s\" "
		"opacity=\"0.6\"/>\n", a, y + 13, b - a > 1 ? b - a : 1, c);
	for (size_t k = 0; k < x->n_change; k++) {
		double cx = xpos(s, x->change[k].t);
		fprintf(s->f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
			"stroke=\"%s\"/>\n", cx, y + 11, cx, y + 21 + (k % 2 ? 10 : 0), c);
		report_fmt(lab, sizeof lab, "%.2fs %s%s", x->change[k].t, x->change[k].hnps,
			   report_session_shared(s->r, i, k) ? " (shared)" : "");
		report_svg_text(s, cx + 2, y + 30 + (k % 2 ? 10 : 0), "start", " font-size=\"9\" fill=\"#444\"",
		     lab);
	}
}

double report_svg_sessions(struct svg *s, double y0)
{
	const struct report *r = s->r;

	if (!r->n_sessions)
		return 0;
	report_svg_text(s, X0 - 6, y0 + 10, "end", " fill=\"#555\"", "mobility");
	report_svg_text(s, X0 - 6, y0 + 22, "end", " fill=\"#555\"", "sessions");
	fprintf(s->f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
		"stroke=\"#bbb\"/>\n", X0, y0 - 5, X1, y0 - 5);
	for (size_t i = 0; i < r->n_sessions; i++)
		draw_session(s, &r->sessions[i], i, y0 + (double)i * SESS_H);
	return (double)r->n_sessions * SESS_H + 6;
}
