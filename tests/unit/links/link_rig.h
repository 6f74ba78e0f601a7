/*
 * link_rig.h - a link engine whose ports are AF_UNIX SOCK_SEQPACKET
 * socket pairs instead of TAPs: like a TAP, a read is one frame and a write
 * is one frame, so the engine's workers run unchanged, without root or
 * namespaces. The engine holds one end of each pair (and closes it); the
 * test holds the other (rig_free closes it).
 *
 * Frames: byte 0 = link, byte 1 = direction, bytes 2-3 = sequence (BE).
 */
#ifndef LINK_RIG_H
#define LINK_RIG_H

#include <criterion/criterion.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "links/link.h"

#define RIG_LINKS_MAX 8
#define RIG_FRAME     60

struct rig {
	struct link_engine *e;
	int n_links;
	int link[RIG_LINKS_MAX];
	int port[RIG_LINKS_MAX][2];
	int peer[RIG_LINKS_MAX][2];     /* the test's end, per link end */
	int efd[RIG_LINKS_MAX][2];      /* the engine's end (the engine closes it) */
	uint64_t written[RIG_LINKS_MAX][2];
};

static inline int rig_pair(int *engine_end, int *test_end)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) < 0)
		return -1;
	*engine_end = sv[0];
	*test_end = sv[1];
	return 0;
}

/* n links, both directions with params p. */
static inline void rig_open(struct rig *r, const struct link_engine_opts *o, int n,
			    const struct link_params *p)
{
	memset(r, 0, sizeof(*r));
	r->e = link_engine_new(o);
	cr_assert_not_null(r->e, "link_engine_new: %s", strerror(errno));
	r->n_links = n;
	for (int i = 0; i < n; i++) {
		char node[16], name[16];

		for (int end = 0; end < 2; end++) {
			int fd = -1;

			cr_assert_eq(rig_pair(&fd, &r->peer[i][end]), 0);
			r->efd[i][end] = fd;
			snprintf(node, sizeof(node), "n%d%c", i, 'a' + end);
			r->port[i][end] = link_engine_add_port(r->e, node, "eth0", fd);
			cr_assert_geq(r->port[i][end], 0);
		}
		snprintf(name, sizeof(name), "l%d", i);
		r->link[i] = link_engine_add_link(r->e, name, r->port[i][0], r->port[i][1],
						  p, p, true);
		cr_assert_eq(r->link[i], i, "links are numbered in call order");
	}
}

static inline void rig_free(struct rig *r)
{
	link_engine_free(r->e);
	for (int i = 0; i < r->n_links; i++)
		for (int end = 0; end < 2; end++)
			close(r->peer[i][end]);
}

/* Send frame seq on link i, direction d (from end d to end 1 - d). */
static inline void rig_send(struct rig *r, int i, int d, unsigned seq)
{
	uint8_t f[RIG_FRAME] = { (uint8_t)i, (uint8_t)d, (uint8_t)(seq >> 8), (uint8_t)seq };

	cr_assert_eq(send(r->peer[i][d], f, sizeof(f), 0), (ssize_t)sizeof(f),
		     "send: %s", strerror(errno));
	r->written[i][d]++;
}

/* Every frame written has been delivered or dropped (counters). */
static inline bool rig_settled(struct rig *r)
{
	for (int i = 0; i < r->n_links; i++)
		for (int d = 0; d < 2; d++) {
			struct link_counters c;

			link_engine_counters(r->e, r->link[i], (enum link_dir_id)d, &c);
			if (c.in != r->written[i][d] || c.in_flight)
				return false;
		}
	return true;
}

/* Frames that arrived: each is passed to got(link, dir, seq, ctx). Waits
 * until the engine has settled every frame written and the sockets are
 * drained; a bound of 10 s only keeps a broken engine from hanging. */
static inline void rig_recv_all(struct pollfd *pfd, int n,
				void (*got)(int, int, unsigned, void *), void *ctx)
{
	for (int j = 0; j < n; j++) {
		uint8_t f[RIG_FRAME];

		while (recv(pfd[j].fd, f, sizeof(f), 0) == (ssize_t)sizeof(f))
			got(f[0], f[1], (unsigned)f[2] << 8 | f[3], ctx);
	}
}

static inline void rig_drain(struct rig *r, void (*got)(int, int, unsigned, void *),
			     void *ctx)
{
	struct pollfd pfd[RIG_LINKS_MAX * 2];
	int n = 0;

	for (int i = 0; i < r->n_links; i++)
		for (int end = 0; end < 2; end++)
			pfd[n++] = (struct pollfd){ .fd = r->peer[i][end], .events = POLLIN };
	for (int tries = 0; tries < 10000; tries++) {
		/* settled first: every write the engine will do is done */
		bool settled = rig_settled(r);

		if (poll(pfd, (nfds_t)n, settled ? 0 : 1) > 0)
			rig_recv_all(pfd, n, got, ctx);
		if (settled)
			return;
	}
	cr_assert_fail("the engine did not settle the frames written");
}

#endif
