/*
 * link_queue.c - queue + rate stage: a FIFO transmitter of a given rate in
 * front of the wire. Serialization time = (len + overhead) * 8 / rate.
 *
 * Owns: the transmitter's busy time and the backlog ring. Must not: hold
 * frame bytes, read clocks. The ring grows on demand up to the limit, so a
 * large limit costs memory only when a backlog really builds.
 */
#include <stdlib.h>

#include "link_stage.h"

#define NS_PER_S 1000000000ULL

void link_queue_init(struct link_queue *q)
{
	*q = (struct link_queue){0};
}

void link_queue_free(struct link_queue *q)
{
	free(q->done_ns);
	free(q->len);
	link_queue_init(q);
}

uint64_t link_queue_tx_ns(const struct link_params *p, size_t len, uint64_t *rem)
{
	if (p->rate_bps == 0)
		return 0;
	/* bits <= (2^32 + 2^32) * 8, times 1e9: use 128 bits to be safe. */
	unsigned __int128 num = (unsigned __int128)((uint64_t)len + p->overhead_bytes)
		* 8u * NS_PER_S + *rem;

	*rem = (uint64_t)(num % p->rate_bps);
	return (uint64_t)(num / p->rate_bps);
}

static void queue_pop_done(struct link_queue *q, uint64_t now_ns)
{
	while (q->count && q->done_ns[q->head] <= now_ns) {
		q->backlog_bytes -= q->len[q->head];
		q->head = (q->head + 1) % q->cap;
		q->count--;
	}
}

size_t link_queue_backlog(struct link_queue *q, uint64_t now_ns, uint64_t *bytes)
{
	queue_pop_done(q, now_ns);
	if (bytes)
		*bytes = q->backlog_bytes;
	return q->count;
}

static int queue_grow(struct link_queue *q)
{
	size_t ncap = q->cap ? q->cap * 2 : 64;
	uint64_t *d = malloc(ncap * sizeof(*d));
	uint32_t *l = malloc(ncap * sizeof(*l));

	if (!d || !l) {
		free(d);
		free(l);
		return -1;
	}
	for (size_t i = 0; i < q->count; i++) {
		d[i] = q->done_ns[(q->head + i) % q->cap];
		l[i] = q->len[(q->head + i) % q->cap];
	}
	free(q->done_ns);
	free(q->len);
	q->done_ns = d;
	q->len = l;
	q->cap = ncap;
	q->head = 0;
	return 0;
}

static bool queue_full(const struct link_queue *q, const struct link_params *p,
		       size_t len)
{
	uint32_t limit = p->limit_pkts ? p->limit_pkts : LINK_LIMIT_PKTS_DEFAULT;

	if (q->count >= limit)
		return true;
	return p->limit_bytes && q->backlog_bytes + len > p->limit_bytes;
}

enum link_fate link_queue_admit(struct link_queue *q, const struct link_params *p,
				size_t len, uint64_t now_ns, uint64_t *tx_done_ns)
{
	queue_pop_done(q, now_ns);
	if (queue_full(q, p, len))
		return LINK_FATE_DROP_QUEUE;
	if (q->count == q->cap && queue_grow(q) < 0)
		return LINK_FATE_DROP_QUEUE;

	uint64_t start = q->busy_until_ns;

	if (start <= now_ns) {          /* idle transmitter: no carried fraction */
		start = now_ns;
		q->rem = 0;
	}
	q->busy_until_ns = start + link_queue_tx_ns(p, len, &q->rem);
	*tx_done_ns = q->busy_until_ns;
	if (q->busy_until_ns > now_ns) {        /* rate 0: never in backlog */
		size_t tail = (q->head + q->count) % q->cap;

		q->done_ns[tail] = q->busy_until_ns;
		q->len[tail] = (uint32_t)len;
		q->count++;
		q->backlog_bytes += len;
	}
	return LINK_FATE_DELIVER;
}

void link_queue_reset(struct link_queue *q, uint64_t now_ns)
{
	q->head = 0;
	q->count = 0;
	q->backlog_bytes = 0;
	q->rem = 0;
	q->busy_until_ns = now_ns;
}
