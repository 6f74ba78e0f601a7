/*
 * evlog.c - the run's events log (see evlog.h).
 */
#include "evlog.h"

#include <errno.h>
#include <ev.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

struct evlog {
	struct ev_loop *loop;
	FILE *f;
	int fd;
	ev_io w;
	uint64_t t0_ns;
	unsigned long count;
	unsigned long bad;
	char sock_path[108];
};

static uint64_t evlog_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static double evlog_t(const struct evlog *l, uint64_t mono_ns)
{
	return mono_ns >= l->t0_ns ? (double)(mono_ns - l->t0_ns) / 1e9
				   : -(double)(l->t0_ns - mono_ns) / 1e9;
}

/* Write obj with "t" first, then the rest, one line. */
static void evlog_write(struct evlog *l, struct json_object *obj, uint64_t mono_ns)
{
	struct json_object *out = json_object_new_object();
	char tbuf[32];

	snprintf(tbuf, sizeof(tbuf), "%.6f", evlog_t(l, mono_ns));
	json_object_object_add(out, "t", json_object_new_double_s(atof(tbuf), tbuf));
	json_object_object_foreach(obj, k, v) {
		if (!strcmp(k, "t"))
			continue;
		json_object_object_add(out, k, json_object_get(v));
	}
	fprintf(l->f, "%s\n", json_object_to_json_string_ext(out, JSON_C_TO_STRING_PLAIN));
	fflush(l->f);
	json_object_put(out);
	l->count++;
}

void evlog_emit(struct evlog *l, const char *ev, const char *node,
		struct json_object *obj)
{
	struct json_object *o = json_object_new_object();
	if (!l) {
		json_object_put(obj);
		json_object_put(o);
		return;
	}
	json_object_object_add(o, "ev", json_object_new_string(ev));
	if (node)
		json_object_object_add(o, "node", json_object_new_string(node));
	if (obj) {
		json_object_object_foreach(obj, k, v)
			json_object_object_add(o, k, json_object_get(v));
		json_object_put(obj);
	}
	evlog_write(l, o, evlog_now_ns());
	json_object_put(o);
}

static void evlog_datagram(struct evlog *l, const char *buf)
{
	struct json_object *o = json_tokener_parse(buf);
	struct json_object *m;
	uint64_t mono = evlog_now_ns();

	if (!o || !json_object_is_type(o, json_type_object)) {
		/* A node sent something that is not a JSON object: keep it,
		 * marked, rather than lose it. */
		l->bad++;
		json_object_put(o);
		o = json_object_new_object();
		json_object_object_add(o, "ev", json_object_new_string("bad_event"));
		json_object_object_add(o, "text", json_object_new_string(buf));
	} else if (json_object_object_get_ex(o, "mono_ns", &m)) {
		int64_t v = json_object_get_int64(m);
		if (v > 0)
			mono = (uint64_t)v;
	}
	evlog_write(l, o, mono);
	json_object_put(o);
}

static void evlog_drain(struct evlog *l)
{
	char buf[8192];

	for (;;) {
		ssize_t n = recv(l->fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);
		if (n < 0)
			break;
		buf[n] = '\0';
		evlog_datagram(l, buf);
	}
}

static void evlog_readable(struct ev_loop *loop, ev_io *w, int revents)
{
	(void)loop;
	(void)revents;
	evlog_drain(w->data);
}

struct evlog *evlog_open(struct ev_loop *loop, const char *run_dir,
			 const char *sock_path, uint64_t t0_ns)
{
	struct evlog *l = calloc(1, sizeof(*l));
	char path[512];
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	if (!l)
		return NULL;
	l->loop = loop;
	l->t0_ns = t0_ns;
	l->fd = -1;
	snprintf(path, sizeof(path), "%s/events.jsonl", run_dir);
	l->f = fopen(path, "we");
	if (!l->f)
		goto fail;
	if (strlen(sock_path) >= sizeof(sa.sun_path)) {
		errno = ENAMETOOLONG;
		goto fail;
	}
	snprintf(l->sock_path, sizeof(l->sock_path), "%s", sock_path);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock_path);
	l->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (l->fd < 0)
		goto fail;
	unlink(sock_path);
	/* 0600 whatever the umask: only root's daemons may report events
	 * (doc/security.md); Linux takes the socket inode's mode for the file. */
	if (fchmod(l->fd, 0600) < 0 || bind(l->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		goto fail;
	int rcv = 1 << 20;
	setsockopt(l->fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	ev_io_init(&l->w, evlog_readable, l->fd, EV_READ);
	l->w.data = l;
	ev_io_start(loop, &l->w);
	return l;
fail:
	evlog_close(l);
	return NULL;
}

void evlog_set_t0(struct evlog *l, uint64_t t0_ns)
{
	l->t0_ns = t0_ns;
}

unsigned long evlog_count(const struct evlog *l)
{
	return l ? l->count : 0;
}

void evlog_close(struct evlog *l)
{
	if (!l)
		return;
	if (l->fd >= 0) {
		evlog_drain(l);
		ev_io_stop(l->loop, &l->w);
		close(l->fd);
		unlink(l->sock_path);
	}
	if (l->f)
		fclose(l->f);
	free(l);
}
