/*
 * link_sched.c - bounded binary min-heap of deliveries, keyed (at_ns, seq).
 *
 * Owns: ordering of pending deliveries across all links. Must not: grow
 * past its capacity (the frame pool bounds it), read clocks.
 */
#include <stdlib.h>

#include "link_sched.h"

int link_sched_init(struct link_sched *s, size_t cap)
{
	*s = (struct link_sched){0};
	s->heap = calloc(cap ? cap : 1, sizeof(*s->heap));
	if (!s->heap)
		return -1;
	s->cap = cap;
	return 0;
}

void link_sched_free(struct link_sched *s)
{
	free(s->heap);
	*s = (struct link_sched){0};
}

static bool sched_before(const struct link_sched_entry *a,
			 const struct link_sched_entry *b)
{
	return a->at_ns < b->at_ns || (a->at_ns == b->at_ns && a->seq < b->seq);
}

static void sched_swap(struct link_sched *s, size_t i, size_t j)
{
	struct link_sched_entry t = s->heap[i];

	s->heap[i] = s->heap[j];
	s->heap[j] = t;
}

static void sched_up(struct link_sched *s, size_t i)
{
	while (i > 0) {
		size_t parent = (i - 1) / 2;

		if (!sched_before(&s->heap[i], &s->heap[parent]))
			break;
		sched_swap(s, i, parent);
		i = parent;
	}
}

static void sched_down(struct link_sched *s, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;

		if (l < s->n && sched_before(&s->heap[l], &s->heap[m]))
			m = l;
		if (r < s->n && sched_before(&s->heap[r], &s->heap[m]))
			m = r;
		if (m == i)
			return;
		sched_swap(s, i, m);
		i = m;
	}
}

int link_sched_push(struct link_sched *s, const struct link_sched_entry *e)
{
	if (s->n >= s->cap)
		return -1;
	s->heap[s->n] = *e;
	s->heap[s->n].seq = s->next_seq++;
	sched_up(s, s->n);
	s->n++;
	return 0;
}

const struct link_sched_entry *link_sched_peek(const struct link_sched *s)
{
	return s->n ? &s->heap[0] : NULL;
}

int link_sched_pop(struct link_sched *s, struct link_sched_entry *out)
{
	if (!s->n)
		return -1;
	*out = s->heap[0];
	s->heap[0] = s->heap[--s->n];
	sched_down(s, 0);
	return 0;
}

size_t link_sched_remove_link(struct link_sched *s, uint32_t link,
			      void (*drop)(const struct link_sched_entry *, void *),
			      void *ctx)
{
	size_t kept = 0, removed = 0;

	for (size_t i = 0; i < s->n; i++) {
		if (s->heap[i].link == link) {
			if (drop)
				drop(&s->heap[i], ctx);
			removed++;
		} else {
			s->heap[kept++] = s->heap[i];
		}
	}
	s->n = kept;
	for (size_t i = s->n / 2; i-- > 0;)     /* Floyd's heapify */
		sched_down(s, i);
	return removed;
}
