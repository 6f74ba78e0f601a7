/*
 * units.c - written-out units of the topology file (units.h).
 *
 * Owns: strict parsing of times, rates, probabilities, sizes, queue limits
 * and packet rates, and formatting of times. Must not: log, allocate, or
 * accept anything sloppy: a bare number where a unit is due, a sign,
 * an exponent, blanks, trailing garbage or an overflow is an error with a
 * short reason. Numbers are decimal fixed point, kept in integers so that
 * "1.5s" is exactly 1500000000 ns.
 */
#include "units.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define UNITS_MAX_DIGITS 18         /* 10^18 < 2^63: the mantissa never overflows */

struct units_num {
	uint64_t mant;              /* all digits, decimal point removed */
	unsigned frac;              /* digits after the point */
};

struct units_suffix {
	const char *name;
	uint64_t mult;
};

/* Reads [0-9]+(.[0-9]+)? from s; *end points after it. */
static int units_read_num(const char *s, struct units_num *n, const char **end,
			  const char **why)
{
	unsigned digits = 0;
	bool point = false;

	n->mant = 0;
	n->frac = 0;
	if (*s == '-') {
		*why = "negative value";
		return -1;
	}
	if (*s < '0' || *s > '9') {
		*why = *s ? "expected a number" : "empty value";
		return -1;
	}
	for (; *s; s++) {
		if (*s == '.' && !point) {
			point = true;
			if (s[1] < '0' || s[1] > '9') {
				*why = "expected a digit after '.'";
				return -1;
			}
			continue;
		}
		if (*s < '0' || *s > '9')
			break;
		if (++digits > UNITS_MAX_DIGITS) {
			*why = "too many digits";
			return -1;
		}
		n->mant = n->mant * 10 + (uint64_t)(*s - '0');
		if (point)
			n->frac++;
	}
	*end = s;
	return 0;
}

static uint64_t units_pow10(unsigned e)
{
	uint64_t p = 1;

	while (e--)
		p *= 10;
	return p;
}

/* mant / 10^frac * mult, exactly; fails on overflow or a fraction left over. */
static int units_scale(const struct units_num *n, uint64_t mult, uint64_t *out,
		       const char *finer, const char **why)
{
	uint64_t prod, div = units_pow10(n->frac);

	if (__builtin_mul_overflow(n->mant, mult, &prod)) {
		*why = "value too large";
		return -1;
	}
	if (prod % div) {
		*why = finer;
		return -1;
	}
	*out = prod / div;
	return 0;
}

static const struct units_suffix *units_find(const struct units_suffix *tab,
					     const char *suffix)
{
	for (; tab->name; tab++)
		if (strcmp(tab->name, suffix) == 0)
			return tab;
	return NULL;
}

/* Parses number + suffix from tab; a missing suffix is `bare` (NULL: allowed
 * with multiplier bare_mult). */
static int units_parse_scaled(const char *s, const struct units_suffix *tab,
			      const char *bare, uint64_t bare_mult,
			      const char *unknown, const char *finer,
			      uint64_t *out, const char **why)
{
	struct units_num n;
	const struct units_suffix *u;
	const char *end;

	if (!s) {
		*why = "empty value";
		return -1;
	}
	if (units_read_num(s, &n, &end, why) < 0)
		return -1;
	if (*end == '\0') {
		if (bare) {
			*why = bare;
			return -1;
		}
		return units_scale(&n, bare_mult, out, finer, why);
	}
	u = units_find(tab, end);
	if (!u) {
		*why = unknown;
		return -1;
	}
	return units_scale(&n, u->mult, out, finer, why);
}

static const struct units_suffix units_time[] = {
	{ "ns", 1 }, { "us", 1000 }, { "ms", 1000000 },
	{ "s", 1000000000 }, { "min", 60000000000ULL }, { NULL, 0 },
};

int units_parse_time(const char *s, uint64_t *ns, const char **why)
{
	return units_parse_scaled(s, units_time,
				  "missing unit (ns, us, ms, s, min)", 0,
				  "unknown unit (ns, us, ms, s, min)",
				  "finer than 1ns", ns, why);
}

static const struct units_suffix units_rate[] = {
	{ "bit", 1 }, { "kbit", 1000 }, { "Mbit", 1000000 }, { "Gbit", 1000000000 },
	{ "bit/s", 1 }, { "kbit/s", 1000 }, { "Mbit/s", 1000000 },
	{ "Gbit/s", 1000000000 }, { NULL, 0 },
};

int units_parse_rate(const char *s, uint64_t *bps, const char **why)
{
	return units_parse_scaled(s, units_rate,
				  "missing unit (bit, kbit, Mbit, Gbit)", 0,
				  "unknown unit (bit, kbit, Mbit, Gbit)",
				  "finer than 1bit/s", bps, why);
}

int units_parse_prob(const char *s, double *p, const char **why)
{
	struct units_num n;
	const char *end;
	double v;

	if (!s) {
		*why = "empty value";
		return -1;
	}
	if (units_read_num(s, &n, &end, why) < 0)
		return -1;
	v = (double)n.mant / (double)units_pow10(n.frac);
	if (strcmp(end, "%") == 0) {
		v /= 100.0;
		if (v > 1.0) {
			*why = "above 100%";
			return -1;
		}
	} else if (*end == '\0') {
		if (v > 1.0) {
			*why = "above 1 (write a fraction in [0,1] or a percentage)";
			return -1;
		}
	} else {
		*why = "expected a percentage (1%) or a fraction (0.01)";
		return -1;
	}
	*p = v;
	return 0;
}

/* SI multiples (KB = 1000 B) and binary ones (KiB = 1024 B). */
static const struct units_suffix units_bytes[] = {
	{ "B", 1 }, { "KB", 1000 }, { "MB", 1000000 }, { "GB", 1000000000 },
	{ "KiB", 1024 }, { "MiB", 1048576 }, { "GiB", 1073741824 }, { NULL, 0 },
};

int units_parse_size(const char *s, uint64_t *bytes, const char **why)
{
	return units_parse_scaled(s, units_bytes, NULL, 1,
				  "unknown unit (B, KB, MB, GB, KiB, MiB, GiB)",
				  "not a whole number of bytes", bytes, why);
}

static const struct units_suffix units_pkts[] = {
	{ "p", 1 }, { "pkt", 1 }, { NULL, 0 },
};

int units_parse_limit(const char *s, uint32_t *pkts, uint64_t *bytes, const char **why)
{
	struct units_num n;
	const char *end;
	uint64_t v;

	if (!s) {
		*why = "empty value";
		return -1;
	}
	if (units_read_num(s, &n, &end, why) < 0)
		return -1;
	if (*end == '\0') {
		*why = "missing unit (p for packets, or B, KB, ...)";
		return -1;
	}
	if (units_find(units_pkts, end)) {
		if (units_scale(&n, 1, &v, "not a whole number of packets", why) < 0)
			return -1;
		if (v > UINT32_MAX) {
			*why = "value too large";
			return -1;
		}
		*pkts = (uint32_t)v;
		*bytes = 0;
		return 0;
	}
	if (units_parse_scaled(s, units_bytes, NULL, 1,
			       "unknown unit (p, B, KB, MB, KiB, MiB)",
			       "not a whole number of bytes", &v, why) < 0)
		return -1;
	*pkts = 0;
	*bytes = v;
	return 0;
}

static const struct units_suffix units_pps[] = {
	{ "pps", 1000 }, { "kpps", 1000000 }, { "Mpps", 1000000000 }, { NULL, 0 },
};

int units_parse_pps(const char *s, double *pps, const char **why)
{
	uint64_t milli;             /* kept in milli-packets per second */

	if (units_parse_scaled(s, units_pps, "missing unit (pps, kpps, Mpps)", 0,
			       "unknown unit (pps, kpps, Mpps)",
			       "finer than 0.001pps", &milli, why) < 0)
		return -1;
	*pps = (double)milli / 1000.0;
	return 0;
}

/* Largest unit that keeps the value >= 1, with up to 3 decimals, exact. */
const char *units_fmt_time(uint64_t ns, char *buf, unsigned len)
{
	static const struct units_suffix fmt[] = {
		{ "s", 1000000000 }, { "ms", 1000000 }, { "us", 1000 }, { NULL, 0 },
	};
	const struct units_suffix *u;

	for (u = fmt; u->name; u++) {
		uint64_t milli = u->mult / 1000;
		if (ns < u->mult || ns % milli)
			continue;
		uint64_t whole = ns / u->mult, frac = (ns % u->mult) / milli;
		if (frac == 0)
			snprintf(buf, len, "%llu%s", (unsigned long long)whole, u->name);
		else {
			int digits = 3;
			while (frac % 10 == 0) {
				frac /= 10;
				digits--;
			}
			snprintf(buf, len, "%llu.%0*llu%s", (unsigned long long)whole,
				 digits, (unsigned long long)frac, u->name);
		}
		return buf;
	}
	snprintf(buf, len, "%lluns", (unsigned long long)ns);
	return buf;
}
