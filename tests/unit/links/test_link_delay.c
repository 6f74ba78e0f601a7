/* Unit tests of link_delay.c: jitter distributions, FIFO clamp, reorder. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>

#include "links/link_stage.h"

#define N 100000
#define MS 1000000ULL

static void moments(enum link_jitter_dist dist, uint64_t j, double *mean, double *sd)
{
	struct link_params p = { .jitter_ns = j, .jitter_dist = dist };
	struct link_rng r;
	double sum = 0, sq = 0;

	link_rng_seed(&r, 21, 0, 0);
	for (int i = 0; i < N; i++) {
		double x = link_delay_jitter(&p, &r);
		sum += x;
		sq += x * x;
	}
	*mean = sum / N;
	*sd = sqrt(sq / N - *mean * *mean);
}

Test(link_delay, uniform_jitter_has_mean_zero_and_variance_j2_over_3)
{
	double mean, sd;

	moments(LINK_JITTER_UNIFORM, 1 * MS, &mean, &sd);
	/* sd of the mean 1.8 us; sd of sd ~0.2% */
	cr_assert(fabs(mean) < 10000, "mean %.0f", mean);
	cr_assert_float_eq(sd, 1e6 / sqrt(3.0), 0.01 * 1e6 / sqrt(3.0), "sd %.0f", sd);
}

Test(link_delay, uniform_jitter_stays_within_plus_minus_j)
{
	struct link_params p = { .jitter_ns = 1000, .jitter_dist = LINK_JITTER_UNIFORM };
	struct link_rng r;

	link_rng_seed(&r, 22, 0, 0);
	for (int i = 0; i < N; i++) {
		double x = link_delay_jitter(&p, &r);
		cr_assert(x >= -1000 && x <= 1000);
	}
}

Test(link_delay, normal_jitter_has_sigma_j)
{
	double mean, sd;

	moments(LINK_JITTER_NORMAL, 1 * MS, &mean, &sd);
	cr_assert(fabs(mean) < 13000, "mean %.0f", mean);
	cr_assert_float_eq(sd, 1e6, 0.015e6, "sd %.0f", sd);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

Test(link_delay, pareto_jitter_has_mean_zero_and_its_median)
{
	struct link_params p = { .jitter_ns = 1 * MS, .jitter_dist = LINK_JITTER_PARETO };
	struct link_rng r;
	double *x = malloc(N * sizeof(*x)), sum = 0;

	link_rng_seed(&r, 23, 0, 0);
	for (int i = 0; i < N; i++) {
		x[i] = link_delay_jitter(&p, &r);
		sum += x[i];
		cr_assert_geq(x[i], -sqrt(3.0) * 1e6 - 1);
	}
	qsort(x, N, sizeof(*x), cmp_double);
	/* median of Pareto(3,1) is 2^(1/3); standardized: (1.26 - 1.5)/0.866 */
	double median = (cbrt(2.0) - 1.5) / sqrt(0.75) * 1e6;
	cr_assert_float_eq(x[N / 2], median, 0.01e6, "median %.0f", x[N / 2]);
	cr_assert(fabs(sum / N) < 0.03e6, "mean %.0f", sum / N);
	free(x);
}

Test(link_delay, jitter_does_not_reorder)
{
	/* 100 us spacing, 10 ms delay, +-50 ms jitter: would reorder constantly */
	struct link_params p = { .delay_ns = 10 * MS, .jitter_ns = 50 * MS,
				 .jitter_dist = LINK_JITTER_NORMAL };
	struct link_delay d = {0};
	struct link_rng r;
	uint64_t last = 0, min_lat = UINT64_MAX, max_lat = 0;
	bool reordered;

	link_rng_seed(&r, 24, 0, 0);
	for (uint64_t i = 0; i < N; i++) {
		uint64_t tx = i * 100000;
		uint64_t at = link_delay_deliver(&d, &p, tx, &r, &reordered);
		cr_assert_not(reordered);
		cr_assert_geq(at, last, "frame %lu delivered before its predecessor",
			      (unsigned long)i);
		cr_assert_geq(at, tx);
		last = at;
		min_lat = at - tx < min_lat ? at - tx : min_lat;
		max_lat = at - tx > max_lat ? at - tx : max_lat;
	}
	/* the jitter is really applied: latency spreads over tens of ms */
	cr_assert_gt(max_lat - min_lat, 50 * MS);
}

Test(link_delay, negative_jitter_never_delivers_before_tx_done)
{
	struct link_params p = { .delay_ns = 1 * MS, .jitter_ns = 10 * MS,
				 .jitter_dist = LINK_JITTER_UNIFORM };
	struct link_delay d = {0};
	struct link_rng r;
	bool reordered;

	link_rng_seed(&r, 25, 0, 0);
	for (uint64_t i = 0; i < 1000; i++) {
		uint64_t tx = 1000 * MS + i * 50 * MS;  /* spaced: clamp to last idle */
		cr_assert_geq(link_delay_deliver(&d, &p, tx, &r, &reordered), tx);
	}
}

Test(link_delay, reorder_only_when_asked_and_at_its_rate)
{
	struct link_params p = { .delay_ns = 10 * MS, .reorder = 0.1 };
	struct link_delay d = {0};
	struct link_rng r;
	uint64_t last_at = 0;
	int n_reorder = 0, overtakes = 0;
	bool reordered;

	link_rng_seed(&r, 26, 0, 0);
	for (uint64_t i = 0; i < N; i++) {
		uint64_t tx = i * 100000;
		uint64_t at = link_delay_deliver(&d, &p, tx, &r, &reordered);
		if (reordered) {
			n_reorder++;
			cr_assert_eq(at, tx, "a reordered frame skips the delay");
		} else {
			cr_assert_eq(at, tx + 10 * MS);
		}
		overtakes += at < last_at;      /* earlier than a frame sent before */
		if (at > last_at)
			last_at = at;
	}
	cr_assert(fabs(n_reorder - 10000.0) <= 2.576 * sqrt(N * 0.1 * 0.9),
		  "reordered %d", n_reorder);
	/* every reordered frame overtakes (but a leading one could not) */
	cr_assert(overtakes <= n_reorder && overtakes >= n_reorder - 1,
		  "overtakes %d reordered %d", overtakes, n_reorder);
}
