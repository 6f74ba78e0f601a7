/*
 * bce_int.h - the binding cache's insides, shared by bce.c (sessions, MNs,
 * deadlines) and bce_prefix.c (prefixes, routes). Not for other modules.
 */
#ifndef PMIPEMU_BCE_INT_H
#define PMIPEMU_BCE_INT_H

#include "bce.h"

/* The deadline is copied into the heap so that sifting does not chase a
 * pointer (a cache miss) per level. */
struct bce_heap_ent {
	uint64_t deadline_ns;
	struct bce_session *s;
};

struct bce_cache {
	struct hash_key key;
	struct hash_table mns;
	struct hash_table sessions;
	struct hash_table prefixes;
	uint32_t len_count[129];    /* prefixes registered per length */
	struct bce_heap_ent *heap;  /* min-heap on deadline_ns */
	size_t n_heap, cap_heap;
	size_t mem_bytes;
	uint64_t next_id;
};

void *bce_alloc(struct bce_cache *bc, size_t n);
void bce_release(struct bce_cache *bc, void *p, size_t n);
/* Append x to a small pointer array that starts in inline storage of 2. */
int bce_ptrs_push(struct bce_cache *bc, void ***v, uint8_t *n, uint8_t *cap,
		  void **inl, uint8_t max, void *x);
void bce_ptrs_fini(struct bce_cache *bc, void **v, uint8_t cap, void **inl);

#endif
