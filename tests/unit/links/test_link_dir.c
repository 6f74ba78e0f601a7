/* Unit tests of link_dir.c: the chained pipeline, counters, determinism,
 * duplication, link down flush, run-time params, enum names. */
#include <criterion/criterion.h>
#include <math.h>

#include "links/link_dir.h"

#define MS 1000000ULL

static void dir_up(struct link_dir *d, const struct link_params *p, uint64_t seed)
{
	link_dir_init(d, p, seed, 0, LINK_DIR_AB);
	link_dir_set_up(d, true, 0);
}

static void assert_conserved(const struct link_counters *c)
{
	cr_assert_eq(c->in + c->dup, c->delivered + c->drop_loss + c->drop_queue +
		     c->drop_down + c->drop_tx + c->in_flight);
}

Test(link_dir, input_while_down_is_drop_down)
{
	struct link_params p = {0};
	struct link_dir d;
	struct link_verdict v;

	link_dir_init(&d, &p, 1, 0, LINK_DIR_AB);
	cr_assert_eq(link_dir_input(&d, 100, 0, &v), LINK_FATE_DROP_DOWN);
	cr_assert_eq(d.c.drop_down, 1);
	cr_assert_eq(d.c.in, 1);
	cr_assert_eq(d.c.bytes_in, 100);
	link_dir_free(&d);
}

Test(link_dir, delivers_after_serialization_plus_delay)
{
	struct link_params p = { .rate_bps = 8000000, .delay_ns = 10 * MS };
	struct link_dir d;
	struct link_verdict v;

	dir_up(&d, &p, 1);
	cr_assert_eq(link_dir_input(&d, 1000, 5 * MS, &v), LINK_FATE_DELIVER);
	cr_assert_eq(v.deliver_ns, 5 * MS + 1 * MS + 10 * MS);
	link_dir_delivered(&d, 1000);
	cr_assert_eq(d.c.delivered, 1);
	cr_assert_eq(d.c.bytes_out, 1000);
	assert_conserved(&d.c);
	link_dir_free(&d);
}

Test(link_dir, link_down_flushes_frames_in_flight)
{
	struct link_params p = { .delay_ns = 10 * MS };
	struct link_dir d;
	struct link_verdict v;

	dir_up(&d, &p, 1);
	for (int i = 0; i < 5; i++)
		link_dir_input(&d, 100, 0, &v);
	link_dir_delivered(&d, 100);
	cr_assert_eq(d.c.in_flight, 4);
	link_dir_set_up(&d, false, 1 * MS);
	cr_assert_eq(d.c.in_flight, 0);
	cr_assert_eq(d.c.drop_down, 4);
	link_dir_input(&d, 100, 2 * MS, &v);
	cr_assert_eq(d.c.drop_down, 5);
	assert_conserved(&d.c);
	link_dir_free(&d);
}

Test(link_dir, link_down_empties_the_queue)
{
	struct link_params p = { .rate_bps = 1000000, .limit_pkts = 2 };
	struct link_dir d;
	struct link_verdict v;

	dir_up(&d, &p, 1);
	link_dir_input(&d, 1000, 0, &v);
	link_dir_input(&d, 1000, 0, &v);
	cr_assert_eq(link_dir_input(&d, 1000, 0, &v), LINK_FATE_DROP_QUEUE);
	link_dir_set_up(&d, false, 1 * MS);
	link_dir_set_up(&d, true, 1 * MS);
	cr_assert_eq(link_dir_input(&d, 1000, 1 * MS, &v), LINK_FATE_DELIVER);
	cr_assert_eq(v.deliver_ns, 9 * MS);
	link_dir_free(&d);
}

Test(link_dir, duplication_rate_within_99_percent_interval)
{
	const int n = 100000;
	struct link_params p = { .duplicate = 0.05 };
	struct link_dir d;
	struct link_verdict v;
	int dups = 0;

	dir_up(&d, &p, 31);
	for (int i = 0; i < n; i++) {
		link_dir_input(&d, 100, (uint64_t)i * 1000, &v);
		dups += v.dup;
	}
	cr_assert_eq(d.c.dup, (uint64_t)dups);
	cr_assert_eq(d.c.in_flight, (uint64_t)(n + dups));
	cr_assert(fabs(dups - n * 0.05) <= 2.576 * sqrt(n * 0.05 * 0.95), "dups %d", dups);
	assert_conserved(&d.c);
	link_dir_free(&d);
}

static const struct link_params noisy = {
	.delay_ns = 5 * MS, .jitter_ns = 2 * MS, .jitter_dist = LINK_JITTER_NORMAL,
	.loss_model = LINK_LOSS_BERNOULLI, .loss = 0.2, .duplicate = 0.1, .reorder = 0.05,
};

/* Verdicts of 1000 frames as a fingerprint; another direction's traffic is
 * interleaved to show it does not disturb this one's stream. */
static void fingerprint(uint64_t seed, bool interleave, uint64_t out[1000])
{
	struct link_dir d, other;
	struct link_verdict v, ov;

	dir_up(&d, &noisy, seed);
	link_dir_init(&other, &noisy, seed, 1, LINK_DIR_AB);
	link_dir_set_up(&other, true, 0);
	for (int i = 0; i < 1000; i++) {
		if (interleave)
			link_dir_input(&other, 100, (uint64_t)i * MS, &ov);
		link_dir_input(&d, 100, (uint64_t)i * MS, &v);
		out[i] = v.fate == LINK_FATE_DELIVER ? v.deliver_ns * 2 + v.dup : v.fate;
	}
	link_dir_free(&d);
	link_dir_free(&other);
}

Test(link_dir, same_seed_gives_same_decisions_whatever_other_links_carry)
{
	static uint64_t a[1000], b[1000];

	fingerprint(99, false, a);
	fingerprint(99, true, b);
	for (int i = 0; i < 1000; i++)
		cr_assert_eq(a[i], b[i], "frame %d differs", i);
}

Test(link_dir, different_seed_gives_different_decisions)
{
	static uint64_t a[1000], b[1000];
	int differ = 0;

	fingerprint(99, false, a);
	fingerprint(100, false, b);
	for (int i = 0; i < 1000; i++)
		differ += a[i] != b[i];
	cr_assert_gt(differ, 500);
}

Test(link_dir, new_params_apply_to_later_frames_only)
{
	struct link_params p = { .delay_ns = 10 * MS };
	struct link_dir d;
	struct link_verdict v1, v2;

	dir_up(&d, &p, 1);
	link_dir_input(&d, 100, 0, &v1);
	p.delay_ns = 20 * MS;
	link_dir_set_params(&d, &p);
	link_dir_input(&d, 100, 1 * MS, &v2);
	cr_assert_eq(v1.deliver_ns, 10 * MS);
	cr_assert_eq(v2.deliver_ns, 21 * MS);
	link_dir_free(&d);
}

Test(link_dir, loss_after_queue_still_uses_the_transmitter)
{
	struct link_params p = { .rate_bps = 8000000, .loss_model = LINK_LOSS_BERNOULLI,
				 .loss = 1.0 };
	struct link_dir d;
	struct link_verdict v;

	dir_up(&d, &p, 1);
	cr_assert_eq(link_dir_input(&d, 1000, 0, &v), LINK_FATE_DROP_LOSS);
	p.loss = 0;
	link_dir_set_params(&d, &p);
	link_dir_input(&d, 1000, 0, &v);
	cr_assert_eq(v.deliver_ns, 2 * MS);
	link_dir_free(&d);
}

Test(link_dir, tx_failure_is_counted_drop_tx)
{
	struct link_params p = {0};
	struct link_dir d;
	struct link_verdict v;

	dir_up(&d, &p, 1);
	link_dir_input(&d, 100, 0, &v);
	link_dir_tx_failed(&d);
	cr_assert_eq(d.c.drop_tx, 1);
	cr_assert_eq(d.c.in_flight, 0);
	assert_conserved(&d.c);
	link_dir_free(&d);
}

Test(link_params, check_rejects_probability_out_of_range)
{
	struct link_params p = { .loss = 1.5 };
	const char *why = NULL;

	cr_assert_eq(link_params_check(&p, &why), -1);
	cr_assert_not_null(why);
	p.loss = NAN;
	cr_assert_eq(link_params_check(&p, &why), -1);
	p.loss = 0.5;
	cr_assert_eq(link_params_check(&p, &why), 0);
}

Test(link_params, every_enum_has_a_name)
{
	cr_assert_str_eq(link_fate_name(LINK_FATE_DROP_QUEUE), "LINK_FATE_DROP_QUEUE");
	/* the impairment model's names are the topology's words */
	cr_assert_str_eq(link_loss_model_name(LINK_LOSS_GE), "gilbert-elliott");
	cr_assert_str_eq(link_jitter_dist_name(LINK_JITTER_NORMAL), "normal");
	cr_assert_str_eq(link_dir_id_name(LINK_DIR_BA), "LINK_DIR_BA");
}
