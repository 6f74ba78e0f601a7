/*
 * link_pool.h - preallocated, bounded frame buffers in two size classes:
 * many small slots for ordinary frames, a few large ones for frames up to
 * the TAP maximum (64 KiB). Reference counted, so a duplicated frame is
 * scheduled twice without a copy.
 *
 * Must not: allocate after init, read clocks.
 */
#ifndef PMIPEMU_LINK_POOL_H
#define PMIPEMU_LINK_POOL_H

#include <stddef.h>
#include <stdint.h>

struct link_pool {
	uint8_t *mem;                   /* small slots, then large slots */
	uint32_t n_small, small_bytes;
	uint32_t n_large, large_bytes;
	uint32_t *len;                  /* frame length per buffer */
	uint16_t *refs;                 /* 0 = free */
	uint32_t *free_small, *free_large;      /* stacks of free indexes */
	uint32_t top_small, top_large;
};

int link_pool_init(struct link_pool *p, uint32_t n_small, uint32_t small_bytes,
		   uint32_t n_large, uint32_t large_bytes);
void link_pool_free(struct link_pool *p);

/* Total number of buffers (both classes). */
uint32_t link_pool_size(const struct link_pool *p);

/* A buffer able to hold len bytes, refs = 1, length set. Returns 0, or -1
 * when that class is exhausted or len is too large. */
int link_pool_get(struct link_pool *p, size_t len, uint32_t *idx);
uint8_t *link_pool_data(const struct link_pool *p, uint32_t idx);
uint32_t link_pool_len(const struct link_pool *p, uint32_t idx);
void link_pool_ref(struct link_pool *p, uint32_t idx);
/* Drop one reference; the buffer is free again at zero. */
void link_pool_put(struct link_pool *p, uint32_t idx);

#endif
