/*
 * mag_io.h - magd's shell: carries out the MAG engine's actions on the
 * system and feeds it the world (RS, carrier, PBA, timers, control socket).
 *
 * Owns: every socket, TUN, netlink and libev use of magd. Must not: decide
 * protocol behaviour (mag_engine.c does).
 */
#ifndef PMIPEMU_MAG_IO_H
#define PMIPEMU_MAG_IO_H

#include <stdbool.h>
#include <stdint.h>

#include "mag.h"

struct ev_loop;

struct mag_io_opts {
	const char *node;                /* for events and logs */
	const char *ctl_path;            /* control socket; NULL = none */
	const char *tun_name;            /* "pmip0" */
	uint32_t uplink_table;           /* policy table: default dev pmip0 */
	uint32_t rule_prio;              /* ip -6 rule priority */
	bool debug;                      /* log state transitions */
};

struct mag_io;

/* Opens everything; returns NULL with *why (errno kept) on failure, after
 * undoing what was done. The engine stays the caller's. */
struct mag_io *mag_io_start(struct ev_loop *loop, struct mag *m,
			    const struct mag_io_opts *o, const char **why);
/* One carrier monitor per magd (netlink plus a poll, see mag_io.c): cb is
 * told of every access-link loss before the detach is handled (appendix D
 * starts its dormant route first); poll_s > 0 polls at least that often. */
typedef void (*mag_io_carrier_cb)(void *arg, int ifindex);
void mag_io_on_carrier_loss(struct mag_io *io, mag_io_carrier_cb cb, void *arg,
			    double poll_s);
/* Deregisters every session, removes routes, rules, the control socket. */
void mag_io_stop(struct mag_io *io);

#endif
