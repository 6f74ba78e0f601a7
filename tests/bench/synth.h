/*
 * synth.h - what the PMIPv6 bench programs (tests/bench/bench_*.c)
 * share: the PBUs a MAG would send for MN number i, the echo baseline's PBA,
 * the clock and the process's resident memory.
 *
 * Owns: the bench's synthetic mobile nodes (MN-ID, MN-LL-ID, addresses).
 * Must not: be linked into the daemons; measure anything itself.
 */
#ifndef PMIPEMU_BENCH_SYNTH_H
#define PMIPEMU_BENCH_SYNTH_H

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include "pmip/mh.h"

/* The LMA and the one MAG of every bench (documentation prefix, RFC 3849). */
#define BENCH_LMAA     "2001:db8:1::1"
#define BENCH_MAG_ADDR "2001:db8:1::2"
/* Pool the LMA hands /64s out of: 2^24 of them, enough for 1M MNs. */
#define BENCH_POOL     "2001:db8:100::"
#define BENCH_POOL_LEN 40
#define BENCH_LIFETIME_S 3600u

/* "mn%07u@bench.example" into buf; returns buf. */
const char *bench_mn_id(char *buf, size_t cap, unsigned i);

/* The PBU MN i's MAG sends (RFC 5213 6.9.1.1, 8.1): flags A and P, MN-ID,
 * MN-LL-ID, Handoff Indicator hi, ATT WLAN, one HNP: hnp, or ::/0 (ask the
 * LMA to assign one, 6.9.1.1) when hnp is NULL; a Timestamp option (8.8,
 * the RFC's default ordering, 5.5) of realtime_ns unless it is 0. */
void bench_pbu(struct mh_msg *m, unsigned i, uint16_t seq, const struct mh_prefix *hnp,
	       uint8_t hi, uint64_t realtime_ns);

/* The no-op responder's PBA: mirrors the PBU as 5.3.6 says the LMA's does
 * (sequence number, MN-ID, options of each group), status accepted. */
void bench_pba_mirror(struct mh_msg *pba, const struct mh_msg *pbu);

uint64_t bench_now_ns(void);            /* CLOCK_MONOTONIC */
uint64_t bench_realtime_ns(void);       /* CLOCK_REALTIME, for timestamps */
/* Resident set size of this process (/proc/self/statm), bytes; 0 on error. */
size_t bench_rss_bytes(void);
/* inet_pton or exit: the bench's own constants. */
struct in6_addr bench_addr(const char *s);

#endif
