/*
 * test_lma_ctl.c - lmad's control commands (lma_ctl.c): answers are JSON,
 * "show stats" carries the engine's counters and the shell's malformed-MH
 * tally by reason, and hostile lines never break the answer.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "lma/lma.h"
#include "lma/lma_ctl.h"

static struct lma *L;
static struct lma_io_stats S;
static char out[65536];

static void setup(void)
{
	static struct in6_addr mag;
	static struct lma_policy pol = { .mn_id = "mn1@example.org" };
	struct lma_config c;
	const char *why = NULL;

	lma_config_init(&c);
	cr_assert_eq(inet_pton(AF_INET6, "2001:db8:1::2", &mag), 1);
	c.mags = &mag;
	c.n_mags = 1;
	c.policies = &pol;
	c.n_policies = 1;
	L = lma_new(&c, &why);
	cr_assert_not_null(L, "%s", why);
	memset(&S, 0, sizeof(S));
}

static void teardown(void)
{
	lma_free(L);
}

/* The answer, parsed; fails the test if it is not JSON. */
static json_object *ask(const char *line)
{
	size_t n = lma_ctl_handle(L, &S, 0, line, out, sizeof(out));
	json_object *o = json_tokener_parse(out);

	cr_assert_eq(n, strlen(out));
	cr_assert_not_null(o, "not JSON: %s", out);
	return o;
}

static int64_t get_i(json_object *o, const char *a, const char *b, const char *c)
{
	json_object *x = o;

	cr_assert(json_object_object_get_ex(x, a, &x), "no %s in %s", a, out);
	if (b)
		cr_assert(json_object_object_get_ex(x, b, &x), "no %s.%s in %s", a, b, out);
	if (c)
		cr_assert(json_object_object_get_ex(x, c, &x), "no %s.%s.%s in %s", a, b, c, out);
	return json_object_get_int64(x);
}

TestSuite(lma_ctl, .init = setup, .fini = teardown);

Test(lma_ctl, malformed_drops_are_counted_by_reason)
{
	lma_ctl_count_malformed(&S, "Mobility Header truncated");
	lma_ctl_count_malformed(&S, "mobility option length beyond Header Len");
	lma_ctl_count_malformed(&S, "Mobility Header truncated");
	cr_assert_eq(S.mh_malformed, 3);
	cr_assert_eq(lma_ctl_malformed_count(&S, "Mobility Header truncated"), 2);
	cr_assert_eq(lma_ctl_malformed_count(&S, "mobility option length beyond Header Len"), 1);
	cr_assert_eq(lma_ctl_malformed_count(&S, "checksum"), 0);
}

Test(lma_ctl, reasons_beyond_the_table_go_to_other)
{
	static char names[LMA_CTL_REASONS_MAX + 3][16];

	for (int i = 0; i < LMA_CTL_REASONS_MAX + 3; i++) {
		snprintf(names[i], sizeof(names[i]), "reason %d", i);
		lma_ctl_count_malformed(&S, names[i]);
	}
	cr_assert_eq(S.n_reasons, LMA_CTL_REASONS_MAX);
	cr_assert_eq(S.malformed_other, 3);
	cr_assert_eq(S.mh_malformed, LMA_CTL_REASONS_MAX + 3);
	json_object *o = ask("show stats");
	cr_assert_eq(get_i(o, "io", "mh_malformed_by_reason", "other"), 3);
	json_object_put(o);
}

Test(lma_ctl, show_stats_reports_engine_and_io_counters)
{
	S.mh_received = 7;
	lma_ctl_count_malformed(&S, "checksum");
	S.events_dropped = 2;
	json_object *o = ask("show stats");

	cr_assert_eq(get_i(o, "pbu_received", NULL, NULL), 0);
	cr_assert_eq(get_i(o, "io", "mh_received", NULL), 7);
	cr_assert_eq(get_i(o, "io", "mh_malformed", NULL), 1);
	cr_assert_eq(get_i(o, "io", "mh_malformed_by_reason", "checksum"), 1);
	cr_assert_eq(get_i(o, "io", "events_dropped", NULL), 2);
	json_object_put(o);
}

Test(lma_ctl, show_bindings_answers_with_the_sessions)
{
	json_object *o = ask("  show bindings \r");

	cr_assert_eq(get_i(o, "n_sessions", NULL, NULL), 0);
	json_object_put(o);
}

/* Paging (issue 10): "from N" starts a page, "next" is null on the last;
 * anything after the number is not the command. */
Test(lma_ctl, show_bindings_from_pages_and_ends_with_next_null)
{
	json_object *o = ask("show bindings from 0"), *v;

	cr_assert_eq(get_i(o, "from", NULL, NULL), 0);
	cr_assert(json_object_object_get_ex(o, "next", &v) && v == NULL, "%s", out);
	json_object_put(o);
	o = ask("show bindings from 7x");
	cr_assert(json_object_object_get_ex(o, "error", NULL), "%s", out);
	json_object_put(o);
}

Test(lma_ctl, help_lists_the_commands)
{
	json_object *o = ask("help"), *c;

	cr_assert(json_object_object_get_ex(o, "commands", &c));
	cr_assert_eq(json_object_array_length(c), 9,
		     "bindings, stats, revoke, flows, flow add|del|list, prefix, help");
	json_object_put(o);
}

Test(lma_ctl, unknown_command_is_an_error_naming_it)
{
	json_object *o = ask("show \"everything\"\x01"), *e;

	cr_assert(json_object_object_get_ex(o, "error", &e));
	cr_assert(strstr(json_object_get_string(e), "unknown command: show \"everything\"\x01"),
		  "%s", out);
	json_object_put(o);
}

Test(lma_ctl, overlong_line_is_refused_without_overrun)
{
	static char line[5000];
	json_object *e;

	memset(line, 'x', sizeof(line) - 1);
	json_object *o = ask(line);

	cr_assert(json_object_object_get_ex(o, "error", &e));
	cr_assert(strstr(json_object_get_string(e), "command too long"));
	json_object_put(o);
}

Test(lma_ctl, answer_larger_than_cap_is_an_error_document)
{
	char small[48];
	size_t n;

	lma_ctl_count_malformed(&S, "Mobility Header truncated");
	n = lma_ctl_handle(L, &S, 0, "show stats", small, sizeof(small));
	cr_assert_lt(n, sizeof(small));
	cr_assert_eq(n, strlen(small));
	json_object *o = json_tokener_parse(small);

	cr_assert_not_null(o, "not JSON: %s", small);
	cr_assert(json_object_object_get_ex(o, "error", NULL));
	json_object_put(o);
}
