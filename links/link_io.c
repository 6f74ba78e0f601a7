/*
 * link_io.c - the link engine shell: one libev loop owning every TAP fd.
 *
 * Owns: reading frames from TAPs in batches, running them through their
 * direction's pure pipeline (link_dir.c), holding them in the frame pool
 * until due, delivering them on a nanosecond timer (a CLOCK_MONOTONIC
 * timerfd with TFD_TIMER_ABSTIME watched by ev_io; ev_timer alone sleeps in
 * whole milliseconds with epoll), carrier on/off, and captures.
 * Must not: decide a frame's fate (the pure stages do), log or exit.
 *
 * A frame is stamped in the sender's capture when read from its TAP (it
 * entered the link) and in the receiver's when written to the far TAP (it
 * left the link). A write refused by the far TAP (EAGAIN: its kernel queue
 * is full; or any error) drops the frame, counted drop_tx, so a slow
 * reader cannot stall the engine.
 */
#include <errno.h>
#include <ev.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "link.h"
#include "link_dir.h"
#include "link_pcap.h"
#include "link_pool.h"
#include "link_sched.h"
#include "link_tap.h"

#define IO_BATCH          64            /* frames read per fd per wakeup */
#define IO_FRAME_MAX      (65536 + 64)  /* largest TAP read, with headroom */
#define IO_POOL_SMALL     8192
#define IO_SMALL_BYTES    2048          /* MTU 1500 frames and then some */
#define IO_POOL_LARGE     64
#define IO_PCAP_FLUSH_S   0.5

struct io_port {
	struct link_engine *e;
	ev_io w;
	int fd;
	int id;
	int link;                       /* -1: detached */
	int end;                        /* 0 = a, 1 = b */
	char node[LINK_NAME_MAX];
	char iface[LINK_NAME_MAX];
	struct link_pcap *pcap;
	uint64_t orphans;
};

struct io_link {
	char name[LINK_NAME_MAX];
	int port[2];                    /* -1: free end */
	bool up;
	struct link_dir dir[2];
};

struct link_engine {
	struct ev_loop *loop;
	uint64_t seed;
	char *pcap_dir;
	int64_t realtime_off_ns;        /* CLOCK_REALTIME - CLOCK_MONOTONIC */
	struct io_port **ports;
	size_t n_ports;
	struct io_link **links;
	size_t n_links;
	struct link_pool pool;
	struct link_sched sched;
	int tfd;
	ev_io tw;
	uint64_t armed_ns;              /* 0: timer disarmed */
	ev_timer flush_w;
	uint8_t *scratch;
};

static uint64_t io_clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static uint64_t io_now_ns(void)
{
	return io_clock_ns(CLOCK_MONOTONIC);
}

/* The caller's instant, or the clock's when it passes 0. */
static uint64_t io_when(uint64_t now_ns)
{
	return now_ns ? now_ns : io_now_ns();
}

static void io_capture(struct link_engine *e, struct io_port *p,
		       const uint8_t *frame, size_t len, uint64_t mono_ns)
{
	if (p->pcap)
		link_pcap_write(p->pcap, frame, len,
				(uint64_t)((int64_t)mono_ns + e->realtime_off_ns));
}

/* ---- delivery timer ----------------------------------------------------- */

static void io_timer_arm(struct link_engine *e)
{
	const struct link_sched_entry *top = link_sched_peek(&e->sched);
	struct itimerspec its = {0};
	uint64_t at = top ? top->at_ns : 0;

	if (at == e->armed_ns)
		return;
	if (at) {
		/* an instant 0 would disarm: the earliest real one is 1 ns */
		its.it_value.tv_sec = (time_t)(at / 1000000000ULL);
		its.it_value.tv_nsec = (long)(at % 1000000000ULL);
		if (!its.it_value.tv_sec && !its.it_value.tv_nsec)
			its.it_value.tv_nsec = 1;
	}
	if (timerfd_settime(e->tfd, TFD_TIMER_ABSTIME, &its, NULL) == 0)
		e->armed_ns = at;
}

static void io_deliver(struct link_engine *e, const struct link_sched_entry *s,
		       uint64_t now_ns)
{
	struct io_link *l = e->links[s->link];
	struct link_dir *d = &l->dir[s->dir];
	int dst = l->port[s->dir == LINK_DIR_AB ? 1 : 0];
	const uint8_t *frame = link_pool_data(&e->pool, s->buf);
	size_t len = link_pool_len(&e->pool, s->buf);

	if (dst >= 0 && write(e->ports[dst]->fd, frame, len) == (ssize_t)len) {
		link_dir_delivered(d, len);
		io_capture(e, e->ports[dst], frame, len, now_ns);
	} else {
		link_dir_tx_failed(d);
	}
	link_pool_put(&e->pool, s->buf);
}

static void io_dispatch_due(struct link_engine *e)
{
	const struct link_sched_entry *top;
	struct link_sched_entry s;
	uint64_t now = io_now_ns();

	while ((top = link_sched_peek(&e->sched)) && top->at_ns <= now) {
		link_sched_pop(&e->sched, &s);
		io_deliver(e, &s, now);
		now = io_now_ns();
	}
	io_timer_arm(e);
}

static void io_timer_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct link_engine *e = w->data;
	uint64_t expirations;

	(void)loop;
	(void)revents;
	/* nonblocking; EAGAIN when re-armed after firing is harmless */
	if (read(e->tfd, &expirations, sizeof(expirations)) < 0 && errno != EAGAIN)
		return;
	e->armed_ns = 0;                /* fired: an absolute timer is spent */
	io_dispatch_due(e);
}

/* ---- reading frames ----------------------------------------------------- */

static void io_schedule(struct link_engine *e, struct io_port *p, uint32_t buf,
			const struct link_verdict *v)
{
	struct link_sched_entry s = { .at_ns = v->deliver_ns, .buf = buf,
				      .link = (uint32_t)p->link, .dir = (uint8_t)p->end };

	/* heap capacity is twice the pool: a buffer is scheduled at most twice */
	link_sched_push(&e->sched, &s);
	if (v->dup) {
		link_pool_ref(&e->pool, buf);
		link_sched_push(&e->sched, &s);
	}
}

static void io_frame_in(struct link_engine *e, struct io_port *p, size_t len,
			uint64_t now_ns)
{
	struct link_verdict v;
	struct link_dir *d;
	uint32_t buf;

	io_capture(e, p, e->scratch, len, now_ns);
	if (p->link < 0) {
		p->orphans++;
		return;
	}
	/* the direction leaving end a is AB, leaving end b is BA */
	d = &e->links[p->link]->dir[p->end];
	if (link_pool_get(&e->pool, len, &buf) < 0) {
		link_dir_refuse(d, len);
		return;
	}
	if (link_dir_input(d, len, now_ns, &v) != LINK_FATE_DELIVER) {
		link_pool_put(&e->pool, buf);
		return;
	}
	memcpy(link_pool_data(&e->pool, buf), e->scratch, len);
	io_schedule(e, p, buf, &v);
}

static void io_port_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct io_port *p = w->data;
	struct link_engine *e = p->e;

	(void)loop;
	(void)revents;
	for (int i = 0; i < IO_BATCH; i++) {
		ssize_t n = read(p->fd, e->scratch, IO_FRAME_MAX);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)             /* EAGAIN: drained; EIO etc.: try later */
			break;
		io_frame_in(e, p, (size_t)n, io_now_ns());
	}
	io_dispatch_due(e);
}

static void io_flush_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)revents;
	link_engine_flush(w->data);
}

/* ---- engine ------------------------------------------------------------- */

static int io_engine_init(struct link_engine *e)
{
	uint32_t frames;

	e->realtime_off_ns = (int64_t)(io_clock_ns(CLOCK_REALTIME) - io_now_ns());
	e->scratch = malloc(IO_FRAME_MAX);
	if (!e->scratch ||
	    link_pool_init(&e->pool, IO_POOL_SMALL, IO_SMALL_BYTES,
			   IO_POOL_LARGE, IO_FRAME_MAX) < 0)
		return -1;
	frames = link_pool_size(&e->pool);
	if (link_sched_init(&e->sched, 2 * (size_t)frames) < 0)
		return -1;
	e->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (e->tfd < 0)
		return -1;
	ev_io_init(&e->tw, io_timer_cb, e->tfd, EV_READ);
	e->tw.data = e;
	ev_io_start(e->loop, &e->tw);
	ev_timer_init(&e->flush_w, io_flush_cb, IO_PCAP_FLUSH_S, IO_PCAP_FLUSH_S);
	e->flush_w.data = e;
	ev_timer_start(e->loop, &e->flush_w);
	ev_unref(e->loop);              /* the flush alone keeps no loop alive */
	return 0;
}

struct link_engine *link_engine_new(struct ev_loop *loop, uint64_t seed,
				    const char *pcap_dir)
{
	struct link_engine *e = calloc(1, sizeof(*e));

	if (!e)
		return NULL;
	e->loop = loop;
	e->seed = seed;
	e->tfd = -1;
	if ((pcap_dir && !(e->pcap_dir = strdup(pcap_dir))) || io_engine_init(e) < 0) {
		int err = errno;

		link_engine_free(e);
		errno = err;
		return NULL;
	}
	return e;
}

static bool io_name_ok(const char *s)
{
	return s && strlen(s) < LINK_NAME_MAX;
}

int link_engine_add_port(struct link_engine *e, const char *node,
			 const char *iface, int tap_fd)
{
	struct io_port **ports, *p;
	const char *why;

	if (!io_name_ok(node) || !io_name_ok(iface) || tap_fd < 0) {
		errno = EINVAL;
		return -1;
	}
	ports = realloc(e->ports, (e->n_ports + 1) * sizeof(*ports));
	if (!ports)
		return -1;
	e->ports = ports;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -1;
	*p = (struct io_port){ .e = e, .fd = tap_fd, .id = (int)e->n_ports, .link = -1 };
	strcpy(p->node, node);
	strcpy(p->iface, iface);
	if (e->pcap_dir && !(p->pcap = link_pcap_open(e->pcap_dir, node, iface, &why))) {
		free(p);
		return -1;
	}
	link_tap_set_carrier(tap_fd, false);
	ev_io_init(&p->w, io_port_cb, tap_fd, EV_READ);
	p->w.data = p;
	ev_io_start(e->loop, &p->w);
	e->ports[e->n_ports++] = p;
	return p->id;
}

static bool io_carrying(const struct io_link *l)
{
	return l->up && l->port[0] >= 0 && l->port[1] >= 0;
}

static void io_drop_entry(const struct link_sched_entry *s, void *ctx)
{
	link_pool_put(ctx, s->buf);
}

/* Bring directions and carriers in line with up + attachment. */
static void io_link_apply(struct link_engine *e, int id, uint64_t now_ns)
{
	struct io_link *l = e->links[id];
	bool on = io_carrying(l);

	if (!on && (l->dir[0].up || l->dir[1].up))
		link_sched_remove_link(&e->sched, (uint32_t)id, io_drop_entry, &e->pool);
	for (int d = 0; d < 2; d++)
		link_dir_set_up(&l->dir[d], on, now_ns);
	for (int end = 0; end < 2; end++)
		if (l->port[end] >= 0)
			link_tap_set_carrier(e->ports[l->port[end]]->fd, on);
	io_timer_arm(e);
}

static bool io_port_free(const struct link_engine *e, int port)
{
	return port == -1 ||
	       (port >= 0 && (size_t)port < e->n_ports && e->ports[port]->link < 0);
}

int link_engine_add_link(struct link_engine *e, const char *name, int port_a,
			 int port_b, const struct link_params *ab,
			 const struct link_params *ba, bool up)
{
	struct io_link **links, *l;
	const char *why;

	if (!io_name_ok(name) || !io_port_free(e, port_a) || !io_port_free(e, port_b) ||
	    (port_a >= 0 && port_a == port_b) ||
	    link_params_check(ab, &why) < 0 || link_params_check(ba, &why) < 0) {
		errno = EINVAL;
		return -1;
	}
	links = realloc(e->links, (e->n_links + 1) * sizeof(*links));
	if (!links)
		return -1;
	e->links = links;
	l = calloc(1, sizeof(*l));
	if (!l)
		return -1;
	int id = (int)e->n_links;

	strcpy(l->name, name);
	l->port[0] = port_a;
	l->port[1] = port_b;
	l->up = up;
	link_dir_init(&l->dir[LINK_DIR_AB], ab, e->seed, (uint32_t)id, LINK_DIR_AB);
	link_dir_init(&l->dir[LINK_DIR_BA], ba, e->seed, (uint32_t)id, LINK_DIR_BA);
	e->links[e->n_links++] = l;
	for (int end = 0; end < 2; end++) {
		if (l->port[end] >= 0) {
			e->ports[l->port[end]]->link = id;
			e->ports[l->port[end]]->end = end;
		}
	}
	io_link_apply(e, id, io_now_ns());
	return id;
}

static bool io_link_ok(const struct link_engine *e, int link)
{
	return link >= 0 && (size_t)link < e->n_links;
}

int link_engine_set_up(struct link_engine *e, int link, bool up, uint64_t now_ns)
{
	if (!io_link_ok(e, link)) {
		errno = EINVAL;
		return -1;
	}
	e->links[link]->up = up;
	io_link_apply(e, link, io_when(now_ns));
	return 0;
}

int link_engine_set_params(struct link_engine *e, int link, enum link_dir_id dir,
			   const struct link_params *p)
{
	const char *why;

	if (!io_link_ok(e, link) || (dir != LINK_DIR_AB && dir != LINK_DIR_BA) ||
	    link_params_check(p, &why) < 0) {
		errno = EINVAL;
		return -1;
	}
	link_dir_set_params(&e->links[link]->dir[dir], p);
	return 0;
}

int link_engine_detach(struct link_engine *e, int port, uint64_t now_ns)
{
	struct io_port *p;

	if (port < 0 || (size_t)port >= e->n_ports || e->ports[port]->link < 0) {
		errno = EINVAL;
		return -1;
	}
	p = e->ports[port];
	int link = p->link;

	e->links[link]->port[p->end] = -1;
	p->link = -1;
	link_tap_set_carrier(p->fd, false);
	io_link_apply(e, link, io_when(now_ns));
	return 0;
}

int link_engine_attach(struct link_engine *e, int port, int link, uint64_t now_ns)
{
	struct io_link *l;
	int end;

	if (!io_link_ok(e, link) || port < 0 || !io_port_free(e, port)) {
		errno = EINVAL;
		return -1;
	}
	l = e->links[link];
	end = l->port[0] < 0 ? 0 : l->port[1] < 0 ? 1 : -1;
	if (end < 0) {
		errno = EBUSY;
		return -1;
	}
	l->port[end] = port;
	e->ports[port]->link = link;
	e->ports[port]->end = end;
	io_link_apply(e, link, io_when(now_ns));
	return 0;
}

int link_engine_find_link(const struct link_engine *e, const char *name)
{
	for (size_t i = 0; i < e->n_links; i++)
		if (!strcmp(e->links[i]->name, name))
			return (int)i;
	return -1;
}

int link_engine_find_port(const struct link_engine *e, const char *node,
			  const char *iface)
{
	for (size_t i = 0; i < e->n_ports; i++)
		if (!strcmp(e->ports[i]->node, node) && !strcmp(e->ports[i]->iface, iface))
			return (int)i;
	return -1;
}

void link_engine_counters(const struct link_engine *e, int link,
			  enum link_dir_id dir, struct link_counters *out)
{
	if (!io_link_ok(e, link) || (dir != LINK_DIR_AB && dir != LINK_DIR_BA)) {
		*out = (struct link_counters){0};
		return;
	}
	*out = e->links[link]->dir[dir].c;
}

int64_t link_engine_realtime_offset_ns(const struct link_engine *e)
{
	return e->realtime_off_ns;
}

uint64_t link_engine_port_orphans(const struct link_engine *e, int port)
{
	if (port < 0 || (size_t)port >= e->n_ports)
		return 0;
	return e->ports[port]->orphans;
}

void link_engine_flush(struct link_engine *e)
{
	for (size_t i = 0; i < e->n_ports; i++)
		if (e->ports[i]->pcap)
			link_pcap_flush(e->ports[i]->pcap);
}

/* Closing a TAP fd unregisters its device, ~25 ms each here, nearly all
 * of it asleep waiting for RCU grace periods (doc/bench.md, teardown), and
 * closes in flight at once share those waits: measured on 2 vCPUs, 198 TAPs
 * took 4.9 s one after the other, 1.0 s with 8 closing threads, 0.33 s with
 * 64, 0.25 s with 128. Threads take the fds from a shared counter; the
 * caller closes too, alone if no thread starts. Stacks are small: a worker
 * only calls close(). */
#define IO_CLOSE_THREADS 64
#define IO_CLOSE_STACK   (64 * 1024)

struct io_closer {
	int *fds;
	size_t n;
	atomic_size_t next;
};

static void *io_close_worker(void *arg)
{
	struct io_closer *c = arg;
	size_t i;

	while ((i = atomic_fetch_add(&c->next, 1)) < c->n)
		close(c->fds[i]);
	return NULL;
}

static void io_close_all(int *fds, size_t n)
{
	struct io_closer c = { .fds = fds, .n = n };
	pthread_t t[IO_CLOSE_THREADS];
	pthread_attr_t attr;
	size_t k = 0, want = n > IO_CLOSE_THREADS ? IO_CLOSE_THREADS : (n ? n - 1 : 0);

	atomic_init(&c.next, 0);
	if (want && pthread_attr_init(&attr) == 0) {
		pthread_attr_setstacksize(&attr, IO_CLOSE_STACK);
		while (k < want && pthread_create(&t[k], &attr, io_close_worker, &c) == 0)
			k++;
		pthread_attr_destroy(&attr);
	}
	io_close_worker(&c);
	while (k > 0)
		pthread_join(t[--k], NULL);
}

static void io_engine_stop(struct link_engine *e)
{
	int *fds = calloc(e->n_ports ? e->n_ports : 1, sizeof(*fds));

	if (e->tfd >= 0) {
		ev_io_stop(e->loop, &e->tw);
		ev_ref(e->loop);        /* pairs the ev_unref of the flush timer */
		ev_timer_stop(e->loop, &e->flush_w);
		close(e->tfd);
	}
	for (size_t i = 0; i < e->n_ports; i++) {
		ev_io_stop(e->loop, &e->ports[i]->w);
		link_pcap_close(e->ports[i]->pcap);
		if (fds)
			fds[i] = e->ports[i]->fd;
		else
			close(e->ports[i]->fd);
		free(e->ports[i]);
	}
	if (fds)
		io_close_all(fds, e->n_ports);
	free(fds);
}

void link_engine_free(struct link_engine *e)
{
	if (!e)
		return;
	io_engine_stop(e);
	for (size_t i = 0; i < e->n_links; i++) {
		link_dir_free(&e->links[i]->dir[0]);
		link_dir_free(&e->links[i]->dir[1]);
		free(e->links[i]);
	}
	link_sched_free(&e->sched);
	link_pool_free(&e->pool);
	free(e->ports);
	free(e->links);
	free(e->scratch);
	free(e->pcap_dir);
	free(e);
}
