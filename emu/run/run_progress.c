/*
 * run_progress.c - the one-line progress display of `pmipemu run` while a
 * run goes (issue 14): run time against the planned duration, events
 * logged, frames the links delivered, rewritten in place twice a second.
 * Only when stdout is a terminal and --quiet is not given, so logs and CI
 * output stay clean; the line is erased before the summary.
 */
#include <stdio.h>
#include <unistd.h>

#include "evlog.h"
#include "links/link.h"
#include "run.h"

#define PROGRESS_S 0.5

static uint64_t frames_delivered(const struct run *r)
{
	struct link_counters c;
	uint64_t n = 0;
	for (size_t i = 0; i < r->t->n_links; i++)
		for (int d = LINK_DIR_AB; d <= LINK_DIR_BA; d++) {
			link_engine_counters(r->links, r->link_ids[i], (enum link_dir_id)d, &c);
			n += c.delivered;
		}
	return n;
}

static void progress_tick(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct run *r = w->data;
	(void)loop;
	(void)revents;
	printf("\r  %s  %.1f / %.1f s  %lu events  %llu frames delivered%s\033[K",
	       r->t->name, (double)run_t_ns(r) / 1e9, (double)r->duration_ns / 1e9,
	       evlog_count(r->log), (unsigned long long)frames_delivered(r),
	       r->stopping ? "  stopping" : "");
	fflush(stdout);
}

void run_progress_start(struct run *r)
{
	r->progress_on = !r->opts->quiet && isatty(STDOUT_FILENO);
	if (!r->progress_on)
		return;
	ev_timer_init(&r->progress_timer, progress_tick, PROGRESS_S, PROGRESS_S);
	r->progress_timer.data = r;
	ev_timer_start(r->loop, &r->progress_timer);
}

void run_progress_stop(struct run *r)
{
	if (!r->progress_on)
		return;
	ev_timer_stop(r->loop, &r->progress_timer);
	printf("\r\033[K");
	fflush(stdout);
	r->progress_on = false;
}
