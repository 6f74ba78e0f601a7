/*
 * link_rng.h - seeded random streams for the link models.
 *
 * Owns: xoshiro256** seeded through splitmix64, and the deviates the
 * models need (uniform, normal, pareto). Must not: read clocks, /dev/urandom
 * or any global state; a stream is a value the caller owns.
 */
#ifndef PMIPEMU_LINK_RNG_H
#define PMIPEMU_LINK_RNG_H

#include <stdint.h>

struct link_rng {
	uint64_t s[4];
};

/* One stream per (topology seed, link index, direction): the same triple
 * always gives the same sequence, whatever other links carry. */
void link_rng_seed(struct link_rng *r, uint64_t seed, uint32_t link, uint32_t dir);

uint64_t link_rng_next(struct link_rng *r);
/* Uniform in [0, 1), 53 bits. */
double link_rng_uniform(struct link_rng *r);
/* true with probability p (p <= 0: never, p >= 1: always, no draw then). */
int link_rng_chance(struct link_rng *r, double p);
/* Standard normal N(0, 1) (Box-Muller, one output per two uniforms). */
double link_rng_normal(struct link_rng *r);
/* Pareto with shape alpha > 0 and scale xm > 0: P(X > x) = (xm/x)^alpha. */
double link_rng_pareto(struct link_rng *r, double alpha, double xm);

#endif
