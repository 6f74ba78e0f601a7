/*
 * hash.h - keyed hashing and an intrusive chained hash table, for the
 * binding cache's O(1) lookups (MN-ID, session key, prefix).
 *
 * Owns: SipHash-2-4 (Aumasson and Bernstein, 2012) and a power-of-two
 * bucket array that doubles when full. Must not: know what it stores, touch
 * clocks or randomness (the key is given by the caller; the daemon draws it
 * once so that hostile prefixes cannot flood one chain).
 */
#ifndef PMIPEMU_HASH_H
#define PMIPEMU_HASH_H

#include <stddef.h>
#include <stdint.h>

struct hash_key {
	uint64_t k0, k1;
};

uint64_t hash_siphash24(const struct hash_key *key, const void *data, size_t len);

/* Embed as a member of the stored struct; hash is cached to skip compares. */
struct hash_node {
	struct hash_node *next;
	uint64_t hash;
};

struct hash_table {
	struct hash_node **bucket;
	size_t n_bucket;            /* power of two, 0 before the first insert */
	size_t n_item;
	size_t *mem_bytes;          /* the owner's memory counter, may be NULL */
};

void hash_init(struct hash_table *t, size_t *mem_bytes);
void hash_fini(struct hash_table *t);
/* Insert n with n->hash set. Returns 0, or -1 (out of memory for the very
 * first bucket array; n is not inserted). A failed later growth is not an
 * error: the old array is kept and chains get longer. */
int hash_insert(struct hash_table *t, struct hash_node *n);
/* Remove n (must be in t). */
void hash_remove(struct hash_table *t, struct hash_node *n);
/* First node of the chain that may hold hash h; walk with ->next and compare
 * ->hash first. */
struct hash_node *hash_chain(const struct hash_table *t, uint64_t h);

#endif
