/*
 * tg_io.c - trafgen's sockets and clocks. The sender sleeps to absolute
 * CLOCK_MONOTONIC deadlines from tg_pace (TIMER_ABSTIME: no drift) and
 * hands every packet that is due to one sendmmsg; a refused packet is
 * counted and skipped, never fatal (a handover makes ENETUNREACH normal).
 * The receiver drains with recvmmsg and records, per datagram, the arrival
 * interface (IPV6_PKTINFO, RFC 3542 section 6.1) and the kernel arrival
 * time (SO_TIMESTAMPNS, realtime, mapped to CLOCK_MONOTONIC). Must not
 * compute statistics: that is tg_stats.c.
 */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "tg_io.h"

#define BATCH 64

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t tg_io_now_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

int tg_io_resolve(const char *addr, uint16_t port, struct sockaddr_in6 *sa,
		  const char **why)
{
	struct addrinfo hints = { .ai_family = AF_INET6, .ai_socktype = SOCK_DGRAM,
				  .ai_flags = AI_NUMERICHOST | AI_PASSIVE };
	struct addrinfo *res = NULL;
	if (getaddrinfo(addr, NULL, &hints, &res) != 0 || !res) {
		*why = "not a numeric IPv6 address";
		return -1;
	}
	memcpy(sa, res->ai_addr, sizeof *sa);
	sa->sin6_port = htons(port);
	freeaddrinfo(res);
	return 0;
}

static void count_errno(struct tg_send_result *r, int err)
{
	r->send_errors++;
	for (int i = 0; i < TG_ERRNO_SLOTS; i++) {
		if (r->errors[i].err == err || r->errors[i].count == 0 ||
		    i == TG_ERRNO_SLOTS - 1) {
			if (r->errors[i].count == 0)
				r->errors[i].err = i == TG_ERRNO_SLOTS - 1 ? -1 : err;
			r->errors[i].count++;
			return;
		}
	}
}

static int open_sender(const struct tg_send_cfg *cfg, const char **why)
{
	int fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		*why = "socket";
		return -1;
	}
	if (cfg->has_src && bind(fd, (const struct sockaddr *)&cfg->src,
				 sizeof cfg->src) < 0) {
		*why = "bind to --src/--sport";
		close(fd);
		return -1;
	}
	return fd;
}

/* Send msgs[0..n); each refusal is counted and the rest still go out. */
static void send_batch(int fd, struct mmsghdr *msgs, unsigned n,
		       struct tg_send_result *r)
{
	unsigned done = 0;
	while (done < n) {
		int k = sendmmsg(fd, msgs + done, n - done, 0);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			count_errno(r, errno);
			done++;
			continue;
		}
		r->sent += (unsigned)k;
		done += (unsigned)k;
	}
}

/* Sleep until the flow's start; a signal cuts the wait short. The socket is
 * opened after it: the source address to bind (an MN's home address) may
 * only exist by then. */
static bool wait_until(uint64_t at_ns, volatile sig_atomic_t *stop)
{
	struct timespec dl = { .tv_sec = (time_t)(at_ns / 1000000000ull),
			       .tv_nsec = (long)(at_ns % 1000000000ull) };

	while (at_ns && !*stop && tg_io_now_ns() < at_ns)
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &dl, NULL);
	return !at_ns || tg_io_now_ns() >= at_ns;
}

int tg_io_send_run(const struct tg_send_cfg *cfg, struct tg_send_result *res,
		   volatile sig_atomic_t *stop, const char **why)
{
	static uint8_t bufs[BATCH][TG_SIZE_MAX];
	struct iovec iov[BATCH];
	struct mmsghdr msgs[BATCH];
	uint64_t total = tg_pace_count(&cfg->pace);
	memset(res, 0, sizeof *res);
	if (!wait_until(cfg->start_at_ns, stop)) {
		/* a flow that never began is no flow of 0 packets */
		*why = "stopped before its start time";
		errno = EINTR;
		return -1;
	}
	int fd = open_sender(cfg, why);
	if (fd < 0)
		return -1;
	res->start_ns = tg_io_now_ns();
	while (res->attempted < total && !*stop) {
		struct timespec dl;
		uint64_t due = res->start_ns + tg_pace_deadline_ns(&cfg->pace, res->attempted);
		dl.tv_sec = (time_t)(due / 1000000000ull);
		dl.tv_nsec = (long)(due % 1000000000ull);
		if (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &dl, NULL) != 0)
			continue;   /* EINTR: look at *stop, sleep again */
		uint64_t now = tg_io_now_ns();
		unsigned n = 0;
		for (; n < BATCH && res->attempted < total; n++, res->attempted++) {
			if (n && res->start_ns + tg_pace_deadline_ns(&cfg->pace, res->attempted) > now)
				break;
			struct tg_payload p = { cfg->flow_hash, res->attempted, now };
			tg_payload_encode(bufs[n], cfg->size, &p, why);
			iov[n] = (struct iovec){ bufs[n], cfg->size };
			msgs[n] = (struct mmsghdr){ .msg_hdr = {
				.msg_name = (void *)&cfg->dst, .msg_namelen = sizeof cfg->dst,
				.msg_iov = &iov[n], .msg_iovlen = 1 } };
		}
		if (!res->first_send_ns)
			res->first_send_ns = now;
		res->last_send_ns = now;
		send_batch(fd, msgs, n, res);
	}
	close(fd);
	return 0;
}

static int open_receiver(const struct tg_recv_cfg *cfg, const char **why)
{
	int one = 1, rcvbuf = 4 << 20;
	int fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		*why = "socket";
		return -1;
	}
	/* a handover burst must not overflow the socket: ask for 4 MB, forcing
	 * past rmem_max when root (failures only shrink the buffer) */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof rcvbuf) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
	setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one);
	if (setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof one) < 0 ||
	    bind(fd, (const struct sockaddr *)&cfg->bind, sizeof cfg->bind) < 0) {
		*why = "bind to --bind/--port";
		close(fd);
		return -1;
	}
	return fd;
}

/* Index in res->ifaces for ifindex, named on first sight (the interface may
 * be gone by the end of the run, after a move). */
static uint32_t iface_slot(struct tg_recv_result *res, uint32_t ifindex)
{
	for (size_t i = 0; i < res->n_ifaces; i++)
		if (res->ifaces[i].ifindex == ifindex)
			return (uint32_t)i;
	if (res->n_ifaces == TG_IFACE_MAX)
		return UINT32_MAX;
	struct tg_recv_iface *f = &res->ifaces[res->n_ifaces];
	f->ifindex = ifindex;
	if (!ifindex || !if_indextoname(ifindex, f->name))
		snprintf(f->name, sizeof f->name, "if%u", ifindex);
	return (uint32_t)res->n_ifaces++;
}

struct recv_meta {
	uint32_t ifindex;
	bool has_ts;
	uint64_t ts_real_ns;
};

static struct recv_meta parse_cmsgs(struct msghdr *mh)
{
	struct recv_meta m = { 0 };
	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO &&
		    c->cmsg_len >= CMSG_LEN(sizeof(struct in6_pktinfo))) {
			struct in6_pktinfo pi;
			memcpy(&pi, CMSG_DATA(c), sizeof pi);
			m.ifindex = (uint32_t)pi.ipi6_ifindex;
		} else if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS &&
			   c->cmsg_len >= CMSG_LEN(sizeof(struct timespec))) {
			struct timespec ts;
			memcpy(&ts, CMSG_DATA(c), sizeof ts);
			m.has_ts = true;
			m.ts_real_ns = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
		}
	}
	return m;
}

struct recv_batch {
	uint8_t buf[BATCH][2048];
	uint8_t ctl[BATCH][CMSG_SPACE(sizeof(struct in6_pktinfo)) +
			   CMSG_SPACE(sizeof(struct timespec))];
	struct iovec iov[BATCH];
	struct mmsghdr msgs[BATCH];
};

static void batch_reset(struct recv_batch *b)
{
	for (int i = 0; i < BATCH; i++) {
		b->iov[i] = (struct iovec){ b->buf[i], sizeof b->buf[i] };
		b->msgs[i] = (struct mmsghdr){ .msg_hdr = {
			.msg_iov = &b->iov[i], .msg_iovlen = 1,
			.msg_control = b->ctl[i], .msg_controllen = sizeof b->ctl[i] } };
	}
}

/* One datagram: check it is ours, stamp it, append the record. The kernel
 * stamps in CLOCK_REALTIME; mono_off maps it to CLOCK_MONOTONIC. */
static void take_datagram(const struct tg_recv_cfg *cfg, struct tg_recv_result *res,
			  struct mmsghdr *m, uint64_t mono_now, int64_t mono_off)
{
	struct tg_payload p;
	const char *why;
	if (tg_payload_decode(m->msg_hdr.msg_iov->iov_base, m->msg_len, &p, &why) < 0 ||
	    p.flow_hash != cfg->flow_hash) {
		res->foreign++;
		return;
	}
	struct recv_meta meta = parse_cmsgs(&m->msg_hdr);
	uint64_t t = mono_now;
	if (meta.has_ts) {
		res->kernel_timestamps = true;
		t = (uint64_t)((int64_t)meta.ts_real_ns + mono_off);
	}
	uint32_t slot = iface_slot(res, meta.ifindex);
	if (slot != UINT32_MAX)
		res->ifaces[slot].count++;
	struct tg_arrival a = { p.seq, p.send_ns, t, meta.ifindex };
	tg_records_write(cfg->records, &a);
	if (!res->first_recv_ns)
		res->first_recv_ns = t;
	res->last_recv_ns = t;
	res->datagrams++;
}

/* The monotonic - realtime offset, from the tightest of three readings:
 * a preemption between two clock reads would shift every latency of the
 * batch (seen as latencies below a link's configured delay). */
static int64_t mono_realtime_offset(uint64_t *mono_out)
{
	int64_t best = 0;
	uint64_t best_span = UINT64_MAX;
	for (int i = 0; i < 3; i++) {
		uint64_t r0 = clock_ns(CLOCK_REALTIME);
		uint64_t m = clock_ns(CLOCK_MONOTONIC);
		uint64_t r1 = clock_ns(CLOCK_REALTIME);
		if (r1 - r0 < best_span) {
			best_span = r1 - r0;
			best = (int64_t)m - (int64_t)(r0 + (r1 - r0) / 2);
			*mono_out = m;
		}
	}
	return best;
}

static int drain(int fd, const struct tg_recv_cfg *cfg, struct tg_recv_result *res,
		 struct recv_batch *b)
{
	for (;;) {
		batch_reset(b);
		int n = recvmmsg(fd, b->msgs, BATCH, MSG_DONTWAIT, NULL);
		if (n < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : -1;
		uint64_t mono = 0;
		int64_t off = mono_realtime_offset(&mono);
		for (int i = 0; i < n; i++)
			take_datagram(cfg, res, &b->msgs[i], mono, off);
		if (n < BATCH)
			return 0;
	}
}

int tg_io_recv_run(const struct tg_recv_cfg *cfg, struct tg_recv_result *res,
		   volatile sig_atomic_t *stop, const char **why)
{
	static struct recv_batch b;
	int fd = open_receiver(cfg, why);
	memset(res, 0, sizeof *res);
	if (fd < 0)
		return -1;
	res->start_ns = tg_io_now_ns();
	uint64_t end = cfg->duration_ns ? res->start_ns + cfg->duration_ns : UINT64_MAX;
	for (uint64_t now = res->start_ns; !*stop && now < end; now = tg_io_now_ns()) {
		uint64_t left_ms = (end - now) / 1000000u + 1;
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		if (poll(&pfd, 1, left_ms < 200 ? (int)left_ms : 200) > 0 &&
		    drain(fd, cfg, res, &b) < 0) {
			*why = "recvmmsg";
			close(fd);
			return -1;
		}
	}
	drain(fd, cfg, res, &b);     /* what arrived before the stop */
	res->end_ns = tg_io_now_ns();
	close(fd);
	return 0;
}
