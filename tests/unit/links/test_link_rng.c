/* Unit tests of link_rng.c: seeding, streams, deviates. */
#include <criterion/criterion.h>
#include <math.h>

#include "links/link_rng.h"

#define N 100000

Test(link_rng, same_seed_and_stream_gives_same_sequence)
{
	struct link_rng a, b;

	link_rng_seed(&a, 42, 3, 1);
	link_rng_seed(&b, 42, 3, 1);
	for (int i = 0; i < 1000; i++)
		cr_assert_eq(link_rng_next(&a), link_rng_next(&b));
}

Test(link_rng, different_seed_link_or_direction_gives_different_streams)
{
	struct link_rng r[4];

	link_rng_seed(&r[0], 42, 3, 1);
	link_rng_seed(&r[1], 43, 3, 1);
	link_rng_seed(&r[2], 42, 4, 1);
	link_rng_seed(&r[3], 42, 3, 0);
	uint64_t first[4];
	for (int i = 0; i < 4; i++)
		first[i] = link_rng_next(&r[i]);
	for (int i = 0; i < 4; i++)
		for (int j = i + 1; j < 4; j++)
			cr_assert_neq(first[i], first[j], "streams %d and %d collide", i, j);
}

Test(link_rng, uniform_is_in_unit_interval_with_mean_half)
{
	struct link_rng r;
	double sum = 0;

	link_rng_seed(&r, 1, 0, 0);
	for (int i = 0; i < N; i++) {
		double u = link_rng_uniform(&r);
		cr_assert(u >= 0.0 && u < 1.0);
		sum += u;
	}
	/* sd of the mean: sqrt(1/12 / N) = 0.0009 */
	cr_assert_float_eq(sum / N, 0.5, 0.004);
}

Test(link_rng, normal_has_mean_zero_and_unit_sigma)
{
	struct link_rng r;
	double sum = 0, sq = 0;

	link_rng_seed(&r, 2, 0, 0);
	for (int i = 0; i < N; i++) {
		double z = link_rng_normal(&r);
		sum += z;
		sq += z * z;
	}
	double mean = sum / N, var = sq / N - mean * mean;
	cr_assert_float_eq(mean, 0.0, 0.013);
	cr_assert_float_eq(sqrt(var), 1.0, 0.015);
}

Test(link_rng, pareto_tail_matches_its_survival_function)
{
	struct link_rng r;
	int above2 = 0, below_xm = 0;

	link_rng_seed(&r, 3, 0, 0);
	for (int i = 0; i < N; i++) {
		double x = link_rng_pareto(&r, 3.0, 1.0);
		below_xm += x < 1.0;
		above2 += x > 2.0;
	}
	/* P(X > 2) = 2^-3 = 0.125; 99% CI over N: +-0.0027 */
	cr_assert_eq(below_xm, 0);
	cr_assert_float_eq((double)above2 / N, 0.125, 0.0027);
}

Test(link_rng, chance_is_exact_at_zero_and_one)
{
	struct link_rng r;

	link_rng_seed(&r, 4, 0, 0);
	for (int i = 0; i < 1000; i++) {
		cr_assert_eq(link_rng_chance(&r, 0.0), 0);
		cr_assert_eq(link_rng_chance(&r, 1.0), 1);
	}
}
