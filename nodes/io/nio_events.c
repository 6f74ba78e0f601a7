/*
 * nio_events.c - the daemons' event reports to the emulator.
 *
 * Owns: one JSON object per datagram on the unix SOCK_DGRAM socket named by
 * $PMIPEMU_EVENT_SOCK (doc/design.md, run-time conventions), stamped with
 * "node" and "mono_ns" (CLOCK_MONOTONIC, the one clock of the machine), and
 * the fallback to stderr lines when the daemon runs outside the emulator.
 * A full receiver is waited for, at most NIO_EVENT_WAIT_MS: the emulator's
 * socket queues only net.unix.max_dgram_qlen (10) datagrams, and a
 * registration storm (200 MNs at once) lost 4 of 1 300 events when sending
 * did not wait. A receiver that stays full past the wait, or is absent,
 * costs the event, counted in nio_events_dropped(); sends then stop waiting
 * until one goes through again, so a stuck receiver slows a daemon by one
 * wait, not one per event.
 * Must not: parse or check the caller's JSON beyond its braces.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "nio.h"

#define NIO_EVENT_SOCK_ENV "PMIPEMU_EVENT_SOCK"
#define NIO_NODE_ENV       "PMIPEMU_NODE"
#define NIO_EVENT_STAMP_MAX 64    /* "mono_ns":<20 digits>, plus braces */
#define NIO_EVENT_WAIT_MS 50

struct nio_events {
	int fd;                        /* -1: stderr lines */
	struct sockaddr_un addr;
	socklen_t addrlen;
	char *node;                    /* NULL: no "node" field */
	unsigned long dropped;
	bool stalled;                  /* the last send timed out: do not wait */
};

/* JSON string escaping (RFC 8259 7) of s into out; length or -1. */
static int nio_json_escape(char *out, size_t cap, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		size_t need = (c < 0x20) ? 6 : (c == '"' || c == '\\') ? 2 : 1;

		if (o + need >= cap)
			return -1;
		if (need == 6) {
			memcpy(out + o, "\\u00", 4);
			out[o + 4] = hex[c >> 4];
			out[o + 5] = hex[c & 15];
		} else if (need == 2) {
			out[o] = '\\';
			out[o + 1] = (char)c;
		} else {
			out[o] = (char)c;
		}
		o += need;
	}
	out[o] = '\0';
	return (int)o;
}

static const char *nio_skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

/* The members' text of an object: after '{' (and blanks) through the closing
 * '}', trailing blanks cut off; NULL when obj is not brace-enclosed. */
static const char *nio_event_members(const char *obj, size_t *len)
{
	const char *p = nio_skip_ws(obj), *end;

	if (*p != '{')
		return NULL;
	end = p + strlen(p);
	while (end > p + 1 && (end[-1] == ' ' || end[-1] == '\t' ||
			       end[-1] == '\n' || end[-1] == '\r'))
		end--;
	if (end == p + 1 || end[-1] != '}')
		return NULL;
	p = nio_skip_ws(p + 1);
	*len = (size_t)(end - p);
	return p;
}

int nio_event_format(char *out, size_t cap, const char *node, uint64_t mono_ns,
		     const char *json_obj)
{
	size_t o = 0, rlen = 0;
	const char *rest = json_obj ? nio_event_members(json_obj, &rlen) : NULL;
	int n;

	if (!rest) {
		errno = EINVAL;
		return -1;
	}
	if (cap < 2)
		goto nospace;
	out[o++] = '{';
	if (node) {
		if (cap - o < 10)
			goto nospace;
		memcpy(out + o, "\"node\":\"", 8);
		o += 8;
		n = nio_json_escape(out + o, cap - o - 2, node);
		if (n < 0)
			goto nospace;
		o += (size_t)n;
		memcpy(out + o, "\",", 2);
		o += 2;
	}
	n = snprintf(out + o, cap - o, "\"mono_ns\":%llu%s%.*s",
		     (unsigned long long)mono_ns, *rest == '}' ? "" : ",", (int)rlen, rest);
	if (n < 0 || (size_t)n >= cap - o)
		goto nospace;
	return (int)(o + (size_t)n);
nospace:
	errno = ENOSPC;
	return -1;
}

struct nio_events *nio_events_open(const char *node)
{
	const char *path = getenv(NIO_EVENT_SOCK_ENV);
	struct nio_events *e = calloc(1, sizeof *e);

	if (!e)
		return NULL;
	e->fd = -1;
	if (!node)
		node = getenv(NIO_NODE_ENV);
	if (node && !(e->node = strdup(node)))
		goto fail;
	if (!path || !*path)
		return e;
	if (strlen(path) >= sizeof e->addr.sun_path) {
		errno = ENAMETOOLONG;
		goto fail;
	}
	e->addr.sun_family = AF_UNIX;
	strcpy(e->addr.sun_path, path);
	e->addrlen = (socklen_t)sizeof e->addr;
	e->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (e->fd < 0)
		goto fail;
	struct timeval tv = { .tv_usec = NIO_EVENT_WAIT_MS * 1000 };
	(void)setsockopt(e->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	return e;
fail:
	nio_events_close(e);
	return NULL;
}

static void nio_events_put(struct nio_events *e, char *text, int len)
{
	if (e->fd < 0) {
		text[len] = '\n';       /* room reserved by the caller */
		if (write(STDERR_FILENO, text, (size_t)len + 1) != len + 1)
			e->dropped++;
		return;
	}
	int flags = MSG_NOSIGNAL | (e->stalled ? MSG_DONTWAIT : 0);

	if (sendto(e->fd, text, (size_t)len, flags, (struct sockaddr *)&e->addr,
		   e->addrlen) == len) {
		e->stalled = false;
		return;
	}
	e->dropped++;
	e->stalled = errno == EAGAIN || errno == EWOULDBLOCK;
}

void nio_event(struct nio_events *e, const char *fmt, ...)
{
	char *obj = NULL, *text;
	size_t cap;
	va_list ap;
	int n;

	if (!e)
		return;
	va_start(ap, fmt);
	n = vasprintf(&obj, fmt, ap);
	va_end(ap);
	if (n < 0) {
		e->dropped++;
		return;
	}
	cap = (size_t)n + (e->node ? 6 * strlen(e->node) : 0) + NIO_EVENT_STAMP_MAX;
	text = malloc(cap + 1);
	n = text ? nio_event_format(text, cap, e->node, nio_now_ns(), obj) : -1;
	if (n < 0)
		e->dropped++;
	else
		nio_events_put(e, text, n);
	free(text);
	free(obj);
}

unsigned long nio_events_dropped(const struct nio_events *e)
{
	return e ? e->dropped : 0;
}

void nio_events_close(struct nio_events *e)
{
	if (!e)
		return;
	if (e->fd >= 0)
		close(e->fd);
	free(e->node);
	free(e);
}
