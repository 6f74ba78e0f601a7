/*
 * test_tg_io.c - the socket shell over loopback, no namespaces: a receiver
 * in a child process, a paced sender here; every packet must arrive on lo,
 * in order, with its sequence number, a plausible latency, and the pacing
 * must hold the rate. Files in /tmp with the pid in the name, removed.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "trafgen/tg_io.h"

#define MS 1000000ull

static volatile sig_atomic_t never;

static void run_receiver(uint16_t port, const char *path)
{
	struct tg_recv_cfg cfg = { .flow_hash = tg_flow_hash("lo-flow"),
				   .duration_ns = 700 * MS };
	struct tg_recv_result res;
	const char *why;
	if (tg_io_resolve("::1", port, &cfg.bind, &why) < 0 || !(cfg.records = fopen(path, "w")))
		_exit(2);
	tg_records_write_header(cfg.records);
	int rc = tg_io_recv_run(&cfg, &res, &never, &why);
	fclose(cfg.records);
	_exit(rc < 0 ? 3 : res.kernel_timestamps ? 0 : 4);
}

/* The receiver's records file, removed whatever the test's outcome (a
 * failed assertion ends the test before its own unlink). */
static char path[128];

static void remove_records(void)
{
	if (path[0])
		unlink(path);
}

Test(tg_io, loopback_flow_arrives_whole_and_paced, .fini = remove_records)
{
	uint16_t port = (uint16_t)(20000 + getpid() % 20000);
	snprintf(path, sizeof path, "/tmp/pmipemu-tg-io-test.%d.csv", (int)getpid());
	pid_t pid = fork();
	cr_assert_neq(pid, -1);
	if (pid == 0)
		run_receiver(port, path);
	usleep(150000);             /* let the receiver bind */

	struct tg_send_cfg cfg = { .flow_hash = tg_flow_hash("lo-flow"), .size = 100,
		.pace = { .pattern = TG_PATTERN_CBR, .rate_pps = 200, .duration_ns = 300 * MS } };
	struct tg_send_result res;
	const char *why = NULL;
	cr_assert_eq(tg_io_resolve("::1", port, &cfg.dst, &why), 0);
	cr_assert_eq(tg_io_send_run(&cfg, &res, &never, &why), 0, "%s", why);
	cr_assert_eq(res.attempted, 60);
	cr_assert_eq(res.sent, 60);
	cr_assert_eq(res.send_errors, 0);
	/* 59 intervals of 5 ms: absolute deadlines never send ahead of the
	 * schedule (a busy machine may make it later; no upper bound but a
	 * sanity one: times are not performance assertions here) */
	uint64_t span = res.last_send_ns - res.first_send_ns;
	cr_assert(span >= 285 * MS && span < 10000 * MS, "span %llu ns",
		  (unsigned long long)span);

	int st;
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "receiver status %d", st);
	FILE *f = fopen(path, "r");
	cr_assert_not_null(f);
	struct tg_arrival *a;
	size_t n;
	cr_assert_eq(tg_records_read(f, &a, &n, &why), 0, "%s", why);
	fclose(f);
	unlink(path);
	cr_assert_eq(n, 60);
	for (size_t i = 0; i < n; i++) {
		cr_assert_eq(a[i].seq, i);
		cr_assert_eq(a[i].iface, 1, "loopback ifindex");
		/* both stamps on one clock (CLOCK_MONOTONIC): causal and close,
		 * far from the decades between clocks; not a latency bound */
		cr_assert(a[i].recv_ns >= a[i].send_ns && a[i].recv_ns - a[i].send_ns < 10000 * MS,
			  "latency of %zu: %lld ns", i, (long long)(a[i].recv_ns - a[i].send_ns));
	}
	free(a);
}

Test(tg_io, refused_sends_are_counted_not_fatal)
{
	/* an IPv4-mapped destination from a socket bound to ::1 has no route:
	 * ENETUNREACH from the local stack, as during a handover */
	struct tg_send_cfg cfg = { .flow_hash = 1, .size = 64, .has_src = true,
		.pace = { .pattern = TG_PATTERN_CBR, .rate_pps = 1000, .duration_ns = 10 * MS } };
	struct tg_send_result res;
	const char *why = NULL;
	cr_assert_eq(tg_io_resolve("::1", 0, &cfg.src, &why), 0);
	cr_assert_eq(tg_io_resolve("::ffff:192.0.2.1", 9, &cfg.dst, &why), 0);
	cr_assert_eq(tg_io_send_run(&cfg, &res, &never, &why), 0, "%s", why);
	cr_assert_eq(res.attempted, 10);
	cr_assert_eq(res.send_errors, 10);
	cr_assert_eq(res.sent, 0);
	cr_assert_eq(res.errors[0].count, 10);
	cr_assert_eq(res.errors[0].err, ENETUNREACH);
}

/* --at: nothing leaves before the start time (a lower bound only, no
 * timing upper bound), and a stop during the wait ends it as a failure
 * (no summary: a flow that never began is no flow of 0 packets). Port 9 (discard) on ::1: nobody needs to listen for UDP sends. */
Test(tg_io, start_at_waits_for_its_time)
{
	struct tg_send_cfg cfg = { .flow_hash = tg_flow_hash("at-flow"), .size = 64,
		.pace = { .pattern = TG_PATTERN_CBR, .rate_pps = 100, .duration_ns = 50 * MS } };
	struct tg_send_result res;
	const char *why = NULL;
	cr_assert_eq(tg_io_resolve("::1", 9, &cfg.dst, &why), 0);
	cfg.start_at_ns = tg_io_now_ns() + 200 * MS;
	cr_assert_eq(tg_io_send_run(&cfg, &res, &never, &why), 0, "%s", why);
	cr_assert_eq(res.attempted, 5);
	cr_assert_geq(res.first_send_ns, cfg.start_at_ns);
	cr_assert_geq(res.start_ns, cfg.start_at_ns);
}

static volatile sig_atomic_t stopped = 1;

Test(tg_io, stop_during_start_wait_sends_nothing)
{
	struct tg_send_cfg cfg = { .flow_hash = tg_flow_hash("at-flow"), .size = 64,
		.pace = { .pattern = TG_PATTERN_CBR, .rate_pps = 100, .duration_ns = 50 * MS } };
	struct tg_send_result res;
	const char *why = NULL;
	cr_assert_eq(tg_io_resolve("::1", 9, &cfg.dst, &why), 0);
	cfg.start_at_ns = tg_io_now_ns() + 3600000 * MS;   /* an hour: never reached */
	cr_assert_eq(tg_io_send_run(&cfg, &res, &stopped, &why), -1);
	cr_assert_str_eq(why, "stopped before its start time");
	cr_assert_eq(res.attempted, 0);
}
