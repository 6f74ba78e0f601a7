/*
 * link_rng.c - xoshiro256** (Blackman and Vigna) seeded by splitmix64.
 *
 * Owns: the bit generator and its deviates. Must not: use the C library's generator, clocks
 * or hidden state; every draw goes through a struct link_rng.
 */
#include <math.h>

#include "link_rng.h"

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

void link_rng_seed(struct link_rng *r, uint64_t seed, uint32_t link, uint32_t dir)
{
	/* Mix the stream id through one splitmix step of its own, so streams
	 * (seed, n) and (seed + 1, n - 1) share no state. */
	uint64_t id = ((uint64_t)link << 1) | (dir & 1);
	uint64_t x = seed ^ splitmix64(&id);

	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
	/* xoshiro must not start all-zero; splitmix64 output never is in
	 * practice, but keep the invariant explicit. */
	if (!(r->s[0] | r->s[1] | r->s[2] | r->s[3]))
		r->s[0] = 1;
}

uint64_t link_rng_next(struct link_rng *r)
{
	uint64_t *s = r->s;
	uint64_t out = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return out;
}

double link_rng_uniform(struct link_rng *r)
{
	return (double)(link_rng_next(r) >> 11) * 0x1.0p-53;
}

int link_rng_chance(struct link_rng *r, double p)
{
	if (p <= 0)
		return 0;
	if (p >= 1)
		return 1;
	return link_rng_uniform(r) < p;
}

double link_rng_normal(struct link_rng *r)
{
	double u1 = 1.0 - link_rng_uniform(r);     /* (0, 1]: log is finite */
	double u2 = link_rng_uniform(r);

	return sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
}

double link_rng_pareto(struct link_rng *r, double alpha, double xm)
{
	double u = 1.0 - link_rng_uniform(r);      /* (0, 1] */

	return xm * pow(u, -1.0 / alpha);
}
