/*
 * report_flows.c - one flow's files from the run folder (written by
 * trafgen, formats in doc/scenarios.md) into a struct report_flow: the
 * sender's count, the receiver's arrivals with interfaces named, and the
 * statistics of tg_stats. Reads files only.
 */
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

static void add_problem(struct report_flow *f, const char *what, const char *path)
{
	size_t n = strlen(f->problem);
	const char *base = strrchr(path, '/');
	snprintf(f->problem + n, sizeof f->problem - n, "%s%s %s", n ? "; " : "",
		 base ? base + 1 : path, what);
}

static uint64_t j_u64(json_object *o, const char *key, bool *ok)
{
	json_object *v;
	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_int)) {
		*ok = false;
		return 0;
	}
	int64_t x = json_object_get_int64(v);
	return x < 0 ? 0 : (uint64_t)x;
}

static int load_send(struct report_flow *f, const char *path, uint64_t *sent)
{
	json_object *o = json_object_from_file(path);
	bool ok = true;
	if (!o) {
		add_problem(f, "missing or not JSON", path);
		return -1;
	}
	*sent = j_u64(o, "sent", &ok);
	f->send_errors = j_u64(o, "send_errors", &ok);
	json_object_put(o);
	if (!ok) {
		add_problem(f, "lacks sent/send_errors", path);
		return -1;
	}
	f->has_send = true;
	return 0;
}

/* Index of a name in f->ifnames, added when new; TG_IFACE_MAX if full. */
static uint32_t iface_index(struct report_flow *f, const char *name)
{
	for (size_t i = 0; i < f->n_ifaces; i++)
		if (strcmp(f->ifnames[i], name) == 0)
			return (uint32_t)i;
	if (f->n_ifaces == TG_IFACE_MAX)
		return TG_IFACE_MAX;
	report_fmt(f->ifnames[f->n_ifaces], REPORT_IFNAME_MAX, "%s", name);
	return (uint32_t)f->n_ifaces++;
}

struct ifmap {
	uint32_t ifindex[TG_IFACE_MAX];
	uint32_t idx[TG_IFACE_MAX];
	size_t n;
};

static void read_ifmap(struct report_flow *f, json_object *o, struct ifmap *m)
{
	json_object *arr, *e, *v;
	if (!json_object_object_get_ex(o, "interfaces", &arr) ||
	    !json_object_is_type(arr, json_type_array))
		return;
	for (size_t i = 0; i < json_object_array_length(arr) && m->n < TG_IFACE_MAX; i++) {
		e = json_object_array_get_idx(arr, i);
		bool ok = true;
		uint64_t ix = j_u64(e, "ifindex", &ok);
		if (!ok || !json_object_object_get_ex(e, "name", &v) ||
		    !json_object_is_type(v, json_type_string))
			continue;
		m->ifindex[m->n] = (uint32_t)ix;
		m->idx[m->n++] = iface_index(f, json_object_get_string(v));
	}
}

/* Arrivals carry kernel ifindexes; make them indexes into f->ifnames. */
static void map_ifaces(struct report_flow *f, const struct ifmap *m)
{
	char name[32];
	for (size_t i = 0; i < f->n_arr; i++) {
		uint32_t ix = f->arr[i].iface, to = TG_IFACE_MAX;
		for (size_t k = 0; k < m->n; k++)
			if (m->ifindex[k] == ix)
				to = m->idx[k];
		if (to == TG_IFACE_MAX) {       /* not in the summary: name it by number */
			snprintf(name, sizeof name, "if%u", ix);
			to = iface_index(f, name);
		}
		f->arr[i].iface = to;
	}
}

static int load_records(struct report_flow *f, const char *path)
{
	const char *why;
	FILE *fp = fopen(path, "r");
	if (!fp) {
		add_problem(f, "missing", path);
		return -1;
	}
	int rc = tg_records_read(fp, &f->arr, &f->n_arr, &why);
	fclose(fp);
	if (rc < 0)
		add_problem(f, why, path);
	return rc;
}

/* The records are the evidence; the summary only names the interfaces. A
 * receiver killed before its summary still has its (flushed) records. */
static int load_recv(struct report_flow *f, const char *path)
{
	char rec[TOPO_PATH_MAX * 3];
	struct ifmap m = { 0 };
	json_object *o = json_object_from_file(path);
	if (o) {
		read_ifmap(f, o, &m);
		json_object_put(o);
	} else {
		add_problem(f, "missing or not JSON", path);
	}
	if (tg_records_path(path, rec, sizeof rec) < 0 || load_records(f, rec) < 0)
		return -1;
	map_ifaces(f, &m);
	f->has_recv = true;
	return 0;
}

int report_load_flow(struct report_flow *f, const char *run_dir, const char *id)
{
	char path[TOPO_PATH_MAX * 3];
	uint64_t sent = TG_SENT_UNKNOWN;
	const char *why;

	snprintf(f->id, sizeof f->id, "%s", id);
	snprintf(path, sizeof path, "%s/flows/%s.send.json", run_dir, id);
	load_send(f, path, &sent);
	snprintf(path, sizeof path, "%s/flows/%s.recv.json", run_dir, id);
	load_recv(f, path);
	if (tg_stats_compute(f->arr, f->n_arr, sent, &f->st, &why) < 0)
		return -1;
	return 0;
}
