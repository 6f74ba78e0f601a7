/*
 * nio_mherr.h - the shell half of RFC 6275 9.2 for a daemon's Mobility
 * Header socket: screen each received MH (nodes/pmip/mh_rx.c decides),
 * send the Binding Error or ICMPv6 Parameter Problem it calls for within
 * the rate limit, and count what happened.
 */
#ifndef PMIPEMU_NIO_MHERR_H
#define PMIPEMU_NIO_MHERR_H

#include "pmip/mh_rx.h"

struct nio_mherr {
	int icmp_fd;                    /* send-only raw ICMPv6, -1 if none */
	struct mh_rx_limit limit;
	uint64_t by_fault[MH_RX_BAD_HEADER_LEN + 1];
	uint64_t be_sent, param_problems_sent, send_errors;
};

/* Opens the ICMPv6 socket (no error is fatal: without it, Parameter
 * Problems are only counted). */
void nio_mherr_open(struct nio_mherr *e);
void nio_mherr_close(struct nio_mherr *e);
/* Screen the MH p[0..len) that came from src to dst on mh_fd. Returns
 * MH_RX_OK when it may be decoded; otherwise it was answered (or the
 * answer rate-limited) and must be dropped. */
enum mh_rx_fault nio_mherr_screen(struct nio_mherr *e, int mh_fd, const uint8_t *p,
				  size_t len, const struct in6_addr *src,
				  const struct in6_addr *dst, uint64_t now_ns);

#endif
