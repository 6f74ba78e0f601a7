/* Unit tests of link_loss.c: Bernoulli and Gilbert-Elliott statistics. */
#include <criterion/criterion.h>
#include <math.h>

#include "links/link_stage.h"

Test(link_loss, none_never_drops)
{
	struct link_params p = { .loss_model = LINK_LOSS_NONE, .loss = 1.0 };
	struct link_loss l = {0};
	struct link_rng r;

	link_rng_seed(&r, 1, 0, 0);
	for (int i = 0; i < 1000; i++)
		cr_assert_not(link_loss_drop(&l, &p, &r));
}

Test(link_loss, bernoulli_rate_within_99_percent_interval)
{
	const int n = 100000;
	const double pl = 0.1;
	struct link_params p = { .loss_model = LINK_LOSS_BERNOULLI, .loss = pl };
	struct link_loss l = {0};
	struct link_rng r;
	int lost = 0;

	link_rng_seed(&r, 7, 0, 0);
	for (int i = 0; i < n; i++)
		lost += link_loss_drop(&l, &p, &r);
	double half = 2.576 * sqrt(n * pl * (1 - pl));  /* 99%: +-244 frames */
	cr_assert(fabs(lost - n * pl) <= half, "lost %d of %d, p %.2f", lost, n, pl);
}

struct ge_stats {
	double loss_rate;
	double mean_burst;
	int bursts;
};

static struct ge_stats run_ge(double gp, double gr, int n, uint64_t seed)
{
	struct link_params p = { .loss_model = LINK_LOSS_GE, .ge_p = gp, .ge_r = gr,
				 .ge_loss_good = 0.0, .ge_loss_bad = 1.0 };
	struct link_loss l = {0};
	struct link_rng r;
	int lost = 0, bursts = 0, run = 0;
	long burst_sum = 0;

	link_rng_seed(&r, seed, 0, 0);
	for (int i = 0; i < n; i++) {
		if (link_loss_drop(&l, &p, &r)) {
			lost++;
			run++;
		} else if (run) {
			bursts++;
			burst_sum += run;
			run = 0;
		}
	}
	return (struct ge_stats){ (double)lost / n, (double)burst_sum / bursts, bursts };
}

Test(link_loss, gilbert_elliott_mean_burst_is_one_over_r)
{
	/* ~1900 bursts, geometric with mean 4 and sd 3.5: sd of mean 0.08 */
	struct ge_stats s = run_ge(0.01, 0.25, 200000, 11);

	cr_assert_gt(s.bursts, 1500);
	cr_assert_float_eq(s.mean_burst, 1.0 / 0.25, 0.3, "mean burst %.3f", s.mean_burst);
}

Test(link_loss, gilbert_elliott_stationary_loss_is_p_over_p_plus_r)
{
	/* p/(p+r) = 0.0385; correlated samples: sd ~0.0011 over 200k frames */
	struct ge_stats s = run_ge(0.01, 0.25, 200000, 12);

	cr_assert_float_eq(s.loss_rate, 0.01 / 0.26, 0.004, "loss %.4f", s.loss_rate);
}

Test(link_loss, gilbert_elliott_good_state_loss_applies)
{
	/* never leaves good: only loss_good counts */
	struct link_params p = { .loss_model = LINK_LOSS_GE, .ge_p = 0, .ge_r = 1,
				 .ge_loss_good = 0.2, .ge_loss_bad = 1.0 };
	struct link_loss l = {0};
	struct link_rng r;
	int lost = 0;

	link_rng_seed(&r, 13, 0, 0);
	for (int i = 0; i < 100000; i++)
		lost += link_loss_drop(&l, &p, &r);
	cr_assert(fabs(lost - 20000.0) <= 2.576 * sqrt(100000 * 0.2 * 0.8));
}
