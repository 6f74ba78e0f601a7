/* Unit tests of link_sched.c: delivery heap order, ties, bounds, removal. */
#include <criterion/criterion.h>

#include "links/link_sched.h"

static void push(struct link_sched *s, uint64_t at, uint32_t buf, uint32_t link)
{
	struct link_sched_entry e = { .at_ns = at, .buf = buf, .link = link };

	cr_assert_eq(link_sched_push(s, &e), 0);
}

Test(link_sched, pops_in_deliver_time_order)
{
	struct link_sched s;
	uint64_t at[] = { 50, 10, 40, 20, 30, 5, 60, 15 };

	cr_assert_eq(link_sched_init(&s, 16), 0);
	for (uint32_t i = 0; i < 8; i++)
		push(&s, at[i], i, 0);
	uint64_t last = 0;
	struct link_sched_entry e;
	for (int i = 0; i < 8; i++) {
		cr_assert_eq(link_sched_pop(&s, &e), 0);
		cr_assert_geq(e.at_ns, last);
		last = e.at_ns;
	}
	cr_assert_eq(link_sched_pop(&s, &e), -1);
	link_sched_free(&s);
}

Test(link_sched, ties_leave_in_push_order)
{
	struct link_sched s;
	struct link_sched_entry e;

	cr_assert_eq(link_sched_init(&s, 64), 0);
	push(&s, 200, 100, 0);
	for (uint32_t i = 0; i < 40; i++)
		push(&s, 100, i, 0);
	for (uint32_t i = 0; i < 40; i++) {
		cr_assert_eq(link_sched_pop(&s, &e), 0);
		cr_assert_eq(e.at_ns, 100);
		cr_assert_eq(e.buf, i, "tie %u popped as %u", i, e.buf);
	}
	cr_assert_eq(link_sched_pop(&s, &e), 0);
	cr_assert_eq(e.buf, 100);
	link_sched_free(&s);
}

Test(link_sched, push_fails_when_full)
{
	struct link_sched s;

	cr_assert_eq(link_sched_init(&s, 2), 0);
	push(&s, 1, 0, 0);
	push(&s, 2, 1, 0);
	struct link_sched_entry e = { .at_ns = 3 };
	cr_assert_eq(link_sched_push(&s, &e), -1);
	cr_assert_eq(link_sched_peek(&s)->at_ns, 1);
	link_sched_free(&s);
}

static void count_drop(const struct link_sched_entry *e, void *ctx)
{
	cr_assert_eq(e->link, 7);
	(*(int *)ctx)++;
}

Test(link_sched, remove_link_drops_only_that_link_and_keeps_order)
{
	struct link_sched s;
	int dropped = 0;

	cr_assert_eq(link_sched_init(&s, 128), 0);
	for (uint32_t i = 0; i < 100; i++)
		push(&s, (i * 37) % 101, i, i % 3 == 0 ? 7 : 1);
	cr_assert_eq(link_sched_remove_link(&s, 7, count_drop, &dropped), 34);
	cr_assert_eq(dropped, 34);
	cr_assert_eq(s.n, 66);
	struct link_sched_entry e;
	uint64_t last = 0;
	while (link_sched_pop(&s, &e) == 0) {
		cr_assert_eq(e.link, 1);
		cr_assert_geq(e.at_ns, last);
		last = e.at_ns;
	}
	link_sched_free(&s);
}
