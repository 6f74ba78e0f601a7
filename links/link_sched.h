/*
 * link_sched.h - the pending deliveries of every link: a bounded binary
 * min-heap ordered by (deliver_ns, sequence), so frames due at the same
 * instant leave in the order they were scheduled (a duplicate right after
 * its original). O(log n) push and pop.
 *
 * Must not: read clocks or touch frames (an entry names a frame buffer).
 */
#ifndef PMIPEMU_LINK_SCHED_H
#define PMIPEMU_LINK_SCHED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct link_sched_entry {
	uint64_t at_ns;                 /* delivery instant */
	uint64_t seq;                   /* set by link_sched_push: tie breaker */
	uint32_t buf;                   /* frame buffer (caller's pool index) */
	uint32_t link;
	uint8_t dir;
};

struct link_sched {
	struct link_sched_entry *heap;
	size_t n, cap;
	uint64_t next_seq;
};

/* Room for cap entries, allocated once. Returns 0 or -1 (no memory). */
int link_sched_init(struct link_sched *s, size_t cap);
void link_sched_free(struct link_sched *s);

/* Returns 0, or -1 when full. */
int link_sched_push(struct link_sched *s, const struct link_sched_entry *e);
/* The earliest entry, NULL when empty. */
const struct link_sched_entry *link_sched_peek(const struct link_sched *s);
/* Remove the earliest into *out. Returns 0, or -1 when empty. */
int link_sched_pop(struct link_sched *s, struct link_sched_entry *out);

/* Remove every entry of one link; each removed entry is passed to drop
 * (e.g. to free its buffer). Returns how many were removed. O(n). */
size_t link_sched_remove_link(struct link_sched *s, uint32_t link,
			      void (*drop)(const struct link_sched_entry *, void *),
			      void *ctx);

#endif
