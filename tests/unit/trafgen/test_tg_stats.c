/*
 * test_tg_stats.c - flow accounting on synthetic arrivals: sequence
 * accounting (loss, duplicates, reordering), percentiles, gaps, windows.
 */
#include <criterion/criterion.h>

#include "trafgen/tg.h"

#define MS 1000000ull
#define A(s, snd, rcv, ifx) { .seq = (s), .send_ns = (snd), .recv_ns = (rcv), .iface = (ifx) }

static struct tg_stats stats(const struct tg_arrival *a, size_t n, uint64_t sent)
{
	struct tg_stats s;
	const char *why = NULL;
	cr_assert_eq(tg_stats_compute(a, n, sent, &s, &why), 0);
	return s;
}

Test(tg_stats, missing_sequence_numbers_are_lost)
{
	struct tg_arrival a[] = { A(0, 0, 1, 0), A(1, 10, 11, 0), A(4, 40, 41, 0) };
	struct tg_stats s = stats(a, 3, 6);
	cr_assert_eq(s.received, 3);
	cr_assert_eq(s.lost, 3);       /* 2, 3 and 5 */
	cr_assert_eq(s.duplicates, 0);
	cr_assert_eq(s.reordered, 0);
}

Test(tg_stats, duplicate_counts_once_and_not_as_reordered)
{
	struct tg_arrival a[] = { A(0, 0, 1, 0), A(1, 10, 11, 0), A(0, 0, 12, 0),
				  A(1, 10, 13, 0), A(2, 20, 21, 0) };
	struct tg_stats s = stats(a, 5, 3);
	cr_assert_eq(s.arrivals, 5);
	cr_assert_eq(s.received, 3);
	cr_assert_eq(s.duplicates, 2);
	cr_assert_eq(s.reordered, 0);
	cr_assert_eq(s.lost, 0);
}

Test(tg_stats, late_arrival_below_highest_is_reordered)
{
	struct tg_arrival a[] = { A(0, 0, 1, 0), A(2, 20, 21, 0), A(3, 30, 31, 0),
				  A(1, 10, 35, 0), A(4, 40, 41, 0) };
	struct tg_stats s = stats(a, 5, 5);
	cr_assert_eq(s.reordered, 1);
	cr_assert_eq(s.lost, 0);
}

Test(tg_stats, sequence_beyond_sent_is_stray_not_received)
{
	struct tg_arrival a[] = { A(0, 0, 1, 0), A(7, 0, 2, 0) };
	struct tg_stats s = stats(a, 2, 2);
	cr_assert_eq(s.received, 1);
	cr_assert_eq(s.stray, 1);
	cr_assert_eq(s.lost, 1);
}

Test(tg_stats, unknown_sent_is_estimated_from_highest_sequence)
{
	struct tg_arrival a[] = { A(0, 0, 1, 0), A(9, 0, 2, 0) };
	struct tg_stats s = stats(a, 2, TG_SENT_UNKNOWN);
	cr_assert(s.sent_estimated);
	cr_assert_eq(s.sent, 10);
	cr_assert_eq(s.lost, 8);
}

Test(tg_stats, nearest_rank_percentiles)
{
	uint64_t v[100];
	for (int i = 0; i < 100; i++)
		v[i] = 100 - i;         /* 1..100, unsorted */
	cr_assert_eq(tg_stats_percentile(v, 100, 50), 50);
	cr_assert_eq(tg_stats_percentile(v, 100, 99), 99);
	cr_assert_eq(tg_stats_percentile(v, 100, 100), 100);
	uint64_t w[] = { 7, 3, 5 };
	cr_assert_eq(tg_stats_percentile(w, 3, 50), 5);
	cr_assert_eq(tg_stats_percentile(w, 3, 99), 7);
}

Test(tg_stats, latency_percentiles_over_arrivals)
{
	struct tg_arrival a[200];
	for (int i = 0; i < 200; i++)   /* latency i+1 ms */
		a[i] = (struct tg_arrival)A(i, i * 10 * MS, i * 10 * MS + (i + 1) * MS, 0);
	struct tg_stats s = stats(a, 200, 200);
	cr_assert(s.has_latency);
	cr_assert_eq(s.lat_p50_ns, 100 * MS);
	cr_assert_eq(s.lat_p99_ns, 198 * MS);
	cr_assert_eq(s.lat_max_ns, 200 * MS);
}

Test(tg_stats, largest_gap_and_where_it_starts)
{
	struct tg_arrival a[] = { A(0, 0, 100 * MS, 0), A(1, 0, 110 * MS, 0),
				  A(2, 0, 450 * MS, 1), A(3, 0, 460 * MS, 1) };
	struct tg_stats s = stats(a, 4, 4);
	cr_assert(s.has_gap);
	cr_assert_eq(s.max_gap_ns, 340 * MS);
	cr_assert_eq(s.max_gap_from_ns, 110 * MS);
	cr_assert_eq(s.first_recv_ns, 100 * MS);
	cr_assert_eq(s.last_recv_ns, 460 * MS);
	cr_assert_eq(s.by_iface[0], 2);
	cr_assert_eq(s.by_iface[1], 2);
}

/* arrivals every 10 ms from 0 to 1 s, none in (300, 500) ms */
static size_t outage(struct tg_arrival *a)
{
	size_t n = 0;
	for (uint64_t t = 0; t <= 1000; t += 10)
		if (t <= 300 || t >= 500) {
			a[n] = (struct tg_arrival)A(t / 10, t * MS, t * MS + MS, t < 400);
			n++;
		}
	return n;
}

Test(tg_stats, gap_window_sees_whole_outage_straddling_its_edges)
{
	struct tg_arrival a[128];
	size_t n = outage(a);
	uint64_t gap, at;
	cr_assert_eq(tg_stats_gap_window(a, n, 350 * MS, 450 * MS, &gap, &at), 0);
	cr_assert_eq(gap, 200 * MS);
	cr_assert_eq(at, 301 * MS);
	cr_assert_eq(tg_stats_gap_window(a, n, 600 * MS, 900 * MS, &gap, &at), 0);
	cr_assert_eq(gap, 10 * MS);
}

Test(tg_stats, gap_window_without_arrivals_is_the_window)
{
	uint64_t gap, at;
	cr_assert_eq(tg_stats_gap_window(NULL, 0, 2 * MS, 7 * MS, &gap, &at), 0);
	cr_assert_eq(gap, 5 * MS);
	cr_assert_eq(at, 2 * MS);
}

Test(tg_stats, loss_window_counts_only_packets_sent_in_it)
{
	struct tg_arrival a[128];
	size_t n = outage(a);            /* seq 31..49 missing: 19 packets */
	struct tg_window_loss w;
	cr_assert_eq(tg_stats_loss_window(a, n, 101, 250 * MS, 600 * MS, &w), 0);
	cr_assert_eq(w.lost, 19);
	cr_assert_eq(w.expected, 36);     /* seq 25..60 */
	cr_assert_eq(tg_stats_loss_window(a, n, 101, 600 * MS, 900 * MS, &w), 0);
	cr_assert_eq(w.lost, 0);
	cr_assert_eq(w.expected, 31);
}

Test(tg_stats, loss_window_tail_counts_up_to_sent)
{
	struct tg_arrival a[] = { A(0, 0, 1, 0), A(1, 10, 11, 0) };
	struct tg_window_loss w;
	cr_assert_eq(tg_stats_loss_window(a, 2, 5, 5, 100, &w), 0);
	cr_assert_eq(w.expected, 4);     /* 1..4: seq 1 sent at 10 is in it */
	cr_assert_eq(w.lost, 3);
}

Test(tg_stats, iface_window_and_bins)
{
	struct tg_arrival a[128];
	size_t n = outage(a);
	uint64_t c[TG_IFACE_MAX];
	cr_assert_eq(tg_stats_iface_window(a, n, 0, 300 * MS + MS, c), 31);
	cr_assert_eq(c[1], 31);
	cr_assert_eq(c[0], 0);
	uint32_t bins[10 * TG_IFACE_MAX];
	cr_assert_eq(tg_stats_bins(a, n, 0, 100 * MS, 10, bins), 0);
	cr_assert_eq(bins[0 * TG_IFACE_MAX + 1], 10);
	cr_assert_eq(bins[3 * TG_IFACE_MAX + 1], 1);  /* 301 ms */
	cr_assert_eq(bins[4 * TG_IFACE_MAX + 0], 0);
	cr_assert_eq(bins[5 * TG_IFACE_MAX + 0], 10);
}
