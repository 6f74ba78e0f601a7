/*
 * mn_nfq_io.c - the MN half of flow-based routing (shared design "Where
 * libnetfilter_queue fits"): the first packet of every new locally sent
 * flow is queued to mnd, classified, and accepted with a mark; policy
 * rules "fwmark M lookup T_i" send it out interface i. CONNMARK keeps
 * later packets of the flow off the queue:
 *
 *   mangle OUTPUT      -> MND_STEER
 *     MND_STEER: -o lo / -d fe80::/10 / -d ff00::/8        RETURN
 *                connmark != 0: CONNMARK --restore-mark
 *                mark != 0                                 RETURN
 *                conntrack NEW: NFQUEUE --queue-num Q --queue-bypass
 *   mangle POSTROUTING -> MND_SAVE
 *     MND_SAVE:  mark != 0 and connmark == 0: CONNMARK --save-mark
 *
 * The save sits in POSTROUTING because a verdict from the queue resumes
 * at the next hook, not at the next rule of the chain. The kernel re-routes
 * a queued LOCAL_OUT packet whose mark changed (nf_reroute), and the
 * mangle table re-routes a packet whose mark the restore changed; the
 * source address, chosen before, stays (doc/protocol.md "## MN").
 * --queue-bypass and fail-open: without mnd (or with its queue full)
 * packets pass unmarked, routed by source.
 *
 * Owns: the ip6tables rules (run as programs, posix_spawn) and the queue
 * socket. Must not: classify (mn_engine.c does, through the callback).
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <ev.h>
#include <linux/netfilter.h>
#include <libnetfilter_queue/libnetfilter_queue.h>

#include "mn_io.h"

#define COPY_RANGE 256               /* IPv6 header, extensions, ports */
#define ARGV_MAX 32

extern char **environ;

struct mn_nfq {
	struct ev_loop *loop;
	struct nfq_handle *h;
	struct nfq_q_handle *qh;
	ev_io w;
	int fd;
	mn_nfq_cb cb;
	void *arg;
	uint64_t errors;
	bool rules;
};

/* Run ip6tables -w -t mangle ARGS (blank-separated); its exit status. */
static int ipt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int ipt(const char *fmt, ...)
{
	char line[512], *argv[ARGV_MAX], *save = NULL;
	va_list ap;
	size_t n = 0;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	argv[n++] = "ip6tables";
	argv[n++] = "-w";
	argv[n++] = "-t";
	argv[n++] = "mangle";
	for (char *t = strtok_r(line, " ", &save); t && n < ARGV_MAX - 1;
	     t = strtok_r(NULL, " ", &save))
		argv[n++] = t;
	argv[n] = NULL;
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	pid_t pid;
	int st = -1;
	if (posix_spawnp(&pid, "ip6tables", &fa, NULL, argv, environ) == 0)
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
	posix_spawn_file_actions_destroy(&fa);
	return st == 0 ? 0 : -1;
}

void mn_nfq_rules_remove(void)
{
	while (ipt("-D OUTPUT -j MND_STEER") == 0)
		;
	while (ipt("-D POSTROUTING -j MND_SAVE") == 0)
		;
	ipt("-F MND_STEER");
	ipt("-X MND_STEER");
	ipt("-F MND_SAVE");
	ipt("-X MND_SAVE");
}

static int rules_install(uint16_t qnum)
{
	mn_nfq_rules_remove();
	if (ipt("-N MND_STEER") || ipt("-N MND_SAVE") ||
	    ipt("-A MND_STEER -o lo -j RETURN") ||
	    ipt("-A MND_STEER -d fe80::/10 -j RETURN") ||
	    ipt("-A MND_STEER -d ff00::/8 -j RETURN") ||
	    ipt("-A MND_STEER -m connmark ! --mark 0 -j CONNMARK --restore-mark") ||
	    ipt("-A MND_STEER -m mark ! --mark 0 -j RETURN") ||
	    ipt("-A MND_STEER -m conntrack --ctstate NEW -j NFQUEUE --queue-num %u "
		"--queue-bypass", qnum) ||
	    ipt("-A MND_SAVE -m mark ! --mark 0 -m connmark --mark 0 -j CONNMARK "
		"--save-mark") ||
	    ipt("-I OUTPUT 1 -j MND_STEER") ||
	    ipt("-I POSTROUTING 1 -j MND_SAVE")) {
		mn_nfq_rules_remove();
		return -1;
	}
	return 0;
}

static int on_packet(struct nfq_q_handle *qh, struct nfgenmsg *msg,
		     struct nfq_data *nfa, void *data)
{
	(void)msg;
	struct mn_nfq *q = data;
	struct nfqnl_msg_packet_hdr *ph = nfq_get_msg_packet_hdr(nfa);
	unsigned char *pkt = NULL;
	if (!ph)
		return 0;
	int len = nfq_get_payload(nfa, &pkt);
	uint32_t mark = len > 0 ? q->cb(q->arg, pkt, (size_t)len) : 0;
	if (nfq_set_verdict2(qh, ntohl(ph->packet_id), NF_ACCEPT, mark, 0, NULL) < 0)
		q->errors++;
	return 0;
}

static void on_queue(struct ev_loop *loop, ev_io *w, int revents)
{
	(void)loop; (void)revents;
	struct mn_nfq *q = w->data;
	char buf[4096] __attribute__((aligned));
	for (int i = 0; i < 64; i++) {
		ssize_t n = recv(q->fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0) {
			if (errno == ENOBUFS)
				q->errors++;     /* the kernel dropped (fail-open) */
			return;
		}
		nfq_handle_packet(q->h, buf, (int)n);
	}
}

static int queue_open(struct mn_nfq *q, uint16_t qnum, const char **why)
{
	q->h = nfq_open();
	if (!q->h) {
		*why = "cannot open netfilter queue";
		return -1;
	}
	q->qh = nfq_create_queue(q->h, qnum, on_packet, q);
	if (!q->qh) {
		*why = "cannot bind the netfilter queue (another program holds it?)";
		return -1;
	}
	if (nfq_set_mode(q->qh, NFQNL_COPY_PACKET, COPY_RANGE) < 0) {
		*why = "cannot set the queue's copy mode";
		return -1;
	}
	/* a full queue accepts instead of dropping: steering is an optimisation */
	nfq_set_queue_flags(q->qh, NFQA_CFG_F_FAIL_OPEN, NFQA_CFG_F_FAIL_OPEN);
	q->fd = nfq_fd(q->h);
	ev_io_init(&q->w, on_queue, q->fd, EV_READ);
	q->w.data = q;
	ev_io_start(q->loop, &q->w);
	return 0;
}

struct mn_nfq *mn_nfq_start(struct ev_loop *loop, uint16_t qnum, mn_nfq_cb cb,
			    void *arg, const char **why)
{
	struct mn_nfq *q = calloc(1, sizeof(*q));
	if (!q) {
		*why = "out of memory";
		return NULL;
	}
	q->loop = loop;
	q->cb = cb;
	q->arg = arg;
	q->fd = -1;
	if (queue_open(q, qnum, why) < 0) {
		int e = errno;
		mn_nfq_stop(q);
		errno = e;
		return NULL;
	}
	if (rules_install(qnum) < 0) {
		*why = "cannot install the ip6tables mangle rules (ip6tables, NFQUEUE, "
		       "conntrack, CONNMARK)";
		mn_nfq_stop(q);
		return NULL;
	}
	q->rules = true;
	return q;
}

uint64_t mn_nfq_errors(const struct mn_nfq *q)
{
	return q ? q->errors : 0;
}

void mn_nfq_stop(struct mn_nfq *q)
{
	if (!q)
		return;
	if (q->rules)
		mn_nfq_rules_remove();
	if (q->fd >= 0)
		ev_io_stop(q->loop, &q->w);
	if (q->qh)
		nfq_destroy_queue(q->qh);
	if (q->h)
		nfq_close(q->h);
	free(q);
}
