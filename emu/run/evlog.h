/*
 * evlog.h - the run's events log, events.jsonl in the run folder.
 *
 * Owns: one JSON object a line, each stamped "t" (seconds from the run's
 * start, CLOCK_MONOTONIC) and "node"; the unix datagram socket on which the
 * node programs send their events (PMIPEMU_EVENT_SOCK). Must not: interpret
 * events: the report does that.
 */
#ifndef PMIPEMU_EVLOG_H
#define PMIPEMU_EVLOG_H

#include <stdint.h>

struct ev_loop;
struct json_object;
struct evlog;

/* Opens RUN_DIR/events.jsonl and binds the datagram socket at sock_path. */
struct evlog *evlog_open(struct ev_loop *loop, const char *run_dir,
			 const char *sock_path, uint64_t t0_ns);
void evlog_set_t0(struct evlog *l, uint64_t t0_ns);
/* Log an event of pmipemu itself; takes ownership of obj (may be NULL). */
void evlog_emit(struct evlog *l, const char *ev, const char *node,
		struct json_object *obj);
/* Number of events written so far. */
unsigned long evlog_count(const struct evlog *l);
void evlog_close(struct evlog *l);      /* drains the socket, closes, unlinks it */

#endif
