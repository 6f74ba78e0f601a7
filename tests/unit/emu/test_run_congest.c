/*
 * test_run_congest.c - when an lma's <congestion> rule acts (emu/run/
 * run_congest.c): added after the backlog stayed above `above` at every
 * sample for `hold`, removed after it stayed below `below` for `release`;
 * a dip or a burst starts the count over; a refused command goes back.
 */
#include <criterion/criterion.h>

#include "run/run_congest.h"

#define MS 1000000ull

static struct run_congest c;

static void init(void)
{
	run_congest_init(&c, 50, 20, 300 * MS, 2000 * MS);
}

TestSuite(run_congest, .init = init);

/* Samples every 50 ms from t0 (ms) with backlog b; the commands seen. */
static unsigned feed(uint64_t t0, uint64_t t1, size_t b, enum run_congest_cmd *last,
		     uint64_t *at)
{
	unsigned n = 0;

	for (uint64_t t = t0; t < t1; t += 50) {
		enum run_congest_cmd k = run_congest_sample(&c, t * MS, b);

		if (k != RUN_CONGEST_NONE) {
			n++;
			*last = k;
			*at = t;
		}
	}
	return n;
}

Test(run_congest, added_after_hold_above_and_removed_after_release_below)
{
	enum run_congest_cmd k = RUN_CONGEST_NONE;
	uint64_t at = 0;

	cr_assert_eq(feed(0, 1000, 10, &k, &at), 0, "quiet link");
	cr_assert_eq(feed(1000, 2000, 80, &k, &at), 1);
	cr_assert_eq(k, RUN_CONGEST_ADD);
	cr_assert_eq(at, 1300, "first sample above at 1000, hold 300 ms");
	cr_assert(c.on);
	cr_assert_eq(feed(2000, 3000, 30, &k, &at), 0, "between the thresholds: stays");
	cr_assert_eq(feed(3000, 6000, 5, &k, &at), 1);
	cr_assert_eq(k, RUN_CONGEST_DEL);
	cr_assert_eq(at, 5000, "below from 3000, release 2 s");
	cr_assert(!c.on);
	cr_assert_eq(c.peak, 80);
}

Test(run_congest, a_dip_or_a_burst_starts_the_count_over)
{
	enum run_congest_cmd k = RUN_CONGEST_NONE;
	uint64_t at = 0;

	cr_assert_eq(feed(0, 250, 80, &k, &at), 0, "250 ms above: not yet");
	cr_assert_eq(feed(250, 300, 40, &k, &at), 0, "one dip");
	cr_assert_eq(feed(300, 550, 80, &k, &at), 0, "the count started over at 300");
	cr_assert_eq(feed(550, 700, 80, &k, &at), 1);
	cr_assert_eq(at, 600);
	cr_assert_eq(feed(700, 2600, 0, &k, &at), 0, "1.9 s below");
	cr_assert_eq(feed(2600, 2650, 25, &k, &at), 0, "a burst above below");
	cr_assert_eq(feed(2650, 4600, 0, &k, &at), 0, "1.95 s below again");
	cr_assert_eq(feed(4600, 4700, 0, &k, &at), 1);
	cr_assert_eq(k, RUN_CONGEST_DEL);
	cr_assert_eq(at, 4650);
}

Test(run_congest, equal_to_a_threshold_is_not_past_it)
{
	enum run_congest_cmd k = RUN_CONGEST_NONE;
	uint64_t at = 0;

	cr_assert_eq(feed(0, 2000, 50, &k, &at), 0, "50 is not above 50");
	cr_assert_eq(feed(2000, 2400, 51, &k, &at), 1);
	cr_assert_eq(feed(2400, 9000, 20, &k, &at), 0, "20 is not below 20");
}

Test(run_congest, a_refused_command_goes_back_and_counts_again)
{
	enum run_congest_cmd k = RUN_CONGEST_NONE;
	uint64_t at = 0;

	cr_assert_eq(feed(0, 400, 80, &k, &at), 1);
	run_congest_failed(&c);
	cr_assert(!c.on, "the LMA refused: not in place");
	cr_assert_eq(feed(400, 650, 80, &k, &at), 0, "a new hold starts");
	cr_assert_eq(feed(650, 800, 80, &k, &at), 1);
	cr_assert_eq(at, 700);
	cr_assert(c.on);
}
