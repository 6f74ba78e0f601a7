/*
 * tg_pace.c - when trafgen sends packet k: constant bit rate, on/off, or
 * bursts. Pure: the sender turns these offsets into absolute deadlines
 * (clock_nanosleep TIMER_ABSTIME), so pacing never drifts.
 */
#include <math.h>
#include <string.h>

#include "tg.h"

static const char *const pattern_names[] = {
	[TG_PATTERN_CBR] = "cbr",
	[TG_PATTERN_ONOFF] = "onoff",
	[TG_PATTERN_BURST] = "burst",
};

const char *tg_pattern_name(enum tg_pattern p)
{
	if ((unsigned)p < sizeof pattern_names / sizeof pattern_names[0])
		return pattern_names[p];
	return "?";
}

int tg_pattern_parse(const char *s, enum tg_pattern *p)
{
	for (unsigned i = 0; i < sizeof pattern_names / sizeof pattern_names[0]; i++)
		if (strcmp(s, pattern_names[i]) == 0) {
			*p = (enum tg_pattern)i;
			return 0;
		}
	return -1;
}

int tg_pace_check(const struct tg_pace *p, const char **why)
{
	if (!(p->rate_pps > 0) || !isfinite(p->rate_pps) || p->rate_pps > 1e7) {
		*why = "rate must be in (0, 10000000] packets per second";
		return -1;
	}
	if (p->pattern == TG_PATTERN_ONOFF && (p->on_ns == 0 || p->off_ns == 0)) {
		*why = "onoff needs --on and --off greater than zero";
		return -1;
	}
	if (p->pattern == TG_PATTERN_BURST && p->burst == 0) {
		*why = "burst needs --burst N greater than zero";
		return -1;
	}
	if ((unsigned)p->pattern > TG_PATTERN_BURST) {
		*why = "unknown pattern";
		return -1;
	}
	return 0;
}

static uint64_t interval_ns(double rate_pps, uint64_t k)
{
	return (uint64_t)((double)k * 1e9 / rate_pps);
}

/* ONOFF: as many packets per on period as fit at the rate (at least one). */
static uint64_t onoff_per_period(const struct tg_pace *p)
{
	uint64_t n = (uint64_t)((double)p->on_ns * p->rate_pps / 1e9);
	return n ? n : 1;
}

uint64_t tg_pace_deadline_ns(const struct tg_pace *p, uint64_t k)
{
	switch (p->pattern) {
	case TG_PATTERN_CBR:
		return interval_ns(p->rate_pps, k);
	case TG_PATTERN_ONOFF: {
		uint64_t n = onoff_per_period(p);
		return (k / n) * (p->on_ns + p->off_ns) + interval_ns(p->rate_pps, k % n);
	}
	case TG_PATTERN_BURST: {
		/* bursts of `burst` packets, spaced so the mean rate is rate_pps */
		uint64_t b = p->burst ? p->burst : 1;
		return interval_ns(p->rate_pps, (k / b) * b);
	}
	}
	return UINT64_MAX;
}

uint64_t tg_pace_count(const struct tg_pace *p)
{
	if (p->duration_ns == 0 || tg_pace_deadline_ns(p, 0) >= p->duration_ns)
		return 0;
	/* deadlines never decrease: find the first k at or past the end */
	uint64_t lo = 0, hi = 1;
	while (tg_pace_deadline_ns(p, hi) < p->duration_ns)
		hi *= 2;
	while (hi - lo > 1) {
		uint64_t mid = lo + (hi - lo) / 2;
		if (tg_pace_deadline_ns(p, mid) < p->duration_ns)
			lo = mid;
		else
			hi = mid;
	}
	return hi;
}
