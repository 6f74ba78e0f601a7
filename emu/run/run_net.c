/*
 * run_net.c - the emulated network of a run: each node's namespace
 * (sysctls, TAPs, addresses, routes), as the topology says (see run.h);
 * the links between the TAPs come up in run_linkwatch.c. Errors name the
 * topology's file:line.
 *
 * Must not: start processes or touch the timeline; the order of the
 * steps (links last, once the daemons listen) is run.c's.
 */
#include "run.h"
#include "links/link.h"
#include "links/link_tap.h"
#include "netns.h"
#include "io/nio.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- nodes -------------------------------------------------------------- */

static int node_sysctl(const struct topo_node *n, const char *key, const char *val,
		       const struct topo_loc *loc)
{
	if (netns_sysctl(key, val) == 0)
		return 0;
	fprintf(stderr, "%s:%d: node %s: sysctl %s=%s: %s\n", loc->file, loc->line,
		n->name, key, val, strerror(errno));
	return -1;
}

/* Defaults before the interfaces exist, so "default" applies to them.
 * No node runs DAD (RFC 4862 5.4 allows it to be turned off
 * administratively; validate proves the topology's addresses unique):
 * static addresses are added without it, an MN's SLAAC addresses are
 * usable at once after an attach, and a link-local address is usable as
 * soon as its carrier is on. With DAD, a router's link-local stayed
 * tentative for 1-2 s after bring-up, and every packet it forwarded
 * meanwhile waited for neighbour resolution: a MAG's first PBU across a
 * router reached the LMA 2 s late and was refused with 156. */
static int node_defaults(const struct topo_node *n)
{
	int rc = 0;
	rc |= node_sysctl(n, "net.ipv6.conf.all.keep_addr_on_down", "1", &n->loc);
	rc |= node_sysctl(n, "net.ipv6.conf.default.accept_dad", "0", &n->loc);
	rc |= node_sysctl(n, "net.ipv6.conf.all.accept_dad", "0", &n->loc);
	if (n->forwarding)
		rc |= node_sysctl(n, "net.ipv6.conf.all.forwarding", "1", &n->loc);
	return rc;
}

static int iface_config(const struct topo_node *n, const struct topo_iface *ifc)
{
	int idx = (int)if_nametoindex(ifc->name);
	if (idx <= 0 || netns_link_up(ifc->name, true) < 0) {
		fprintf(stderr, "%s:%d: node %s: interface %s: %s\n", ifc->loc.file,
			ifc->loc.line, n->name, ifc->name, strerror(errno));
		return -1;
	}
	for (size_t a = 0; a < ifc->n_addrs; a++) {
		if (nio_addr_add(idx, &ifc->addrs[a].addr, ifc->addrs[a].len, true) < 0 &&
		    errno != EEXIST) {
			char s[INET6_ADDRSTRLEN];
			inet_ntop(AF_INET6, &ifc->addrs[a].addr, s, sizeof(s));
			fprintf(stderr, "%s:%d: node %s: address %s/%u: %s\n",
				ifc->loc.file, ifc->loc.line, n->name, s,
				ifc->addrs[a].len, strerror(errno));
			return -1;
		}
	}
	return 0;
}

static int node_routes(const struct topo_node *n)
{
	for (size_t i = 0; i < n->n_routes; i++) {
		const struct topo_route *rt = &n->routes[i];
		int oif = rt->dev[0] ? (int)if_nametoindex(rt->dev) : 0;
		if (nio_route_add(&rt->dst.addr, rt->dst.len, oif,
				  rt->has_via ? &rt->via : NULL, rt->table,
				  rt->metric) < 0) {
			fprintf(stderr, "%s:%d: node %s: route: %s\n", rt->loc.file,
				rt->loc.line, n->name, strerror(errno));
			return -1;
		}
	}
	return 0;
}

/* Everything of one node that is done inside its namespace. */
static int node_inside(struct run *r, size_t i)
{
	const struct topo_node *n = &r->t->nodes[i];
	int rc = 0;

	for (size_t k = 0; k < n->n_ifaces && !rc; k++) {
		const struct topo_iface *ifc = &n->ifaces[k];
		const char *why = "";
		int fd = link_tap_open(ifc->name, r->nodes[i].ns_fd,
				       ifc->has_mac ? ifc->mac : NULL, ifc->mtu, &why);
		if (fd < 0) {
			fprintf(stderr, "%s:%d: node %s: TAP %s: %s: %s\n", ifc->loc.file,
				ifc->loc.line, n->name, ifc->name, why, strerror(errno));
			rc = -1;
			break;
		}
		r->nodes[i].ports[k] = link_engine_add_port(r->links, n->name,
							    ifc->name, fd);
		if (r->nodes[i].ports[k] < 0)
			rc = -1;
	}
	if (rc)
		return rc;
	if (netns_enter(r->nodes[i].ns_fd) < 0)
		return -1;
	for (size_t k = 0; k < n->n_sysctls && !rc; k++)
		rc = node_sysctl(n, n->sysctls[k].key, n->sysctls[k].value,
				 &n->sysctls[k].loc);
	for (size_t k = 0; k < n->n_ifaces && !rc; k++)
		rc = iface_config(n, &n->ifaces[k]);
	if (!rc)
		rc = node_routes(n);
	if (netns_enter(r->origin_ns) < 0)
		rc = -1;
	return rc;
}

int run_nodes_up(struct run *r)
{
	r->nodes = calloc(r->t->n_nodes, sizeof(*r->nodes));
	if (!r->nodes)
		return -1;
	for (size_t i = 0; i < r->t->n_nodes; i++)
		r->nodes[i].ns_fd = -1;
	for (size_t i = 0; i < r->t->n_nodes; i++) {
		const struct topo_node *n = &r->t->nodes[i];
		r->nodes[i].ports = calloc(n->n_ifaces + 1, sizeof(int));
		if (!r->nodes[i].ports)
			return -1;
		r->nodes[i].ns_fd = netns_create(r->origin_ns);
		if (r->nodes[i].ns_fd < 0) {
			fprintf(stderr, "pmipemu: node %s: cannot create namespace: %s\n",
				n->name, strerror(errno));
			return -1;
		}
		state_add_node(&r->st, n->name, r->nodes[i].ns_fd);
		/* Namespace sysctls are read through /proc of the caller's ns. */
		if (netns_enter(r->nodes[i].ns_fd) < 0)
			return -1;
		int rc = node_defaults(n);
		if (netns_enter(r->origin_ns) < 0 || rc)
			return -1;
		if (node_inside(r, i) < 0)
			return -1;
	}
	return 0;
}
