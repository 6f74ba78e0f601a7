/*
 * link_dir.h - one direction of a link: the stages chained in packet order
 * (queue + rate -> loss -> duplication -> delay/jitter/reorder) with its
 * parameters, rng stream and counters.
 *
 * Must not: hold frame bytes, read clocks. The caller (link_io.c) keeps
 * the frames and tells the direction what became of each delivery.
 */
#ifndef PMIPEMU_LINK_DIR_H
#define PMIPEMU_LINK_DIR_H

#include "link.h"
#include "link_rng.h"
#include "link_stage.h"

struct link_dir {
	struct link_params p;
	struct link_rng rng;
	struct link_queue q;
	struct link_loss loss;
	struct link_delay delay;
	struct link_counters c;
	bool up;                        /* carrying: link up and both ends attached */
};

struct link_verdict {
	enum link_fate fate;
	uint64_t deliver_ns;            /* LINK_FATE_DELIVER only */
	bool dup;                       /* a second copy right after, same instant */
	bool reordered;                 /* skipped the delay */
};

/* Start a direction, down, with its own rng stream (seed, link, dir). */
void link_dir_init(struct link_dir *d, const struct link_params *p,
		   uint64_t seed, uint32_t link, enum link_dir_id dir);
void link_dir_free(struct link_dir *d);

/* Offer a frame of len bytes at now_ns; counts it and returns its fate. */
enum link_fate link_dir_input(struct link_dir *d, size_t len, uint64_t now_ns,
			      struct link_verdict *v);

/* New parameters: frames offered afterwards see them; queue, GE state and
 * frames in flight keep theirs. */
void link_dir_set_params(struct link_dir *d, const struct link_params *p);

/* Carrying or not. Going down flushes: every frame in flight is counted
 * drop_down and the backlog is forgotten (the caller discards the frames). */
void link_dir_set_up(struct link_dir *d, bool up, uint64_t now_ns);

/* A frame the caller could not take (frame pool exhausted): counted as
 * offered and drop_queue, without running the stages. */
void link_dir_refuse(struct link_dir *d, size_t len);

/* Outcome of one delivery the caller scheduled (copies count apiece). */
void link_dir_delivered(struct link_dir *d, size_t len);
void link_dir_tx_failed(struct link_dir *d);

#endif
