/*
 * mh_rx.h - what a node does with a Mobility Header it cannot take (RFC
 * 6275 9.2): the receive checks before decoding, the Binding Error and the
 * ICMPv6 Parameter Problem it answers with, and their rate limit (RFC 6275
 * 9.3.3 / 11.3.5, RFC 4443 2.4 f).
 *
 * Pure: no sockets, no clocks; the daemons' io files send what these
 * functions build, with the time they are given.
 */
#ifndef PMIPEMU_MH_RX_H
#define PMIPEMU_MH_RX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

/* RFC 6275 9.2, in the RFC's order (the kernel checked the checksum). */
enum mh_rx_fault {
	MH_RX_OK,                    /* decode it */
	MH_RX_DROP,                  /* too short to answer: silently dropped */
	MH_RX_UNKNOWN_TYPE,          /* Binding Error, Status 2 */
	MH_RX_BAD_PAYLOAD_PROTO,     /* Parameter Problem at Payload Proto */
	MH_RX_BAD_HEADER_LEN,        /* Parameter Problem at Header Len */
};
const char *mh_rx_fault_name(enum mh_rx_fault f);

/* Classify the MH in p[0..len) (from Payload Proto on). */
enum mh_rx_fault mh_rx_check(const uint8_t *p, size_t len);

/* ICMPv6 Parameter Problem pointer of a fault: the offset of the field in
 * the invoking packet, whose IPv6 header is assumed to carry the MH
 * directly (40 octets, no extension header: all our peers send so). */
uint32_t mh_rx_pointer(enum mh_rx_fault f);

/* Build the ICMPv6 Parameter Problem (type 4, code 0, RFC 4443 3.4) into
 * out: checksum 0 (the kernel fills it on a raw ICMPv6 socket), the
 * pointer, then as much of the invoking packet as fits in the minimum MTU
 * (its IPv6 header rebuilt from src/dst: the socket gave only the MH).
 * Returns the length, 0 when cap is too small. */
size_t mh_rx_param_problem(uint8_t *out, size_t cap, enum mh_rx_fault f,
			   const struct in6_addr *src, const struct in6_addr *dst,
			   const uint8_t *mh, size_t mh_len);

/* Build the Binding Error (Status 2, Home Address ::) for an MH of an
 * unknown type. Returns the length, or -1. */
int mh_rx_binding_error(uint8_t *out, size_t cap);

/* Token bucket: at most burst errors at once, one more per interval. */
struct mh_rx_limit {
	uint64_t interval_ns;
	unsigned burst;
	unsigned tokens;
	uint64_t last_ns;
	bool started;
	uint64_t suppressed;         /* errors not sent */
};
#define MH_RX_LIMIT_INTERVAL_NS 100000000ull   /* 10 errors per second */
#define MH_RX_LIMIT_BURST 10
void mh_rx_limit_init(struct mh_rx_limit *l);
/* May one more error go at now_ns? Counts the refusals. */
bool mh_rx_limit_take(struct mh_rx_limit *l, uint64_t now_ns);

#endif
