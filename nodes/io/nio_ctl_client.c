/*
 * nio_ctl_client.c - the client end of the control socket (pmipemu ctl).
 *
 * Owns: one request under one deadline: connect, send the line and a
 * newline, half-close, read the answer to EOF. Errors are the socket's
 * (ENOENT: no daemon socket there, ECONNREFUSED: a stale one) or ETIMEDOUT.
 * Must not: retry or print; the caller reports.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "nio.h"

static int nio_ctl_remaining_ms(uint64_t deadline_ns)
{
	uint64_t now = nio_now_ns();

	return now >= deadline_ns ? 0 : (int)((deadline_ns - now + 999999) / 1000000);
}

/* Blocking connect and send, bounded by SO_SNDTIMEO (a full backlog). */
static int nio_ctl_connect_send(const char *path, const char *line, int timeout_ms)
{
	struct timeval tv = { .tv_sec = timeout_ms / 1000,
			      .tv_usec = (timeout_ms % 1000) * 1000 };
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t len = strlen(line);
	struct iovec iov[2] = { { (void *)line, len }, { "\n", 1 } };
	struct msghdr msg = { .msg_iov = iov, .msg_iovlen = 2 };
	int fd, saved;

	if (strlen(path) >= sizeof sa.sun_path) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) < 0 ||
	    connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0 ||
	    sendmsg(fd, &msg, MSG_NOSIGNAL) != (ssize_t)len + 1 ||
	    shutdown(fd, SHUT_WR) < 0)
		goto fail;
	return fd;
fail:
	saved = (errno == EAGAIN || errno == EINPROGRESS) ? ETIMEDOUT : errno;
	close(fd);
	errno = saved;
	return -1;
}

/* Read to EOF into out[0..cap-1); -1 with ETIMEDOUT or EMSGSIZE. */
static int nio_ctl_read_answer(int fd, char *out, size_t cap, uint64_t deadline_ns)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	size_t got = 0;
	char sink;
	ssize_t r;

	for (;;) {
		int ms = nio_ctl_remaining_ms(deadline_ns);

		if (ms == 0 || poll(&p, 1, ms) == 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		r = got < cap - 1 ? read(fd, out + got, cap - 1 - got) : read(fd, &sink, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		if (got == cap - 1) {
			errno = EMSGSIZE;      /* out holds the start */
			return -1;
		}
		got += (size_t)r;
		out[got] = '\0';
	}
	while (got > 0 && (out[got - 1] == '\n' || out[got - 1] == '\r'))
		got--;
	out[got] = '\0';
	return (int)got;
}

int nio_ctl_request_timeout(const char *path, const char *line, char *out,
			    size_t cap, int timeout_ms)
{
	uint64_t deadline = nio_now_ns() + (uint64_t)timeout_ms * 1000000ull;
	int fd, r, saved;

	if (!path || !line || !out || cap == 0 || timeout_ms <= 0 ||
	    strchr(line, '\n') || strlen(line) > NIO_CTL_LINE_MAX) {
		errno = EINVAL;
		return -1;
	}
	out[0] = '\0';
	fd = nio_ctl_connect_send(path, line, timeout_ms);
	if (fd < 0)
		return -1;
	r = nio_ctl_read_answer(fd, out, cap, deadline);
	saved = errno;
	close(fd);
	errno = saved;
	return r;
}

int nio_ctl_request(const char *path, const char *line, char *out, size_t cap)
{
	return nio_ctl_request_timeout(path, line, out, cap, NIO_CTL_TIMEOUT_MS);
}
