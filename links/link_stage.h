/*
 * link_stage.h - the pure stages of one link direction, in packet order:
 * queue + rate (link_queue.c), loss (link_loss.c), delay + jitter +
 * reorder (link_delay.c). Each is a function of (state, params, frame
 * length, now_ns, rng) -> verdict and time.
 *
 * Must not: read clocks, draw randomness other than from the rng passed
 * in, or touch frames' bytes (only their lengths).
 */
#ifndef PMIPEMU_LINK_STAGE_H
#define PMIPEMU_LINK_STAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "link.h"
#include "link_rng.h"

/* What becomes of a frame offered to a direction. */
enum link_fate {
	LINK_FATE_DELIVER,
	LINK_FATE_DROP_DOWN,
	LINK_FATE_DROP_QUEUE,
	LINK_FATE_DROP_LOSS,
};
const char *link_fate_name(enum link_fate f);

/* ---- queue + rate ------------------------------------------------------- */

/*
 * A FIFO transmitter. The backlog (frames accepted, serialization not yet
 * done) is derived from the tx-done instants of accepted frames: a ring
 * popped as now passes them. No frame bytes are held here.
 */
struct link_queue {
	uint64_t busy_until_ns;         /* tx-done of the last accepted frame */
	uint64_t rem;                   /* carried remainder of bits*1e9 / rate */
	uint64_t *done_ns;              /* ring of tx-done instants */
	uint32_t *len;                  /* ring of accounted lengths (bytes) */
	size_t cap, head, count;
	uint64_t backlog_bytes;
};

void link_queue_init(struct link_queue *q);
void link_queue_free(struct link_queue *q);

/* Serialization time of len bytes (plus overhead) at rate, in ns, rounded
 * down; *rem carries the remainder so back-to-back frames add up exactly. */
uint64_t link_queue_tx_ns(const struct link_params *p, size_t len, uint64_t *rem);

/* Frames and bytes still waiting or being serialized at now_ns. */
size_t link_queue_backlog(struct link_queue *q, uint64_t now_ns, uint64_t *bytes);

/* Offer a frame: LINK_FATE_DELIVER with *tx_done_ns set, or
 * LINK_FATE_DROP_QUEUE when the backlog is at its limit. */
enum link_fate link_queue_admit(struct link_queue *q, const struct link_params *p,
				size_t len, uint64_t now_ns, uint64_t *tx_done_ns);

/* Forget the backlog (link down): the transmitter is idle from now_ns. */
void link_queue_reset(struct link_queue *q, uint64_t now_ns);

/* ---- loss --------------------------------------------------------------- */

struct link_loss {
	bool ge_bad;                    /* Gilbert-Elliott state; starts good */
};

/* true: the frame is lost. */
bool link_loss_drop(struct link_loss *l, const struct link_params *p,
		    struct link_rng *rng);

/* ---- delay, jitter, reorder --------------------------------------------- */

struct link_delay {
	uint64_t last_deliver_ns;       /* latest delivery of a delayed frame */
};

/* A jitter sample in ns (may be negative), per p->jitter_dist. */
double link_delay_jitter(const struct link_params *p, struct link_rng *rng);

/* Delivery instant of a frame whose serialization ends at tx_done_ns.
 * *reordered: it skipped the delay (may overtake earlier frames). */
uint64_t link_delay_deliver(struct link_delay *d, const struct link_params *p,
			    uint64_t tx_done_ns, struct link_rng *rng,
			    bool *reordered);

#endif
