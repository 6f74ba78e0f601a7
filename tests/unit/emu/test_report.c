/*
 * test_report.c - the report on a synthetic run folder made here in /tmp
 * (unique per process, removed after): trafgen flow files, events.jsonl,
 * exec outputs, a topology built in memory. Checks each expectation kind's
 * verdict and measured value, and that report.json, junit.xml and
 * timeline.svg parse (json-c, libxml2) with the promised content.
 */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report/report.h"

#define MS 1000000ull
#define T0 1000000000000ull         /* monotonic ns at run start */

static char dir[256];
static struct topology topo;
static struct topo_flow flows[2];
static struct topo_expect exps[32];
static struct report rep;
static const struct report_input *rin;

static void put_file(const char *rel, const char *text)
{
	char p[512];
	snprintf(p, sizeof p, "%s/%s", dir, rel);
	FILE *f = fopen(p, "w");
	cr_assert_not_null(f, "%s", p);
	fputs(text, f);
	fclose(f);
}

/* f1: 100 packets at 100 pps from t=1s; 0..39 via eth0, 40..49 lost,
 * 50..99 via eth1; latency 5 ms, seq 60 takes 50 ms; seq 70 arrives twice. */
static void write_flow_f1(void)
{
	char p[512];
	snprintf(p, sizeof p, "%s/flows/f1.recv.csv", dir);
	FILE *f = fopen(p, "w");
	cr_assert_not_null(f);
	fprintf(f, "%s\n", TG_RECORDS_HEADER);
	for (unsigned k = 0; k < 100; k++) {
		if (k >= 40 && k < 50)
			continue;
		unsigned long long snd = T0 + 1000 * MS + k * 10 * MS;
		unsigned long long rcv = snd + (k == 60 ? 50 : 5) * MS;
		fprintf(f, "%u,%llu,%llu,%u\n", k, snd, rcv, k < 40 ? 3 : 4);
		if (k == 70)
			fprintf(f, "%u,%llu,%llu,%u\n", k, snd, rcv + MS, 4);
	}
	fclose(f);
	put_file("flows/f1.send.json", "{\"flow\":\"f1\",\"role\":\"send\",\"sent\":100,"
		 "\"send_errors\":2}\n");
	put_file("flows/f1.recv.json", "{\"flow\":\"f1\",\"role\":\"recv\",\"interfaces\":["
		 "{\"ifindex\":3,\"name\":\"eth0\",\"count\":40},"
		 "{\"ifindex\":4,\"name\":\"eth1\",\"count\":51}]}\n");
}

static void write_events(void)
{
	put_file("events.jsonl",
		 "{\"t\":0.0,\"ev\":\"run_start\",\"node\":\"\"}\n"
		 "{\"t\":1.4,\"ev\":\"link_down\",\"link\":\"wifi\"}\n"
		 "{\"t\":1.41,\"ev\":\"pbu_sent\",\"node\":\"mag2\",\"mn_id\":\"mn1@example\"}\n"
		 "this line is not JSON\n"
		 "{\"t\":1.45,\"ev\":\"pba_received\",\"node\":\"mag2\",\"status\":0}\n"
		 "{\"t\":1.2,\"ev\":\"process_start\",\"node\":\"mn\",\"name\":\"x\"}\n"
		 "{\"ev\":\"no_time\"}\n"
		 "{\"t\":1.5,\"ev\":\"move_attach\",\"node\":\"mn\",\"iface\":\"eth1\",\"to\":\"lte\"}\n");
	put_file("exec/e1.out", "mag2: got PBA status=0 lifetime=60\n");
	put_file("exec/e3.out", "nothing here\n");
}

static struct topo_expect *add_exp(enum topo_expect_kind k, const char *flow)
{
	struct topo_expect *e = &exps[topo.n_expects++];
	memset(e, 0, sizeof *e);
	e->kind = k;
	/* as the parser sets them: delivery min=, the others max=, exec eq */
	e->cmp = k == TOPO_EXP_DELIVERY ? TOPO_CMP_GE : k == TOPO_EXP_EXEC ? TOPO_CMP_EQ
					 : TOPO_CMP_LE;
	snprintf(e->flow, sizeof e->flow, "%s", flow);
	e->loc.line = (int)topo.n_expects + 100;
	return e;
}

static void window(struct topo_expect *e, uint64_t from_ms, uint64_t to_ms)
{
	e->has_window = true;
	e->from_ns = from_ms * MS;
	e->to_ns = to_ms * MS;
}

static void build_topology(void)
{
	memset(&topo, 0, sizeof topo);
	snprintf(topo.name, sizeof topo.name, "fig2-test");
	snprintf(topo.file, sizeof topo.file, "topologies/fig2-test.xml");
	topo.seed = 42;
	memset(flows, 0, sizeof flows);
	snprintf(flows[0].id, sizeof flows[0].id, "f1");
	snprintf(flows[0].from, sizeof flows[0].from, "cn");
	snprintf(flows[0].to, sizeof flows[0].to, "mn");
	flows[0].start_ns = 1000 * MS;
	flows[0].stop_ns = 2000 * MS;
	snprintf(flows[1].id, sizeof flows[1].id, "f2");
	topo.flows = flows;
	topo.n_flows = 2;
	topo.expects = exps;
	add_exp(TOPO_EXP_DELIVERY, "f1")->value = 0.95;              /* 0: fail */
	add_exp(TOPO_EXP_DELIVERY, "f1")->value = 0.85;              /* 1: pass */
	add_exp(TOPO_EXP_LOSS, "f1")->value = 10;                    /* 2: pass */
	add_exp(TOPO_EXP_LOSS, "f1")->value = 5;                     /* 3: fail */
	add_exp(TOPO_EXP_LATENCY_P99, "f1")->value_ns = 10 * MS;     /* 4: fail */
	add_exp(TOPO_EXP_LATENCY_P99, "f1")->value_ns = 60 * MS;     /* 5: pass */
	struct topo_expect *e = add_exp(TOPO_EXP_GAP, "f1");         /* 6: fail */
	e->value_ns = 100 * MS;
	window(e, 1300, 1600);
	e = add_exp(TOPO_EXP_GAP, "f1");                             /* 7: pass */
	e->value_ns = 20 * MS;
	window(e, 1600, 2000);
	e = add_exp(TOPO_EXP_VIA, "f1");                             /* 8: pass */
	snprintf(e->iface, sizeof e->iface, "eth1");
	e->min_share = 1.0;
	window(e, 1550, 2000);
	e = add_exp(TOPO_EXP_VIA, "f1");                             /* 9: fail */
	snprintf(e->iface, sizeof e->iface, "eth1");
	e = add_exp(TOPO_EXP_LINK_COUNTER, "");                      /* 10: fail */
	snprintf(e->link, sizeof e->link, "wifi");
	snprintf(e->counter, sizeof e->counter, "drop_loss");
	e->cmp = TOPO_CMP_LE;
	e->value = 10;
	e = add_exp(TOPO_EXP_LINK_COUNTER, "");                      /* 11: pass */
	snprintf(e->link, sizeof e->link, "wifi");
	snprintf(e->counter, sizeof e->counter, "delivered");
	e->dir = LINK_DIR_BA;
	e->cmp = TOPO_CMP_GE;
	e->value = 100;
	e = add_exp(TOPO_EXP_EXEC, "");                              /* 12: pass */
	snprintf(e->exec_id, sizeof e->exec_id, "e1");
	snprintf(e->match, sizeof e->match, "PBA status=0");
	e = add_exp(TOPO_EXP_EXEC, "");                              /* 13: fail */
	snprintf(e->exec_id, sizeof e->exec_id, "e2");
	e = add_exp(TOPO_EXP_EXEC, "");                              /* 14: fail */
	snprintf(e->exec_id, sizeof e->exec_id, "e3");
	snprintf(e->match, sizeof e->match, "status=[0-9]+");
	add_exp(TOPO_EXP_DELIVERY, "f2")->value = 0.5;               /* 15: fail */
	e = add_exp(TOPO_EXP_LOSS, "f1");                            /* 16: fail */
	e->value = 0;
	window(e, 1300, 1600);
	e = add_exp(TOPO_EXP_VIA, "f1");                             /* 17: pass */
	snprintf(e->iface, sizeof e->iface, "eth0");
	window(e, 1000, 1300);                                       /* min_share 0 = 1 */
	e = add_exp(TOPO_EXP_EXEC, "");                              /* 18: pass */
	snprintf(e->exec_id, sizeof e->exec_id, "e2");
	e->value = 1;                                                /* status="1" */
	e = add_exp(TOPO_EXP_GAP, "f1");                             /* 19: pass */
	e->value_ns = 120 * MS;
	window(e, 1300, 0);
	e->to_ns = UINT64_MAX;                                       /* open: to the end */
	e = add_exp(TOPO_EXP_GAP, "f1");                             /* 20: fail */
	e->value_ns = 100 * MS;                                      /* whole flow */
	e = add_exp(TOPO_EXP_DELIVERY, "f1");                        /* 21: fail */
	e->cmp = TOPO_CMP_LE;                                        /* max="50%" */
	e->value = 0.5;
	e = add_exp(TOPO_EXP_LOSS, "f1");                            /* 22: fail */
	window(e, 2100, 2400);                                       /* nothing due */
	e = add_exp(TOPO_EXP_LINK_COUNTER, "");                      /* 23: fail */
	snprintf(e->link, sizeof e->link, "lte");                    /* carried nothing */
	snprintf(e->counter, sizeof e->counter, "drop_loss");
	e = add_exp(TOPO_EXP_EXEC, "");                              /* 24: fail */
	snprintf(e->exec_id, sizeof e->exec_id, "e1");
	snprintf(e->match, sizeof e->match, "(PBA)*");               /* matches "" */
	e = add_exp(TOPO_EXP_EXEC, "");                              /* 25: fail */
	snprintf(e->exec_id, sizeof e->exec_id, "e4");               /* killed at the end */
}

static void setup(void)
{
	static int n;
	char sub[512];
	snprintf(dir, sizeof dir, "/tmp/pmipemu-report-test.%d.%d", (int)getpid(), n++);
	cr_assert_eq(mkdir(dir, 0700), 0, "%s", dir);
	snprintf(sub, sizeof sub, "%s/flows", dir);
	mkdir(sub, 0700);
	snprintf(sub, sizeof sub, "%s/exec", dir);
	mkdir(sub, 0700);
	write_flow_f1();
	write_events();
	build_topology();

	static struct report_link links[2];
	memset(links, 0, sizeof links);
	snprintf(links[0].name, sizeof links[0].name, "wifi");
	snprintf(links[1].name, sizeof links[1].name, "lte");
	links[0].dir[LINK_DIR_BA].in = 120;
	links[0].dir[LINK_DIR_AB] = (struct report_link_counters){ .in = 150, .delivered = 138,
		.drop_loss = 12, .drop_tx = 3, .in_flight = 2, .bytes_in = 150000,
		.bytes_out = 138000 };
	links[0].dir[LINK_DIR_BA].delivered = 120;
	static struct report_exec execs[4];
	memset(execs, 0, sizeof execs);
	execs[0] = (struct report_exec){ .id = "e1", .node = "mag2", .finished = true };
	execs[1] = (struct report_exec){ .id = "e2", .node = "mag2", .finished = true,
					 .exit_status = 1 };
	execs[2] = (struct report_exec){ .id = "e3", .node = "mn", .finished = true };
	execs[3] = (struct report_exec){ .id = "e4", .node = "mn", .killed = true,
					 .exit_status = 143 };
	static struct report_input in;
	in = (struct report_input){ .topo = &topo, .run_dir = dir, .t0_ns = T0,
		.started_at_unix_s = 1700000000, .seed = 42, .duration_ns = 2500 * MS,
		.links = links, .n_links = 2, .execs = execs, .n_execs = 4 };
	const char *why = NULL;
	cr_assert_eq(report_build(&in, &rep, &why), 0, "%s", why);
	rin = &in;
}

static void teardown(void)
{
	char cmd[600];
	report_free(&rep);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
}

TestSuite(report, .init = setup, .fini = teardown);

static const struct report_expect *ex(size_t i)
{
	cr_assert_lt(i, rep.n_expects);
	return &rep.expects[i];
}

Test(report, flow_statistics_from_trafgen_files)
{
	const struct report_flow *f = report_find_flow(&rep, "f1");
	cr_assert_not_null(f);
	cr_assert(f->has_send && f->has_recv);
	cr_assert_eq(f->st.sent, 100);
	cr_assert_eq(f->st.received, 90);
	cr_assert_eq(f->st.lost, 10);
	cr_assert_eq(f->st.duplicates, 1);
	cr_assert_eq(f->st.max_gap_ns, 110 * MS);
	cr_assert_eq(f->st.max_gap_from_ns, T0 + 1395 * MS);
	cr_assert_eq(f->send_errors, 2);
	cr_assert_eq(f->n_ifaces, 2);
	cr_assert_str_eq(f->ifnames[0], "eth0");
	cr_assert_eq(f->st.by_iface[0], 40);
	cr_assert_eq(f->st.by_iface[1], 51);
}

Test(report, delivery_ratio_against_bound)
{
	cr_assert_not(ex(0)->pass);
	cr_assert_float_eq(ex(0)->measured, 0.90, 1e-9);
	cr_assert(strstr(ex(0)->message, "90.00%"), "%s", ex(0)->message);
	cr_assert(ex(1)->pass, "%s", ex(1)->message);
}

Test(report, loss_count_and_by_how_much)
{
	cr_assert(ex(2)->pass, "%s", ex(2)->message);
	cr_assert_not(ex(3)->pass);
	cr_assert_float_eq(ex(3)->measured, 10, 1e-9);
	cr_assert(strstr(ex(3)->message, "5 over the bound 5"), "%s", ex(3)->message);
}

Test(report, loss_in_window_counts_the_outage)
{
	cr_assert_not(ex(16)->pass);
	cr_assert_float_eq(ex(16)->measured, 10, 1e-9);
}

Test(report, latency_p99_in_ms)
{
	cr_assert_not(ex(4)->pass);
	cr_assert_float_eq(ex(4)->measured, 50.0, 1e-9);
	cr_assert(strstr(ex(4)->message, "exceeds 10ms by 40ms"), "%s", ex(4)->message);
	cr_assert(ex(5)->pass, "%s", ex(5)->message);
}

Test(report, gap_in_window_finds_the_handover)
{
	cr_assert_not(ex(6)->pass);
	cr_assert_float_eq(ex(6)->measured, 110.0, 1e-9);
	cr_assert(strstr(ex(6)->message, "1.40s"), "%s", ex(6)->message);
	cr_assert(ex(7)->pass, "%s", ex(7)->message);
	cr_assert_float_eq(ex(7)->measured, 20.0, 1e-9);  /* seq 60 is 50 ms late */
}

Test(report, via_share_in_window)
{
	cr_assert(ex(8)->pass, "%s", ex(8)->message);
	cr_assert_float_eq(ex(8)->measured, 1.0, 1e-9);
	cr_assert_not(ex(9)->pass);
	cr_assert_float_eq(ex(9)->measured, 51.0 / 91.0, 1e-9);
	cr_assert(ex(17)->pass, "%s", ex(17)->message);
	cr_assert_float_eq(ex(17)->bound, 1.0, 1e-9);
}

Test(report, link_counter_comparison)
{
	cr_assert_not(ex(10)->pass);
	cr_assert_float_eq(ex(10)->measured, 12, 1e-9);
	cr_assert_str_eq(ex(10)->target, "wifi.ab.drop_loss");
	cr_assert(ex(11)->pass, "%s", ex(11)->message);
	cr_assert_float_eq(ex(11)->measured, 120, 1e-9);
}

Test(report, exec_expected_nonzero_status)
{
	cr_assert(ex(18)->pass, "%s", ex(18)->message);
	cr_assert_str_eq(ex(18)->bound_s, "exit 1");
}

Test(report, gap_open_window_ends_with_the_flow)
{
	cr_assert(ex(19)->pass, "%s", ex(19)->message);
	cr_assert_float_eq(ex(19)->measured, 110.0, 1e-9);
	cr_assert_not(ex(20)->pass);
	cr_assert_float_eq(ex(20)->measured, 110.0, 1e-9);
}

Test(report, bound_direction_follows_the_topology)
{
	cr_assert_not(ex(21)->pass);
	cr_assert_str_eq(ex(21)->bound_s, "<= 50.00%");
	cr_assert(strstr(ex(21)->message, "violates"), "%s", ex(21)->message);
}

Test(report, exec_status_and_output_regex)
{
	cr_assert(ex(12)->pass, "%s", ex(12)->message);
	cr_assert_not(ex(13)->pass);
	cr_assert(strstr(ex(13)->message, "exited 1"), "%s", ex(13)->message);
	cr_assert_not(ex(14)->pass);
	cr_assert(strstr(ex(14)->message, "does not match"), "%s", ex(14)->message);
}

Test(report, flow_without_files_fails_saying_why)
{
	cr_assert_not(ex(15)->pass);
	cr_assert(strstr(ex(15)->message, "no receiver records"), "%s", ex(15)->message);
	cr_assert(strstr(ex(15)->message, "f2.recv.json"), "%s", ex(15)->message);
	cr_assert_eq(report_failed_count(&rep), 16);
}

/* issue 14: a sender that died wrote no summary; its flow's expectations
 * (here a delivery bound that passes with the summary) must fail, not
 * count the highest sequence seen as what was sent. */
Test(report, flow_without_sender_summary_fails_every_expectation)
{
	char p[512];
	const char *why = NULL;
	cr_assert(ex(1)->pass, "%s", ex(1)->message);
	snprintf(p, sizeof p, "%s/flows/f1.send.json", dir);
	cr_assert_eq(unlink(p), 0);
	report_free(&rep);
	cr_assert_eq(report_build(rin, &rep, &why), 0, "%s", why);
	for (int i = 0; i < 22; i++) {
		if (i == 10 || i == 11 || (i >= 12 && i <= 14) || i == 18)
			continue;                       /* links and execs */
		cr_assert_not(ex(i)->pass, "%d: %s", i, ex(i)->message);
	}
	cr_assert(strstr(ex(1)->message, "sender did not report"), "%s", ex(1)->message);
}

Test(report, records_without_receiver_summary_still_count)
{
	char p[512];
	snprintf(p, sizeof p, "%s/flows/f1.recv.json", dir);
	cr_assert_eq(unlink(p), 0);
	struct report_flow f;
	memset(&f, 0, sizeof f);
	cr_assert_eq(report_load_flow(&f, dir, "f1"), 0);
	cr_assert(f.has_recv);
	cr_assert_eq(f.st.received, 90);
	cr_assert_str_eq(f.ifnames[0], "if3");     /* named by index */
	cr_assert(strstr(f.problem, "f1.recv.json"), "%s", f.problem);
	free(f.arr);
}

Test(report, events_read_sorted_and_classified)
{
	cr_assert_eq(rep.n_events, 6);            /* two malformed lines skipped */
	cr_assert_str_eq(rep.events[0].ev, "run_start");
	cr_assert_eq(rep.events[0].cls, REPORT_EV_HIDDEN);
	cr_assert_str_eq(rep.events[1].ev, "process_start");
	cr_assert_str_eq(rep.events[2].ev, "link_down");
	cr_assert_eq(rep.events[2].cls, REPORT_EV_MAJOR);
	cr_assert_str_eq(rep.events[2].label, "link_down wifi");
	cr_assert_eq(rep.events[3].cls, REPORT_EV_TICK);
	cr_assert_str_eq(rep.events[3].label, "mag2 pbu_sent mn1@example");
	cr_assert_str_eq(rep.events[4].label, "mag2 pba_received status=0");
	cr_assert_str_eq(rep.events[5].label, "move_attach mn:eth1 -> lte");
}

static json_object *jget(json_object *o, const char *key)
{
	json_object *v = NULL;
	cr_assert(json_object_object_get_ex(o, key, &v), "no key %s", key);
	return v;
}

Test(report, report_json_has_the_documented_keys)
{
	char p[512];
	cr_assert_eq(report_write_all(&rep, dir, NULL), 0);
	snprintf(p, sizeof p, "%s/report.json", dir);
	json_object *o = json_object_from_file(p);
	cr_assert_not_null(o);
	cr_assert_str_eq(json_object_get_string(jget(o, "topology")), "fig2-test");
	cr_assert_eq(json_object_get_int64(jget(o, "seed")), 42);
	cr_assert_str_eq(json_object_get_string(jget(o, "started_at")), "2023-11-14T22:13:20Z");
	cr_assert_float_eq(json_object_get_double(jget(o, "duration_s")), 2.5, 1e-9);
	cr_assert_eq(json_object_get_int(jget(o, "events_count")), 6);
	json_object *f1 = jget(jget(o, "flows"), "f1");
	cr_assert_eq(json_object_get_int(jget(f1, "sent")), 100);
	cr_assert_eq(json_object_get_int(jget(f1, "received")), 90);
	cr_assert_eq(json_object_get_int(jget(f1, "lost")), 10);
	cr_assert_eq(json_object_get_int(jget(f1, "duplicates")), 1);
	cr_assert_eq(json_object_get_int(jget(f1, "reordered")), 0);
	cr_assert_float_eq(json_object_get_double(jget(jget(f1, "latency_ms"), "p50")), 5.0, 1e-9);
	cr_assert_float_eq(json_object_get_double(jget(jget(f1, "latency_ms"), "max")), 50.0, 1e-9);
	jget(jget(f1, "latency_ms"), "p99");
	cr_assert_float_eq(json_object_get_double(jget(f1, "max_gap_ms")), 110.0, 1e-9);
	cr_assert_float_eq(json_object_get_double(jget(f1, "max_gap_at_s")), 1.395, 1e-9);
	cr_assert_eq(json_object_get_int(jget(jget(f1, "by_interface"), "eth1")), 51);
	json_object *ab = jget(jget(jget(o, "links"), "wifi"), "ab");
	cr_assert_eq(json_object_get_int(jget(ab, "drop_loss")), 12);
	jget(ab, "in"); jget(ab, "delivered"); jget(ab, "dup"); jget(ab, "drop_queue");
	jget(ab, "drop_down"); jget(ab, "bytes_in"); jget(ab, "bytes_out");
	cr_assert_eq(json_object_get_int(jget(ab, "drop_tx")), 3);
	cr_assert_eq(json_object_get_int(jget(ab, "in_flight")), 2);
	json_object *exs = jget(o, "expectations");
	cr_assert_eq(json_object_array_length(exs), rep.n_expects);
	json_object *e0 = json_object_array_get_idx(exs, 0);
	cr_assert_str_eq(json_object_get_string(jget(e0, "kind")), topo_expect_kind_name(TOPO_EXP_DELIVERY));
	cr_assert_str_eq(json_object_get_string(jget(e0, "target")), "f1");
	cr_assert_not(json_object_get_boolean(jget(e0, "pass")));
	cr_assert_float_eq(json_object_get_double(jget(e0, "bound")), 0.95, 1e-9);
	cr_assert_float_eq(json_object_get_double(jget(e0, "measured")), 0.90, 1e-9);
	jget(e0, "message");
	json_object_put(o);
}

static xmlDocPtr parse_xml(const char *name)
{
	char p[512];
	snprintf(p, sizeof p, "%s/%s", dir, name);
	xmlDocPtr d = xmlReadFile(p, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	cr_assert_not_null(d, "%s is not well-formed XML", name);
	return d;
}

static int xpath_count(xmlDocPtr d, const char *expr)
{
	xmlXPathContextPtr c = xmlXPathNewContext(d);
	if (strstr(expr, "svg:"))
		xmlXPathRegisterNs(c, BAD_CAST "svg", BAD_CAST "http://www.w3.org/2000/svg");
	xmlXPathObjectPtr r = xmlXPathEvalExpression(BAD_CAST expr, c);
	int n = r && r->nodesetval ? r->nodesetval->nodeNr : -1;
	xmlXPathFreeObject(r);
	xmlXPathFreeContext(c);
	return n;
}

Test(report, junit_xml_one_case_per_expectation_with_failure_message)
{
	char p[512];
	snprintf(p, sizeof p, "%s/junit.xml", dir);
	cr_assert_eq(report_write_all(&rep, dir, p), 0);
	xmlDocPtr d = parse_xml("junit.xml");
	cr_assert_eq(xpath_count(d, "/testsuites/testsuite[@name='fig2-test'][@failures='16']"), 1);
	cr_assert_eq(xpath_count(d, "//testcase"), (int)rep.n_expects);
	cr_assert_eq(xpath_count(d, "//testcase/failure"), 16);
	cr_assert_eq(xpath_count(d, "//failure[contains(@message,'exceeds 10ms by 40ms')]"), 1);
	cr_assert_eq(xpath_count(d, "//failure[contains(@message,'exited 1')]"), 1);
	xmlFreeDoc(d);
}

Test(report, timeline_svg_is_well_formed_with_bars_and_events)
{
	cr_assert_eq(report_write_all(&rep, dir, NULL), 0);
	xmlDocPtr d = parse_xml("timeline.svg");
	cr_assert_eq(xpath_count(d, "/svg:svg"), 1);
	cr_assert_gt(xpath_count(d, "//svg:rect[@fill='#1f77b4']"), 3);   /* eth0 bars */
	cr_assert_eq(xpath_count(d, "//svg:text[contains(.,'link_down wifi')]"), 1);
	cr_assert_eq(xpath_count(d, "//svg:text[contains(.,'pbu_sent')]"), 1);
	cr_assert_eq(xpath_count(d, "//svg:text[contains(.,'process_start')]"), 0);
	cr_assert_eq(xpath_count(d, "//svg:text[contains(.,'fig2-test')]"), 1);
	cr_assert_eq(xpath_count(d, "//svg:text[contains(.,'no packet received')]"), 1); /* f2 */
	xmlFreeDoc(d);
	if (getenv("REPORT_TEST_KEEP_SVG")) {
		char cmd[700];
		snprintf(cmd, sizeof cmd, "cp %s/timeline.svg %s", dir, getenv("REPORT_TEST_KEEP_SVG"));
		cr_assert_eq(system(cmd), 0);
	}
}

Test(report, text_summary_lists_flows_links_and_verdicts)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	report_print_summary(&rep, f);
	fclose(f);
	cr_assert(strstr(buf, "f1"), "%s", buf);
	cr_assert(strstr(buf, "wifi"), "%s", buf);
	cr_assert(strstr(buf, "FAIL fig2-test"), "%s", buf);
	cr_assert(strstr(buf, "PASS fig2-test"), "%s", buf);
	cr_assert(strstr(buf, "16 of 26 expectations failed"), "%s", buf);
	free(buf);
}

/* f1's records again, keeping sequence numbers in [lo, hi) only. */
static void keep_records(unsigned lo, unsigned hi)
{
	char p[512];
	const char *why = NULL;
	snprintf(p, sizeof p, "%s/flows/f1.recv.csv", dir);
	FILE *f = fopen(p, "w");
	cr_assert_not_null(f);
	fprintf(f, "%s\n", TG_RECORDS_HEADER);
	for (unsigned k = lo; k < hi; k++) {
		unsigned long long snd = T0 + 1000 * MS + k * 10 * MS;
		fprintf(f, "%u,%llu,%llu,3\n", k, snd, snd + 5 * MS);
	}
	fclose(f);
	report_free(&rep);
	cr_assert_eq(report_build(rin, &rep, &why), 0, "%s", why);
}

/* issue 14: a 0.5 s outage lasting to the flow's stop showed as the 10 ms
 * spacing of the packets before it. */
Test(report, summary_gap_counts_an_outage_to_the_end)
{
	keep_records(0, 50);
	const struct report_flow *f = report_find_flow(&rep, "f1");
	cr_assert_eq(f->st.max_gap_ns, 510 * MS);       /* 1495 ms .. stop 2000 + 5 */
	cr_assert_eq(f->st.max_gap_from_ns, T0 + 1495 * MS);
	cr_assert_float_eq(ex(20)->measured, 510.0, 1e-9);
	cr_assert_not(ex(20)->pass);
}

/* A gap check without a window started at the first arrival: 30 packets
 * lost at the start were invisible. */
Test(report, gap_counts_the_silence_before_the_first_arrival)
{
	keep_records(30, 100);
	const struct report_flow *f = report_find_flow(&rep, "f1");
	cr_assert_eq(f->st.max_gap_ns, 300 * MS);       /* start 1000 + 5 .. 1305 */
	cr_assert_float_eq(ex(20)->measured, 300.0, 1e-9);
	cr_assert_not(ex(20)->pass);
}

Test(report, expectations_with_nothing_to_measure_fail)
{
	cr_assert_not(ex(22)->pass);
	cr_assert(strstr(ex(22)->message, "nothing to measure"), "%s", ex(22)->message);
	cr_assert_not(ex(23)->pass);
	cr_assert(strstr(ex(23)->message, "carried nothing"), "%s", ex(23)->message);
	cr_assert(ex(11)->pass, "%s", ex(11)->message);
}

Test(report, exec_regex_matching_empty_output_and_killed_exec_fail)
{
	cr_assert_not(ex(24)->pass);
	cr_assert(strstr(ex(24)->message, "empty output"), "%s", ex(24)->message);
	cr_assert_not(ex(25)->pass);
	cr_assert(strstr(ex(25)->message, "killed"), "%s", ex(25)->message);
}

/* issue 14: daemon events near the end were drawn from their tick
 * rightwards, past the picture's 1000 px. Every daemon-event label must
 * end inside it (at the width the layout assumes per character). */
Test(report, daemon_event_labels_near_the_end_stay_inside)
{
	char p[512];
	const char *why = NULL;
	snprintf(p, sizeof p, "%s/events.jsonl", dir);
	FILE *f = fopen(p, "a");
	cr_assert_not_null(f);
	fprintf(f, "{\"t\":2.49,\"ev\":\"bce_deleted_late\",\"node\":\"lma_far_away_at_the_end\"}\n");
	fclose(f);
	report_free(&rep);
	cr_assert_eq(report_build(rin, &rep, &why), 0, "%s", why);
	cr_assert_eq(report_write_all(&rep, dir, NULL), 0);
	xmlDocPtr d = parse_xml("timeline.svg");
	xmlXPathContextPtr c = xmlXPathNewContext(d);
	xmlXPathRegisterNs(c, BAD_CAST "svg", BAD_CAST "http://www.w3.org/2000/svg");
	xmlXPathObjectPtr r = xmlXPathEvalExpression(
		BAD_CAST "//svg:text[@font-size='10']", c);
	cr_assert(r && r->nodesetval && r->nodesetval->nodeNr >= 3);
	int late = 0;
	for (int i = 0; i < r->nodesetval->nodeNr; i++) {
		xmlNodePtr n = r->nodesetval->nodeTab[i];
		xmlChar *x = xmlGetProp(n, BAD_CAST "x"), *t = xmlNodeGetContent(n);
		double right = atof((const char *)x) + 6.7 * 0.92 * (double)strlen((const char *)t);
		late += strstr((const char *)t, "bce_deleted_late") != NULL;
		cr_assert_leq(right, 1000.0, "\"%s\" at x=%s ends at %.0f px", t, x, right);
		xmlFree(x);
		xmlFree(t);
	}
	cr_assert_eq(late, 1, "%d labels, none for the late event", r->nodesetval->nodeNr);
	xmlXPathFreeObject(r);
	xmlXPathFreeContext(c);
	xmlFreeDoc(d);
}

/* A capture at NODE-IFACE holding flow f1's packets seq [lo, hi). */
static void write_sender_pcap(const char *name, unsigned lo, unsigned hi)
{
	char p[512];
	uint32_t hdr[6] = { 0xa1b2c3d4, 0x00040002, 0, 0, 65535, 1 };
	snprintf(p, sizeof p, "%s/%s", dir, name);
	FILE *f = fopen(p, "wb");
	cr_assert_not_null(f);
	fwrite(hdr, 4, 6, f);
	for (unsigned k = lo; k < hi; k++) {
		uint8_t fr[14 + 40 + 8 + 32] = { [12] = 0x86, [13] = 0xdd, [14] = 0x60,
						 [19] = 8 + 32, [20] = 17, [21] = 64 };
		struct tg_payload tp = { .flow_hash = tg_flow_hash("f1"), .seq = k, .send_ns = 1 };
		const char *why;
		cr_assert_eq(tg_payload_encode(fr + 62, 32, &tp, &why), 0);
		uint32_t rec[4] = { 1, k, sizeof fr, sizeof fr };
		fwrite(rec, 4, 4, f);
		fwrite(fr, 1, sizeof fr, f);
	}
	fclose(f);
}

/* issue 14: an uplink's panel showed the receiver's one interface; the
 * interface each packet left by comes from the sender's own captures. */
Test(report, uplink_panel_shows_the_interface_packets_left_by)
{
	static struct topo_iface ifs[2] = { { .name = "eth0" }, { .name = "eth1" } };
	static struct topo_node node = { .name = "cn", .kind = TOPO_NODE_MN, .ifaces = ifs,
					 .n_ifaces = 2 };
	const char *why = NULL;
	write_sender_pcap("cn-eth0.pcap", 0, 50);
	write_sender_pcap("cn-eth1.pcap", 50, 100);
	topo.nodes = &node;
	topo.n_nodes = 1;
	report_free(&rep);
	cr_assert_eq(report_build(rin, &rep, &why), 0, "%s", why);
	const struct report_flow *f = report_find_flow(&rep, "f1");
	cr_assert_not_null(f->out_iface);
	cr_assert_eq(f->n_out_ifaces, 2);
	cr_assert_str_eq(f->out_ifnames[1], "cn:eth1");
	for (size_t i = 0; i < f->n_arr; i++)
		cr_assert_eq(f->out_iface[i], f->arr[i].seq < 50 ? 0 : 1, "seq %llu",
			     (unsigned long long)f->arr[i].seq);
	cr_assert_eq(report_write_all(&rep, dir, NULL), 0);
	xmlDocPtr d = parse_xml("timeline.svg");
	cr_assert_eq(xpath_count(d, "//svg:text[contains(.,'left via')]"), 1);
	cr_assert_eq(xpath_count(d, "//svg:text[.='cn:eth1']"), 1);
	xmlFreeDoc(d);
	topo.nodes = NULL;
	topo.n_nodes = 0;
}

/* issue 14: per mobility event, per flow, the interruption and the loss,
 * and the signalling after it. f1 loses seq 40..49 (sent 1.40-1.49 s),
 * arrivals jump from 1.395 s to 1.505 s; pbu_sent at 1.41, pba_received
 * at 1.45 (events.jsonl of the fixture). */
Test(report, handover_metrics_per_mobility_event)
{
	static struct topo_event evs[2];
	static struct report_handover h[4];
	const char *why = NULL;
	memset(evs, 0, sizeof evs);
	evs[0] = (struct topo_event){ .kind = TOPO_EV_LINK_DOWN, .at_ns = 1400 * MS, .link = "wifi" };
	evs[1] = (struct topo_event){ .kind = TOPO_EV_LINK_UP, .at_ns = 1700 * MS, .link = "wifi" };
	topo.events = evs;
	topo.n_events = 2;
	report_free(&rep);
	cr_assert_eq(report_build(rin, &rep, &why), 0, "%s", why);
	size_t n = report_handovers(&rep, h, 4);
	topo.events = NULL;
	topo.n_events = 0;
	cr_assert_eq(n, 2);
	cr_assert_str_eq(h[0].what, "link-down wifi");
	cr_assert_float_eq(h[0].until_s, 1.7, 1e-9);
	cr_assert_float_eq(h[0].pbu_ms, 10.0, 1e-6);
	cr_assert_float_eq(h[0].pba_ms, 50.0, 1e-6);
	cr_assert_lt(h[0].bce_ms, 0);
	cr_assert_eq(h[0].n_flows, 1);
	cr_assert_float_eq(h[0].flows[0].interruption_ms, 110.0, 1e-6);
	cr_assert_eq(h[0].flows[0].lost, 10);
	cr_assert_eq(h[1].flows[0].lost, 0);            /* link-up: nothing lost after */
	cr_assert_lt(h[1].pbu_ms, 0);
}
