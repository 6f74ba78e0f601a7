/*
 * compare.c - `pmipemu compare RUN_A RUN_B` (issue 14): two runs' flows
 * and handovers side by side, from their report.json (doc/scenarios.md),
 * for a topology against its baseline. Reads two files; bad input (no
 * report.json, not JSON) is exit 2 naming the file.
 */
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "compare.h"

static json_object *load(const char *run)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/report.json", run);
	json_object *o = json_object_from_file(path);
	if (!o)
		fprintf(stderr, "pmipemu compare: %s: missing or not JSON\n", path);
	return o;
}

/* "12.5" or "-" for a number at o[key] (a path of two keys when k2). */
static const char *num(json_object *o, const char *k1, const char *k2, char *buf, size_t len)
{
	json_object *v = NULL;
	if (o && json_object_object_get_ex(o, k1, &v) && k2)
		json_object_object_get_ex(v, k2, &v);
	if (!v || json_object_is_type(v, json_type_null) ||
	    (!json_object_is_type(v, json_type_int) && !json_object_is_type(v, json_type_double)))
		return "-";
	snprintf(buf, len, "%g", json_object_get_double(v));
	return buf;
}

static void row(const char *what, json_object *a, json_object *b, const char *k1,
		const char *k2)
{
	char x[32], y[32];
	printf("  %-22s %12s %12s\n", what, num(a, k1, k2, x, sizeof x), num(b, k1, k2, y, sizeof y));
}

static void flows(json_object *ra, json_object *rb)
{
	json_object *fa = NULL, *fb = NULL, *x, *y;
	json_object_object_get_ex(ra, "flows", &fa);
	json_object_object_get_ex(rb, "flows", &fb);
	json_object_object_foreach(fa, id, va) {
		y = NULL;
		if (fb)
			json_object_object_get_ex(fb, id, &y);
		x = va;
		printf("flow %s\n", id);
		row("sent", x, y, "sent", NULL);
		row("lost", x, y, "lost", NULL);
		row("latency p99 (ms)", x, y, "latency_ms", "p99");
		row("max gap (ms)", x, y, "max_gap_ms", NULL);
	}
	json_object_object_foreach(fb, idb, vb) {
		(void)vb;
		if (!fa || !json_object_object_get_ex(fa, idb, NULL))
			printf("flow %s: only in the second run\n", idb);
	}
}

static void handovers(json_object *ra, json_object *rb)
{
	json_object *ha = NULL, *hb = NULL;
	json_object_object_get_ex(ra, "handovers", &ha);
	json_object_object_get_ex(rb, "handovers", &hb);
	size_t na = ha ? json_object_array_length(ha) : 0, nb = hb ? json_object_array_length(hb) : 0;
	for (size_t i = 0; i < na || i < nb; i++) {
		json_object *a = i < na ? json_object_array_get_idx(ha, i) : NULL;
		json_object *b = i < nb ? json_object_array_get_idx(hb, i) : NULL;
		json_object *ev = NULL, *fl = NULL;
		json_object_object_get_ex(a ? a : b, "event", &ev);
		printf("handover %zu: %s\n", i + 1, ev ? json_object_get_string(ev) : "?");
		row("PBU sent (ms)", a, b, "pbu_sent_ms", NULL);
		row("PBA received (ms)", a, b, "pba_received_ms", NULL);
		row("binding change (ms)", a, b, "binding_change_ms", NULL);
		json_object_object_get_ex(a ? a : b, "flows", &fl);
		json_object_object_foreach(fl, id, v) {
			(void)v;
			char what[64], key[32];
			json_object *fa = NULL, *fb = NULL;
			if (a)
				json_object_object_get_ex(json_object_object_get(a, "flows"), id, &fa);
			if (b)
				json_object_object_get_ex(json_object_object_get(b, "flows"), id, &fb);
			snprintf(key, sizeof key, "%.20s", id);
			snprintf(what, sizeof what, "%s interruption", key);
			row(what, fa, fb, "interruption_ms", NULL);
			snprintf(what, sizeof what, "%s lost", key);
			row(what, fa, fb, "lost", NULL);
		}
	}
}

int compare_main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: pmipemu compare RUN_A RUN_B\n");
		return 2;
	}
	json_object *a = load(argv[1]), *b = a ? load(argv[2]) : NULL;
	if (!a || !b) {
		json_object_put(a);
		return 2;
	}
	printf("  %-22s %12.12s %12.12s\n", "", argv[1], argv[2]);
	flows(a, b);
	handovers(a, b);
	json_object_put(a);
	json_object_put(b);
	return 0;
}
