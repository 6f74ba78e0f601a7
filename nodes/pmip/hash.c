/*
 * hash.c - SipHash-2-4 and an intrusive chained hash table (see hash.h).
 *
 * SipHash is written from the algorithm's description (c = 2 compression
 * rounds, d = 4 finalization rounds, little-endian 64-bit words, the message
 * length mod 256 in the last byte). Must not: allocate anything but the
 * bucket array, nor read a clock or randomness.
 */
#include "hash.h"

#include <stdlib.h>
#include <string.h>

#define ROTL64(x, b) (((x) << (b)) | ((x) >> (64 - (b))))

struct sip_state {
	uint64_t v0, v1, v2, v3;
};

static void sip_round(struct sip_state *s)
{
	s->v0 += s->v1; s->v1 = ROTL64(s->v1, 13); s->v1 ^= s->v0;
	s->v0 = ROTL64(s->v0, 32);
	s->v2 += s->v3; s->v3 = ROTL64(s->v3, 16); s->v3 ^= s->v2;
	s->v0 += s->v3; s->v3 = ROTL64(s->v3, 21); s->v3 ^= s->v0;
	s->v2 += s->v1; s->v1 = ROTL64(s->v1, 17); s->v1 ^= s->v2;
	s->v2 = ROTL64(s->v2, 32);
}

static uint64_t get_le64(const uint8_t *p, size_t n)
{
	uint64_t v = 0;

	for (size_t i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static void sip_compress(struct sip_state *s, uint64_t m)
{
	s->v3 ^= m;
	sip_round(s);
	sip_round(s);
	s->v0 ^= m;
}

uint64_t hash_siphash24(const struct hash_key *key, const void *data, size_t len)
{
	const uint8_t *p = data;
	struct sip_state s = {
		key->k0 ^ 0x736f6d6570736575ULL, key->k1 ^ 0x646f72616e646f6dULL,
		key->k0 ^ 0x6c7967656e657261ULL, key->k1 ^ 0x7465646279746573ULL,
	};
	size_t full = len & ~(size_t)7;

	for (size_t i = 0; i < full; i += 8)
		sip_compress(&s, get_le64(p + i, 8));
	sip_compress(&s, get_le64(p + full, len - full) | ((uint64_t)(len & 0xff) << 56));
	s.v2 ^= 0xff;
	for (int i = 0; i < 4; i++)
		sip_round(&s);
	return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
}

void hash_init(struct hash_table *t, size_t *mem_bytes)
{
	memset(t, 0, sizeof(*t));
	t->mem_bytes = mem_bytes;
}

void hash_fini(struct hash_table *t)
{
	if (t->mem_bytes)
		*t->mem_bytes -= t->n_bucket * sizeof(*t->bucket);
	free(t->bucket);
	t->bucket = NULL;
	t->n_bucket = t->n_item = 0;
}

static int hash_grow(struct hash_table *t)
{
	size_t n = t->n_bucket ? t->n_bucket * 2 : 16;
	struct hash_node **b = calloc(n, sizeof(*b));

	if (!b)
		return -1;
	for (size_t i = 0; i < t->n_bucket; i++) {
		struct hash_node *e = t->bucket[i], *next;

		for (; e; e = next) {
			next = e->next;
			e->next = b[e->hash & (n - 1)];
			b[e->hash & (n - 1)] = e;
		}
	}
	if (t->mem_bytes)
		*t->mem_bytes += (n - t->n_bucket) * sizeof(*b);
	free(t->bucket);
	t->bucket = b;
	t->n_bucket = n;
	return 0;
}

int hash_insert(struct hash_table *t, struct hash_node *n)
{
	/* Load factor 1: chains stay about one node long. When growing fails
	 * the old array is kept and chains just get longer. */
	if (t->n_item >= t->n_bucket)
		(void)hash_grow(t);
	if (t->n_bucket == 0)
		return -1;
	n->next = t->bucket[n->hash & (t->n_bucket - 1)];
	t->bucket[n->hash & (t->n_bucket - 1)] = n;
	t->n_item++;
	return 0;
}

void hash_remove(struct hash_table *t, struct hash_node *n)
{
	struct hash_node **pp = &t->bucket[n->hash & (t->n_bucket - 1)];

	for (; *pp; pp = &(*pp)->next) {
		if (*pp == n) {
			*pp = n->next;
			n->next = NULL;
			t->n_item--;
			return;
		}
	}
}

struct hash_node *hash_chain(const struct hash_table *t, uint64_t h)
{
	if (t->n_bucket == 0)
		return NULL;
	return t->bucket[h & (t->n_bucket - 1)];
}
