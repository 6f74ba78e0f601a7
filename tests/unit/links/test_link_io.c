/*
 * I/O test of the link engine: two fresh network namespaces (unshare, held
 * by fds only: nothing outlives the test process), a TAP in each through
 * link_tap, a 10 ms link between them, raw Ethernet frames sent by the
 * kernel of one namespace and received in the other. Needs root and
 * /dev/net/tun; skipped otherwise.
 */
#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <errno.h>
#include <ev.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/if_packet.h>
#include <linux/rtnetlink.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <pcap/pcap.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "links/link.h"
#include "links/link_tap.h"


#define ETH_P_TEST 0x88B5       /* IEEE local experimental ethertype */
#define N_FRAMES 5
#define MS 1000000ULL

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static int orig_ns = -1;
static char cap_dir[] = "/tmp/pmipemu-linkio-XXXXXX";
static bool cap_dir_made;

/* Runs after the test, passed or failed: remove the captures. (Namespaces
 * and TAPs are held by fds only and vanish with the test process.) */
static void remove_captures(void)
{
	char path[128];

	if (!cap_dir_made)
		return;
	snprintf(path, sizeof(path), "%s/na-eth0.pcap", cap_dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/nb-eth0.pcap", cap_dir);
	unlink(path);
	rmdir(cap_dir);
}

static bool io_possible(void)
{
	return geteuid() == 0 && access("/dev/net/tun", R_OK | W_OK) == 0;
}

/* A new network namespace, as an fd; the caller stays where it was. */
static int new_netns(void)
{
	cr_assert_eq(unshare(CLONE_NEWNET), 0, "unshare: %s", strerror(errno));
	int fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	cr_assert_geq(fd, 0);
	cr_assert_eq(setns(orig_ns, CLONE_NEWNET), 0);
	return fd;
}

static void in_ns(int ns)
{
	cr_assert_eq(setns(ns, CLONE_NEWNET), 0);
}

static void disable_ipv6(int ns, const char *ifname)
{
	char path[128];

	in_ns(ns);
	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/disable_ipv6", ifname);
	FILE *f = fopen(path, "w");
	if (f) {        /* no IPv6 noise (RS, MLD) on the test link */
		fputs("1", f);
		fclose(f);
	}
	in_ns(orig_ns);
}

/* A packet socket bound to ifname inside ns. */
static int packet_socket(int ns, const char *ifname)
{
	in_ns(ns);
	int s = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_TEST));
	cr_assert_geq(s, 0);
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_TEST),
				   .sll_ifindex = (int)if_nametoindex(ifname) };
	cr_assert_gt(sll.sll_ifindex, 0);
	cr_assert_eq(bind(s, (struct sockaddr *)&sll, sizeof(sll)), 0);
	in_ns(orig_ns);
	return s;
}

static int carrier_attr(const struct nlattr *a, void *data)
{
	if (mnl_attr_get_type(a) == IFLA_CARRIER)
		*(int *)data = mnl_attr_get_u8(a);
	return MNL_CB_OK;
}

static int carrier_msg(const struct nlmsghdr *nlh, void *data)
{
	mnl_attr_parse(nlh, sizeof(struct ifinfomsg), carrier_attr, data);
	return MNL_CB_OK;
}

/* IFLA_CARRIER of ifname in ns, asked over rtnetlink (SIOCGIFFLAGS has no
 * room for IFF_LOWER_UP, sysfs shows the mounter's namespace). */
static bool carrier_on(int ns, const char *ifname)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	int carrier = -1;

	nlh->nlmsg_type = RTM_GETLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	nlh->nlmsg_seq = 1;
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, ifname);
	in_ns(ns);
	struct mnl_socket *nl = mnl_socket_open(NETLINK_ROUTE);
	in_ns(orig_ns);
	cr_assert_not_null(nl);
	cr_assert_eq(mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID), 0);
	cr_assert_geq(mnl_socket_sendto(nl, nlh, nlh->nlmsg_len), 0);
	ssize_t n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
	cr_assert_gt(n, 0);
	mnl_cb_run(buf, (size_t)n, 1, mnl_socket_get_portid(nl), carrier_msg, &carrier);
	mnl_socket_close(nl);
	cr_assert_neq(carrier, -1, "no IFLA_CARRIER for %s", ifname);
	return carrier == 1;
}

struct rx {
	int sock;
	int got;
	uint64_t at_ns[N_FRAMES];
	uint8_t idx[N_FRAMES];
};

static void rx_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct rx *rx = w->data;
	uint8_t buf[2048];
	ssize_t n;

	(void)revents;
	while ((n = recv(rx->sock, buf, sizeof(buf), 0)) > 0) {
		if (rx->got < N_FRAMES && n >= 15) {
			rx->at_ns[rx->got] = mono_ns();
			rx->idx[rx->got++] = buf[14];
		}
	}
	if (rx->got == N_FRAMES)
		ev_break(loop, EVBREAK_ALL);
}

static void timeout_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)w;
	(void)revents;
	ev_break(loop, EVBREAK_ALL);
}

static int count_test_frames(const char *path, uint64_t *first_ns)
{
	char err[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO, err);
	struct pcap_pkthdr *h;
	const u_char *data;
	int n = 0;

	cr_assert_not_null(p, "%s: %s", path, err);
	cr_assert_eq(pcap_datalink(p), DLT_EN10MB);
	while (pcap_next_ex(p, &h, &data) == 1) {
		if (h->caplen >= 14 && data[12] == (ETH_P_TEST >> 8) && data[13] == (ETH_P_TEST & 0xff)) {
			if (!n)
				*first_ns = (uint64_t)h->ts.tv_sec * 1000000000ULL + (uint64_t)h->ts.tv_usec;
			n++;
		}
	}
	pcap_close(p);
	return n;
}

Test(link_io, frames_cross_a_10ms_link_between_namespaces_with_carrier_and_capture,
     .timeout = 10, .fini = remove_captures)
{
	if (!io_possible())
		cr_skip_test("needs root and /dev/net/tun");
	orig_ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	cr_assert_geq(orig_ns, 0);
	int ns_a = new_netns(), ns_b = new_netns();
	char if_a[IFNAMSIZ], if_b[IFNAMSIZ], *dir = cap_dir;
	const uint8_t mac_a[6] = { 0x02, 0, 0, 0, 0, 0x0a };
	const char *why = "";

	snprintf(if_a, sizeof(if_a), "lt%da", (int)getpid() % 1000000);
	snprintf(if_b, sizeof(if_b), "lt%db", (int)getpid() % 1000000);
	cr_assert_not_null(mkdtemp(dir));
	cap_dir_made = true;

	int tap_a = link_tap_open(if_a, ns_a, mac_a, 1500, &why);
	cr_assert_geq(tap_a, 0, "tap a: %s: %s", why, strerror(errno));
	int tap_b = link_tap_open(if_b, ns_b, NULL, 0, &why);
	cr_assert_geq(tap_b, 0, "tap b: %s: %s", why, strerror(errno));
	disable_ipv6(ns_a, if_a);
	disable_ipv6(ns_b, if_b);
	cr_assert_eq(link_tap_set_up(if_a, ns_a, true, &why), 0, "%s", why);
	cr_assert_eq(link_tap_set_up(if_b, ns_b, true, &why), 0, "%s", why);

	struct ev_loop *loop = ev_loop_new(EVFLAG_AUTO);
	struct link_engine *e = link_engine_new(&(struct link_engine_opts){ .seed = 1, .pcap_dir = dir });
	cr_assert_not_null(e);
	int pa = link_engine_add_port(e, "na", "eth0", tap_a);
	int pb = link_engine_add_port(e, "nb", "eth0", tap_b);
	struct link_params p = { .delay_ns = 10 * MS };
	int l = link_engine_add_link(e, "l1", pa, pb, &p, &p, true);
	cr_assert_geq(l, 0);
	cr_assert_eq(link_engine_find_link(e, "l1"), l);
	cr_assert_eq(link_engine_find_port(e, "nb", "eth0"), pb);

	int s_a = packet_socket(ns_a, if_a), s_b = packet_socket(ns_b, if_b);
	cr_assert(carrier_on(ns_a, if_a) && carrier_on(ns_b, if_b), "carrier on when up");

	uint8_t frame[60] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0, 0, 0, 0, 0x0a,
			      ETH_P_TEST >> 8, ETH_P_TEST & 0xff };
	uint64_t sent_ns[N_FRAMES];
	for (int i = 0; i < N_FRAMES; i++) {
		frame[14] = (uint8_t)i;
		sent_ns[i] = mono_ns();
		cr_assert_eq(send(s_a, frame, sizeof(frame), 0), (ssize_t)sizeof(frame),
			     "send: %s", strerror(errno));
	}

	struct rx rx = { .sock = s_b };
	ev_io rw;
	ev_timer tw;
	ev_io_init(&rw, rx_cb, s_b, EV_READ);
	rw.data = &rx;
	ev_io_start(loop, &rw);
	ev_timer_init(&tw, timeout_cb, 2.0, 0);
	ev_timer_start(loop, &tw);
	ev_run(loop, 0);
	ev_timer_stop(loop, &tw);
	ev_io_stop(loop, &rw);

	cr_assert_eq(rx.got, N_FRAMES, "received %d frames", rx.got);
	for (int i = 0; i < N_FRAMES; i++) {
		cr_assert_eq(rx.idx[i], i, "order kept");
		cr_assert_geq(rx.at_ns[i] - sent_ns[i], 10 * MS, "frame %d early", i);
		cr_assert_lt(rx.at_ns[i] - sent_ns[i], 500 * MS);
	}
	struct link_counters c;
	link_engine_counters(e, l, LINK_DIR_AB, &c);
	cr_assert_geq(c.in, N_FRAMES);
	cr_assert_geq(c.delivered, N_FRAMES);
	cr_assert_eq(c.in_flight, 0);

	cr_assert_eq(link_engine_set_up(e, l, false, mono_ns()), 0);
	cr_assert(!carrier_on(ns_a, if_a) && !carrier_on(ns_b, if_b), "carrier off when down");
	cr_assert_eq(link_engine_set_up(e, l, true, mono_ns()), 0);
	cr_assert(carrier_on(ns_b, if_b), "carrier back on");
	cr_assert_eq(link_engine_detach(e, pb, mono_ns()), 0);
	cr_assert(!carrier_on(ns_a, if_a) && !carrier_on(ns_b, if_b), "detach pulls the cable");
	cr_assert_eq(link_engine_attach(e, pb, l, mono_ns()), 0);
	cr_assert(carrier_on(ns_a, if_a) && carrier_on(ns_b, if_b), "attach plugs it back");

	link_engine_free(e);            /* closes the TAPs and the captures */
	ev_loop_destroy(loop);
	close(s_a);
	close(s_b);

	char pa_path[128], pb_path[128];
	uint64_t first_a = 0, first_b = 0;
	snprintf(pa_path, sizeof(pa_path), "%s/na-eth0.pcap", dir);
	snprintf(pb_path, sizeof(pb_path), "%s/nb-eth0.pcap", dir);
	cr_assert_eq(count_test_frames(pa_path, &first_a), N_FRAMES, "sender capture");
	cr_assert_eq(count_test_frames(pb_path, &first_b), N_FRAMES, "receiver capture");
	cr_assert_geq(first_b - first_a, 10 * MS, "captures stamped at entry and exit");
	close(ns_a);
	close(ns_b);
	close(orig_ns);
}

/* Two namespaces with one TAP each, up, IPv6 off. */
static void open_pair(int ns[2], int tap[2], char ifn[2][IFNAMSIZ])
{
	const char *why = "";

	orig_ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	cr_assert_geq(orig_ns, 0);
	for (int i = 0; i < 2; i++) {
		ns[i] = new_netns();
		snprintf(ifn[i], IFNAMSIZ, "lt%d%c", (int)getpid() % 1000000, 'a' + i);
		tap[i] = link_tap_open(ifn[i], ns[i], NULL, 0, &why);
		cr_assert_geq(tap[i], 0, "%s: %s", why, strerror(errno));
		disable_ipv6(ns[i], ifn[i]);
		cr_assert_eq(link_tap_set_up(ifn[i], ns[i], true, &why), 0, "%s", why);
	}
}

static void run_for(struct ev_loop *loop, double s)
{
	ev_timer tw;

	ev_timer_init(&tw, timeout_cb, s, 0);
	ev_timer_start(loop, &tw);
	ev_run(loop, 0);
	ev_timer_stop(loop, &tw);
}

Test(link_io, link_down_drops_frames_in_flight_and_they_never_arrive, .timeout = 10)
{
	if (!io_possible())
		cr_skip_test("needs root and /dev/net/tun");
	int ns[2], tap[2];
	char ifn[2][IFNAMSIZ];

	open_pair(ns, tap, ifn);
	struct ev_loop *loop = ev_loop_new(EVFLAG_AUTO);
	struct link_engine *e = link_engine_new(&(struct link_engine_opts){ .seed = 1 });
	cr_assert_not_null(e);
	int pa = link_engine_add_port(e, "na", "eth0", tap[0]);
	int pb = link_engine_add_port(e, "nb", "eth0", tap[1]);
	struct link_params p = { .delay_ns = 300 * MS };
	int l = link_engine_add_link(e, "l1", pa, pb, &p, &p, true);
	cr_assert_geq(l, 0);
	int s_a = packet_socket(ns[0], ifn[0]), s_b = packet_socket(ns[1], ifn[1]);
	uint8_t frame[60] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0, 0, 0, 0, 0x0a,
			      ETH_P_TEST >> 8, ETH_P_TEST & 0xff };
	for (int i = 0; i < N_FRAMES; i++)
		cr_assert_eq(send(s_a, frame, sizeof(frame), 0), (ssize_t)sizeof(frame));

	struct rx rx = { .sock = s_b };
	ev_io rw;
	ev_io_init(&rw, rx_cb, s_b, EV_READ);
	rw.data = &rx;
	ev_io_start(loop, &rw);
	/* the workers read on their own threads: wait until all are read */
	struct link_counters c;
	for (int i = 0; i < 2000; i++) {
		link_engine_counters(e, l, LINK_DIR_AB, &c);
		if (c.in >= N_FRAMES)
			break;
		usleep(1000);
	}
	cr_assert_eq(c.in_flight, N_FRAMES, "in flight %lu", (unsigned long)c.in_flight);

	cr_assert_eq(link_engine_set_up(e, l, false, 0), 0);
	link_engine_counters(e, l, LINK_DIR_AB, &c);
	cr_assert_eq(c.in_flight, 0);
	cr_assert_eq(c.drop_down, N_FRAMES);
	cr_assert_eq(link_engine_set_up(e, l, true, 0), 0);
	run_for(loop, 0.4);
	ev_io_stop(loop, &rw);
	cr_assert_eq(rx.got, 0, "a flushed frame arrived");
	link_engine_counters(e, l, LINK_DIR_AB, &c);
	cr_assert_eq(c.delivered, 0);
	cr_assert_eq(c.in, c.drop_down);

	link_engine_free(e);
	ev_loop_destroy(loop);
	close(s_a);
	close(s_b);
	for (int i = 0; i < 2; i++)
		close(ns[i]);
	close(orig_ns);
}
