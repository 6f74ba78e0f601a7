/*
 * lma_io.h - the LMA daemon's shell: Mobility Header socket, the user-space
 * IPv6-in-IPv6 tunnel (TUN pmip0 + protocol 41 socket), routes, timers,
 * control socket and events, around the pure engine (lma.h).
 */
#ifndef PMIPEMU_LMA_IO_H
#define PMIPEMU_LMA_IO_H

#include <stdbool.h>
#include <netinet/in.h>

#include "lma.h"

struct ev_loop;

#define LMA_IO_TUN_NAME "pmip0"
/* 1500 minus the 40-byte outer header (RFC 2473 6.7: the tunnel MTU). */
#define LMA_IO_TUN_MTU  1460

struct lma_io_opts {
	const char *node;               /* for events and logs */
	const char *ctl_path;           /* NULL: no control socket */
	bool debug;                     /* log every action */
	bool no_dataplane;              /* signalling only (no TUN, no tunnel) */
};

struct lma_io;

/* Open sockets and devices, start the watchers. NULL with *why on failure
 * (everything opened so far is closed again). */
struct lma_io *lma_io_start(struct ev_loop *loop, struct lma *l,
			    const struct lma_config *cfg, const struct lma_io_opts *o,
			    const char **why);
/* Remove every route we installed, close sockets and the TUN, unlink the
 * control socket. */
void lma_io_stop(struct lma_io *io);

#endif
