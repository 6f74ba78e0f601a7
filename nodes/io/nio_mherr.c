/*
 * nio_mherr.c - Binding Errors and ICMPv6 Parameter Problems for bad
 * Mobility Headers (RFC 6275 9.2), rate-limited (RFC 6275 11.3.5 and
 * RFC 4443 2.4 f: one token bucket for both).
 *
 * Owns: the send-only ICMPv6 socket and the counters. Must not: decide
 * what is wrong with a message (mh_rx.c does) or log.
 */
#include <netinet/in.h>
#include <netinet/icmp6.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "nio.h"
#include "nio_mherr.h"

void nio_mherr_open(struct nio_mherr *e)
{
	struct icmp6_filter all;

	ICMP6_FILTER_SETBLOCKALL(&all);

	memset(e, 0, sizeof(*e));
	mh_rx_limit_init(&e->limit);
	e->icmp_fd = socket(AF_INET6, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_ICMPV6);
	/* ICMP6_FILTER with every type blocked: this socket only sends */
	if (e->icmp_fd >= 0)
		(void)setsockopt(e->icmp_fd, IPPROTO_ICMPV6, ICMP6_FILTER, &all,
				 sizeof(all));
}

void nio_mherr_close(struct nio_mherr *e)
{
	if (e->icmp_fd >= 0)
		close(e->icmp_fd);
	e->icmp_fd = -1;
}

static void answer(struct nio_mherr *e, enum mh_rx_fault f, int mh_fd, const uint8_t *p,
		   size_t len, const struct in6_addr *src, const struct in6_addr *dst)
{
	uint8_t out[1280];

	if (f == MH_RX_UNKNOWN_TYPE) {
		int n = mh_rx_binding_error(out, sizeof(out));

		if (n > 0 && nio_mh_send(mh_fd, dst, src, out, (size_t)n) == n)
			e->be_sent++;
		else
			e->send_errors++;
		return;
	}
	size_t n = mh_rx_param_problem(out, sizeof(out), f, src, dst, p, len);

	if (n && e->icmp_fd >= 0 && nio_raw_send(e->icmp_fd, dst, 0, src, out, n) == (ssize_t)n)
		e->param_problems_sent++;
	else
		e->send_errors++;
}

enum mh_rx_fault nio_mherr_screen(struct nio_mherr *e, int mh_fd, const uint8_t *p,
				  size_t len, const struct in6_addr *src,
				  const struct in6_addr *dst, uint64_t now_ns)
{
	enum mh_rx_fault f = mh_rx_check(p, len);

	if (f == MH_RX_OK)
		return f;
	e->by_fault[f]++;
	if (f == MH_RX_DROP)
		return f;
	/* never an error in answer to a multicast or unspecified source
	 * (RFC 4443 2.4 e) */
	if (IN6_IS_ADDR_MULTICAST(src) || IN6_IS_ADDR_UNSPECIFIED(src))
		return f;
	if (!mh_rx_limit_take(&e->limit, now_ns))
		return f;                       /* counted in limit.suppressed */
	answer(e, f, mh_fd, p, len, src, dst);
	return f;
}
