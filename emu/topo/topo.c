/*
 * topo.c - the topology model: error list, lookups, enum names, freeing,
 * where the XSD lives.
 *
 * Must not: parse XML (topo_parse*.c), check semantics (topo_check.c), log
 * or exit. The model is plain data; see topo.h.
 */
#include "topo_int.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void topo_errors_add(struct topo_errors *e, const struct topo_loc *loc,
		     const char *fmt, ...)
{
	char msg[1024], *line, **msgs;
	va_list ap;
	int n;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (loc && loc->file && loc->line > 0)
		n = asprintf(&line, "%s:%d: %s", loc->file, loc->line, msg);
	else if (loc && loc->file)
		n = asprintf(&line, "%s: %s", loc->file, msg);
	else
		n = asprintf(&line, "%s", msg);
	if (n < 0)
		return;
	msgs = realloc(e->msgs, (e->n + 1) * sizeof(*msgs));
	if (!msgs) {
		free(line);
		return;
	}
	e->msgs = msgs;
	e->msgs[e->n++] = line;
}

void topo_errors_free(struct topo_errors *e)
{
	for (size_t i = 0; i < e->n; i++)
		free(e->msgs[i]);
	free(e->msgs);
	e->msgs = NULL;
	e->n = 0;
}

void *topo_grow(void *arrp, size_t *n, size_t size)
{
	void **arr = arrp;
	char *p = realloc(*arr, (*n + 1) * size);

	if (!p)
		return NULL;
	*arr = p;
	memset(p + *n * size, 0, size);
	return p + (*n)++ * size;
}

static const char *const topo_node_kind_names[] = {
	[TOPO_NODE_HOST] = "host", [TOPO_NODE_ROUTER] = "router",
	[TOPO_NODE_LMA] = "lma", [TOPO_NODE_MAG] = "mag",
	[TOPO_NODE_MN] = "mn", [TOPO_NODE_CN] = "cn",
};

const char *topo_node_kind_name(enum topo_node_kind k)
{
	if ((unsigned)k < sizeof(topo_node_kind_names) / sizeof(*topo_node_kind_names))
		return topo_node_kind_names[k];
	return "?";
}

const char *topo_event_kind_name(enum topo_event_kind k)
{
	switch (k) {
	case TOPO_EV_LINK_DOWN: return "link-down";
	case TOPO_EV_LINK_UP: return "link-up";
	case TOPO_EV_IMPAIR: return "impair";
	case TOPO_EV_MOVE: return "move";
	case TOPO_EV_START: return "start";
	case TOPO_EV_STOP: return "stop";
	case TOPO_EV_EXEC: return "exec";
	case TOPO_EV_DAEMON_STOP: return "daemon-stop";
	case TOPO_EV_DAEMON_START: return "daemon-start";
	case TOPO_EV_SESSION: return "session";
	case TOPO_EV_PREFIX: return "prefix";
	case TOPO_EV_FLOW_RULE: return "flow-rule";
	}
	return "?";
}

const char *topo_flow_pattern_name(enum topo_flow_pattern p)
{
	switch (p) {
	case TOPO_FLOW_CBR: return "cbr";
	case TOPO_FLOW_ONOFF: return "onoff";
	case TOPO_FLOW_BURST: return "burst";
	}
	return "?";
}

const char *topo_expect_kind_name(enum topo_expect_kind k)
{
	switch (k) {
	case TOPO_EXP_DELIVERY: return "delivery";
	case TOPO_EXP_LOSS: return "loss";
	case TOPO_EXP_LATENCY_P99: return "latency-p99";
	case TOPO_EXP_GAP: return "gap";
	case TOPO_EXP_VIA: return "via";
	case TOPO_EXP_LINK_COUNTER: return "link";
	case TOPO_EXP_EXEC: return "exec";
	}
	return "?";
}

/* The values RFC 5213 8.5 defines (IANA "Access Technology Type Option
 * type values"); later IANA values are written as numbers. */
static const char *const topo_att_names[] = {
	[1] = "virtual", [2] = "ppp", [3] = "ethernet", [4] = "wlan",
	[5] = "wimax", [6] = "3gpp-geran", [7] = "3gpp-utran", [8] = "3gpp-eutran",
};
#define TOPO_N_ATT (sizeof(topo_att_names) / sizeof(*topo_att_names))

int topo_att_parse(const char *s, uint8_t *att)
{
	char *end;
	unsigned long v;

	for (size_t i = 1; i < TOPO_N_ATT; i++)
		if (strcmp(s, topo_att_names[i]) == 0) {
			*att = (uint8_t)i;
			return 0;
		}
	if (*s < '0' || *s > '9')
		return -1;
	v = strtoul(s, &end, 10);
	if (*end || v == 0 || v > 255)  /* 0 is reserved */
		return -1;
	*att = (uint8_t)v;
	return 0;
}

const char *topo_att_name(uint8_t att)
{
	if (att < TOPO_N_ATT && topo_att_names[att])
		return topo_att_names[att];
	return NULL;
}

struct topo_node *topo_find_node(const struct topology *t, const char *name)
{
	for (size_t i = 0; i < t->n_nodes; i++)
		if (strcmp(t->nodes[i].name, name) == 0)
			return &t->nodes[i];
	return NULL;
}

struct topo_iface *topo_find_iface(const struct topo_node *n, const char *name)
{
	for (size_t i = 0; i < n->n_ifaces; i++)
		if (strcmp(n->ifaces[i].name, name) == 0)
			return &n->ifaces[i];
	return NULL;
}

struct topo_link *topo_find_link(const struct topology *t, const char *name)
{
	for (size_t i = 0; i < t->n_links; i++)
		if (strcmp(t->links[i].name, name) == 0)
			return &t->links[i];
	return NULL;
}

struct topo_flow *topo_find_flow(const struct topology *t, const char *id)
{
	for (size_t i = 0; i < t->n_flows; i++)
		if (strcmp(t->flows[i].id, id) == 0)
			return &t->flows[i];
	return NULL;
}

static void topo_free_node(struct topo_node *n)
{
	for (size_t i = 0; i < n->n_ifaces; i++)
		free(n->ifaces[i].addrs);
	free(n->ifaces);
	free(n->routes);
	free(n->sysctls);
	free(n->procs);
	free(n->pmip.mags);
	free(n->pmip.mag_auths);
	for (size_t i = 0; i < n->pmip.n_mns; i++)
		free(n->pmip.mns[i].hnps);
	free(n->pmip.mns);
	free(n->pmip.flows);
	free(n->pmip.congestion);
}

void topo_free(struct topology *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n_nodes; i++)
		topo_free_node(&t->nodes[i]);
	free(t->nodes);
	free(t->links);
	free(t->events);
	free(t->flows);
	free(t->expects);
	for (size_t i = 0; i < t->n_sets; i++)
		free(t->sets[i]);
	free(t->sets);
	free(t);
}

static int topo_readable(const char *path)
{
	return access(path, R_OK) == 0;
}

/* $PMIPEMU_XSD; else <exe dir>/../../doc/topology.xsd (build/bin/pmipemu in
 * the tree); else <exe dir>/../share/pmipemu/topology.xsd (`make install
 * PREFIX=...`); else the distribution's copy. */
const char *topo_xsd_path(void)
{
	static char path[PATH_MAX + 32];
	const char *env = getenv("PMIPEMU_XSD");
	char exe[PATH_MAX];
	ssize_t n;

	if (env && *env)
		return env;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			snprintf(path, sizeof(path), "%s/../../doc/topology.xsd", exe);
			if (topo_readable(path))
				return path;
			snprintf(path, sizeof(path), "%s/../share/pmipemu/topology.xsd", exe);
			if (topo_readable(path))
				return path;
		}
	}
	return "/usr/share/pmipemu/topology.xsd";
}
