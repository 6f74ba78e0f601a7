/*
 * nio_time.c - the daemons' clocks.
 *
 * Owns: reading CLOCK_MONOTONIC (every deadline and event stamp) and
 * CLOCK_REALTIME (RFC 5213 5.5 timestamps are NTP-format wall clock).
 * Must not: be called from engines; they get now_ns as an argument.
 */
#include <time.h>

#include "nio.h"

static uint64_t nio_clock_ns(clockid_t id)
{
	struct timespec ts;

	/* Both clocks always exist on Linux: no error path to report. */
	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t nio_now_ns(void)
{
	return nio_clock_ns(CLOCK_MONOTONIC);
}

uint64_t nio_realtime_ns(void)
{
	return nio_clock_ns(CLOCK_REALTIME);
}
