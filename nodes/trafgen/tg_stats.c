/*
 * tg_stats.c - per-flow accounting from the sender's count and the
 * receiver's arrivals: loss, duplicates, reordering, one-way latency,
 * arrival gaps, per-interface counts, windows. Pure: no I/O, no clocks;
 * every instant is an argument. Reordering follows RFC 4737 section 3.3:
 * a packet is reordered when its sequence number is below the highest one
 * already received; duplicates are counted apart (RFC 4737 section 3.2
 * leaves them out of reordering).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tg.h"

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

struct seq_idx {
	uint64_t seq;
	size_t idx;
};

static int cmp_seq_idx(const void *a, const void *b)
{
	const struct seq_idx *x = a, *y = b;
	if (x->seq != y->seq)
		return (x->seq > y->seq) - (x->seq < y->seq);
	return (x->idx > y->idx) - (x->idx < y->idx);
}

uint64_t tg_stats_percentile(uint64_t *v, size_t n, double pct)
{
	if (n == 0)
		return 0;
	qsort(v, n, sizeof *v, cmp_u64);
	double r = ceil(pct * (double)n / 100.0 - 1e-9);
	size_t rank = r < 1 ? 1 : (r > (double)n ? n : (size_t)r);
	return v[rank - 1];
}

/* first[i] = arrival i is the first of its sequence number. */
static bool *mark_first_arrivals(const struct tg_arrival *a, size_t n)
{
	struct seq_idx *si = malloc(n * sizeof *si);
	bool *first = calloc(n, sizeof *first);
	if (!si || !first) {
		free(si);
		free(first);
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		si[i] = (struct seq_idx){ a[i].seq, i };
	qsort(si, n, sizeof *si, cmp_seq_idx);
	for (size_t i = 0; i < n; i++)
		first[si[i].idx] = i == 0 || si[i].seq != si[i - 1].seq;
	free(si);
	return first;
}

static void count_sequences(const struct tg_arrival *a, size_t n,
			    const bool *first, struct tg_stats *s)
{
	uint64_t highest = 0;
	bool any = false;
	for (size_t i = 0; i < n; i++) {
		if (a[i].seq >= s->sent)
			s->stray++;
		if (!first[i]) {
			s->duplicates++;
			continue;
		}
		if (a[i].seq < s->sent)
			s->received++;
		if (any && a[i].seq < highest)
			s->reordered++;
		if (!any || a[i].seq > highest)
			highest = a[i].seq;
		any = true;
	}
	s->lost = s->sent - s->received;
}

static uint64_t *sorted_recv_times(const struct tg_arrival *a, size_t n)
{
	uint64_t *t = malloc((n ? n : 1) * sizeof *t);
	if (!t)
		return NULL;
	for (size_t i = 0; i < n; i++)
		t[i] = a[i].recv_ns;
	qsort(t, n, sizeof *t, cmp_u64);
	return t;
}

static int gap_stats(const struct tg_arrival *a, size_t n, struct tg_stats *s)
{
	uint64_t *t = sorted_recv_times(a, n);
	if (!t)
		return -1;
	if (n) {
		s->first_recv_ns = t[0];
		s->last_recv_ns = t[n - 1];
	}
	for (size_t i = 1; i < n; i++) {
		if (!s->has_gap || t[i] - t[i - 1] > s->max_gap_ns) {
			s->max_gap_ns = t[i] - t[i - 1];
			s->max_gap_from_ns = t[i - 1];
		}
		s->has_gap = true;
	}
	free(t);
	return 0;
}

int tg_stats_compute(const struct tg_arrival *a, size_t n, uint64_t sent,
		     struct tg_stats *out, const char **why)
{
	memset(out, 0, sizeof *out);
	out->arrivals = n;
	out->sent = sent;
	if (sent == TG_SENT_UNKNOWN) {
		out->sent_estimated = true;
		out->sent = 0;
		for (size_t i = 0; i < n; i++)
			if (a[i].seq + 1 > out->sent)
				out->sent = a[i].seq + 1;
	}
	bool *first = mark_first_arrivals(a, n);
	if (!first && n) {
		*why = "out of memory";
		return -1;
	}
	count_sequences(a, n, first, out);
	free(first);
	for (size_t i = 0; i < n; i++)
		if (a[i].iface < TG_IFACE_MAX)
			out->by_iface[a[i].iface]++;
	out->has_latency = tg_stats_latency_window(a, n, 0, UINT64_MAX,
						   &out->lat_p50_ns, &out->lat_p99_ns,
						   &out->lat_max_ns) > 0;
	if (gap_stats(a, n, out) < 0) {
		*why = "out of memory";
		return -1;
	}
	return 0;
}

size_t tg_stats_latency_window(const struct tg_arrival *a, size_t n,
			       uint64_t from_ns, uint64_t to_ns,
			       uint64_t *p50_ns, uint64_t *p99_ns, uint64_t *max_ns)
{
	uint64_t *lat = malloc((n ? n : 1) * sizeof *lat);
	size_t m = 0;
	*p50_ns = *p99_ns = *max_ns = 0;
	if (!lat)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (a[i].recv_ns < from_ns || a[i].recv_ns > to_ns)
			continue;
		/* one clock for both ends; a negative delay cannot happen, clamp */
		lat[m++] = a[i].recv_ns > a[i].send_ns ? a[i].recv_ns - a[i].send_ns : 0;
	}
	if (m) {
		*p50_ns = tg_stats_percentile(lat, m, 50);
		*p99_ns = tg_stats_percentile(lat, m, 99);
		*max_ns = lat[m - 1];
	}
	free(lat);
	return m;
}

int tg_stats_gap_window(const struct tg_arrival *a, size_t n,
			uint64_t from_ns, uint64_t to_ns,
			uint64_t *gap_ns, uint64_t *at_ns)
{
	if (from_ns > to_ns)
		return -1;
	uint64_t *t = sorted_recv_times(a, n);
	if (!t)
		return -1;
	size_t j = 0;
	while (j < n && t[j] <= from_ns)
		j++;
	uint64_t prev = j ? t[j - 1] : from_ns;
	*gap_ns = 0;
	*at_ns = prev;
	for (;; j++) {
		uint64_t cur = j < n ? t[j] : to_ns;
		if (cur - prev > *gap_ns) {
			*gap_ns = cur - prev;
			*at_ns = prev;
		}
		if (j >= n || t[j] >= to_ns)
			break;
		prev = cur;
	}
	free(t);
	return 0;
}

/* Distinct sequence numbers of a (sorted copy) in [lo, hi). */
static int count_distinct(const struct tg_arrival *a, size_t n,
			  uint64_t lo, uint64_t hi, uint64_t *cnt)
{
	uint64_t *s = malloc((n ? n : 1) * sizeof *s);
	size_t m = 0;
	if (!s)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (a[i].seq >= lo && a[i].seq < hi)
			s[m++] = a[i].seq;
	qsort(s, m, sizeof *s, cmp_u64);
	*cnt = 0;
	for (size_t i = 0; i < m; i++)
		*cnt += i == 0 || s[i] != s[i - 1];
	free(s);
	return 0;
}

int tg_stats_loss_window(const struct tg_arrival *a, size_t n, uint64_t sent,
			 uint64_t from_ns, uint64_t to_ns,
			 struct tg_window_loss *out)
{
	uint64_t lo = 0, hi = sent;
	memset(out, 0, sizeof *out);
	if (from_ns > to_ns)
		return -1;
	if (sent == TG_SENT_UNKNOWN) {
		hi = 0;
		for (size_t i = 0; i < n; i++)
			if (a[i].seq + 1 > hi)
				hi = a[i].seq + 1;
	}
	for (size_t i = 0; i < n; i++) {
		if (a[i].send_ns < from_ns && a[i].seq + 1 > lo)
			lo = a[i].seq + 1;
		if (a[i].send_ns > to_ns && a[i].seq < hi)
			hi = a[i].seq;
	}
	if (hi <= lo)
		return 0;
	if (count_distinct(a, n, lo, hi, &out->received) < 0)
		return -1;
	out->expected = hi - lo;
	out->lost = out->expected - out->received;
	return 0;
}

uint64_t tg_stats_iface_window(const struct tg_arrival *a, size_t n,
			       uint64_t from_ns, uint64_t to_ns,
			       uint64_t counts[TG_IFACE_MAX])
{
	uint64_t total = 0;
	memset(counts, 0, TG_IFACE_MAX * sizeof counts[0]);
	for (size_t i = 0; i < n; i++) {
		if (a[i].recv_ns < from_ns || a[i].recv_ns > to_ns)
			continue;
		total++;
		if (a[i].iface < TG_IFACE_MAX)
			counts[a[i].iface]++;
	}
	return total;
}

int tg_stats_bins(const struct tg_arrival *a, size_t n, uint64_t t0_ns,
		  uint64_t bin_ns, size_t n_bins, uint32_t *counts)
{
	if (bin_ns == 0)
		return -1;
	memset(counts, 0, n_bins * TG_IFACE_MAX * sizeof counts[0]);
	for (size_t i = 0; i < n; i++) {
		if (a[i].recv_ns < t0_ns || a[i].iface >= TG_IFACE_MAX)
			continue;
		uint64_t b = (a[i].recv_ns - t0_ns) / bin_ns;
		if (b < n_bins)
			counts[b * TG_IFACE_MAX + a[i].iface]++;
	}
	return 0;
}
