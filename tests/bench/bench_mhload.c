/*
 * bench_mhload.c - `make bench` table 4b: PBU/PBA transactions over real
 * Mobility Header sockets (nio_mh_open), against lmad or an echo responder.
 *
 *   bench_mhload load SRC DST N K SECONDS
 *       as a MAG at SRC: registers N MNs with the LMA at DST (HI 1, HNP
 *       ::/0), then refreshes them round robin (HI 5, the prefix the PBA
 *       gave) for SECONDS, keeping K PBUs outstanding. One row a phase:
 *       transactions, per second, latency p50/p99 (us), lost (no PBA in
 *       BENCH_TIMEOUT_MS), rejected (status not 0).
 *   bench_mhload echo ADDR
 *       the baseline responder: decode the PBU, mirror it as an accepted
 *       PBA (bench_pba_mirror), encode, send; until SIGTERM.
 *
 * Owns: the load generator and the echo. Must not: judge a number.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/nio.h"
#include "synth.h"

#define MH_BUF 2048
#define BENCH_TIMEOUT_MS 500

struct mn_state {
	uint16_t seq;
	bool outstanding, registered;
	uint64_t sent_ns;
	struct mh_prefix hnp;
};

struct load {
	int fd;
	struct in6_addr src, dst;
	struct mn_state *mn;
	size_t n, k, next, outstanding;
	uint64_t *lat_ns;               /* this phase's latencies */
	size_t n_lat, cap_lat;
	size_t lost, rejected, send_errors;
};

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static void *xrealloc(void *p, size_t size)
{
	p = realloc(p, size);
	if (!p) {
		fprintf(stderr, "bench_mhload: out of memory\n");
		exit(1);
	}
	return p;
}

/* MN number from "mn%07u@...", or -1. */
static long mn_index(const struct mh_msg *m, size_t n)
{
	char id[MH_MN_ID_MAX + 1];
	unsigned long i;

	if (!m->has_mn_id || m->mn_id_len < 3)
		return -1;
	memcpy(id, m->mn_id, m->mn_id_len);
	id[m->mn_id_len] = 0;
	if (sscanf(id, "mn%lu@", &i) != 1 || i >= n)
		return -1;
	return (long)i;
}

static int send_pbu(struct load *ld, size_t i, uint64_t now_ns)
{
	struct mn_state *s = &ld->mn[i];
	uint8_t buf[MH_BUF];
	struct mh_msg m;
	const char *why = NULL;
	int len;

	s->seq++;
	if (s->registered)      /* RFC 5213 6.9.1.1: refresh, same prefix, HI 5 */
		bench_pbu(&m, (unsigned)i, s->seq, &s->hnp, MH_HI_NOT_CHANGED, bench_realtime_ns());
	else
		bench_pbu(&m, (unsigned)i, s->seq, NULL, MH_HI_ATTACH_NEW_IFACE,
			  bench_realtime_ns());
	len = mh_encode(&m, NULL, NULL, buf, sizeof(buf), &why);
	if (len < 0 || nio_mh_send(ld->fd, &ld->src, &ld->dst, buf, (size_t)len) < 0) {
		ld->send_errors++;
		return -1;
	}
	s->outstanding = true;
	s->sent_ns = now_ns;
	ld->outstanding++;
	return 0;
}

/* Keep K outstanding: the next MNs (round robin) that want a PBU. */
static void fill(struct load *ld, bool reg_phase, uint64_t now_ns)
{
	for (size_t tries = 0; ld->outstanding < ld->k && tries < ld->n; tries++) {
		size_t i = ld->next;

		ld->next = (ld->next + 1) % ld->n;
		if (ld->mn[i].outstanding || (reg_phase && ld->mn[i].registered))
			continue;
		if (send_pbu(ld, i, now_ns) < 0)
			return;
	}
}

static void on_pba(struct load *ld, const struct mh_msg *m, uint64_t now_ns)
{
	long i = m->type == MH_TYPE_BA ? mn_index(m, ld->n) : -1;
	struct mn_state *s;

	if (i < 0)
		return;
	s = &ld->mn[i];
	if (!s->outstanding || m->seq != s->seq)
		return;                 /* late answer to a PBU counted lost */
	s->outstanding = false;
	ld->outstanding--;
	if (ld->n_lat == ld->cap_lat) {
		ld->cap_lat = ld->cap_lat ? 2 * ld->cap_lat : 4096;
		ld->lat_ns = xrealloc(ld->lat_ns, ld->cap_lat * sizeof(*ld->lat_ns));
	}
	ld->lat_ns[ld->n_lat++] = now_ns - s->sent_ns;
	if (m->status != PBA_STATUS_ACCEPTED) {
		ld->rejected++;
		return;
	}
	s->registered = true;
	if (m->n_groups && m->group[0].n_hnp)
		s->hnp = m->group[0].hnp[0];
}

static void drain(struct load *ld)
{
	uint8_t buf[MH_BUF];
	struct mh_msg m;

	for (;;) {
		const char *why = NULL;
		ssize_t n = nio_mh_recv(ld->fd, buf, sizeof(buf), NULL, NULL, NULL);

		if (n < 0)
			return;
		if (mh_decode(buf, (size_t)n, NULL, NULL, &m, &why) == 0)
			on_pba(ld, &m, bench_now_ns());
	}
}

static void expire(struct load *ld, uint64_t now_ns)
{
	for (size_t i = 0; i < ld->n; i++) {
		struct mn_state *s = &ld->mn[i];

		if (s->outstanding && now_ns - s->sent_ns > BENCH_TIMEOUT_MS * 1000000ULL) {
			s->outstanding = false;
			ld->outstanding--;
			ld->lost++;
		}
	}
}

static bool all_registered(const struct load *ld)
{
	for (size_t i = 0; i < ld->n; i++)
		if (!ld->mn[i].registered)
			return false;
	return true;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Nearest rank, as tg_stats.c and lib.sh percentiles(): rank ceil(p n). */
static double pct_us(const uint64_t *v, size_t n, double p)
{
	size_t r = (size_t)(p * (double)n / 100.0);

	if (!n)
		return 0.0;
	if ((double)r < p * (double)n / 100.0)
		r++;
	return (double)v[r ? r - 1 : 0] / 1e3;
}

static void phase(struct load *ld, const char *name, bool reg, double max_s)
{
	uint64_t t0 = bench_now_ns(), end = t0 + (uint64_t)(max_s * 1e9), last_exp = t0, now;

	ld->n_lat = ld->lost = ld->rejected = ld->send_errors = 0;
	while (!stop && (now = bench_now_ns()) < end) {
		if (reg && ld->outstanding == 0 && all_registered(ld))
			break;
		fill(ld, reg, now);
		struct pollfd p = { .fd = ld->fd, .events = POLLIN };

		if (poll(&p, 1, 1) > 0)
			drain(ld);
		if (now - last_exp > 10000000ULL) {
			expire(ld, now);
			last_exp = now;
		}
	}
	now = bench_now_ns();
	qsort(ld->lat_ns, ld->n_lat, sizeof(*ld->lat_ns), cmp_u64);
	printf("%-14s %9zu %9.0f %9.1f %9.1f %7zu %8zu %6zu\n", name, ld->n_lat,
	       (double)ld->n_lat * 1e9 / (double)(now - t0), pct_us(ld->lat_ns, ld->n_lat, 50),
	       pct_us(ld->lat_ns, ld->n_lat, 99), ld->lost, ld->rejected, ld->send_errors);
	fflush(stdout);
}

static int cmd_load(char **argv)
{
	struct load ld = { .src = bench_addr(argv[0]), .dst = bench_addr(argv[1]) };
	double secs = atof(argv[4]);

	ld.n = strtoul(argv[2], NULL, 10);
	ld.k = strtoul(argv[3], NULL, 10);
	if (!ld.n || !ld.k || secs <= 0)
		return 2;
	ld.mn = calloc(ld.n, sizeof(*ld.mn));
	ld.fd = nio_mh_open(&ld.src);
	if (!ld.mn || ld.fd < 0) {
		fprintf(stderr, "bench_mhload: MH socket on %s: %s\n", argv[0], strerror(errno));
		return 1;
	}
	phase(&ld, "registration", true, secs);
	phase(&ld, "refresh", false, secs);
	free(ld.lat_ns);
	free(ld.mn);
	return 0;
}

static int cmd_echo(const char *addr)
{
	struct in6_addr me = bench_addr(addr), src;
	int fd = nio_mh_open(&me);
	uint8_t buf[MH_BUF], out[MH_BUF];
	struct mh_msg m, pba;

	if (fd < 0) {
		fprintf(stderr, "bench_mhload: MH socket on %s: %s\n", addr, strerror(errno));
		return 1;
	}
	while (!stop) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		const char *why = NULL;
		ssize_t n;
		int len;

		if (poll(&p, 1, 100) <= 0)
			continue;
		while ((n = nio_mh_recv(fd, buf, sizeof(buf), &src, NULL, NULL)) >= 0) {
			if (mh_decode(buf, (size_t)n, NULL, NULL, &m, &why) < 0)
				continue;
			bench_pba_mirror(&pba, &m);
			len = mh_encode(&pba, NULL, NULL, out, sizeof(out), &why);
			if (len > 0)
				nio_mh_send(fd, &me, &src, out, (size_t)len);
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_term };

	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	if (argc == 7 && !strcmp(argv[1], "load"))
		return cmd_load(argv + 2);
	if (argc == 3 && !strcmp(argv[1], "echo"))
		return cmd_echo(argv[2]);
	fprintf(stderr, "usage: bench_mhload load SRC DST N K SECONDS | bench_mhload echo ADDR\n");
	return 2;
}
