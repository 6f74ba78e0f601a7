/*
 * report_svg.h - what the two files of timeline.svg share (report_svg.c,
 * report_svg_lanes.c): the picture's geometry, the drawing state, the
 * time -> x mapping, text and colours. Internal to emu/report.
 */
#ifndef PMIPEMU_REPORT_SVG_H
#define PMIPEMU_REPORT_SVG_H

#include <stdio.h>

#include "report.h"

#define W           1000.0
#define X0          70.0        /* plot area, px */
#define X1          (W - 30.0)
#define ROW_H       14.0
#define PANEL_H     150.0
#define PANEL_GAP   40.0
#define CHAR_W      6.7         /* font-size 11 sans: a generous average */
#define TICK_LINES  6           /* labels listed under one daemon-event block */
#define MAX_ROWS    10
#define MAX_NAMES   (TG_IFACE_MAX * 2)

struct svg {
	FILE *f;
	const struct report *r;
	double t_max_s;
	char names[MAX_NAMES][REPORT_IFNAME_MAX];  /* interface colours by name */
	size_t n_names;
};

static inline double xpos(const struct svg *s, double t_s)
{
	if (t_s < 0)
		t_s = 0;
	return X0 + (X1 - X0) * (t_s > s->t_max_s ? 1 : t_s / s->t_max_s);
}

/* A <text> element, its string XML-escaped; extra: more attributes. */
void report_svg_text(struct svg *s, double x, double y, const char *anchor,
		     const char *extra, const char *str);
/* The i-th colour of the palette (interfaces, sessions). */
const char *report_svg_colour(size_t i);
/* The lanes under the axis at y0; each returns its height. */
double report_svg_ticks(struct svg *s, double y0);
double report_svg_sessions(struct svg *s, double y0);

#endif
