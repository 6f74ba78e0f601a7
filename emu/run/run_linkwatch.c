/*
 * run_linkwatch.c - turn the links' carriers on in batches the kernel can
 * take, and wait until each batch carries traffic (issue 15, item 5).
 *
 * Owns: the batch size and the wait. Must not: fail a run; a link that is
 * still not operational when the wait ends is reported and the run goes on.
 *
 * Why: a TAP whose carrier comes on while it is up drops every frame it is
 * given (its queueing discipline stays "noop") and gets no IPv6 link-local
 * address until the kernel's linkwatch work has run for it
 * (net/core/link_watch.c). That work handles a bounded number of devices
 * per run and leaves the rest to a later run, at most one a second. Measured
 * on a domain of 100 MAGs and 1000 MNs (about 2200 carriers turned on at
 * once): the LMA's transport interfaces past the 45th stayed "noop" for 8 s,
 * so their MAGs' Neighbor Solicitations went unanswered and 643 of 1000 MNs
 * never registered. The kernel's budget (100 devices a run, or 200 when
 * every event is urgent) is from memory of the kernel source, so the batch
 * stays well under it and the wait checks the outcome, not the budget.
 */
#include "run.h"
#include "links/link.h"
#include "netns.h"
#include "io/nio.h"

#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RUN_LW_BATCH      64          /* interfaces turned on per batch */
#define RUN_LW_WAIT_NS    2000000000ull   /* per batch */
#define RUN_LW_POLL_NS    1000000l

struct run_lw_dev {
	size_t node;
	const char *iface;
	const struct topo_link *link;
	bool ready;
};

struct run_lw {
	struct run_lw_dev dev[RUN_LW_BATCH];
	size_t n;
};

static int lw_node_index(const struct run *r, const char *name)
{
	for (size_t i = 0; i < r->t->n_nodes; i++)
		if (!strcmp(r->t->nodes[i].name, name))
			return (int)i;
	return -1;
}

/* 1 when node's iface carries traffic, 0 not yet, -1 it cannot tell. */
static int lw_check(struct run *r, const struct run_lw_dev *d)
{
	int rc = -1;

	if (netns_enter(r->nodes[d->node].ns_fd) < 0)
		return -1;
	int ifindex = nio_ifindex(d->iface);
	if (ifindex > 0)
		rc = nio_link_operational(ifindex);
	if (netns_enter(r->origin_ns) < 0)
		return -1;
	return rc;
}

/* Poll the batch until every interface is operational or the wait ends;
 * name the ones that are still not. */
static void lw_wait(struct run *r, struct run_lw *b)
{
	uint64_t end = run_now_ns() + RUN_LW_WAIT_NS;
	size_t left;

	for (;;) {
		left = 0;
		for (size_t i = 0; i < b->n; i++) {
			if (!b->dev[i].ready)
				b->dev[i].ready = lw_check(r, &b->dev[i]) != 0;
			left += !b->dev[i].ready;
		}
		if (!left || run_now_ns() >= end)
			break;
		nanosleep(&(struct timespec){ .tv_nsec = RUN_LW_POLL_NS }, NULL);
	}
	for (size_t i = 0; i < b->n; i++)
		if (!b->dev[i].ready)
			fprintf(stderr, "pmipemu: link %s: %s %s not operational %.1f s "
				"after its carrier came on; going on\n", b->dev[i].link->name,
				r->t->nodes[b->dev[i].node].name, b->dev[i].iface,
				RUN_LW_WAIT_NS / 1e9);
	b->n = 0;
}

/* The interfaces link l turns on when it is added (up, both ends attached). */
static void lw_add(struct run *r, struct run_lw *b, const struct topo_link *l)
{
	if (l->initially_down || !l->end[0].attached || !l->end[1].attached)
		return;
	for (int e = 0; e < 2; e++) {
		int node = lw_node_index(r, l->end[e].node);
		if (node < 0)
			continue;
		b->dev[b->n++] = (struct run_lw_dev){ .node = (size_t)node,
			.iface = l->end[e].iface, .link = l };
	}
}

int run_links_up(struct run *r)
{
	struct run_lw *b = calloc(1, sizeof(*b));

	r->link_ids = calloc(r->t->n_links + 1, sizeof(int));
	if (!r->link_ids || !b) {
		free(b);
		return -1;
	}
	for (size_t i = 0; i < r->t->n_links; i++) {
		const struct topo_link *l = &r->t->links[i];
		int port[2];
		if (b->n + 2 > RUN_LW_BATCH)
			lw_wait(r, b);
		for (int e = 0; e < 2; e++)
			port[e] = l->end[e].attached
				? link_engine_find_port(r->links, l->end[e].node, l->end[e].iface)
				: -1;
		r->link_ids[i] = link_engine_add_link(r->links, l->name, port[0], port[1],
						      &l->dir[LINK_DIR_AB], &l->dir[LINK_DIR_BA],
						      !l->initially_down);
		if (r->link_ids[i] < 0) {
			fprintf(stderr, "%s:%d: link %s: %s\n", l->loc.file, l->loc.line,
				l->name, strerror(errno));
			free(b);
			return -1;
		}
		lw_add(r, b, l);
	}
	lw_wait(r, b);
	free(b);
	return 0;
}
