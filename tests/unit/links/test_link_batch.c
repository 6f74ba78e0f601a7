/*
 * The link workers' batched I/O (link_worker_io.c): a backlog is read in
 * batches of at most `batch` frames, the last one partial; a far end that
 * refuses writes (queue full, closed) costs drop_tx, never a stall; a port
 * that returns EOF is given up instead of waking the worker forever; the
 * captures hold exactly the frames read and the frames delivered. Ports are
 * socket pairs (link_rig.h): no root needed.
 */
#include <pcap/pcap.h>
#include <signal.h>
#include <stdlib.h>

#include "link_rig.h"

static char cap_dir[] = "/tmp/pmipemu-linkbatch-XXXXXX";
static bool cap_made;

static void remove_captures(void)
{
	char path[128];

	if (!cap_made)
		return;
	for (int end = 0; end < 2; end++) {
		snprintf(path, sizeof(path), "%s/n0%c-eth0.pcap", cap_dir, 'a' + end);
		unlink(path);
	}
	rmdir(cap_dir);
}

static int pcap_records(const char *dir, const char *node, uint64_t *forward)
{
	char path[256], err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	uint64_t last = 0;
	int n = 0;

	snprintf(path, sizeof(path), "%s/%s-eth0.pcap", dir, node);
	pcap_t *p = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO, err);
	cr_assert_not_null(p, "%s: %s", path, err);
	*forward = 1;
	while (pcap_next_ex(p, &h, &data) == 1) {
		uint64_t ts = (uint64_t)h->ts.tv_sec * 1000000000ULL + (uint64_t)h->ts.tv_usec;

		if (ts < last)
			*forward = 0;
		last = ts;
		n++;
	}
	pcap_close(p);
	return n;
}

static void count(int link, int dir, unsigned seq, void *ctx)
{
	(void)link;
	(void)dir;
	(void)seq;
	(*(int *)ctx)++;
}

/* Wait (bounded) until the engine has read `want` frames. */
static void wait_read(struct link_engine *e, uint64_t want, struct link_engine_stats *st)
{
	for (int i = 0; i < 5000; i++) {
		link_engine_stats(e, st);
		if (st->frames_read >= want)
			return;
		usleep(1000);
	}
	cr_assert_fail("read %lu of %lu frames", (unsigned long)st->frames_read,
		       (unsigned long)want);
}

Test(link_batch, a_backlog_is_read_in_batches_the_last_one_partial_in_order, .timeout = 20)
{
	unsigned batch[] = { 4, 64 };
	int want_batches[] = { 3, 1 };  /* 10 frames: 4 + 4 + 2, or all at once */

	for (int k = 0; k < 2; k++) {
		struct link_engine_opts o = { .seed = 1, .threads = 1, .batch = batch[k] };
		struct link_engine *e = link_engine_new(&o);
		struct link_engine_stats st;
		int fd = -1, peer = -1;

		cr_assert_not_null(e);
		cr_assert_eq(rig_pair(&fd, &peer), 0);
		/* the backlog is queued before the engine watches the port */
		for (int i = 0; i < 10; i++) {
			uint8_t f[RIG_FRAME] = { 0, 0, 0, (uint8_t)i };

			cr_assert_eq(send(peer, f, sizeof(f), 0), (ssize_t)sizeof(f));
		}
		int port = link_engine_add_port(e, "n", "eth0", fd);

		cr_assert_geq(port, 0);
		wait_read(e, 10, &st);
		cr_assert_eq(st.frames_read, 10);
		cr_assert_eq(st.read_batches, (uint64_t)want_batches[k],
			     "batch %u: %lu batches", batch[k], (unsigned long)st.read_batches);
		cr_assert_eq(link_engine_port_orphans(e, port), 10, "detached: orphans");
		link_engine_free(e);
		close(peer);
	}
}

Test(link_batch, a_full_far_end_costs_drop_tx_and_the_capture_holds_only_what_left,
     .timeout = 20, .fini = remove_captures)
{
	cr_assert_not_null(mkdtemp(cap_dir));
	cap_made = true;
	struct link_engine_opts o = { .seed = 1, .threads = 2, .pcap_dir = cap_dir };
	struct link_params p = {0};
	struct rig r;
	int got = 0, sent = 200;

	rig_open(&r, &o, 1, &p);
	/* a small send buffer on the engine's end b, and its reader does not
	 * read while we send: the queue fills after a few frames */
	int small = 4096;

	cr_assert_eq(setsockopt(r.efd[0][1], SOL_SOCKET, SO_SNDBUF, &small, sizeof(small)), 0);
	for (int i = 0; i < sent; i++)
		rig_send(&r, 0, 0, (unsigned)i);
	rig_drain(&r, count, &got);
	struct link_counters c;

	link_engine_counters(r.e, 0, LINK_DIR_AB, &c);
	cr_assert_eq(c.in, (uint64_t)sent);
	cr_assert_gt(c.drop_tx, 0, "the far end's queue never filled (raise `sent`)");
	cr_assert_eq(c.delivered + c.drop_tx, (uint64_t)sent);
	cr_assert_eq((uint64_t)got, c.delivered);
	link_engine_flush(r.e);
	uint64_t fwd_a, fwd_b;

	cr_assert_eq(pcap_records(cap_dir, "n0a", &fwd_a), sent, "sender capture: every frame read");
	cr_assert_eq(pcap_records(cap_dir, "n0b", &fwd_b), (int)c.delivered,
		     "receiver capture: only frames delivered");
	cr_assert(fwd_a && fwd_b, "capture timestamps go forward");
	rig_free(&r);
}

Test(link_batch, a_closed_far_end_costs_drop_tx, .timeout = 20)
{
	struct link_engine_opts o = { .seed = 1, .threads = 1 };
	struct link_params p = {0};
	struct rig r;
	int got = 0;

	signal(SIGPIPE, SIG_IGN);       /* a socket pair's EPIPE; a TAP has none */
	rig_open(&r, &o, 1, &p);
	close(r.peer[0][1]);
	r.peer[0][1] = -1;
	for (int i = 0; i < 5; i++)
		rig_send(&r, 0, 0, (unsigned)i);
	rig_drain(&r, count, &got);
	struct link_counters c;

	link_engine_counters(r.e, 0, LINK_DIR_AB, &c);
	cr_assert_eq(c.drop_tx, 5);
	cr_assert_eq(c.delivered, 0);
	rig_free(&r);
}

Test(link_batch, a_port_at_eof_is_given_up_and_does_not_wake_the_worker, .timeout = 20)
{
	struct link_engine_opts o = { .seed = 1, .threads = 1 };
	struct link_params p = {0};
	struct link_engine_stats st, later;
	struct rig r;
	int got = 0;

	rig_open(&r, &o, 1, &p);
	close(r.peer[0][0]);            /* end a's reader sees EOF */
	r.peer[0][0] = -1;
	for (int i = 0; i < 1000; i++) {
		link_engine_stats(r.e, &st);
		if (st.port_errors)
			break;
		usleep(1000);
	}
	cr_assert_eq(st.port_errors, 1);
	usleep(50000);
	link_engine_stats(r.e, &later);
	/* a level-triggered EOF left watched would wake it thousands of times */
	cr_assert_lt(later.wakeups - st.wakeups, 20, "%lu wake-ups after EOF",
		     (unsigned long)(later.wakeups - st.wakeups));
	/* frames towards the given-up end are still relayed, and refused */
	signal(SIGPIPE, SIG_IGN);
	rig_send(&r, 0, 1, 0);
	rig_drain(&r, count, &got);
	struct link_counters c;

	link_engine_counters(r.e, 0, LINK_DIR_BA, &c);
	cr_assert_eq(c.in, 1);
	cr_assert_eq(c.drop_tx, 1, "end a is closed: the write fails");
	rig_free(&r);
}
