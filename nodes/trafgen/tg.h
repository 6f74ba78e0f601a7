/*
 * tg.h - trafgen: UDP/IPv6 test flows with sequence numbers and send times.
 *
 * Owns: the payload format (tg_payload.c), the send schedule (tg_pace.c),
 * the per-packet record file (tg_records.c), flow accounting (tg_stats.c),
 * and the socket shell (tg_io.c). The first four are pure: no sockets, no
 * clocks, no randomness; time comes in as nanoseconds. Only tg_io.c and
 * trafgen.c (main) touch sockets and clocks.
 *
 * Time base: CLOCK_MONOTONIC nanoseconds of the one machine every node runs
 * on, so send and arrival times compare directly. Formats: doc/scenarios.md.
 */
#ifndef PMIPEMU_TG_H
#define PMIPEMU_TG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ---- payload (tg_payload.c) ---------------------------------------------
 * Network byte order, at the start of the UDP payload, padded with zeros to
 * the configured size:
 *   0  magic      u32  0x504d5447 ("PMTG")
 *   4  flow_hash  u32  FNV-1a of the flow id
 *   8  seq        u64  0, 1, 2, ... per flow
 *  16  send_ns    u64  CLOCK_MONOTONIC just before the send call
 */
#define TG_MAGIC        0x504d5447u
#define TG_HDR_LEN      24u
#define TG_SIZE_MAX     65507u      /* largest UDP payload over IPv6 without jumbograms */

struct tg_payload {
	uint32_t flow_hash;
	uint64_t seq;
	uint64_t send_ns;
};

uint32_t tg_flow_hash(const char *flow_id);
/* Writes the header and zero padding into buf[0..len). len >= TG_HDR_LEN. */
int tg_payload_encode(uint8_t *buf, size_t len, const struct tg_payload *p,
		      const char **why);
/* Checks length and magic; never reads past len. */
int tg_payload_decode(const uint8_t *buf, size_t len, struct tg_payload *p,
		      const char **why);

/* ---- send schedule (tg_pace.c) ------------------------------------------ */
enum tg_pattern { TG_PATTERN_CBR, TG_PATTERN_ONOFF, TG_PATTERN_BURST };
const char *tg_pattern_name(enum tg_pattern p);
int tg_pattern_parse(const char *s, enum tg_pattern *p);

struct tg_pace {
	enum tg_pattern pattern;
	double rate_pps;            /* CBR, ONOFF: rate while on; BURST: mean rate */
	uint64_t on_ns, off_ns;     /* ONOFF */
	uint32_t burst;             /* BURST: packets sent back to back */
	uint64_t duration_ns;       /* nothing is scheduled at or after this */
};

int tg_pace_check(const struct tg_pace *p, const char **why);
/* Deadline of packet k, as an offset from the flow's start. Packets of one
 * burst share a deadline. Deadlines never decrease with k. */
uint64_t tg_pace_deadline_ns(const struct tg_pace *p, uint64_t k);
/* Number of packets whose deadline falls before duration_ns. */
uint64_t tg_pace_count(const struct tg_pace *p);

/* ---- arrivals and records (tg_records.c) --------------------------------
 * Receiver record file, CSV, one header line then one line per datagram:
 *   seq,send_ns,recv_ns,ifindex
 * in arrival order; times are CLOCK_MONOTONIC ns, ifindex is the kernel's
 * index of the arrival interface (0 = unknown), names in the JSON summary.
 */
#define TG_RECORDS_HEADER "seq,send_ns,recv_ns,ifindex"

struct tg_arrival {
	uint64_t seq;
	uint64_t send_ns;
	uint64_t recv_ns;
	uint32_t iface;             /* ifindex in files; caller's index after mapping */
};

/* The record file of a receiver summary FILE: FILE with ".json" replaced by
 * ".csv" (or ".csv" appended). -1 if buf is too small. */
int tg_records_path(const char *summary_path, char *buf, size_t len);
int tg_records_write_header(FILE *f);
int tg_records_write(FILE *f, const struct tg_arrival *a);
/* Reads a whole record file. *out is malloc'd (free it). A malformed line
 * fails the read with its line number in why (static buffer). */
int tg_records_read(FILE *f, struct tg_arrival **out, size_t *n,
		    const char **why);

/* ---- accounting (tg_stats.c), pure --------------------------------------
 * Arrivals are given in arrival order. Sequence numbers at or above `sent`
 * are not the flow's (counted as stray). If sent is unknown pass
 * TG_SENT_UNKNOWN: the highest sequence number seen + 1 stands in for it. */
#define TG_SENT_UNKNOWN UINT64_MAX
#define TG_IFACE_MAX    16

struct tg_stats {
	uint64_t sent;              /* as given, or estimated */
	bool sent_estimated;
	uint64_t arrivals;          /* datagrams, duplicates included */
	uint64_t received;          /* unique sequence numbers in [0, sent) */
	uint64_t lost;              /* sent - received */
	uint64_t duplicates;        /* arrivals of a sequence number already seen */
	uint64_t reordered;         /* first arrivals below the highest seen (RFC 4737 3.3) */
	uint64_t stray;             /* sequence numbers >= sent */
	bool has_latency;
	uint64_t lat_p50_ns, lat_p99_ns, lat_max_ns;
	bool has_gap;               /* at least two arrivals */
	uint64_t max_gap_ns;        /* largest time between consecutive arrivals */
	uint64_t max_gap_from_ns;   /* arrival before it (absolute, as given) */
	uint64_t first_recv_ns, last_recv_ns;
	uint64_t by_iface[TG_IFACE_MAX]; /* arrivals per caller iface index */
};

int tg_stats_compute(const struct tg_arrival *a, size_t n, uint64_t sent,
		     struct tg_stats *out, const char **why);

/* Nearest-rank percentile (0 < pct <= 100) of v[0..n), sorts v in place. */
uint64_t tg_stats_percentile(uint64_t *v, size_t n, double pct);

/* Latency percentiles over arrivals with recv_ns in [from_ns, to_ns].
 * Returns the number of arrivals used. */
size_t tg_stats_latency_window(const struct tg_arrival *a, size_t n,
			       uint64_t from_ns, uint64_t to_ns,
			       uint64_t *p50_ns, uint64_t *p99_ns, uint64_t *max_ns);

/* Largest silence overlapping [from_ns, to_ns]: among the last arrival at or
 * before from (else from itself), the arrivals inside, and the first arrival
 * at or after to (else to itself), the largest step between neighbours. A
 * window without any arrival gives to - from. *at_ns = where the gap starts. */
int tg_stats_gap_window(const struct tg_arrival *a, size_t n,
			uint64_t from_ns, uint64_t to_ns,
			uint64_t *gap_ns, uint64_t *at_ns);

/* Loss among packets sent in [from_ns, to_ns] by send time. Send times of
 * lost packets are unknown, so the range of sequence numbers is bounded by
 * received neighbours: from the one after the last received packet sent
 * before from_ns, to the one before the first received packet sent after
 * to_ns (or sent - 1). Packets lost at the edges count for the window. */
struct tg_window_loss {
	uint64_t expected;          /* sequence numbers in the range */
	uint64_t received;          /* of those, received at least once */
	uint64_t lost;
};
int tg_stats_loss_window(const struct tg_arrival *a, size_t n, uint64_t sent,
			 uint64_t from_ns, uint64_t to_ns,
			 struct tg_window_loss *out);

/* Arrivals with recv_ns in [from_ns, to_ns] per caller iface index;
 * counts[TG_IFACE_MAX] is zeroed first. Returns the total. */
uint64_t tg_stats_iface_window(const struct tg_arrival *a, size_t n,
			       uint64_t from_ns, uint64_t to_ns,
			       uint64_t counts[TG_IFACE_MAX]);

/* Arrivals per time bin and iface: bin b covers [t0 + b*bin, t0 + (b+1)*bin).
 * counts is n_bins * TG_IFACE_MAX, row-major by bin, zeroed first. Arrivals
 * outside all bins are ignored. */
int tg_stats_bins(const struct tg_arrival *a, size_t n, uint64_t t0_ns,
		  uint64_t bin_ns, size_t n_bins, uint32_t *counts);

#endif
