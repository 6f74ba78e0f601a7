/*
 * test_report_sessions.c - the mobility sessions digested from the LMA's
 * bce_* events (emu/report/report_sessions.c) for the timeline picture: a
 * session's prefix set at each change, a subset handoff taking the moved
 * prefix out of the session it came from, the end of a session, bad lines
 * skipped; and the lane in timeline.svg, and <prefix> events as lines.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report/report.h"

static char path[96];

static void write_events(const char *text)
{
	FILE *f;

	snprintf(path, sizeof path, "/tmp/pmipemu-report-sessions-%d.jsonl", (int)getpid());
	f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs(text, f);
	fclose(f);
}

static void fini(void)
{
	unlink(path);
}

TestSuite(report_sessions, .fini = fini);

#define CREATED1 "{\"t\":0.02,\"node\":\"lma\",\"ev\":\"bce_created\",\"session\":1," \
	"\"ll_id\":\"02:00:00:00:aa:01\",\"service\":null," \
	"\"hnp\":[\"2001:db8:100:1::/64\",\"2001:db8:100:2::/64\"]}\n"
#define CREATED2 "{\"t\":2.5,\"node\":\"lma\",\"ev\":\"bce_created\",\"session\":2," \
	"\"ll_id\":\"02:00:00:00:aa:02\",\"service\":\"pdn3\",\"hnp\":[\"2001:db8:100:3::/64\"]}\n"
#define HANDOFF "{\"t\":3.2,\"node\":\"lma\",\"ev\":\"bce_handoff\",\"session\":2," \
	"\"ll_id\":\"02:00:00:00:aa:02\",\"hnp\":[\"2001:db8:100:3::/64\"," \
	"\"2001:db8:100:2::/64\"],\"from_session\":1}\n"

Test(report_sessions, subset_handoff_moves_one_prefix_between_two_sessions)
{
	struct report r = { 0 };

	write_events(CREATED1 CREATED2 "not json\n" HANDOFF
		     "{\"t\":7.5,\"node\":\"lma\",\"ev\":\"bce_deleted\",\"session\":2}\n");
	cr_assert_eq(report_load_sessions(&r, path), 0);
	cr_assert_eq(r.n_sessions, 2);
	const struct report_session *a = &r.sessions[0], *b = &r.sessions[1];
	cr_assert_str_eq(a->name, "02:00:00:00:aa:01");
	cr_assert_str_eq(b->name, "02:00:00:00:aa:02 pdn3");
	cr_assert_eq(a->n_change, 2, "P1+P2, then P1 alone");
	cr_assert_str_eq(a->change[0].hnps, "2001:db8:100:1::, 2001:db8:100:2::");
	cr_assert_str_eq(a->change[1].hnps, "2001:db8:100:1::");
	cr_assert_float_eq(a->change[1].t, 3.2, 1e-9);
	cr_assert_eq(b->n_change, 2);
	cr_assert_str_eq(b->change[1].hnps, "2001:db8:100:3::, 2001:db8:100:2::");
	cr_assert_lt(a->t_end, 0, "session 1 still there");
	cr_assert_float_eq(b->t_end, 7.5, 1e-9);
}

Test(report_sessions, no_file_no_sessions_and_a_refresh_with_the_same_set_adds_nothing)
{
	struct report r = { 0 };

	cr_assert_eq(report_load_sessions(&r, "/nonexistent/events.jsonl"), 0);
	cr_assert_eq(r.n_sessions, 0);
	write_events(CREATED1 "{\"t\":5,\"node\":\"lma\",\"ev\":\"bce_refreshed\",\"session\":1,"
		     "\"hnp\":[\"2001:db8:100:1::/64\",\"2001:db8:100:2::/64\"]}\n");
	cr_assert_eq(report_load_sessions(&r, path), 0);
	cr_assert_eq(r.sessions[0].n_change, 1);
}

Test(report_sessions, timeline_svg_has_a_lane_with_each_session_and_its_sets)
{
	static struct topology topo = { .name = "t" };
	struct report r = { .topo = &topo, .duration_ns = 8000000000ULL };
	char svg[112], buf[65536];

	write_events(CREATED1 CREATED2 HANDOFF);
	cr_assert_eq(report_load_sessions(&r, path), 0);
	snprintf(svg, sizeof svg, "%s.svg", path);
	cr_assert_eq(report_write_svg(&r, svg), 0);
	FILE *f = fopen(svg, "r");
	cr_assert_not_null(f);
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = 0;
	fclose(f);
	unlink(svg);
	cr_assert(strstr(buf, ">mobility<"), "the lane's title");
	cr_assert(strstr(buf, "session 2: 02:00:00:00:aa:02 pdn3"));
	cr_assert(strstr(buf, "3.20s 2001:db8:100:1::<"), "session 1 after the move: P1");
	cr_assert(strstr(buf, "3.20s 2001:db8:100:3::, 2001:db8:100:2::<"));
}

/* The timeline's <prefix> (and <session>) are timeline events, drawn as
 * lines labelled with the command the run sent. */
Test(report_sessions, prefix_event_is_a_timeline_line_with_its_command)
{
	struct report r = { 0 };

	write_events("{\"t\":3.2,\"node\":\"mag2\",\"ev\":\"prefix\",\"command\":"
		     "\"prefix take 02:00:00:00:aa:02 2001:db8:100:2::/64\",\"answer\":\"{}\"}\n");
	cr_assert_eq(report_load_events(&r, path), 0);
	cr_assert_eq(r.n_events, 1);
	cr_assert_eq(r.events[0].cls, REPORT_EV_MAJOR);
	cr_assert(strstr(r.events[0].label, "mag2: prefix take 02:00:00:00:aa:02"), "%s",
		  r.events[0].label);
	free(r.events);
}

/* Issue 12: the LMA's flow rules are ticks that say who set the rule and
 * the rule itself; a prefix held by two live sessions at once is marked
 * "(shared)" in the sessions lane, and not before the second holds it. */
#define SHARED2 "{\"t\":4.0,\"node\":\"lma\",\"ev\":\"bce_created\",\"session\":3," \
	"\"ll_id\":\"02:00:00:00:aa:03\",\"service\":null,\"hnp\":[\"2001:db8:100:1::/64\"]}\n"
#define FLOW_ADDED "{\"t\":4.5,\"node\":\"lma\",\"ev\":\"flow_added\",\"id\":12," \
	"\"origin\":\"ctl\",\"rule\":\"id 12 prio 10 prefix 2001:db8:100:2::/64 udp dport 5202 -> g3\"}\n"

Test(report_sessions, flow_rule_is_a_tick_with_its_origin_and_rule)
{
	struct report r = { 0 };

	write_events(FLOW_ADDED);
	cr_assert_eq(report_load_events(&r, path), 0);
	cr_assert_eq(r.n_events, 1);
	cr_assert_eq(r.events[0].cls, REPORT_EV_TICK);
	cr_assert_str_eq(r.events[0].label, "lma flow_added ctl id 12 prio 10 prefix "
			 "2001:db8:100:2::/64 udp dport 5202 -> g3");
	free(r.events);
}

Test(report_sessions, shared_prefix_and_flow_rule_are_drawn_on_the_timeline)
{
	static struct topology topo = { .name = "t" };
	struct report r = { .topo = &topo, .duration_ns = 8000000000ULL };
	char svg[112], buf[65536];

	write_events(CREATED1 CREATED2 HANDOFF SHARED2 FLOW_ADDED);
	cr_assert_eq(report_load_sessions(&r, path), 0);
	cr_assert_eq(report_load_events(&r, path), 0);
	cr_assert_eq(r.n_sessions, 3);
	cr_assert(!report_session_shared(&r, 0, 0), "P1 alone in session 1 at 0.02 s");
	cr_assert(report_session_shared(&r, 2, 0), "P1 in sessions 1 and 3 at 4 s");
	cr_assert(!report_session_shared(&r, 1, 0), "P3 is session 2's only");
	snprintf(svg, sizeof svg, "%s.svg", path);
	cr_assert_eq(report_write_svg(&r, svg), 0);
	FILE *f = fopen(svg, "r");
	cr_assert_not_null(f);
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = 0;
	fclose(f);
	unlink(svg);
	free(r.events);
	cr_assert(strstr(buf, ">4.00s 2001:db8:100:1:: (shared)<"), "session 3's P1 is shared");
	cr_assert(strstr(buf, "0.02s 2001:db8:100:1::, 2001:db8:100:2::<"),
		  "session 1's first set, not shared then");
	cr_assert(strstr(buf, "4.50s lma flow_added ctl id 12 prio 10 prefix 2001:db8:100:2::/64"
			 " udp dport 5202 -&gt; g3<"), "the rule's tick label");
}
