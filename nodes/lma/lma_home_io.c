/*
 * lma_home_io.c - the home agent's sockets of lmad (problem statement
 * appendix C; engine: lma_home.c). This kernel has no CONFIG_IPV6_MIP6: a
 * BU with the Home Address option is read from the copy a protocol-60 raw
 * socket gets before the kernel refuses it, and the BA with its type 2
 * routing header is built whole (mip6_ext.c) and sent with IPV6_HDRINCL.
 * Must not: decide anything about bindings.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "lma_io_int.h"
#include "pmip/mip6_ext.h"

/* Appendix C: a BA to a mobile node, with the type 2 Routing Header the
 * kernel cannot add (RFC 6275 6.4, 9.5.4): the packet is built whole. */
void lma_home_io_send_ba(struct lma_io *io, const struct lma_action *a)
{
	struct mip6_ext x = { .src = io->lmaa, .dst = a->pba.dst, .has_rh2 = true,
			      .rh2_addr = a->pba.home_addr };
	struct in6_addr ps, pd;
	uint8_t mh[1024], pkt[1200];
	const char *why = NULL;
	int n;

	mip6_ext_pseudo(&x, &ps, &pd);
	n = mh_encode(&a->pba.msg, &ps, &pd, mh, sizeof(mh), &why);
	if (n >= 0)
		n = mip6_ext_encode(&x, mh, (size_t)n, pkt, sizeof(pkt), &why);
	if (n < 0) {
		io->st.mh_send_errors++;
		LOG(io, "BA not encoded: %s", why);
		return;
	}
	if (io->hdrincl_fd < 0 || nio_hdrincl_send(io->hdrincl_fd, pkt, (size_t)n) < 0) {
		io->st.mh_send_errors++;
		LOG(io, "BA not sent: %s", strerror(errno));
	}
}

/* Appendix C: a home registration, read from the Destination Options
 * header on (nio_mip6.c); the MH checksum covers the home address (RFC
 * 6275 6.1.1), which the kernel cannot know: we check it. */
static void home_one(struct lma_io *io, ssize_t n, const struct nio_raw_meta *meta)
{
	struct mip6_ext x = { .src = meta->src, .dst = meta->dst };
	struct in6_addr ps, pd;
	struct mh_msg m;
	const char *why = NULL;
	size_t off;
	char s[INET6_ADDRSTRLEN];

	io->st.mh_received++;
	if (mip6_ext_walk(MIP6_NH_DSTOPTS, io->buf, (size_t)n, &x, &off, &why) == 0 &&
	    !x.has_hoa)
		why = "no Home Address option";
	if (!why) {
		mip6_ext_pseudo(&x, &ps, &pd);
		if (mh_decode(io->buf + off, (size_t)n - off, &ps, &pd, &m, &why) == 0 &&
		    (m.type != MH_TYPE_BU || (m.bu_flags & MH_BU_P)))
			why = "not a Binding Update of a mobile node";
	}
	if (why) {
		lma_ctl_count_malformed(&io->st, why);
		inet_ntop(AF_INET6, &meta->src, s, sizeof(s));
		LOG(io, "home registration from %s dropped: %s", s, why);
		return;
	}
	lma_input_bu_home(io->l, &meta->src, &x.hoa, &m, nio_now_ns(), &io->acts);
	lma_io_run_actions(io);
}

static void on_home(struct ev_loop *loop, ev_io *w, int revents)
{
	struct lma_io *io = w->data;

	(void)loop; (void)revents;
	for (int i = 0; i < BATCH; i++) {
		struct nio_raw_meta meta;
		ssize_t n = nio_raw_recv(io->home_fd, io->buf, sizeof(io->buf), &meta);

		if (n < 0)
			break;
		home_one(io, n, &meta);
	}
}

/* A home agent too: the sockets of appendix C. */
int lma_home_io_open(struct lma_io *io, const char **why)
{
	io->home_fd = nio_exthdr_open(MIP6_NH_DSTOPTS, &io->lmaa);
	io->hdrincl_fd = nio_hdrincl_open();
	if (io->home_fd < 0 || io->hdrincl_fd < 0) {
		*why = "cannot open the home agent's sockets (protocol 60, IPV6_HDRINCL)";
		return -1;
	}
	ev_io_init(&io->home_w, on_home, io->home_fd, EV_READ);
	io->home_w.data = io;
	ev_io_start(io->loop, &io->home_w);
	return 0;
}
