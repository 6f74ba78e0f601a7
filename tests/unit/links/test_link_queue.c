/* Unit tests of link_queue.c: serialization time and backlog limits. */
#include <criterion/criterion.h>

#include "links/link_stage.h"

#define MS 1000000ULL

Test(link_queue, serialization_time_is_bits_over_rate)
{
	struct link_params p = { .rate_bps = 10000000 };     /* 10 Mbit/s */
	uint64_t rem = 0;

	/* 1500 B = 12000 bit at 1e7 bit/s = 1.2 ms */
	cr_assert_eq(link_queue_tx_ns(&p, 1500, &rem), 1200000);
	cr_assert_eq(rem, 0);
	p.overhead_bytes = 24;          /* 1524 B = 12192 bit = 1.2192 ms */
	cr_assert_eq(link_queue_tx_ns(&p, 1500, &rem), 1219200);
}

Test(link_queue, back_to_back_frames_add_up_exactly)
{
	/* 100 B at 3 Mbit/s = 266666.67 ns: three frames take exactly 800 us */
	struct link_params p = { .rate_bps = 3000000 };
	struct link_queue q;
	uint64_t done = 0;

	link_queue_init(&q);
	for (int i = 0; i < 3; i++)
		cr_assert_eq(link_queue_admit(&q, &p, 100, 0, &done), LINK_FATE_DELIVER);
	cr_assert_eq(done, 800000);
	link_queue_free(&q);
}

Test(link_queue, idle_transmitter_starts_at_arrival)
{
	struct link_params p = { .rate_bps = 8000000 };      /* 1 B per us */
	struct link_queue q;
	uint64_t done;

	link_queue_init(&q);
	link_queue_admit(&q, &p, 1000, 0, &done);
	cr_assert_eq(done, 1000000);
	link_queue_admit(&q, &p, 1000, 500000, &done);          /* still busy */
	cr_assert_eq(done, 2000000);
	link_queue_admit(&q, &p, 1000, 5 * MS, &done);          /* idle again */
	cr_assert_eq(done, 6 * MS);
	link_queue_free(&q);
}

Test(link_queue, packet_limit_drops_at_the_configured_backlog)
{
	struct link_params p = { .rate_bps = 1000000, .limit_pkts = 5 };  /* 8 ms/frame */
	struct link_queue q;
	uint64_t done;
	int ok = 0;

	link_queue_init(&q);
	for (int i = 0; i < 10; i++)
		ok += link_queue_admit(&q, &p, 1000, 0, &done) == LINK_FATE_DELIVER;
	cr_assert_eq(ok, 5);
	cr_assert_eq(link_queue_backlog(&q, 0, NULL), 5);
	/* the first frame is serialized at 8 ms: room for exactly one more */
	cr_assert_eq(link_queue_admit(&q, &p, 1000, 8 * MS, &done), LINK_FATE_DELIVER);
	cr_assert_eq(done, 48 * MS);
	cr_assert_eq(link_queue_admit(&q, &p, 1000, 8 * MS, &done), LINK_FATE_DROP_QUEUE);
	link_queue_free(&q);
}

Test(link_queue, byte_limit_drops_a_frame_that_would_not_fit)
{
	struct link_params p = { .rate_bps = 1000000, .limit_bytes = 2500 };
	struct link_queue q;
	uint64_t done, bytes;

	link_queue_init(&q);
	cr_assert_eq(link_queue_admit(&q, &p, 1000, 0, &done), LINK_FATE_DELIVER);
	cr_assert_eq(link_queue_admit(&q, &p, 1000, 0, &done), LINK_FATE_DELIVER);
	cr_assert_eq(link_queue_admit(&q, &p, 1000, 0, &done), LINK_FATE_DROP_QUEUE);
	cr_assert_eq(link_queue_admit(&q, &p, 500, 0, &done), LINK_FATE_DELIVER);
	cr_assert_eq(link_queue_backlog(&q, 0, &bytes), 3);
	cr_assert_eq(bytes, 2500);
	link_queue_free(&q);
}

Test(link_queue, default_limit_is_1000_frames)
{
	struct link_params p = { .rate_bps = 1000 };
	struct link_queue q;
	uint64_t done;
	int ok = 0;

	link_queue_init(&q);
	for (int i = 0; i < 1500; i++)
		ok += link_queue_admit(&q, &p, 64, 0, &done) == LINK_FATE_DELIVER;
	cr_assert_eq(ok, LINK_LIMIT_PKTS_DEFAULT);
	link_queue_free(&q);
}

Test(link_queue, unlimited_rate_never_builds_a_backlog)
{
	struct link_params p = { .limit_pkts = 1 };
	struct link_queue q;
	uint64_t done;

	link_queue_init(&q);
	for (int i = 0; i < 100; i++) {
		cr_assert_eq(link_queue_admit(&q, &p, 1500, 7, &done), LINK_FATE_DELIVER);
		cr_assert_eq(done, 7);
	}
	link_queue_free(&q);
}

Test(link_queue, reset_empties_the_backlog)
{
	struct link_params p = { .rate_bps = 1000000, .limit_pkts = 2 };
	struct link_queue q;
	uint64_t done;

	link_queue_init(&q);
	link_queue_admit(&q, &p, 1000, 0, &done);
	link_queue_admit(&q, &p, 1000, 0, &done);
	cr_assert_eq(link_queue_admit(&q, &p, 1000, 0, &done), LINK_FATE_DROP_QUEUE);
	link_queue_reset(&q, 1 * MS);
	cr_assert_eq(link_queue_admit(&q, &p, 1000, 1 * MS, &done), LINK_FATE_DELIVER);
	cr_assert_eq(done, 9 * MS);
	link_queue_free(&q);
}
