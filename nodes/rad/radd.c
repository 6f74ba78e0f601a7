/*
 * radd.c - main: a plain router's Router Advertisements (RFC 4861 6.2) on
 * one interface, so that hosts behind a router that is not a MAG form
 * addresses by SLAAC (the care-of address of a client Mobile IPv6 MN,
 * problem statement appendix C). The Linux kernel routes but never
 * advertises; radd does (doc/man/radd.8).
 *
 *   radd -i IFACE -p PREFIX/LEN [-p ...] [-I MS] [-l S] [-v S]
 *
 * Owns: the unsolicited RAs every -I ms, an immediate answer to each
 * Router Solicitation (nio_icmp6 takes only RS, hop limit 255), a final RA
 * with router lifetime 0 on SIGTERM/SIGINT (RFC 4861 6.2.5). The RA itself
 * is nodes/pmip/nd.c's. Must not: route or change the interface beyond
 * its link-local address (the one the RAs come from).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <ev.h>
#include <getopt.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pmip/nd.h"
#include "io/nio.h"

#define RADD_PREFIX_MAX 8
#define RADD_INTERVAL_MS 1000      /* RFC 6275 7.5 allows below RFC 4861's 3 s */
#define RADD_ROUTER_LIFETIME_S 1800
#define RADD_VALID_S 86400

struct radd {
	char ifname[IF_NAMESIZE];
	int ifindex, fd;
	uint8_t mac[6];
	struct in6_addr ll;
	struct nd_ra ra;
	double interval_s;
	unsigned long sent, rs_answered, errors;
	ev_io rs_w;
	ev_timer tick_w;
	ev_signal int_w, term_w;
};

static void usage(FILE *f)
{
	fprintf(f, "usage: radd -i IFACE -p PREFIX/LEN [-p PREFIX/LEN ...] [-I MS] [-l S] [-v S]\n"
		"  -i IFACE       the interface to advertise on\n"
		"  -p PREFIX/LEN  a prefix with the L and A flags (at most %d)\n"
		"  -I MS          interval of unsolicited RAs (default %d)\n"
		"  -l S           router lifetime, 0 = not a default router (default %d)\n"
		"  -v S           prefix valid and preferred lifetime (default %d)\n"
		"  -h, --help     this text\n"
		"  --version      the version\n",
		RADD_PREFIX_MAX, RADD_INTERVAL_MS, RADD_ROUTER_LIFETIME_S, RADD_VALID_S);
}

static int parse_prefix(const char *s, struct nd_prefix *p)
{
	char buf[INET6_ADDRSTRLEN + 4], *slash, *end;
	long len;

	if (strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (!slash)
		return -1;
	*slash = '\0';
	len = strtol(slash + 1, &end, 10);
	if (*end || len < 1 || len > 128 || inet_pton(AF_INET6, buf, &p->prefix) != 1)
		return -1;
	p->len = (uint8_t)len;
	p->flags = ND_PI_L | ND_PI_A;
	return 0;
}

static long parse_num(const char *s, long max)
{
	char *end;
	long v = strtol(s, &end, 10);

	return *end || v < 0 || v > max ? -1 : v;
}

/* Options into r (RA contents and interval); 0, or 2 with a message. */
static int parse_args(int argc, char **argv, struct radd *r)
{
	static const struct option longs[] = { { "help", no_argument, NULL, 'h' },
					       { "version", no_argument, NULL, 'V' }, { 0 } };
	long interval = RADD_INTERVAL_MS, life = RADD_ROUTER_LIFETIME_S, valid = RADD_VALID_S;
	int c;

	while ((c = getopt_long(argc, argv, "i:p:I:l:v:h", longs, NULL)) != -1) {
		switch (c) {
		case 'i':
			snprintf(r->ifname, sizeof(r->ifname), "%s", optarg);
			break;
		case 'p':
			if (r->ra.n_prefix >= RADD_PREFIX_MAX ||
			    parse_prefix(optarg, &r->ra.prefix[r->ra.n_prefix]) < 0) {
				fprintf(stderr, "radd: -p %s: not PREFIX/LEN, or too many\n", optarg);
				return 2;
			}
			r->ra.n_prefix++;
			break;
		case 'I': interval = parse_num(optarg, 3600000); break;
		case 'l': life = parse_num(optarg, 9000); break;   /* RFC 4861 4.2 */
		case 'v': valid = parse_num(optarg, 0x7fffffff); break;
		case 'h': usage(stdout); exit(0);
		case 'V': printf("radd %s\n", nio_prog_version()); exit(0);
		default: usage(stderr); return 2;
		}
	}
	if (!r->ifname[0] || !r->ra.n_prefix || interval < 30 || life < 0 || valid < 0) {
		usage(stderr);
		return 2;
	}
	r->interval_s = (double)interval / 1000.0;
	r->ra.cur_hop_limit = 64;
	r->ra.router_lifetime_s = (uint16_t)life;
	for (uint8_t i = 0; i < r->ra.n_prefix; i++)
		r->ra.prefix[i].valid_lifetime_s = r->ra.prefix[i].preferred_lifetime_s =
			(uint32_t)valid;
	return 0;
}

/* One RA to dst (all-nodes, or the soliciting host's link-local). */
static void send_ra(struct radd *r, const struct in6_addr *dst)
{
	uint8_t buf[1024];
	const char *why = NULL;
	int n = nd_ra_encode(&r->ra, NULL, NULL, buf, sizeof(buf), &why);

	if (n < 0 || nio_icmp6_send(r->fd, r->ifindex, &r->ll, dst, buf, (size_t)n) < 0) {
		if (r->errors++ % 100 == 0)
			nio_log("radd", "%s: RA not sent: %s", r->ifname, why ? why : strerror(errno));
		return;
	}
	r->sent++;
}

static void all_nodes(struct in6_addr *a)
{
	inet_pton(AF_INET6, "ff02::1", a);
}

static void on_tick(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct in6_addr dst;

	(void)loop; (void)revents;
	all_nodes(&dst);
	send_ra(w->data, &dst);
}

/* RFC 4861 6.2.6: an RS is answered; unicast to a link-local source. */
static void on_rs(struct ev_loop *loop, ev_io *w, int revents)
{
	struct radd *r = w->data;
	uint8_t pkt[1500];
	struct in6_addr src;
	struct nd_rs rs;
	const char *why;
	ssize_t n;

	(void)loop; (void)revents;
	while ((n = nio_icmp6_recv(r->fd, pkt, sizeof(pkt), &src, NULL)) >= 0) {
		if (nd_rs_decode(pkt, (size_t)n, &src, NULL, &rs, &why) < 0)
			continue;
		if (!IN6_IS_ADDR_LINKLOCAL(&src))
			all_nodes(&src);
		send_ra(r, &src);
		r->rs_answered++;
	}
}

/* RFC 4861 6.2.5: a router that stops advertising says so (lifetime 0). */
static void on_stop(struct ev_loop *loop, ev_signal *w, int revents)
{
	struct radd *r = w->data;
	struct in6_addr dst;

	(void)revents;
	if (r->ra.router_lifetime_s) {
		r->ra.router_lifetime_s = 0;
		all_nodes(&dst);
		send_ra(r, &dst);
	}
	ev_break(loop, EVBREAK_ALL);
}

static int open_iface(struct radd *r)
{
	r->ifindex = nio_ifindex(r->ifname);
	if (r->ifindex <= 0 || nio_link_mac(r->ifname, r->mac) < 0) {
		fprintf(stderr, "radd: %s: no such interface\n", r->ifname);
		return -1;
	}
	r->ra.has_slla = true;
	r->ra.slla.len = 6;
	memcpy(r->ra.slla.addr, r->mac, 6);
	nd_ll_from_mac(r->mac, &r->ll);
	/* RFC 4861 6.1.2: an RA comes from the router's link-local address */
	if (nio_addr_add(r->ifindex, &r->ll, 64, true) < 0 && errno != EEXIST) {
		fprintf(stderr, "radd: %s: cannot add the link-local address: %s\n",
			r->ifname, strerror(errno));
		return -1;
	}
	r->fd = nio_icmp6_open(r->ifname);
	if (r->fd < 0) {
		fprintf(stderr, "radd: %s: ICMPv6 socket: %s\n", r->ifname, strerror(errno));
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static struct radd r;
	struct ev_loop *loop = EV_DEFAULT;
	struct in6_addr dst;
	int rc = parse_args(argc, argv, &r);

	if (rc)
		return rc;
	if (open_iface(&r) < 0)
		return 1;
	ev_io_init(&r.rs_w, on_rs, r.fd, EV_READ);
	ev_timer_init(&r.tick_w, on_tick, r.interval_s, r.interval_s);
	ev_signal_init(&r.int_w, on_stop, SIGINT);
	ev_signal_init(&r.term_w, on_stop, SIGTERM);
	r.rs_w.data = r.tick_w.data = r.int_w.data = r.term_w.data = &r;
	ev_io_start(loop, &r.rs_w);
	ev_timer_start(loop, &r.tick_w);
	ev_signal_start(loop, &r.int_w);
	ev_signal_start(loop, &r.term_w);
	nio_log("radd", "%s: advertising %u prefix(es) every %.3f s", r.ifname,
		(unsigned)r.ra.n_prefix, r.interval_s);
	all_nodes(&dst);
	send_ra(&r, &dst);              /* at once: hosts may be waiting */
	ev_run(loop, 0);
	nio_log("radd", "%s: stopped: %lu RAs sent, %lu RS answered, %lu errors", r.ifname,
		r.sent, r.rs_answered, r.errors);
	return 0;
}
