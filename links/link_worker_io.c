/*
 * link_worker_io.c - one worker thread of the link engine: an epoll loop
 * over the TAP fds of its ports, its delivery timer and its stop eventfd.
 *
 * Owns: reading frames in batches (up to `batch` a port a wake-up, one
 * read() each: a TAP read is one frame), running them through their
 * direction's pure pipeline (link_dir.c), holding them in its frame pool
 * until due, writing them to the far TAP when due (a CLOCK_MONOTONIC
 * timerfd with TFD_TIMER_ABSTIME: nanosecond wake-ups), and the periodic
 * flush of its ports' captures. When a delivery is due within spin_ns the
 * loop polls instead of sleeping (link_wake.c).
 * Must not: decide a frame's fate (the pure stages do), touch a link or
 * port of another worker, log or exit.
 *
 * A frame is stamped in the sender's capture when read from its TAP (it
 * entered the link) and in the receiver's just before it is written to the
 * far TAP (it left the link), each with its own clock reading. A write
 * refused by the far TAP (EAGAIN: its kernel queue is full; or any error)
 * drops the frame, counted drop_tx, so a slow reader cannot stall a worker.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "link_io.h"

#define IO_FRAME_MAX      (65536 + 64)  /* largest TAP read, with headroom */
#define IO_POOL_SMALL     8192
#define IO_SMALL_BYTES    2048          /* MTU 1500 frames and then some */
#define IO_POOL_LARGE     64
#define IO_FLUSH_NS       500000000ULL  /* captures written at least this often */
#define IO_EVENTS         64

uint64_t link_io_clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static uint64_t wk_now(void)
{
	return link_io_clock_ns(CLOCK_MONOTONIC);
}

static void wk_capture(struct link_engine *e, struct io_port *p,
		       const uint8_t *frame, size_t len, uint64_t mono_ns)
{
	if (p->pcap)
		link_pcap_write(p->pcap, frame, len,
				(uint64_t)((int64_t)mono_ns + e->realtime_off_ns));
}

/* ---- delivery timer ----------------------------------------------------- */

static void wk_timer_set(struct link_worker *w, uint64_t at)
{
	struct itimerspec its = {0};

	if (at == w->armed_ns)
		return;
	its.it_value.tv_sec = (time_t)(at / 1000000000ULL);
	its.it_value.tv_nsec = (long)(at % 1000000000ULL);
	if (at && !its.it_value.tv_sec && !its.it_value.tv_nsec)
		its.it_value.tv_nsec = 1;       /* an instant 0 would disarm */
	if (timerfd_settime(w->tfd, TFD_TIMER_ABSTIME, &its, NULL) == 0)
		w->armed_ns = at;
}

/* Plan the next wait: arm (or disarm) the timer; returns epoll's timeout:
 * 0 inside the spin window (while the budget lasts), else the flush
 * period. */
static int wk_plan(struct link_worker *w, uint64_t now)
{
	const struct link_sched_entry *top = link_sched_peek(&w->sched);
	uint64_t spin = link_spin_allowed(&w->budget, now, w->e->spin_pct) ? w->e->spin_ns : 0;
	struct link_wake k = link_wake_plan(top ? top->at_ns : 0, now, spin);

	if (k.kind == LINK_WAKE_POLL)
		return 0;
	wk_timer_set(w, k.kind == LINK_WAKE_SLEEP ? k.timer_ns : 0);
	return (int)(IO_FLUSH_NS / 1000000ULL);
}

void link_worker_arm(struct link_worker *w)
{
	(void)wk_plan(w, wk_now());
}

/* ---- frames out --------------------------------------------------------- */

static void wk_deliver(struct link_worker *w, const struct link_sched_entry *s)
{
	struct link_engine *e = w->e;
	struct io_link *l = e->links[s->link];
	struct link_dir *d = &l->dir[s->dir];
	int dst = l->port[s->dir == LINK_DIR_AB ? 1 : 0];
	const uint8_t *frame = link_pool_data(&w->pool, s->buf);
	size_t len = link_pool_len(&w->pool, s->buf);
	uint64_t now = wk_now();

	if (dst >= 0 && write(e->ports[dst]->fd, frame, len) == (ssize_t)len) {
		link_dir_delivered(d, len);
		wk_capture(e, e->ports[dst], frame, len, now);
	} else {
		link_dir_tx_failed(d);
	}
	link_pool_put(&w->pool, s->buf);
}

static void wk_dispatch_due(struct link_worker *w)
{
	const struct link_sched_entry *top;
	struct link_sched_entry s;
	uint64_t now = wk_now();

	while ((top = link_sched_peek(&w->sched)) && top->at_ns <= now) {
		link_sched_pop(&w->sched, &s);
		wk_deliver(w, &s);
		now = wk_now();
	}
}

/* ---- frames in ---------------------------------------------------------- */

static void wk_schedule(struct link_worker *w, struct io_port *p, uint32_t buf,
			const struct link_verdict *v)
{
	struct link_sched_entry s = { .at_ns = v->deliver_ns, .buf = buf,
				      .link = (uint32_t)p->link, .dir = (uint8_t)p->end };

	/* heap capacity is twice the pool: a buffer is scheduled at most twice */
	link_sched_push(&w->sched, &s);
	if (v->dup) {
		link_pool_ref(&w->pool, buf);
		link_sched_push(&w->sched, &s);
	}
}

static void wk_frame_in(struct link_worker *w, struct io_port *p, size_t len,
			uint64_t now)
{
	struct link_verdict v;
	struct link_dir *d;
	uint32_t buf;

	wk_capture(w->e, p, w->scratch, len, now);
	if (p->link < 0) {
		p->orphans++;
		return;
	}
	/* the direction leaving end a is AB, leaving end b is BA */
	d = &w->e->links[p->link]->dir[p->end];
	if (link_pool_get(&w->pool, len, &buf) < 0) {
		link_dir_refuse(d, len);
		return;
	}
	if (link_dir_input(d, len, now, &v) != LINK_FATE_DELIVER) {
		link_pool_put(&w->pool, buf);
		return;
	}
	memcpy(link_pool_data(&w->pool, buf), w->scratch, len);
	wk_schedule(w, p, buf, &v);
}

/* Read up to one batch from a ready port. EAGAIN ends the batch early (a
 * partial batch: the port is drained); EOF or a hard error gives the port
 * up (level-triggered epoll would report it forever), counted. */
static void wk_port_read(struct link_worker *w, struct io_port *p)
{
	unsigned got = 0;

	for (unsigned i = 0; i < w->e->batch; i++) {
		ssize_t n = read(p->fd, w->scratch, IO_FRAME_MAX);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		if (n <= 0) {
			link_worker_unwatch(w, p);
			p->dead = true;
			w->st.port_errors++;
			break;
		}
		got++;
		wk_frame_in(w, p, (size_t)n, wk_now());
		wk_dispatch_due(w);     /* a long batch does not hold back deliveries */
	}
	w->st.frames_read += got;
	w->st.read_batches += got > 0;
}

/* ---- the loop ----------------------------------------------------------- */

static void wk_flush(struct link_worker *w, uint64_t now)
{
	if (now < w->next_flush_ns)
		return;
	w->next_flush_ns = now + IO_FLUSH_NS;
	for (size_t i = 0; i < w->e->n_ports; i++)
		if (w->e->ports[i]->worker == w->id && w->e->ports[i]->pcap)
			link_pcap_flush(w->e->ports[i]->pcap);
}

static void wk_event(struct link_worker *w, void *tag)
{
	uint64_t v;

	if (tag == &w->tfd) {
		/* nonblocking; EAGAIN when re-armed after firing is harmless */
		if (read(w->tfd, &v, sizeof(v)) == sizeof(v))
			w->armed_ns = 0;        /* fired: an absolute timer is spent */
		return;
	}
	if (tag == &w->stopfd)
		return;
	struct io_port *p = tag;

	/* moved to another worker since epoll_wait returned: not ours now */
	if (p->worker == w->id && !p->dead)
		wk_port_read(w, p);
}

/* Workers run at the creator's priority: SCHED_RESET_ON_FORK (emu/run.c)
 * resets new threads to normal priority, so each asks for it again. */
static void wk_priority(struct link_worker *w)
{
	int pol = w->e->policy & ~SCHED_RESET_ON_FORK;

	if (pol == SCHED_FIFO || pol == SCHED_RR)
		(void)sched_setscheduler(0, pol | SCHED_RESET_ON_FORK, &w->e->sp);
}

static void *wk_main(void *arg)
{
	struct link_worker *w = arg;
	struct epoll_event ev[IO_EVENTS];
	int timeout = (int)(IO_FLUSH_NS / 1000000ULL);

	char name[16];

	snprintf(name, sizeof(name), "link-worker%d", w->id);
	pthread_setname_np(pthread_self(), name);       /* top -H, perf */
	wk_priority(w);
	while (!atomic_load(&w->stop)) {
		uint64_t t0 = timeout ? 0 : wk_now();
		int n = epoll_wait(w->epfd, ev, IO_EVENTS, timeout);

		pthread_mutex_lock(&w->mu);
		w->st.wakeups++;
		for (int i = 0; i < n; i++)
			wk_event(w, ev[i].data.ptr);
		wk_dispatch_due(w);
		uint64_t now = wk_now();

		if (t0) {
			w->st.spin_ns += now - t0;
			link_spin_charge(&w->budget, now - t0);
		}
		wk_flush(w, now);
		timeout = wk_plan(w, now);
		pthread_mutex_unlock(&w->mu);
	}
	return NULL;
}

/* ---- life --------------------------------------------------------------- */

static int wk_add(int epfd, int fd, void *tag)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = tag };

	return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev);
}

int link_worker_init(struct link_worker *w, struct link_engine *e, int id)
{
	*w = (struct link_worker){ .e = e, .id = id, .epfd = -1, .tfd = -1, .stopfd = -1 };
	atomic_init(&w->stop, false);
	if (pthread_mutex_init(&w->mu, NULL) != 0)
		return -1;
	w->scratch = malloc(IO_FRAME_MAX);
	if (!w->scratch ||
	    link_pool_init(&w->pool, IO_POOL_SMALL, IO_SMALL_BYTES,
			   IO_POOL_LARGE, IO_FRAME_MAX) < 0 ||
	    link_sched_init(&w->sched, 2 * (size_t)link_pool_size(&w->pool)) < 0)
		return -1;
	w->epfd = epoll_create1(EPOLL_CLOEXEC);
	w->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	w->stopfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (w->epfd < 0 || w->tfd < 0 || w->stopfd < 0 ||
	    wk_add(w->epfd, w->tfd, &w->tfd) < 0 || wk_add(w->epfd, w->stopfd, &w->stopfd) < 0)
		return -1;
	return 0;
}

int link_worker_start(struct link_worker *w)
{
	int err = pthread_create(&w->thread, NULL, wk_main, w);

	if (err) {
		errno = err;
		return -1;
	}
	w->started = true;
	return 0;
}

void link_worker_stop(struct link_worker *w)
{
	uint64_t one = 1;

	if (!w->started)
		return;
	atomic_store(&w->stop, true);
	if (write(w->stopfd, &one, sizeof(one)) < 0)
		(void)0;        /* the counter cannot overflow from one write */
	pthread_join(w->thread, NULL);
	w->started = false;
}

void link_worker_free(struct link_worker *w)
{
	link_worker_stop(w);
	if (w->epfd >= 0)
		close(w->epfd);
	if (w->tfd >= 0)
		close(w->tfd);
	if (w->stopfd >= 0)
		close(w->stopfd);
	link_sched_free(&w->sched);
	link_pool_free(&w->pool);
	free(w->scratch);
	pthread_mutex_destroy(&w->mu);
}

int link_worker_watch(struct link_worker *w, struct io_port *p)
{
	p->worker = w->id;
	return p->dead ? 0 : wk_add(w->epfd, p->fd, p);
}

void link_worker_unwatch(struct link_worker *w, struct io_port *p)
{
	(void)epoll_ctl(w->epfd, EPOLL_CTL_DEL, p->fd, NULL);
}
