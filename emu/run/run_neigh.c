/*
 * run_neigh.c - the kernel's IPv6 neighbour table, sized for the topology.
 *
 * The table is one for every network namespace of the machine, bounded by
 * init_net's net.ipv6.neigh.default.gc_thresh1-3 (defaults 128/512/1024).
 * A domain of 1000 MNs behind 100 MAGs holds about 2 200 interfaces: past
 * 1024 entries the kernel logs "ndisc_cache: neighbor table overflow!",
 * new entries fail and Neighbor Solicitations go unanswered (measured: 10
 * of 1000 MNs registered). So a run raises gc_thresh2 and gc_thresh3 to
 * what its topology needs, never lowers them, and says so; the values stay
 * (a later or concurrent run needs them too; they bound memory, they
 * reserve none).
 *
 * Owns: the estimate and the two writes. Must not: run inside a node's
 * namespace (the files exist only in init_net).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "run.h"

#define NEIGH_PER_IFACE 8       /* peer global + link-local, multicast, slack */
#define NEIGH_DIR "/proc/sys/net/ipv6/neigh/default/"

static long neigh_get(const char *name)
{
	char path[128];
	long v = -1;

	snprintf(path, sizeof(path), NEIGH_DIR "%s", name);
	FILE *f = fopen(path, "re");
	if (!f)
		return -1;
	if (fscanf(f, "%ld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

static int neigh_set(const char *name, long v)
{
	char path[128];

	snprintf(path, sizeof(path), NEIGH_DIR "%s", name);
	FILE *f = fopen(path, "we");
	if (!f)
		return -1;
	int rc = fprintf(f, "%ld\n", v) < 0;
	return fclose(f) != 0 || rc ? -1 : 0;
}

long run_neigh_need(const struct topology *t)
{
	long ifaces = 0;

	for (size_t i = 0; i < t->n_nodes; i++)
		ifaces += (long)t->nodes[i].n_ifaces + 1;      /* + lo */
	return ifaces * NEIGH_PER_IFACE;
}

int run_neigh_size(const struct topology *t)
{
	long need = run_neigh_need(t), have = neigh_get("gc_thresh3");

	if (have < 0 || need <= have)
		return 0;
	if (neigh_set("gc_thresh3", need) < 0 ||
	    (neigh_get("gc_thresh2") < need && neigh_set("gc_thresh2", need) < 0)) {
		fprintf(stderr, "pmipemu: cannot raise net.ipv6.neigh.default.gc_thresh3 "
			"from %ld to %ld (%s): large topologies may lose neighbours\n",
			have, need, strerror(errno));
		return -1;
	}
	fprintf(stderr, "pmipemu: raised the kernel's IPv6 neighbour table "
		"(net.ipv6.neigh.default.gc_thresh2/3, shared by all namespaces) "
		"from %ld to %ld entries for this topology\n", have, need);
	return 1;
}
