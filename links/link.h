/*
 * link.h - the link engine's public face: per-direction impairment
 * parameters, counters, and the engine that relays frames between TAP
 * devices through emulated lossy links.
 *
 * Owns: the contract emu/run/run.c programs against. The pure stages live in
 * link_rng.h, link_stage.h, link_dir.h, link_sched.h; the shells in
 * link_tap.h, link_pcap.h and link_io.c. Must not: know about namespaces,
 * nodes or the topology file beyond struct topo_impair (link_topo.c).
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

#define LINK_LIMIT_PKTS_DEFAULT 1000    /* netem's default queue limit */
#define LINK_NAME_MAX 32

enum link_jitter_dist { LINK_JITTER_UNIFORM, LINK_JITTER_NORMAL, LINK_JITTER_PARETO };
const char *link_jitter_dist_name(enum link_jitter_dist d);

enum link_loss_model { LINK_LOSS_NONE, LINK_LOSS_BERNOULLI, LINK_LOSS_GE };
const char *link_loss_model_name(enum link_loss_model m);

/* Impairments of one direction. All zero = a perfect wire (except
 * limit_pkts 0, which means LINK_LIMIT_PKTS_DEFAULT). */
struct link_params {
	uint64_t delay_ns;
	uint64_t jitter_ns;             /* uniform: half-width; normal, pareto: sigma */
	enum link_jitter_dist jitter_dist;
	uint64_t rate_bps;              /* 0 = unlimited */
	uint32_t overhead_bytes;        /* added to the L2 length for serialization */
	uint32_t limit_pkts;            /* backlog limit; 0 = default 1000 */
	uint64_t limit_bytes;           /* backlog limit in bytes; 0 = none */
	enum link_loss_model loss_model;
	double loss;                    /* Bernoulli probability */
	double ge_p;                    /* Gilbert-Elliott P(good -> bad) per frame */
	double ge_r;                    /* P(bad -> good) per frame */
	double ge_loss_good;            /* loss probability in the good state */
	double ge_loss_bad;             /* loss probability in the bad state */
	double duplicate;               /* probability a frame is delivered twice */
	double reorder;                 /* probability a frame skips delay/jitter */
};

/* Check a params struct: probabilities in [0,1], known enum values.
 * Returns 0, or -1 with *why. */
int link_params_check(const struct link_params *p, const char **why);

struct topo_impair;
/* Convert the topology's impairments (emu/topo/topo.h) to link params. */
void link_params_from_topo(struct link_params *out, const struct topo_impair *in);

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

/* Direction index: LINK_DIR_AB carries frames sent by end a to end b. */
enum link_dir_id { LINK_DIR_AB = 0, LINK_DIR_BA = 1 };
const char *link_dir_id_name(enum link_dir_id d);

/* ---- the engine (link_io.c) --------------------------------------------- */

struct ev_loop;
struct link_engine;

/*
 * Create an engine on a libev loop. seed: the topology seed; each link
 * direction draws from its own stream (seed, link index, direction).
 * pcap_dir: folder for <node>-<iface>.pcap captures, NULL = no capture.
 * Returns NULL with errno set on failure.
 */
struct link_engine *link_engine_new(struct ev_loop *loop, uint64_t seed,
				    const char *pcap_dir);

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

/* Frames read on a port that is not on a carrying link (dropped). */
uint64_t link_engine_port_orphans(const struct link_engine *e, int port);

/* CLOCK_REALTIME - CLOCK_MONOTONIC, read once when the engine was made:
 * every capture record is stamped monotonic + this offset, so a monotonic
 * instant maps to its capture timestamp exactly. */
int64_t link_engine_realtime_offset_ns(const struct link_engine *e);

/* Write buffered capture records to disk (also done every 500 ms). */
void link_engine_flush(struct link_engine *e);

/* Stop watchers, flush and close captures, close the TAP fds, free. */
void link_engine_free(struct link_engine *e);

#endif
