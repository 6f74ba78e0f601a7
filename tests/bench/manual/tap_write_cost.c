/*
 * tap_write_cost.c - what one frame written to a TAP costs the writer, with
 * one write() a frame and with io_uring batches (issue 15 item 1: would
 * batching the link engine's writes through io_uring cut its cost?).
 *
 * Not built by make (it needs liburing-dev, which nothing else does):
 *   cc -O2 -Wall -Wextra -o /tmp/tap_write_cost tests/bench/manual/tap_write_cost.c -luring -lpthread
 *   /tmp/tap_write_cost [FRAMES [BATCH [PAYLOAD_B]]]     # as root
 * It unshares a network namespace of its own (gone with the process), makes
 * TAP tb0 with 2001:db8::2/64, drains UDP port 5001 on a second thread, and
 * writes IPv6/UDP frames to that address: the kernel runs the whole receive
 * path inside each write, as it does for the engine. Prints the writer
 * thread's CPU time per frame (CLOCK_THREAD_CPUTIME_ID) for both ways.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <liburing.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static atomic_long got;
static atomic_int stop;
static int udp;

static double now_s(clockid_t c)
{
	struct timespec t;

	clock_gettime(c, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void *drain(void *arg)
{
	static char buf[64][2048];
	struct mmsghdr m[64];
	struct iovec v[64];

	(void)arg;
	memset(m, 0, sizeof(m));
	for (int i = 0; i < 64; i++) {
		v[i] = (struct iovec){ buf[i], sizeof(buf[i]) };
		m[i].msg_hdr.msg_iov = &v[i];
		m[i].msg_hdr.msg_iovlen = 1;
	}
	while (!atomic_load(&stop)) {
		int n = recvmmsg(udp, m, 64, MSG_DONTWAIT, NULL);

		if (n > 0)
			atomic_fetch_add(&got, n);
		else
			usleep(50);
	}
	return NULL;
}

/* UDP checksum over the IPv6 pseudo-header (RFC 8200 8.1). */
static uint16_t udp6_csum(const uint8_t *ip, int udplen)
{
	uint32_t s = 17 + (uint32_t)udplen;

	for (int i = 8; i < 40; i += 2)
		s += (uint32_t)(ip[i] << 8 | ip[i + 1]);
	for (int i = 0; i < udplen; i += 2)
		s += (uint32_t)(ip[40 + i] << 8 | (i + 1 < udplen ? ip[41 + i] : 0));
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s ? (uint16_t)~s : 0xffff;
}

static int frame(uint8_t *f, const uint8_t *dst_mac, int pay)
{
	const uint8_t src_mac[6] = { 2, 0, 0, 0, 0, 1 };
	uint8_t *ip = f + 14, *u = ip + 40;
	int ul = 8 + pay;

	memcpy(f, dst_mac, 6);
	memcpy(f + 6, src_mac, 6);
	f[12] = 0x86;
	f[13] = 0xdd;
	ip[0] = 0x60;
	ip[4] = (uint8_t)(ul >> 8);
	ip[5] = (uint8_t)ul;
	ip[6] = 17;
	ip[7] = 64;
	inet_pton(AF_INET6, "2001:db8::1", ip + 8);
	inet_pton(AF_INET6, "2001:db8::2", ip + 24);
	u[0] = u[2] = 0x13;
	u[1] = u[3] = 0x89;             /* ports 5001 */
	u[4] = (uint8_t)(ul >> 8);
	u[5] = (uint8_t)ul;
	uint16_t c = udp6_csum(ip, ul);

	u[6] = (uint8_t)(c >> 8);
	u[7] = (uint8_t)c;
	return 14 + 40 + ul;
}

static int setup(uint8_t *mac)
{
	struct ifreq ifr = { .ifr_flags = IFF_TAP | IFF_NO_PI };
	struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_port = htons(5001) };
	int fd, s, rb = 32 << 20;

	if (unshare(CLONE_NEWNET) < 0)
		return -1;
	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK);
	strcpy(ifr.ifr_name, "tb0");
	if (fd < 0 || ioctl(fd, TUNSETIFF, &ifr) < 0 || ioctl(fd, TUNSETOFFLOAD, 0) < 0)
		return -1;
	if (system("sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0"
		   " && ip link set tb0 up && ip -6 addr add 2001:db8::2/64 dev tb0 nodad") != 0)
		return -1;
	s = socket(AF_INET, SOCK_DGRAM, 0);
	if (s < 0 || ioctl(s, SIOCGIFHWADDR, &ifr) < 0)
		return -1;
	close(s);
	memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	udp = socket(AF_INET6, SOCK_DGRAM, 0);
	setsockopt(udp, SOL_SOCKET, SO_RCVBUFFORCE, &rb, sizeof(rb));
	inet_pton(AF_INET6, "2001:db8::2", &a.sin6_addr);
	if (bind(udp, (struct sockaddr *)&a, sizeof(a)) < 0)
		return -1;
	return fd;
}

static void report(const char *how, int n, int len, double c, double w, long fail, long rx)
{
	printf("%-22s %d frames of %d B: %.2f us CPU/frame, %.0f frames/s, %ld refused, %ld received\n",
	       how, n, len, c / n * 1e6, n / w, fail, rx);
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 300000, batch = argc > 2 ? atoi(argv[2]) : 32;
	int pay = argc > 3 ? atoi(argv[3]) : 64;
	uint8_t mac[6], f[2048] = {0};
	struct io_uring r;
	pthread_t t;
	long fail = 0;
	char how[32];
	int fd = setup(mac), len;

	if (fd < 0 || n <= 0 || batch <= 0 || batch > 256 || pay < 8 || pay > 1452) {
		perror("tap_write_cost (root? arguments?)");
		return 1;
	}
	len = frame(f, mac, pay);
	pthread_create(&t, NULL, drain, NULL);

	double c0 = now_s(CLOCK_THREAD_CPUTIME_ID), w0 = now_s(CLOCK_MONOTONIC);
	for (int i = 0; i < n; i++)
		fail += write(fd, f, (size_t)len) != len;
	double c1 = now_s(CLOCK_THREAD_CPUTIME_ID), w1 = now_s(CLOCK_MONOTONIC);
	usleep(200000);
	long rx0 = atomic_load(&got);
	report("write()", n, len, c1 - c0, w1 - w0, fail, rx0);

	if (io_uring_queue_init(256, &r, 0) < 0)
		return 1;
	fail = 0;
	c0 = now_s(CLOCK_THREAD_CPUTIME_ID);
	w0 = now_s(CLOCK_MONOTONIC);
	for (int i = 0; i < n; i += batch) {
		int k = n - i < batch ? n - i : batch, seen = 0;
		struct io_uring_cqe *cqe;
		unsigned head;

		for (int j = 0; j < k; j++)
			io_uring_prep_write(io_uring_get_sqe(&r), fd, f, (unsigned)len, 0);
		io_uring_submit_and_wait(&r, (unsigned)k);
		io_uring_for_each_cqe(&r, head, cqe) {
			fail += cqe->res != len;
			seen++;
		}
		io_uring_cq_advance(&r, (unsigned)seen);
	}
	c1 = now_s(CLOCK_THREAD_CPUTIME_ID);
	w1 = now_s(CLOCK_MONOTONIC);
	usleep(200000);
	snprintf(how, sizeof(how), "io_uring, batch %d", batch);
	report(how, n, len, c1 - c0, w1 - w0, fail, atomic_load(&got) - rx0);
	atomic_store(&stop, 1);
	pthread_join(t, NULL);
	io_uring_queue_exit(&r);
	return 0;
}
