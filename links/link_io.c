/*
 * link_io.c - the link engine shell, the orchestrator's side: ports, links,
 * carrier, and the worker threads that relay the frames
 * (link_worker_io.c).
 *
 * Owns: creating and freeing the engine and its workers, the port and link
 * tables, which worker owns what (a link: index modulo the worker count;
 * a port: its link's), link up/down, attach/detach and the carriers that
 * follow, and reading counters. Every call here comes from one thread and
 * takes the locks of the workers it touches (link_io.h).
 * Must not: relay frames, decide a frame's fate, log or exit.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "link_io.h"
#include "link_tap.h"

/* The caller's instant, or the clock's when it passes 0. */
static uint64_t io_when(uint64_t now_ns)
{
	return now_ns ? now_ns : link_io_clock_ns(CLOCK_MONOTONIC);
}

/* ---- locks (link_io.h: always in worker order) --------------------------- */

static void io_lock_all(const struct link_engine *e)
{
	for (unsigned i = 0; i < e->n_w; i++)
		pthread_mutex_lock(&e->w[i].mu);
}

static void io_unlock_all(const struct link_engine *e)
{
	for (unsigned i = e->n_w; i-- > 0;)
		pthread_mutex_unlock(&e->w[i].mu);
}

static void io_lock2(const struct link_engine *e, int a, int b)
{
	pthread_mutex_lock(&e->w[a < b ? a : b].mu);
	if (a != b)
		pthread_mutex_lock(&e->w[a < b ? b : a].mu);
}

static void io_unlock2(const struct link_engine *e, int a, int b)
{
	pthread_mutex_unlock(&e->w[a].mu);
	if (a != b)
		pthread_mutex_unlock(&e->w[b].mu);
}

/* ---- engine ------------------------------------------------------------- */

static unsigned io_threads(unsigned want)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);

	if (!want)
		want = cores > 0 ? (unsigned)cores : 1;
	return want > LINK_THREADS_MAX ? LINK_THREADS_MAX : want;
}

static int io_engine_init(struct link_engine *e, unsigned threads)
{
	e->realtime_off_ns = (int64_t)(link_io_clock_ns(CLOCK_REALTIME) -
				       link_io_clock_ns(CLOCK_MONOTONIC));
	e->policy = sched_getscheduler(0);
	if (e->policy < 0 || sched_getparam(0, &e->sp) < 0)
		e->policy = SCHED_OTHER;
	e->w = calloc(threads, sizeof(*e->w));
	if (!e->w)
		return -1;
	for (; e->n_w < threads; e->n_w++)
		if (link_worker_init(&e->w[e->n_w], e, (int)e->n_w) < 0) {
			link_worker_free(&e->w[e->n_w]);
			return -1;
		}
	for (unsigned i = 0; i < e->n_w; i++)
		if (link_worker_start(&e->w[i]) < 0)
			return -1;
	return 0;
}

struct link_engine *link_engine_new(const struct link_engine_opts *o)
{
	struct link_engine *e = calloc(1, sizeof(*e));

	if (!e)
		return NULL;
	e->seed = o->seed;
	e->spin_ns = o->spin_ns;
	e->spin_pct = o->spin_budget_pct ? o->spin_budget_pct : LINK_SPIN_BUDGET_DEFAULT;
	e->batch = o->batch ? o->batch : LINK_BATCH_DEFAULT;
	if ((o->pcap_dir && !(e->pcap_dir = strdup(o->pcap_dir))) ||
	    io_engine_init(e, io_threads(o->threads)) < 0) {
		int err = errno;

		link_engine_free(e);
		errno = err;
		return NULL;
	}
	return e;
}

unsigned link_engine_threads(const struct link_engine *e)
{
	return e->n_w;
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
	io_lock_all(e);         /* the workers read the table */
	ports = realloc(e->ports, (e->n_ports + 1) * sizeof(*ports));
	if (ports) {
		e->ports = ports;
		e->ports[e->n_ports++] = p;
		/* detached ports are spread too: each has a reader */
		if (link_worker_watch(&e->w[p->id % (int)e->n_w], p) < 0)
			e->n_ports--;
	}
	io_unlock_all(e);
	if (!ports || (size_t)p->id >= e->n_ports) {
		link_pcap_close(p->pcap);
		free(p);
		return -1;
	}
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

/* Bring directions and carriers in line with up + attachment (the link's
 * worker locked). */
static void io_link_apply(struct link_engine *e, int id, uint64_t now_ns)
{
	struct io_link *l = e->links[id];
	struct link_worker *w = &e->w[l->worker];
	bool on = io_carrying(l);

	if (!on && (l->dir[0].up || l->dir[1].up))
		link_sched_remove_link(&w->sched, (uint32_t)id, io_drop_entry, &w->pool);
	for (int d = 0; d < 2; d++)
		link_dir_set_up(&l->dir[d], on, now_ns);
	for (int end = 0; end < 2; end++)
		if (l->port[end] >= 0)
			link_tap_set_carrier(e->ports[l->port[end]]->fd, on);
	link_worker_arm(w);
}

/* Hand port p to the worker of link (both workers locked). */
static int io_port_plug(struct link_engine *e, struct io_port *p, int link, int end)
{
	struct link_worker *to = &e->w[e->links[link]->worker];

	if (p->worker != to->id) {
		link_worker_unwatch(&e->w[p->worker], p);
		if (link_worker_watch(to, p) < 0)
			return -1;
	}
	p->link = link;
	p->end = end;
	e->links[link]->port[end] = p->id;
	return 0;
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
	l = calloc(1, sizeof(*l));
	if (!l)
		return -1;
	int id = (int)e->n_links, port[2] = { port_a, port_b }, rc = id;

	strcpy(l->name, name);
	l->port[0] = l->port[1] = -1;
	l->up = up;
	l->worker = id % (int)e->n_w;
	link_dir_init(&l->dir[LINK_DIR_AB], ab, e->seed, (uint32_t)id, LINK_DIR_AB);
	link_dir_init(&l->dir[LINK_DIR_BA], ba, e->seed, (uint32_t)id, LINK_DIR_BA);
	io_lock_all(e);
	links = realloc(e->links, (e->n_links + 1) * sizeof(*links));
	if (links) {
		e->links = links;
		e->links[e->n_links++] = l;
		for (int end = 0; end < 2; end++)
			if (port[end] >= 0 && io_port_plug(e, e->ports[port[end]], id, end) < 0)
				rc = -1;
		io_link_apply(e, id, io_when(0));
	}
	io_unlock_all(e);
	if (!links) {
		link_dir_free(&l->dir[0]);
		link_dir_free(&l->dir[1]);
		free(l);
		return -1;
	}
	return rc;
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
	int w = e->links[link]->worker;

	pthread_mutex_lock(&e->w[w].mu);
	e->links[link]->up = up;
	io_link_apply(e, link, io_when(now_ns));
	pthread_mutex_unlock(&e->w[w].mu);
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
	int w = e->links[link]->worker;

	pthread_mutex_lock(&e->w[w].mu);
	link_dir_set_params(&e->links[link]->dir[dir], p);
	pthread_mutex_unlock(&e->w[w].mu);
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
	int link = p->link, w = p->worker;      /* the link's worker */

	pthread_mutex_lock(&e->w[w].mu);
	e->links[link]->port[p->end] = -1;
	p->link = -1;
	link_tap_set_carrier(p->fd, false);
	io_link_apply(e, link, io_when(now_ns));
	pthread_mutex_unlock(&e->w[w].mu);
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
	int from = e->ports[port]->worker, to = l->worker, rc;

	io_lock2(e, from, to);
	rc = io_port_plug(e, e->ports[port], link, end);
	io_link_apply(e, link, io_when(now_ns));
	io_unlock2(e, from, to);
	return rc;
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
	int w = e->links[link]->worker;

	pthread_mutex_lock(&e->w[w].mu);
	*out = e->links[link]->dir[dir].c;
	pthread_mutex_unlock(&e->w[w].mu);
}

size_t link_engine_backlog(const struct link_engine *e, int link, enum link_dir_id dir,
			   uint64_t now_ns, uint64_t *bytes)
{
	uint64_t b = 0;
	size_t n;

	if (!io_link_ok(e, link) || (dir != LINK_DIR_AB && dir != LINK_DIR_BA)) {
		if (bytes)
			*bytes = 0;
		return 0;
	}
	int w = e->links[link]->worker;

	pthread_mutex_lock(&e->w[w].mu);
	n = link_queue_backlog(&e->links[link]->dir[dir].q, io_when(now_ns), &b);
	pthread_mutex_unlock(&e->w[w].mu);
	if (bytes)
		*bytes = b;
	return n;
}

int64_t link_engine_realtime_offset_ns(const struct link_engine *e)
{
	return e->realtime_off_ns;
}

uint64_t link_engine_port_orphans(const struct link_engine *e, int port)
{
	uint64_t n;

	if (port < 0 || (size_t)port >= e->n_ports)
		return 0;
	pthread_mutex_lock(&e->w[e->ports[port]->worker].mu);
	n = e->ports[port]->orphans;
	pthread_mutex_unlock(&e->w[e->ports[port]->worker].mu);
	return n;
}

void link_engine_stats(const struct link_engine *e, struct link_engine_stats *out)
{
	*out = (struct link_engine_stats){0};
	for (unsigned i = 0; i < e->n_w; i++) {
		const struct link_engine_stats *s = &e->w[i].st;

		pthread_mutex_lock(&e->w[i].mu);
		out->wakeups += s->wakeups;
		out->spin_ns += s->spin_ns;
		out->frames_read += s->frames_read;
		out->read_batches += s->read_batches;
		out->port_errors += s->port_errors;
		pthread_mutex_unlock(&e->w[i].mu);
	}
}

void link_engine_flush(struct link_engine *e)
{
	io_lock_all(e);
	for (size_t i = 0; i < e->n_ports; i++)
		if (e->ports[i]->pcap)
			link_pcap_flush(e->ports[i]->pcap);
	io_unlock_all(e);
}

static void io_engine_stop(struct link_engine *e)
{
	int *fds = calloc(e->n_ports ? e->n_ports : 1, sizeof(*fds));

	for (unsigned i = 0; i < e->n_w; i++)
		link_worker_stop(&e->w[i]);
	for (size_t i = 0; i < e->n_ports; i++) {
		link_pcap_close(e->ports[i]->pcap);
		if (fds)
			fds[i] = e->ports[i]->fd;
		else
			close(e->ports[i]->fd);
		free(e->ports[i]);
	}
	if (fds)
		link_close_fds(fds, e->n_ports);
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
	for (unsigned i = 0; i < e->n_w; i++)
		link_worker_free(&e->w[i]);
	free(e->w);
	free(e->ports);
	free(e->links);
	free(e->pcap_dir);
	free(e);
}
