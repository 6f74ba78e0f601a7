/*
 * test_units.c - written-out units (emu/topo/units.c): each accepted form gives
 * the exact value, each sloppy form is refused with its reason.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "topo/units.h"

static uint64_t time_ok(const char *s)
{
	uint64_t ns = 0;
	const char *why = NULL;

	cr_assert_eq(units_parse_time(s, &ns, &why), 0, "%s: %s", s, why ? why : "");
	return ns;
}

static const char *time_bad(const char *s)
{
	uint64_t ns = 12345;
	const char *why = NULL;

	cr_assert_eq(units_parse_time(s, &ns, &why), -1, "%s accepted", s);
	cr_assert_eq(ns, 12345, "%s: output written on error", s);
	cr_assert_not_null(why);
	return why;
}

Test(units, time_suffixes_scale_exactly)
{
	cr_assert_eq(time_ok("10ms"), 10000000ULL);
	cr_assert_eq(time_ok("250us"), 250000ULL);
	cr_assert_eq(time_ok("2s"), 2000000000ULL);
	cr_assert_eq(time_ok("1.5s"), 1500000000ULL);
	cr_assert_eq(time_ok("7ns"), 7ULL);
	cr_assert_eq(time_ok("2min"), 120000000000ULL);
	cr_assert_eq(time_ok("0s"), 0ULL);
	cr_assert_eq(time_ok("0.001ms"), 1000ULL);
}

Test(units, time_bare_number_is_refused)
{
	cr_assert_str_eq(time_bad("10"), "missing unit (ns, us, ms, s, min)");
}

Test(units, time_negative_is_refused)
{
	cr_assert_str_eq(time_bad("-1s"), "negative value");
}

Test(units, time_trailing_garbage_and_unknown_unit_are_refused)
{
	cr_assert_str_eq(time_bad("10msx"), "unknown unit (ns, us, ms, s, min)");
	cr_assert_str_eq(time_bad("10 ms"), "unknown unit (ns, us, ms, s, min)");
	cr_assert_str_eq(time_bad("10h"), "unknown unit (ns, us, ms, s, min)");
}

Test(units, time_malformed_numbers_are_refused)
{
	cr_assert_str_eq(time_bad(""), "empty value");
	cr_assert_str_eq(time_bad("ms"), "expected a number");
	cr_assert_str_eq(time_bad(" 1s"), "expected a number");
	cr_assert_str_eq(time_bad("+1s"), "expected a number");
	cr_assert_str_eq(time_bad("1.s"), "expected a digit after '.'");
	cr_assert_str_eq(time_bad("1e3ms"), "unknown unit (ns, us, ms, s, min)");
	cr_assert_str_eq(time_bad("1.2.3s"), "unknown unit (ns, us, ms, s, min)");
}

Test(units, time_overflow_is_refused)
{
	cr_assert_str_eq(time_bad("99999999999s"), "value too large");
	cr_assert_str_eq(time_bad("1234567890123456789s"), "too many digits");
	cr_assert_eq(time_ok("18446744073ms"), 18446744073000000ULL);
}

Test(units, time_below_a_nanosecond_is_refused)
{
	cr_assert_str_eq(time_bad("1.5ns"), "finer than 1ns");
}

Test(units, rate_accepts_with_and_without_per_second)
{
	uint64_t bps = 0;
	const char *why;

	cr_assert_eq(units_parse_rate("10Mbit", &bps, &why), 0);
	cr_assert_eq(bps, 10000000ULL);
	cr_assert_eq(units_parse_rate("10Mbit/s", &bps, &why), 0);
	cr_assert_eq(bps, 10000000ULL);
	cr_assert_eq(units_parse_rate("1.5Gbit", &bps, &why), 0);
	cr_assert_eq(bps, 1500000000ULL);
	cr_assert_eq(units_parse_rate("64kbit", &bps, &why), 0);
	cr_assert_eq(bps, 64000ULL);
}

Test(units, rate_bare_number_and_bytes_are_refused)
{
	uint64_t bps = 0;
	const char *why = NULL;

	cr_assert_eq(units_parse_rate("1000", &bps, &why), -1);
	cr_assert_str_eq(why, "missing unit (bit, kbit, Mbit, Gbit)");
	cr_assert_eq(units_parse_rate("10MB", &bps, &why), -1);
	cr_assert_str_eq(why, "unknown unit (bit, kbit, Mbit, Gbit)");
}

Test(units, prob_percent_and_fraction)
{
	double p = -1;
	const char *why;

	cr_assert_eq(units_parse_prob("1%", &p, &why), 0);
	cr_assert_float_eq(p, 0.01, 1e-12);
	cr_assert_eq(units_parse_prob("0.01", &p, &why), 0);
	cr_assert_float_eq(p, 0.01, 1e-12);
	cr_assert_eq(units_parse_prob("100%", &p, &why), 0);
	cr_assert_float_eq(p, 1.0, 1e-12);
	cr_assert_eq(units_parse_prob("0.5%", &p, &why), 0);
	cr_assert_float_eq(p, 0.005, 1e-12);
}

Test(units, prob_out_of_range_is_refused)
{
	double p = 0;
	const char *why = NULL;

	cr_assert_eq(units_parse_prob("120%", &p, &why), -1);
	cr_assert_str_eq(why, "above 100%");
	cr_assert_eq(units_parse_prob("1.5", &p, &why), -1);
	cr_assert_str_eq(why, "above 1 (write a fraction in [0,1] or a percentage)");
	cr_assert_eq(units_parse_prob("-1%", &p, &why), -1);
	cr_assert_str_eq(why, "negative value");
	cr_assert_eq(units_parse_prob("5pc", &p, &why), -1);
	cr_assert_str_eq(why, "expected a percentage (1%) or a fraction (0.01)");
}

Test(units, limit_sets_packets_or_bytes)
{
	uint32_t pkts = 9;
	uint64_t bytes = 9;
	const char *why;

	cr_assert_eq(units_parse_limit("100p", &pkts, &bytes, &why), 0);
	cr_assert_eq(pkts, 100);
	cr_assert_eq(bytes, 0);
	cr_assert_eq(units_parse_limit("64KB", &pkts, &bytes, &why), 0);
	cr_assert_eq(pkts, 0);
	cr_assert_eq(bytes, 64000);
	cr_assert_eq(units_parse_limit("64KiB", &pkts, &bytes, &why), 0);
	cr_assert_eq(bytes, 65536);
	cr_assert_eq(units_parse_limit("100", &pkts, &bytes, &why), -1);
	cr_assert_str_eq(why, "missing unit (p for packets, or B, KB, ...)");
	cr_assert_eq(units_parse_limit("1.5p", &pkts, &bytes, &why), -1);
	cr_assert_str_eq(why, "not a whole number of packets");
}

Test(units, size_unit_is_optional)
{
	uint64_t b = 0;
	const char *why;

	cr_assert_eq(units_parse_size("100B", &b, &why), 0);
	cr_assert_eq(b, 100);
	cr_assert_eq(units_parse_size("1500", &b, &why), 0);
	cr_assert_eq(b, 1500);
	cr_assert_eq(units_parse_size("1KB", &b, &why), 0);
	cr_assert_eq(b, 1000);
	cr_assert_eq(units_parse_size("1Kb", &b, &why), -1);
	cr_assert_eq(units_parse_size("0.5B", &b, &why), -1);
	cr_assert_str_eq(why, "not a whole number of bytes");
}

Test(units, pps_units)
{
	double pps = 0;
	const char *why = NULL;

	cr_assert_eq(units_parse_pps("100pps", &pps, &why), 0);
	cr_assert_float_eq(pps, 100.0, 1e-9);
	cr_assert_eq(units_parse_pps("1kpps", &pps, &why), 0);
	cr_assert_float_eq(pps, 1000.0, 1e-9);
	cr_assert_eq(units_parse_pps("0.5pps", &pps, &why), 0);
	cr_assert_float_eq(pps, 0.5, 1e-9);
	cr_assert_eq(units_parse_pps("100", &pps, &why), -1);
	cr_assert_str_eq(why, "missing unit (pps, kpps, Mpps)");
}

Test(units, fmt_time_picks_the_largest_exact_unit)
{
	char buf[32];

	cr_assert_str_eq(units_fmt_time(10000000ULL, buf, sizeof(buf)), "10ms");
	cr_assert_str_eq(units_fmt_time(1500000000ULL, buf, sizeof(buf)), "1.5s");
	cr_assert_str_eq(units_fmt_time(2000000000ULL, buf, sizeof(buf)), "2s");
	cr_assert_str_eq(units_fmt_time(250000ULL, buf, sizeof(buf)), "250us");
	cr_assert_str_eq(units_fmt_time(1234567ULL, buf, sizeof(buf)), "1234.567us");
	cr_assert_str_eq(units_fmt_time(1050000000ULL, buf, sizeof(buf)), "1.05s");
	cr_assert_str_eq(units_fmt_time(7ULL, buf, sizeof(buf)), "7ns");
	cr_assert_str_eq(units_fmt_time(0ULL, buf, sizeof(buf)), "0ns");
}

Test(units, fmt_time_round_trips_through_parse)
{
	static const uint64_t v[] = { 1, 999, 1000, 1500, 10000000, 1234567,
				      1500000000, 120000000000ULL, 3000000001ULL };
	char buf[32];

	for (size_t i = 0; i < sizeof(v) / sizeof(*v); i++)
		cr_assert_eq(time_ok(units_fmt_time(v[i], buf, sizeof(buf))), v[i], "%s", buf);
}
