/*
 * link.h - the link engine's public face: per-direction impairment
 * parameters, counters, and the engine that relays frames between TAP
 * devices through emulated lossy links.
 *
 * Owns: the contract emu/run/run.c programs against. The pure stages live in
 * link_rng.h, link_stage.h, link_dir.h, link_sched.h, link_wake.h; the
 * shells in link_tap.h, link_pcap.h, link_io.c and link_worker_io.c; the
 * impairment model, shared with the topology, in link_params.h. Must not:
 * know about namespaces, nodes or the topology file.
 *
 * Time: every now_ns here is CLOCK_MONOTONIC nanoseconds (one machine);
 * the engine calls accept 0 for "read the clock now".
 * See doc/links.md for the models and the order of the stages.
 */
#ifndef PMIPEMU_LINK_H
#define PMIPEMU_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "link_params.h"

#define LINK_NAME_MAX 32

/*
 * Counters of one direction. Conservation, at any instant:
 *   in + dup = delivered + drop_loss + drop_queue + drop_down + drop_tx + in_flight
 */
struct link_counters {
	uint64_t in;                    /* frames offered to the link */
	uint64_t delivered;             /* frames written to the far TAP, copies included */
	uint64_t dup;                   /* extra copies made by duplication */
	uint64_t drop_loss;             /* lost by the loss model */
	uint64_t drop_queue;            /* backlog full, or frame pool exhausted */
	uint64_t drop_down;             /* link down or free end, or flushed in flight */
	uint64_t drop_tx;               /* far TAP refused the write (EAGAIN, error) */
	uint64_t in_flight;             /* accepted, not yet delivered or dropped */
	uint64_t bytes_in;              /* L2 bytes offered */
	uint64_t bytes_out;             /* L2 bytes delivered */
};

/* ---- the engine (link_io.c, link_worker_io.c) ---------------------------- */

struct link_engine;

#define LINK_THREADS_MAX      64
#define LINK_BATCH_DEFAULT    64        /* frames read from one port per wake-up */
#define LINK_SPIN_NS_DEFAULT  100000    /* pmipemu's default early wake-up */
#define LINK_SPIN_BUDGET_DEFAULT 20     /* % of each 100 ms a worker may poll */

struct link_engine_opts {
	uint64_t seed;          /* topology seed: stream (seed, link index, direction) */
	const char *pcap_dir;   /* <node>-<iface>.pcap captures here; NULL = none */
	unsigned threads;       /* worker threads; 0 = one per online core */
	uint64_t spin_ns;       /* wake this long before a delivery is due and
				 * poll until it is; 0 = sleep until the timer */
	unsigned spin_budget_pct; /* share of each 100 ms a worker may spend
				 * polling; 0 = default, >= 100: no bound */
	unsigned batch;         /* frames read per port per wake-up; 0 = default */
};

/*
 * Create an engine: `threads` workers, each with its own epoll loop,
 * delivery timer, frame pool and heap. A link belongs to one worker for
 * its whole life (link index modulo the worker count), and so do both
 * directions, their rng streams and the ports attached to it: frames of
 * one link and direction are handled in order by one thread, and a seed
 * drops the same frames whatever the worker count. The engine's functions
 * below are called from one thread (the orchestrator's); they lock the
 * workers they touch. Returns NULL with errno set on failure.
 */
struct link_engine *link_engine_new(const struct link_engine_opts *o);

/* Worker threads the engine runs. */
unsigned link_engine_threads(const struct link_engine *e);

/* What the workers did, summed over all of them (bench, report). */
struct link_engine_stats {
	uint64_t wakeups;               /* loop iterations */
	uint64_t spin_ns;               /* time spent polling in the spin window */
	uint64_t frames_read;
	uint64_t read_batches;          /* wake-ups of a port that read >= 1 frame */
	uint64_t port_errors;           /* ports given up on (EOF, hard read error) */
};
void link_engine_stats(const struct link_engine *e, struct link_engine_stats *out);

/*
 * Add a TAP (fd from link_tap_open). The engine takes ownership of tap_fd:
 * link_engine_free closes it (which removes a non-persistent TAP). The
 * port starts detached with carrier off. Returns the port id or -1.
 */
int link_engine_add_port(struct link_engine *e, const char *node,
			 const char *iface, int tap_fd);

/*
 * Add a link between two ports (-1 = a free end). ab carries frames from
 * port_a to port_b, ba the reverse. A link carries frames when it is up
 * and both ends are attached; only then are its ends' carriers on.
 * Returns the link id (0, 1, ... in call order: the rng stream index) or -1.
 */
int link_engine_add_link(struct link_engine *e, const char *name, int port_a,
			 int port_b, const struct link_params *ab,
			 const struct link_params *ba, bool up);

/* Link up/down: carrier on/off on both attached ends; going down drops the
 * frames in flight (counted drop_down). */
int link_engine_set_up(struct link_engine *e, int link, bool up, uint64_t now_ns);

/* New params for one direction; frames arriving afterwards see them. */
int link_engine_set_params(struct link_engine *e, int link, enum link_dir_id dir,
			   const struct link_params *p);

/* The port leaves its link (a pulled cable): carrier off on it and on the
 * peer end; frames in flight on the link are dropped (drop_down). */
int link_engine_detach(struct link_engine *e, int port, uint64_t now_ns);

/* Plug a detached port into the link's free end; carrier comes on at both
 * ends if the link is up and now fully attached. */
int link_engine_attach(struct link_engine *e, int port, int link, uint64_t now_ns);

/* Lookups for the orchestrator; -1 when unknown. */
int link_engine_find_link(const struct link_engine *e, const char *name);
int link_engine_find_port(const struct link_engine *e, const char *node,
			  const char *iface);

/* Counters of one direction (zeroed out when link/dir is unknown). */
void link_engine_counters(const struct link_engine *e, int link,
			  enum link_dir_id dir, struct link_counters *out);

/* Frames (and *bytes, when not NULL) in one direction's queue at now_ns
 * (0 = now): accepted, not yet serialized; 0 when link/dir is unknown.
 * What an operator's monitoring reads off an access link (the run's
 * <congestion> rules, emu/run/run_congest_io.c). */
size_t link_engine_backlog(const struct link_engine *e, int link, enum link_dir_id dir,
			   uint64_t now_ns, uint64_t *bytes);

/* Frames read on a port that is not on a carrying link (dropped). */
uint64_t link_engine_port_orphans(const struct link_engine *e, int port);

/* CLOCK_REALTIME - CLOCK_MONOTONIC, read once when the engine was made:
 * every capture record is stamped monotonic + this offset, so a monotonic
 * instant maps to its capture timestamp exactly. */
int64_t link_engine_realtime_offset_ns(const struct link_engine *e);

/* Write buffered capture records to disk (each worker also does it for
 * its ports every 500 ms). */
void link_engine_flush(struct link_engine *e);

/* Stop and join the workers, flush and close captures, close the TAP fds,
 * free. */
void link_engine_free(struct link_engine *e);

#endif
