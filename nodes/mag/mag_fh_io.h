/*
 * mag_fh_io.h - magd's appendix D fast-handover shell (mag_fh_io.c).
 *
 * It runs beside mag_io.c on the same loop with sockets of its own: a
 * Mobility Header socket (the LMA's Handover Initiate in, HAck out), a
 * protocol-41 socket (raw sockets each get a copy of every tunnelled packet:
 * it takes those the fast-handover records claim, mag_io.c counts them as
 * not its own), a TUN (pmipfh0) for the MN's uplink from the other
 * interface's prefixes. Carrier losses come from mag_io.c's monitor
 * (mag_fh_io_carrier_lost). Must not: decide anything
 * (mag_fh.c does), touch the BUL.
 */
#ifndef PMIPEMU_MAG_FH_IO_H
#define PMIPEMU_MAG_FH_IO_H

#include <stdbool.h>
#include <stdint.h>

#include "mag.h"

struct ev_loop;

struct mag_fh_io_opts {
	const char *node;                /* events and logs */
	bool enabled;                    /* fast-handover="on" */
	const char *tun_name;            /* "pmipfh0" */
	uint32_t uplink_table;           /* policy table: default dev pmipfh0 */
	uint32_t rule_prio;
	bool debug;
};

struct mag_fh_io;

/* NULL with *why (errno kept) on failure, after undoing what was done. */
struct mag_fh_io *mag_fh_io_start(struct ev_loop *loop, struct mag *m,
				  const struct mag_fh_io_opts *o, const char **why);
/* The kernel reports a carrier loss through linkwatch, up to 1 s late when
 * the machine had another link event in the last second (doc/nio.md): with
 * fast handover on, magd polls the access interfaces this often, so the
 * dormant route starts within it. */
#define MAG_FH_IO_CARRIER_POLL_S 0.002
/* An access link lost its carrier: start forwarding to the peer MAG. */
void mag_fh_io_carrier_lost(struct mag_fh_io *io, int ifindex);
/* Emits the totals (event mag_forwarded), removes routes and rules. */
void mag_fh_io_stop(struct mag_fh_io *io);

#endif
