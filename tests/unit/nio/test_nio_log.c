/*
 * test_nio_log.c - the log line format and the rate limiter.
 */
#include "nio_test.h"

Test(nio_log, line_is_prog_colon_message_newline, .init = cr_redirect_stderr)
{
	nio_log("magd", "pba status %d", 128);
	fflush(stderr);
	cr_assert_stderr_eq_str("magd: pba status 128\n");
}

Test(nio_log, ratelimit_allows_one_per_interval_and_counts_the_rest)
{
	struct nio_ratelimit r = { .interval_ns = 1000 };
	unsigned long sup = 99;

	cr_assert(nio_ratelimit_ok(&r, 5000, &sup));
	cr_assert_eq(sup, 0);
	cr_assert_not(nio_ratelimit_ok(&r, 5001, &sup));
	cr_assert_not(nio_ratelimit_ok(&r, 5999, &sup));
	cr_assert(nio_ratelimit_ok(&r, 6000, &sup));
	cr_assert_eq(sup, 2);
	cr_assert_not(nio_ratelimit_ok(&r, 6500, &sup));
}

Test(nio_sysctl, key_leaving_proc_sys_is_refused)
{
	char v[8];

	errno = 0;
	cr_assert_eq(nio_sysctl_set("../../etc/passwd", "x"), -1);
	cr_assert_eq(errno, EINVAL);
	cr_assert_eq(nio_sysctl_get("/etc/passwd", v, sizeof v), -1);
	cr_assert_eq(nio_sysctl_get("net..ipv6", v, sizeof v), -1);
}

Test(nio_sysctl, dotted_and_slashed_keys_read_the_same_file)
{
	char a[32], b[32];

	cr_assert_eq(nio_sysctl_get("net.ipv6.conf.lo.mtu", a, sizeof a), 0);
	cr_assert_eq(nio_sysctl_get("net/ipv6/conf/lo/mtu", b, sizeof b), 0);
	cr_assert_str_eq(a, b);
	cr_assert_gt(atoi(a), 1279, "lo mtu %s", a);
}

Test(nio_sysctl, set_writes_the_value_read_back)
{
	char v[16];

	nio_test_netns();
	cr_assert_eq(nio_sysctl_set("net.ipv6.conf.all.forwarding", "1"), 0);
	cr_assert_eq(nio_sysctl_get("net.ipv6.conf.all.forwarding", v, sizeof v), 0);
	cr_assert_str_eq(v, "1");
	cr_assert_eq(nio_sysctl_set("net.ipv6.conf.nosuchif.forwarding", "1"), -1);
	cr_assert_eq(errno, ENOENT);
}

Test(nio_time, monotonic_clock_advances_and_realtime_is_after_2020)
{
	uint64_t a = nio_now_ns(), b;

	usleep(1000);
	b = nio_now_ns();
	cr_assert(b - a >= 1000000 && b - a < 1000000000ull, "%llu", (unsigned long long)(b - a));
	cr_assert_gt(nio_realtime_ns(), 1577836800ull * 1000000000ull);
}
