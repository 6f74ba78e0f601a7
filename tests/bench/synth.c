/*
 * synth.c - synthetic mobile nodes and helpers of the PMIPv6 bench
 * programs (see synth.h). Must not: be part of any daemon.
 */
#include "synth.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

const char *bench_mn_id(char *buf, size_t cap, unsigned i)
{
	snprintf(buf, cap, "mn%07u@bench.example", i);
	return buf;
}

void bench_pbu(struct mh_msg *m, unsigned i, uint16_t seq, const struct mh_prefix *hnp,
	       uint8_t hi, uint64_t realtime_ns)
{
	struct mh_group *g = &m->group[0];
	char id[64];

	mh_msg_init(m, MH_TYPE_BU);
	m->seq = seq;
	m->bu_flags = MH_BU_A | MH_BU_P;        /* RFC 5213 8.1 */
	m->lifetime = BENCH_LIFETIME_S / 4;     /* units of 4 s (RFC 6275 6.1.7) */
	mh_set_mn_id(m, bench_mn_id(id, sizeof(id), i));
	m->has_timestamp = realtime_ns != 0;
	m->timestamp = mh_timestamp_from_ns(realtime_ns);
	m->n_groups = 1;
	g->has_mn_ll_id = true;
	g->mn_ll_id_len = 6;
	memcpy(g->mn_ll_id, (uint8_t[6]){ 0x02, 0xbe, (uint8_t)(i >> 24), (uint8_t)(i >> 16),
					  (uint8_t)(i >> 8), (uint8_t)i }, 6);
	g->has_hi = true;
	g->hi = hi;
	g->has_att = true;
	g->att = MH_ATT_WLAN;
	g->n_hnp = 1;
	memset(&g->hnp[0], 0, sizeof(g->hnp[0]));
	if (hnp)
		g->hnp[0] = *hnp;
}

void bench_pba_mirror(struct mh_msg *pba, const struct mh_msg *pbu)
{
	mh_msg_init(pba, MH_TYPE_BA);
	pba->ba_flags = MH_BA_P;                /* RFC 5213 8.2 */
	pba->seq = pbu->seq;
	pba->lifetime = pbu->lifetime;
	pba->has_mn_id = pbu->has_mn_id;
	pba->mn_id_subtype = pbu->mn_id_subtype;
	pba->mn_id_len = pbu->mn_id_len;
	memcpy(pba->mn_id, pbu->mn_id, pbu->mn_id_len);
	pba->has_timestamp = pbu->has_timestamp;
	pba->timestamp = pbu->timestamp;
	pba->n_groups = pbu->n_groups ? pbu->n_groups : 1;
	memcpy(pba->group, pbu->group, sizeof(pba->group));
}

uint64_t bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

uint64_t bench_realtime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

size_t bench_rss_bytes(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	unsigned long size, resident;
	int n;

	if (!f)
		return 0;
	n = fscanf(f, "%lu %lu", &size, &resident);
	fclose(f);
	return n == 2 ? resident * (size_t)sysconf(_SC_PAGESIZE) : 0;
}

struct in6_addr bench_addr(const char *s)
{
	struct in6_addr a;

	if (inet_pton(AF_INET6, s, &a) != 1) {
		fprintf(stderr, "bench: bad address %s\n", s);
		exit(2);
	}
	return a;
}
