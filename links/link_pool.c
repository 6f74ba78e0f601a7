/*
 * link_pool.c - bounded frame buffer pool (see link_pool.h).
 *
 * Owns: frame memory of the engine. Must not: grow; exhaustion is the
 * caller's drop (counted drop_queue).
 */
#include <stdlib.h>

#include "link_pool.h"

int link_pool_init(struct link_pool *p, uint32_t n_small, uint32_t small_bytes,
		   uint32_t n_large, uint32_t large_bytes)
{
	size_t n = (size_t)n_small + n_large;

	*p = (struct link_pool){ .n_small = n_small, .small_bytes = small_bytes,
				 .n_large = n_large, .large_bytes = large_bytes };
	p->mem = malloc((size_t)n_small * small_bytes + (size_t)n_large * large_bytes);
	p->len = calloc(n ? n : 1, sizeof(*p->len));
	p->refs = calloc(n ? n : 1, sizeof(*p->refs));
	p->free_small = calloc(n_small ? n_small : 1, sizeof(uint32_t));
	p->free_large = calloc(n_large ? n_large : 1, sizeof(uint32_t));
	if (!p->mem || !p->len || !p->refs || !p->free_small || !p->free_large) {
		link_pool_free(p);
		return -1;
	}
	/* stacks popped from the top: hand out low indexes first */
	for (uint32_t i = 0; i < n_small; i++)
		p->free_small[p->top_small++] = n_small - 1 - i;
	for (uint32_t i = 0; i < n_large; i++)
		p->free_large[p->top_large++] = n_small + n_large - 1 - i;
	return 0;
}

void link_pool_free(struct link_pool *p)
{
	free(p->mem);
	free(p->len);
	free(p->refs);
	free(p->free_small);
	free(p->free_large);
	*p = (struct link_pool){0};
}

uint32_t link_pool_size(const struct link_pool *p)
{
	return p->n_small + p->n_large;
}

int link_pool_get(struct link_pool *p, size_t len, uint32_t *idx)
{
	if (len <= p->small_bytes && p->top_small)
		*idx = p->free_small[--p->top_small];
	else if (len <= p->large_bytes && p->top_large)
		*idx = p->free_large[--p->top_large];
	else
		return -1;
	p->refs[*idx] = 1;
	p->len[*idx] = (uint32_t)len;
	return 0;
}

uint8_t *link_pool_data(const struct link_pool *p, uint32_t idx)
{
	if (idx < p->n_small)
		return p->mem + (size_t)idx * p->small_bytes;
	return p->mem + (size_t)p->n_small * p->small_bytes +
	       (size_t)(idx - p->n_small) * p->large_bytes;
}

uint32_t link_pool_len(const struct link_pool *p, uint32_t idx)
{
	return p->len[idx];
}

void link_pool_ref(struct link_pool *p, uint32_t idx)
{
	p->refs[idx]++;
}

void link_pool_put(struct link_pool *p, uint32_t idx)
{
	if (!p->refs[idx] || --p->refs[idx])
		return;
	if (idx < p->n_small)
		p->free_small[p->top_small++] = idx;
	else
		p->free_large[p->top_large++] = idx;
}
