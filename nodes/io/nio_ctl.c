/*
 * nio_ctl.c - the daemons' control socket, both ends.
 *
 * Owns: the unix SOCK_STREAM protocol of doc/design.md: the client sends one
 * line (at most NIO_CTL_LINE_MAX bytes), the server answers one JSON
 * document and a newline, then closes. Server: accept on an ev_io, frame the
 * line, call the daemon's handler, write the answer without blocking the
 * loop; an idle client is dropped after NIO_CTL_IDLE_S; at most
 * NIO_CTL_CONN_MAX clients at once (the rest wait in the backlog), and
 * accepting pauses NIO_CTL_BACKOFF_S when fds run out, never spins. Client
 * (nio_ctl_request): connect, send, read to EOF under a deadline.
 * Must not: interpret commands; the daemon's handler does.
 */
#include <errno.h>
#include <ev.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "nio.h"

#define NIO_CTL_IDLE_S  5.0
#define NIO_CTL_BACKLOG 16
#define NIO_CTL_BACKOFF_S 0.1   /* accept paused this long after EMFILE etc. */
#define NIO_CTL_TOO_LONG "{\"error\":\"request line longer than 4096 bytes\"}"
#define NIO_CTL_EMPTY    "{\"error\":\"empty answer\"}"

struct nio_ctl_conn {
	struct nio_ctl *ctl;
	struct nio_ctl_conn *next;
	ev_io io;
	ev_timer idle;
	char in[NIO_CTL_LINE_MAX + 2];     /* line, '\r', '\n' */
	size_t in_len;
	char *out;                         /* answer + '\n', NULL while reading */
	size_t out_len, out_off;
};

struct nio_ctl {
	struct ev_loop *loop;
	ev_io io;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	nio_ctl_cb cb;
	void *arg;
	struct nio_ctl_conn *conns;
	ev_timer backoff;                  /* accepting paused (fds or cap) */
	struct nio_ctl_stats st;
};

long nio_ctl_frame(const char *buf, size_t len, size_t max)
{
	size_t scan = len < max + 2 ? len : max + 2, n;
	const char *nl = memchr(buf, '\n', scan);

	if (!nl)
		return len >= max + 2 ? -2 : -1;
	n = (size_t)(nl - buf);
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	return n > max ? -2 : (long)n;
}

/* ---- server: one connection ------------------------------------------- */

static void nio_ctl_conn_close(struct nio_ctl_conn *c)
{
	struct nio_ctl_conn **pp;
	struct nio_ctl *ctl = c->ctl;

	for (pp = &ctl->conns; *pp; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	ev_io_stop(ctl->loop, &c->io);
	ev_timer_stop(ctl->loop, &c->idle);
	close(c->io.fd);
	free(c->out);
	free(c);
	/* below the cap again: take the clients waiting in the backlog */
	if (ctl->st.conns-- == NIO_CTL_CONN_MAX && !ev_is_active(&ctl->backoff))
		ev_io_start(ctl->loop, &ctl->io);
}

static void nio_ctl_conn_write(struct nio_ctl_conn *c)
{
	ssize_t w;

	while (c->out_off < c->out_len) {
		w = send(c->io.fd, c->out + c->out_off, c->out_len - c->out_off,
			 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;            /* the EV_WRITE watcher calls again */
		if (w < 0)
			break;             /* client gone: nothing more to do */
		c->out_off += (size_t)w;
	}
	nio_ctl_conn_close(c);
}

/* json-c escapes quotes and control bytes but passes any other byte
 * through: a MN-ID from the wire or an echoed command may not be UTF-8,
 * which JSON requires (RFC 8259 8.1). Such bytes can only be inside
 * strings, where "\ufffd" (U+FFFD) stands for each. */
static void nio_ctl_utf8(char **out, size_t *len)
{
	size_t bad = 0;

	for (size_t i = 0; i < *len;) {
		size_t n = nio_utf8_seq((const unsigned char *)*out + i, *len - i);
		bad += !n;
		i += n ? n : 1;
	}
	char *fixed = bad ? malloc(*len + bad * 5 + 1) : NULL;
	if (!fixed)
		return;
	*len = nio_utf8_fix(*out, *len, fixed, *len + bad * 5 + 1);
	free(*out);
	*out = fixed;
}

/* Build the answer (the handler's, or ours for a bad request), switch to writing. */
static void nio_ctl_conn_answer(struct nio_ctl_conn *c, const char *line)
{
	struct nio_ctl *ctl = c->ctl;

	c->out = malloc(NIO_CTL_ANSWER_MAX + 1);
	if (!c->out) {
		nio_ctl_conn_close(c);
		return;
	}
	c->out[0] = '\0';
	if (line)
		ctl->cb(ctl->arg, line, c->out, NIO_CTL_ANSWER_MAX);
	else
		strcpy(c->out, NIO_CTL_TOO_LONG);
	c->out[NIO_CTL_ANSWER_MAX - 1] = '\0';    /* a handler that overran cap */
	if (!c->out[0])
		strcpy(c->out, NIO_CTL_EMPTY);
	c->out_len = strlen(c->out);
	nio_ctl_utf8(&c->out, &c->out_len);
	c->out[c->out_len++] = '\n';
	ev_io_stop(ctl->loop, &c->io);
	ev_io_set(&c->io, c->io.fd, EV_WRITE);
	ev_io_start(ctl->loop, &c->io);
	nio_ctl_conn_write(c);
}

/* Read what is there; answer once a line (or EOF after a partial one) is in. */
static void nio_ctl_conn_read(struct nio_ctl_conn *c)
{
	ssize_t r;
	long n;

	r = recv(c->io.fd, c->in + c->in_len, sizeof c->in - c->in_len, MSG_DONTWAIT);
	if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return;
	if (r < 0 || (r == 0 && c->in_len == 0)) {
		nio_ctl_conn_close(c);
		return;
	}
	if (r == 0) {                  /* EOF: the request is what came */
		c->in[c->in_len < NIO_CTL_LINE_MAX ? c->in_len : NIO_CTL_LINE_MAX] = '\0';
		nio_ctl_conn_answer(c, c->in_len <= NIO_CTL_LINE_MAX ? c->in : NULL);
		return;
	}
	c->in_len += (size_t)r;
	n = nio_ctl_frame(c->in, c->in_len, NIO_CTL_LINE_MAX);
	if (n == -1)
		return;
	if (n >= 0)
		c->in[n] = '\0';
	nio_ctl_conn_answer(c, n >= 0 ? c->in : NULL);
}

static void nio_ctl_conn_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct nio_ctl_conn *c = w->data;

	(void)loop;
	if (c->out)
		nio_ctl_conn_write(c);
	else if (revents & EV_READ)
		nio_ctl_conn_read(c);
}

static void nio_ctl_idle_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)revents;
	nio_ctl_conn_close(w->data);
}

/* ---- server: listening socket ----------------------------------------- */

static void nio_ctl_backoff_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct nio_ctl *ctl = w->data;

	(void)revents;
	if (ctl->st.conns < NIO_CTL_CONN_MAX)
		ev_io_start(loop, &ctl->io);
}

/* Out of file descriptors or memory, the pending connection stays in the
 * backlog and the listening socket stays readable: accepting again at once
 * would spin (14 275 failed accept4 in 2 s before this). Pause instead, and
 * count it. */
static void nio_ctl_pause(struct nio_ctl *ctl)
{
	ctl->st.accept_backoffs++;
	ev_io_stop(ctl->loop, &ctl->io);
	ev_timer_set(&ctl->backoff, NIO_CTL_BACKOFF_S, 0.);
	ev_timer_start(ctl->loop, &ctl->backoff);
}

static void nio_ctl_conn_add(struct nio_ctl *ctl, int fd)
{
	struct nio_ctl_conn *c = calloc(1, sizeof *c);

	if (!c) {
		close(fd);
		return;
	}
	c->ctl = ctl;
	c->next = ctl->conns;
	ctl->conns = c;
	if (++ctl->st.conns > ctl->st.conns_peak)
		ctl->st.conns_peak = ctl->st.conns;
	ev_io_init(&c->io, nio_ctl_conn_cb, fd, EV_READ);
	c->io.data = c;
	ev_io_start(ctl->loop, &c->io);
	ev_timer_init(&c->idle, nio_ctl_idle_cb, NIO_CTL_IDLE_S, 0.);
	c->idle.data = c;
	ev_timer_start(ctl->loop, &c->idle);
}

static void nio_ctl_accept_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct nio_ctl *ctl = w->data;
	int fd;

	(void)revents;
	while (ctl->st.conns < NIO_CTL_CONN_MAX) {
		fd = accept4(w->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd >= 0) {
			nio_ctl_conn_add(ctl, fd);
			continue;
		}
		if (errno == EINTR || errno == ECONNABORTED)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return;
		ctl->st.accept_errors++;     /* EMFILE, ENFILE, ENOBUFS, ENOMEM */
		nio_ctl_pause(ctl);
		return;
	}
	/* at the cap: the rest wait in the backlog until a connection ends */
	ctl->st.cap_reached++;
	ev_io_stop(loop, &ctl->io);
}

void nio_ctl_get_stats(const struct nio_ctl *ctl, struct nio_ctl_stats *out)
{
	*out = ctl->st;
}

static int nio_ctl_addr(const char *path, struct sockaddr_un *sa)
{
	if (!path || !*path) {
		errno = EINVAL;
		return -1;
	}
	if (strlen(path) >= sizeof sa->sun_path) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memset(sa, 0, sizeof *sa);
	sa->sun_family = AF_UNIX;
	strcpy(sa->sun_path, path);
	return 0;
}

/* A socket left by a dead daemon is removed; a live one or a file that is
 * not a socket is refused (EADDRINUSE, EEXIST) rather than clobbered. */
static int nio_ctl_clear_stale(const struct sockaddr_un *sa)
{
	struct stat st;
	int fd, r;

	if (lstat(sa->sun_path, &st) < 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISSOCK(st.st_mode)) {
		errno = EEXIST;
		return -1;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	r = connect(fd, (const struct sockaddr *)sa, sizeof *sa);
	close(fd);
	if (r == 0) {
		errno = EADDRINUSE;
		return -1;
	}
	return unlink(sa->sun_path);
}

struct nio_ctl *nio_ctl_start(struct ev_loop *loop, const char *path, nio_ctl_cb cb, void *arg)
{
	struct sockaddr_un sa;
	struct nio_ctl *ctl;
	int fd, saved;

	if (!loop || !cb) {
		errno = EINVAL;
		return NULL;
	}
	if (nio_ctl_addr(path, &sa) < 0 || nio_ctl_clear_stale(&sa) < 0)
		return NULL;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return NULL;
	/* Linux gives the socket file the socket inode's mode less the umask:
	 * 0600 here means only root may connect, whatever the caller's umask
	 * (doc/security.md). */
	if (fchmod(fd, 0600) < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0)
		goto fail;
	if (listen(fd, NIO_CTL_BACKLOG) < 0 || !(ctl = calloc(1, sizeof *ctl))) {
		saved = errno;
		unlink(sa.sun_path);
		errno = saved;
		goto fail;
	}
	ctl->loop = loop;
	ctl->cb = cb;
	ctl->arg = arg;
	strcpy(ctl->path, sa.sun_path);
	ev_io_init(&ctl->io, nio_ctl_accept_cb, fd, EV_READ);
	ctl->io.data = ctl;
	ev_io_start(loop, &ctl->io);
	ev_timer_init(&ctl->backoff, nio_ctl_backoff_cb, NIO_CTL_BACKOFF_S, 0.);
	ctl->backoff.data = ctl;
	return ctl;
fail:
	saved = errno;
	close(fd);
	errno = saved;
	return NULL;
}

/* Must not be called from inside the handler (its connection is in use). */
void nio_ctl_stop(struct nio_ctl *ctl)
{
	if (!ctl)
		return;
	ev_timer_stop(ctl->loop, &ctl->backoff);
	ev_io_stop(ctl->loop, &ctl->io);
	while (ctl->conns)
		nio_ctl_conn_close(ctl->conns);
	ev_io_stop(ctl->loop, &ctl->io);
	close(ctl->io.fd);
	unlink(ctl->path);
	free(ctl);
}

const char *nio_ctl_path(const char *given, const char *node, char *buf, size_t cap)
{
	const char *dir = getenv("PMIPEMU_STATE_DIR");

	if (given)
		return given;
	if (!dir || !*dir)
		return NULL;
	snprintf(buf, cap, "%s/%s.ctl", dir, node);
	return buf;
}
