/*
 * link_io.h - inside the link engine shell: the engine, its ports and
 * links (link_io.c: the orchestrator's side) and its worker threads
 * (link_worker_io.c: frames in, frames out).
 *
 * Ownership and locking: a link belongs to worker `link % n_workers` for
 * its life; a port belongs to the worker of the link it is attached to
 * (a detached port stays with its last one). A worker touches only what
 * it owns, holding its mutex, except while it sleeps in epoll_wait. The
 * orchestrator's calls take the mutex of each worker they touch, in
 * worker order; growing the port or link arrays takes them all.
 * Must not: be included outside links/ (link.h is the public face).
 */
#ifndef PMIPEMU_LINK_IO_H
#define PMIPEMU_LINK_IO_H

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <time.h>

#include "link.h"
#include "link_dir.h"
#include "link_pcap.h"
#include "link_pool.h"
#include "link_sched.h"
#include "link_wake.h"

struct io_port {
	struct link_engine *e;
	int fd;
	int id;
	int link;                       /* -1: detached */
	int end;                        /* 0 = a, 1 = b */
	int worker;                     /* owner: reads it, writes its capture */
	bool dead;                      /* EOF or hard read error: unwatched */
	char node[LINK_NAME_MAX];
	char iface[LINK_NAME_MAX];
	struct link_pcap *pcap;
	uint64_t orphans;
};

struct io_link {
	char name[LINK_NAME_MAX];
	int port[2];                    /* -1: free end */
	int worker;
	bool up;
	struct link_dir dir[2];
};

struct link_worker {
	struct link_engine *e;
	int id;
	pthread_t thread;
	bool started;
	pthread_mutex_t mu;
	int epfd, tfd, stopfd;          /* epoll; delivery timerfd; eventfd: stop */
	atomic_bool stop;
	struct link_pool pool;
	struct link_sched sched;
	uint8_t *scratch;
	uint64_t armed_ns;              /* timer's instant; 0: disarmed */
	uint64_t next_flush_ns;
	struct link_spin_budget budget;
	struct link_engine_stats st;
};

struct link_engine {
	uint64_t seed;
	char *pcap_dir;
	int64_t realtime_off_ns;        /* CLOCK_REALTIME - CLOCK_MONOTONIC */
	uint64_t spin_ns;
	unsigned spin_pct;
	unsigned batch;
	int policy;                     /* the creator's scheduling, for workers */
	struct sched_param sp;
	struct io_port **ports;
	size_t n_ports;
	struct io_link **links;
	size_t n_links;
	struct link_worker *w;
	unsigned n_w;
};

/* CLOCK_MONOTONIC (or id) in ns. */
uint64_t link_io_clock_ns(clockid_t id);

/* Worker life: init (pool, heap, fds), start the thread, stop and join,
 * free. link_worker_init returns 0 or -1 with errno. */
int link_worker_init(struct link_worker *w, struct link_engine *e, int id);
int link_worker_start(struct link_worker *w);
void link_worker_stop(struct link_worker *w);
void link_worker_free(struct link_worker *w);

/* Watch a port's fd in w's loop, or stop watching it (w's lock held, and
 * the port's old owner's when moving it). */
int link_worker_watch(struct link_worker *w, struct io_port *p);
void link_worker_unwatch(struct link_worker *w, struct io_port *p);

/* Re-arm w's delivery timer for its earliest entry (w's lock held). */
void link_worker_arm(struct link_worker *w);

/* Parallel close of TAP fds (link_close_io.c). */
void link_close_fds(int *fds, size_t n);

#endif
