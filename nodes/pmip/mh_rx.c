/*
 * mh_rx.c - RFC 6275 9.2 receive checks of a Mobility Header and the
 * errors sent back for them, rate-limited.
 *
 * Owns: the order of the checks (MH Type, Payload Proto, Header Len, as
 * 9.2 lists them after the checksum), the Binding Error (6.1.9) and
 * ICMPv6 Parameter Problem (RFC 4443 3.4) they produce, the token bucket.
 * Must not: send, read clocks, log.
 */
#include "mh_rx.h"
#include "mh.h"
#include "wire.h"

#include <string.h>

#define MH_RX_IP6_HDR 40
#define MH_RX_ICMP_HDR 8
#define MH_RX_MIN_MTU 1280      /* RFC 8200 5: an ICMPv6 error fits in it */
#define MH_RX_PROTO_NONE 59     /* IPPROTO_NONE, RFC 6275 6.1.1 */

const char *mh_rx_fault_name(enum mh_rx_fault f)
{
	switch (f) {
	case MH_RX_OK: return "MH_RX_OK";
	case MH_RX_DROP: return "MH_RX_DROP";
	case MH_RX_UNKNOWN_TYPE: return "MH_RX_UNKNOWN_TYPE";
	case MH_RX_BAD_PAYLOAD_PROTO: return "MH_RX_BAD_PAYLOAD_PROTO";
	case MH_RX_BAD_HEADER_LEN: return "MH_RX_BAD_HEADER_LEN";
	}
	return "MH_RX_UNKNOWN";
}

/* RFC 6275 9.2: an unknown MH Type gets a Binding Error (Status 2); a
 * Payload Proto other than IPPROTO_NONE, and a Header Len beyond the packet
 * or below the type's minimum, an ICMPv6 Parameter Problem pointing at the
 * field. The message is discarded in every case. */
enum mh_rx_fault mh_rx_check(const uint8_t *p, size_t len)
{
	if (len < 6)
		return MH_RX_DROP;      /* no Header Len and type to judge */
	if (!mh_type_known(p[2]))
		return MH_RX_UNKNOWN_TYPE;
	if (p[0] != MH_RX_PROTO_NONE)
		return MH_RX_BAD_PAYLOAD_PROTO;
	size_t mh_len = ((size_t)p[1] + 1) * 8;
	if (mh_len > len || mh_len < mh_type_min_len(p[2]))
		return MH_RX_BAD_HEADER_LEN;
	return MH_RX_OK;
}

uint32_t mh_rx_pointer(enum mh_rx_fault f)
{
	return MH_RX_IP6_HDR + (f == MH_RX_BAD_HEADER_LEN ? 1 : 0);
}

static void ip6_header(uint8_t *h, const struct in6_addr *src, const struct in6_addr *dst,
		       size_t payload_len)
{
	memset(h, 0, MH_RX_IP6_HDR);
	h[0] = 0x60;
	wire_put16(h + 4, (uint16_t)payload_len);
	h[6] = 135;             /* Mobility Header */
	h[7] = 64;              /* not known here; a plausible hop limit */
	memcpy(h + 8, src, 16);
	memcpy(h + 24, dst, 16);
}

size_t mh_rx_param_problem(uint8_t *out, size_t cap, enum mh_rx_fault f,
			   const struct in6_addr *src, const struct in6_addr *dst,
			   const uint8_t *mh, size_t mh_len)
{
	size_t lim = MH_RX_MIN_MTU - MH_RX_IP6_HDR;   /* our own IPv6 header */

	if (cap < lim)
		lim = cap;
	if (lim < MH_RX_ICMP_HDR + MH_RX_IP6_HDR)
		return 0;
	size_t room = lim - MH_RX_ICMP_HDR - MH_RX_IP6_HDR;
	out[0] = 4;             /* Parameter Problem */
	out[1] = 0;             /* erroneous header field encountered */
	wire_put16(out + 2, 0);
	wire_put32(out + 4, mh_rx_pointer(f));
	ip6_header(out + MH_RX_ICMP_HDR, src, dst, mh_len);
	size_t body = mh_len < room ? mh_len : room;
	memcpy(out + MH_RX_ICMP_HDR + MH_RX_IP6_HDR, mh, body);
	return MH_RX_ICMP_HDR + MH_RX_IP6_HDR + body;
}

int mh_rx_binding_error(uint8_t *out, size_t cap)
{
	struct mh_msg m;
	const char *why;

	mh_msg_init(&m, MH_TYPE_BE);
	m.payload_proto = MH_RX_PROTO_NONE;
	m.be_status = MH_BE_STATUS_UNRECOGNIZED_MH_TYPE;
	return mh_encode(&m, NULL, NULL, out, cap, &why);
}

void mh_rx_limit_init(struct mh_rx_limit *l)
{
	memset(l, 0, sizeof(*l));
	l->interval_ns = MH_RX_LIMIT_INTERVAL_NS;
	l->burst = MH_RX_LIMIT_BURST;
}

bool mh_rx_limit_take(struct mh_rx_limit *l, uint64_t now_ns)
{
	if (!l->started) {
		l->started = true;
		l->tokens = l->burst;
		l->last_ns = now_ns;
	}
	if (l->interval_ns && now_ns > l->last_ns) {
		uint64_t add = (now_ns - l->last_ns) / l->interval_ns;

		if (add) {
			l->tokens = add >= l->burst || l->tokens + add > l->burst ?
				    l->burst : l->tokens + (unsigned)add;
			l->last_ns += add * l->interval_ns;
		}
	}
	if (l->tokens == 0) {
		l->suppressed++;
		return false;
	}
	l->tokens--;
	return true;
}
