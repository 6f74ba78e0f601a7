/*
 * lma_io_int.h - the inside of lmad's shell, shared by lma_io.c and
 * lma_home_io.c (appendix C, the home agent's sockets). Not for engines.
 */
#ifndef PMIPEMU_LMA_IO_INT_H
#define PMIPEMU_LMA_IO_INT_H

#include <ev.h>

#include "lma_ctl.h"
#include "lma_io.h"
#include "io/nio.h"
#include "io/nio_mherr.h"

#define PKT_MAX     65536
#define BATCH       64          /* packets per readiness, then yield */

struct lma_io {
	struct ev_loop *loop;
	struct lma *l;
	const struct lma_config *cfg;   /* the MAGs' keys (lma_auth.c) */
	struct lma_io_opts o;
	struct in6_addr lmaa;
	int mh_fd, tun_fd, tnl_fd, tun_ifindex;
	int home_fd, hdrincl_fd;         /* appendix C: BU in, BA out */
	ev_io mh_w, tun_w, tnl_w, home_w;
	ev_timer timer;
	struct nio_ctl *ctl;
	struct nio_events *ev;
	struct lma_actions acts;
	struct lma_io_stats st;
	struct nio_ratelimit rl;
	struct nio_mherr mherr;         /* RFC 6275 9.2 answers */
	uint8_t buf[PKT_MAX];
};

#define LOG(io, ...) do { \
		unsigned long sup_; \
		if (nio_ratelimit_ok(&(io)->rl, nio_now_ns(), &sup_)) \
			nio_log("lmad", __VA_ARGS__); \
	} while (0)

/* Carry out io->acts (lma_io.c). */
void lma_io_run_actions(struct lma_io *io);
/* lma_home_io.c: a BA with its type 2 RH; the protocol-60 and HDRINCL
 * sockets of a home agent (0, or -1 with *why). */
void lma_home_io_send_ba(struct lma_io *io, const struct lma_action *a);
int lma_home_io_open(struct lma_io *io, const char **why);

#endif
