/* Unit tests of link_pool.c: size classes, bounds, reference counts. */
#include <criterion/criterion.h>

#include "links/link_pool.h"

Test(link_pool, small_frames_take_small_slots_large_frames_large_ones)
{
	struct link_pool p;
	uint32_t a, b;

	cr_assert_eq(link_pool_init(&p, 4, 2048, 2, 65600), 0);
	cr_assert_eq(link_pool_get(&p, 1500, &a), 0);
	cr_assert_lt(a, 4);
	cr_assert_eq(link_pool_get(&p, 9000, &b), 0);
	cr_assert_geq(b, 4);
	cr_assert_eq(link_pool_len(&p, b), 9000);
	/* the slots do not overlap */
	cr_assert_geq(link_pool_data(&p, b) - link_pool_data(&p, a), 2048);
	link_pool_free(&p);
}

Test(link_pool, exhaustion_and_oversize_fail)
{
	struct link_pool p;
	uint32_t idx;

	cr_assert_eq(link_pool_init(&p, 2, 2048, 1, 4096), 0);
	cr_assert_eq(link_pool_get(&p, 100, &idx), 0);
	cr_assert_eq(link_pool_get(&p, 100, &idx), 0);
	cr_assert_eq(link_pool_get(&p, 100, &idx), 0);  /* spills into large */
	cr_assert_eq(link_pool_get(&p, 100, &idx), -1);
	cr_assert_eq(link_pool_get(&p, 5000, &idx), -1);
	link_pool_free(&p);
}

Test(link_pool, buffer_is_free_again_after_its_last_reference)
{
	struct link_pool p;
	uint32_t a, b;

	cr_assert_eq(link_pool_init(&p, 1, 2048, 0, 0), 0);
	cr_assert_eq(link_pool_get(&p, 60, &a), 0);
	link_pool_ref(&p, a);           /* duplicated frame: two deliveries */
	link_pool_put(&p, a);
	cr_assert_eq(link_pool_get(&p, 60, &b), -1);
	link_pool_put(&p, a);
	cr_assert_eq(link_pool_get(&p, 60, &b), 0);
	cr_assert_eq(b, a);
	link_pool_free(&p);
}
