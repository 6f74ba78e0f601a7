/*
 * mh_inject.c - sends hand-made Proxy Binding Updates, well-formed and
 * broken, from a raw IPv6 socket (next header 135) and prints the PBA each
 * one gets. A test tool: it builds the bytes itself (the codec in
 * nodes/pmip refuses to encode what this must send) and computes the MH
 * checksum itself (RFC 6275 6.1.1), so that it can also send a wrong one.
 *
 *   mh_inject [-w WAIT_MS] [-m MN_ID] [-l LL_ID] SRC DST CASE...
 *
 * CASEs: good, unknown-opt (an option type no one defines, which must be
 * skipped, RFC 6275 6.2.1), no-mnid, no-hnp, no-hi, no-att (RFC 5213 5.3.1:
 * answered 160, 158, 161, 162), runt (4 octets, shorter than the MH's own
 * header, yet with a right checksum), truncated (8 octets: Header Len 0,
 * below a PBU's minimum), hdr-len (Header Len beyond the packet),
 * bad-opt-len (an option running past Header Len), bad-csum (a wrong
 * checksum), unknown-type (MH Type 200: a Binding Error, RFC 6275 9.2),
 * payload-proto (a good PBU with Payload Proto 6: dropped, RFC 6275 9.2),
 * dereg (a good PBU with Lifetime 0: a deregistration). SRC need not be an
 * address of this host (IPV6_FREEBIND: an on-path router forging a MAG's
 * messages). Prints
 * "CASE seq N: sent L octets, PBA status S" or "..., no PBA" per case.
 *
 * Owns: nothing of the daemons; must not be linked into them.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MH_PROTO      135
#define MH_TYPE_PBU   5
#define MH_TYPE_PBA   6
#define PBU_FLAGS     0x8200   /* A and P (RFC 5213 8.1) */
#define LIFETIME_4S   900      /* 3600 s in units of 4 s */
#define SEQ_BASE      1000
#define MAX_CASES     32

enum { O_MNID = 1, O_TS = 2, O_HNP = 4, O_HI = 8, O_ATT = 16, O_LLID = 32, O_UNKNOWN = 64 };
#define O_ALL (O_MNID | O_TS | O_HNP | O_HI | O_ATT | O_LLID)

struct msg {
	uint8_t b[512];
	size_t n;
};

static const char *mn_id = "mn9@pmipemu.example";
static uint8_t ll_id[6] = { 2, 0, 0, 0, 0x99, 1 };

static void put8(struct msg *m, uint8_t v) { m->b[m->n++] = v; }
static void put16(struct msg *m, uint16_t v) { put8(m, v >> 8); put8(m, v & 0xff); }

/* Pad1/PadN so that the next option starts at 8n+k (RFC 6275 6.2). */
static void align(struct msg *m, size_t k)
{
	size_t pad = (k + 8 - m->n % 8) % 8;

	if (pad == 1) {
		put8(m, 0);
	} else if (pad > 1) {
		put8(m, 1);
		put8(m, (uint8_t)(pad - 2));
		for (size_t i = 2; i < pad; i++)
			put8(m, 0);
	}
}

/* 48-bit seconds and 16-bit 1/65536 fractions since 1970 (RFC 5213 8.8). */
static uint64_t timestamp_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ((uint64_t)ts.tv_sec << 16) | (uint64_t)(((uint64_t)ts.tv_nsec << 16) / 1000000000ULL);
}

static void build_pbu(struct msg *m, uint16_t seq, unsigned opts)
{
	size_t idlen = strlen(mn_id);

	m->n = 0;
	put8(m, 59);            /* Payload Proto: no next header */
	put8(m, 0);             /* Header Len, below */
	put8(m, MH_TYPE_PBU);
	put8(m, 0);
	put16(m, 0);            /* Checksum, below */
	put16(m, seq);
	put16(m, PBU_FLAGS);
	put16(m, LIFETIME_4S);
	if (opts & O_MNID) {    /* RFC 4283: subtype 1 = NAI */
		put8(m, 8); put8(m, (uint8_t)(1 + idlen)); put8(m, 1);
		memcpy(m->b + m->n, mn_id, idlen);
		m->n += idlen;
	}
	if (opts & O_TS) {
		uint64_t t = timestamp_now();

		align(m, 2);
		put8(m, 27); put8(m, 8);
		for (int i = 7; i >= 0; i--)
			put8(m, (uint8_t)(t >> (8 * i)));
	}
	if (opts & O_HI) { put8(m, 23); put8(m, 2); put8(m, 0); put8(m, 1); }
	if (opts & O_ATT) { put8(m, 24); put8(m, 2); put8(m, 0); put8(m, 4); }
	if (opts & O_LLID) {
		put8(m, 25); put8(m, 8); put16(m, 0);
		memcpy(m->b + m->n, ll_id, 6);
		m->n += 6;
	}
	if (opts & O_UNKNOWN) { put8(m, 201); put8(m, 3); put8(m, 1); put8(m, 2); put8(m, 3); }
	if (opts & O_HNP) {     /* ::/0: assign one (RFC 5213 6.9.1.1) */
		align(m, 4);
		put8(m, 22); put8(m, 18); put8(m, 0); put8(m, 0);
		memset(m->b + m->n, 0, 16);
		m->n += 16;
	}
	align(m, 0);
	m->b[1] = (uint8_t)(m->n / 8 - 1);
}

static uint16_t checksum(const struct in6_addr *src, const struct in6_addr *dst,
			 const uint8_t *p, size_t n)
{
	uint32_t s = 0;
	uint8_t pseudo[40] = { 0 };

	memcpy(pseudo, src, 16);
	memcpy(pseudo + 16, dst, 16);
	pseudo[32] = (uint8_t)(n >> 24); pseudo[33] = (uint8_t)(n >> 16);
	pseudo[34] = (uint8_t)(n >> 8); pseudo[35] = (uint8_t)n;
	pseudo[39] = MH_PROTO;
	for (size_t i = 0; i < 40; i += 2)
		s += (uint32_t)(pseudo[i] << 8 | pseudo[i + 1]);
	for (size_t i = 0; i < n; i += 2)
		s += (uint32_t)(p[i] << 8 | (i + 1 < n ? p[i + 1] : 0));
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* 4 octets: Payload Proto, Header Len 0, type PBU, Reserved. With no room
 * for a Checksum field, Payload Proto and Reserved are chosen so that the
 * one's complement sum is right anyway, and the receiver's kernel
 * (IPV6_CHECKSUM) passes it on to the daemon. */
static int build_runt(struct msg *m, const struct in6_addr *src, const struct in6_addr *dst)
{
	uint8_t base[4] = { 0, 0, MH_TYPE_PBU, 0 };
	uint16_t s = (uint16_t)~checksum(src, dst, base, 4);    /* folded sum */
	uint16_t x = (uint16_t)(0xffff - s);

	m->n = 4;
	m->b[0] = (uint8_t)(x >> 8);
	m->b[1] = 0;
	m->b[2] = MH_TYPE_PBU;
	m->b[3] = (uint8_t)x;
	return 0;
}

/* The message of one case; -1 for an unknown case name. */
static int build_case(const char *name, uint16_t seq, struct msg *m, const struct in6_addr *src,
		      const struct in6_addr *dst)
{
	static const struct { const char *name; unsigned opts; } full[] = {
		{ "good", O_ALL }, { "unknown-opt", O_ALL | O_UNKNOWN },
		{ "no-mnid", O_ALL & ~O_MNID }, { "no-hnp", O_ALL & ~O_HNP },
		{ "no-hi", O_ALL & ~O_HI }, { "no-att", O_ALL & ~O_ATT },
		{ "bad-opt-len", O_ALL }, { "bad-csum", O_ALL }, { "dereg", O_ALL },
	};
	bool known = false;

	for (size_t i = 0; i < sizeof(full) / sizeof(full[0]); i++)
		if (!strcmp(name, full[i].name)) {
			build_pbu(m, seq, full[i].opts);
			known = true;
		}
	if (!strcmp(name, "runt")) {
		return build_runt(m, src, dst);
	} else if (!strcmp(name, "truncated")) {
		build_pbu(m, seq, 0);
		m->n = 8;               /* Header Len 0: 8 octets */
		m->b[1] = 0;
	} else if (!strcmp(name, "unknown-type")) {
		build_pbu(m, seq, O_ALL);
		m->b[2] = 200;
	} else if (!strcmp(name, "payload-proto")) {
		build_pbu(m, seq, O_ALL);
		m->b[0] = 6;
	} else if (!strcmp(name, "hdr-len")) {
		build_pbu(m, seq, 0);   /* 16 octets, Header Len says 40 */
		m->b[1] = 4;
	} else if (!known) {
		return -1;
	}
	if (!strcmp(name, "dereg"))
		m->b[10] = m->b[11] = 0;        /* Lifetime 0 (RFC 5213 6.9.1.4) */
	if (!strcmp(name, "bad-opt-len"))
		m->b[13] = 250;         /* the MN-ID option's length */
	uint16_t c = checksum(src, dst, m->b, m->n);

	if (!strcmp(name, "bad-csum"))
		c ^= 0x5a5a;
	if (m->n >= 6) {
		m->b[4] = (uint8_t)(c >> 8);
		m->b[5] = (uint8_t)c;
	}
	return 0;
}

static int open_socket(const struct in6_addr *src)
{
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6, .sin6_addr = *src };
	int fd = socket(AF_INET6, SOCK_RAW, MH_PROTO), off = -1;

	/* Linux computes MH checksums (offset 4) on raw protocol-135 sockets
	 * by default: off, or it would repair bad-csum and refuse truncated. */
	int one = 1;

	if (fd >= 0)            /* best effort: a non-local SRC needs it */
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_FREEBIND, &one, sizeof(one));
	if (fd < 0 || setsockopt(fd, IPPROTO_IPV6, IPV6_CHECKSUM, &off, sizeof(off)) < 0 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fprintf(stderr, "mh_inject: raw socket, no checksum, on the source address: %s\n", strerror(errno));
		exit(1);
	}
	return fd;
}

/* Reads PBAs until wait_ms have passed: status per sequence number. */
static void collect(int fd, int wait_ms, int *status, uint16_t base, int n)
{
	struct timespec t0, t;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &t);
		long left = wait_ms - ((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000);
		struct pollfd p = { .fd = fd, .events = POLLIN };
		uint8_t b[2048];

		if (left <= 0 || poll(&p, 1, (int)left) <= 0)
			return;
		ssize_t r = recv(fd, b, sizeof(b), 0);

		if (r < 12 || b[2] != MH_TYPE_PBA)
			continue;
		int seq = b[8] << 8 | b[9];

		if (seq >= base && seq < base + n)
			status[seq - base] = b[6];
	}
}

int main(int argc, char **argv)
{
	struct in6_addr src, dst;
	int wait_ms = 1000, c, status[MAX_CASES];
	size_t len[MAX_CASES];

	while ((c = getopt(argc, argv, "w:m:l:")) != -1) {
		if (c == 'l') {
			if (sscanf(optarg, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &ll_id[0], &ll_id[1],
				   &ll_id[2], &ll_id[3], &ll_id[4], &ll_id[5]) != 6)
				return 2;
		} else if (c == 'w')
			wait_ms = atoi(optarg);
		else if (c == 'm')
			mn_id = optarg;
		else
			return 2;
	}
	int n = argc - optind - 2;

	if (n < 1 || n > MAX_CASES || strlen(mn_id) > 200 ||
	    inet_pton(AF_INET6, argv[optind], &src) != 1 ||
	    inet_pton(AF_INET6, argv[optind + 1], &dst) != 1) {
		fprintf(stderr, "usage: mh_inject [-w WAIT_MS] [-m MN_ID] [-l LL_ID] SRC DST CASE...\n");
		return 2;
	}
	char **cases = argv + optind + 2;
	int fd = open_socket(&src);
	struct sockaddr_in6 to = { .sin6_family = AF_INET6, .sin6_addr = dst };

	for (int i = 0; i < n; i++) {
		struct msg m;

		status[i] = -1;
		if (build_case(cases[i], (uint16_t)(SEQ_BASE + i), &m, &src, &dst) < 0) {
			fprintf(stderr, "mh_inject: unknown case %s\n", cases[i]);
			return 2;
		}
		if (sendto(fd, m.b, m.n, 0, (struct sockaddr *)&to, sizeof(to)) < 0) {
			fprintf(stderr, "mh_inject: %s: %s\n", cases[i], strerror(errno));
			return 1;
		}
		len[i] = m.n;
		usleep(20000);  /* one at a time in the captures and logs */
	}
	collect(fd, wait_ms, status, SEQ_BASE, n);
	for (int i = 0; i < n; i++) {
		printf("%s seq %d: sent %zu octets, ", cases[i], SEQ_BASE + i, len[i]);
		if (status[i] < 0)
			printf("no PBA\n");
		else
			printf("PBA status %d\n", status[i]);
	}
	close(fd);
	return 0;
}
