/*
 * test_nio_ctl.c - the control socket: line framing, server answers, error
 * answers, socket file handling, client errors and timeouts.
 * Clients run in a forked child while the test drives the server's loop.
 */
#include <ev.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include "nio_test.h"

/* ---- framing (pure) ---------------------------------------------------- */

Test(nio_ctl, frame_waits_for_the_newline)
{
	cr_assert_eq(nio_ctl_frame("show bind", 9, 4096), -1);
	cr_assert_eq(nio_ctl_frame("", 0, 4096), -1);
}

Test(nio_ctl, frame_returns_line_length_without_crlf)
{
	cr_assert_eq(nio_ctl_frame("show\nrest", 9, 4096), 4);
	cr_assert_eq(nio_ctl_frame("show\r\n", 6, 4096), 4);
	cr_assert_eq(nio_ctl_frame("\n", 1, 4096), 0);
}

Test(nio_ctl, frame_refuses_a_line_longer_than_max)
{
	cr_assert_eq(nio_ctl_frame("abcdef\n", 7, 5), -2);       /* newline too late */
	cr_assert_eq(nio_ctl_frame("abcdefg", 7, 5), -2);        /* no newline in max+2 */
	cr_assert_eq(nio_ctl_frame("abcde\r\n", 7, 5), 5);       /* exactly max */
	cr_assert_eq(nio_ctl_frame("abcde\r", 6, 5), -1);        /* may still be max */
}

/* ---- server ------------------------------------------------------------ */

static int handler_calls;

static void echo_handler(void *arg, const char *line, char *out, size_t cap)
{
	(void)arg;
	handler_calls++;
	snprintf(out, cap, "{\"cmd\":\"%s\",\"len\":%zu}", line, strlen(line));
}

static void sock_path(char *p, size_t cap, const char *tag)
{
	snprintf(p, cap, "/tmp/nio-ctl-%s-%d.sock", tag, getpid());
}

/* Child: connect, send req (len bytes), optionally half-close, read to EOF,
 * copy to the pipe. */
static void raw_client(const char *path, const char *req, size_t len, int pfd)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char buf[8192];
	ssize_t n;
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	strcpy(sa.sun_path, path);
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0)
		_exit(2);
	if (write(fd, req, len) != (ssize_t)len)
		_exit(3);
	if (len && req[len - 1] != '\n')
		shutdown(fd, SHUT_WR);
	while ((n = read(fd, buf, sizeof buf)) > 0)
		if (write(pfd, buf, (size_t)n) != n)
			_exit(4);
	_exit(n < 0 ? 5 : 0);
}

/* Run the loop until the child exits; its output in out, exit status returned. */
static int drive(struct ev_loop *loop, pid_t pid, int pfd, char *out, size_t cap)
{
	uint64_t deadline = nio_now_ns() + 3000000000ull;
	size_t got = 0;
	int st = -1;
	ssize_t n;

	fcntl(pfd, F_SETFL, O_NONBLOCK);
	while (nio_now_ns() < deadline) {
		ev_run(loop, EVRUN_NOWAIT);
		while (got < cap - 1 && (n = read(pfd, out + got, cap - 1 - got)) > 0)
			got += (size_t)n;
		if (waitpid(pid, &st, WNOHANG) == pid)
			break;
		usleep(2000);
	}
	while (got < cap - 1 && (n = read(pfd, out + got, cap - 1 - got)) > 0)
		got += (size_t)n;
	out[got] = '\0';
	close(pfd);
	cr_assert(WIFEXITED(st), "client did not finish");
	return WEXITSTATUS(st);
}

static int raw_request(struct ev_loop *loop, const char *path, const char *req,
		       size_t len, char *out, size_t cap)
{
	int p[2];
	pid_t pid;

	cr_assert_eq(pipe(p), 0);
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		raw_client(path, req, len, p[1]);
	}
	close(p[1]);
	return drive(loop, pid, p[0], out, cap);
}

Test(nio_ctl, request_line_gets_the_handler_answer_and_a_newline)
{
	struct ev_loop *loop = ev_loop_new(EVFLAG_AUTO);
	char path[108], out[256];
	struct nio_ctl *c;

	sock_path(path, sizeof path, "a");
	c = nio_ctl_start(loop, path, echo_handler, NULL);
	cr_assert_not_null(c, "start: %s", strerror(errno));
	cr_assert_eq(raw_request(loop, path, "show bindings\r\n", 15, out, sizeof out), 0);
	cr_assert_str_eq(out, "{\"cmd\":\"show bindings\",\"len\":13}\n");
	nio_ctl_stop(c);
	ev_loop_destroy(loop);
}

Test(nio_ctl, request_without_newline_is_taken_at_eof)
{
	struct ev_loop *loop = ev_loop_new(EVFLAG_AUTO);
	char path[108], out[256];
	struct nio_ctl *c;

	sock_path(path, sizeof path, "b");
	c = nio_ctl_start(loop, path, echo_handler, NULL);
	cr_assert_eq(raw_request(loop, path, "stats", 5, out, sizeof out), 0);
	cr_assert_str_eq(out, "{\"cmd\":\"stats\",\"len\":5}\n");
	nio_ctl_stop(c);
	ev_loop_destroy(loop);
}

Test(nio_ctl, line_of_max_length_is_accepted)
{
	struct ev_loop *loop = ev_loop_new(EVFLAG_AUTO);
	static char req[NIO_CTL_LINE_MAX + 1], out[NIO_CTL_LINE_MAX + 64];
	char path[108];
	struct nio_ctl *c;

	memset(req, 'a', NIO_CTL_LINE_MAX);
	req[NIO_CTL_LINE_MAX] = '\n';
	sock_path(path, sizeof path, "c");
	c = nio_ctl_start(loop, path, echo_handler, NULL);
	cr_assert_eq(raw_request(loop, path, req, sizeof req, out, sizeof out), 0);
	cr_assert(strstr(out, "\"len\":4096}\n") != NULL, "%.80s", out);
	nio_ctl_stop(c);
	ev_loop_destroy(loop);
}

Test(nio_ctl, longer_line_gets_a_json_error_and_no_handler_call)
{
	struct ev_loop *loop = ev_loop_new(EVFLAG_AUTO);
	static char req[NIO_CTL_LINE_MAX + 100];
	char path[108], out[256];
	struct nio_ctl *c;

	memset(req, 'a', sizeof req);
	req[sizeof req - 1] = '\n';
	sock_path(path, sizeof path, "d");
	handler_calls = 0;
	c = nio_ctl_start(loop, path, echo_handler, NULL);
	raw_request(loop, path, req, sizeof req, out, sizeof out);
	cr_assert(strncmp(out, "{\"error\":", 9) == 0, "%s", out);
	cr_assert_eq(out[strlen(out) - 1], '\n');
	cr_assert_eq(handler_calls, 0);
	nio_ctl_stop(c);
	ev_loop_destroy(loop);
}

Test(nio_ctl, idle_client_does_not_block_another)
{
	struct ev_loop *loop = ev_loop_new(EVFLAG_AUTO);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char path[108], out[256];
	struct nio_ctl *c;
	int idle;

	sock_path(path, sizeof path, "e");
	c = nio_ctl_start(loop, path, echo_handler, NULL);
	strcpy(sa.sun_path, path);
	idle = socket(AF_UNIX, SOCK_STREAM, 0);
	cr_assert_eq(connect(idle, (struct sockaddr *)&sa, sizeof sa), 0);
	cr_assert_eq(write(idle, "sho", 3), 3);   /* half a line, then silence */
	cr_assert_eq(raw_request(loop, path, "ping\n", 5, out, sizeof out), 0);
	cr_assert_str_eq(out, "{\"cmd\":\"ping\",\"len\":4}\n");
	close(idle);
	nio_ctl_stop(c);
	ev_loop_destroy(loop);
}

Test(nio_ctl, client_returns_answer_without_newline)
{
	struct ev_loop *loop = ev_loop_new(EVFLAG_AUTO);
	char path[108], out[256];
	struct nio_ctl *c;
	int p[2];
	pid_t pid;

	sock_path(path, sizeof path, "f");
	c = nio_ctl_start(loop, path, echo_handler, NULL);
	cr_assert_eq(pipe(p), 0);
	pid = fork();
	if (pid == 0) {
		char ans[256];
		int n = nio_ctl_request(path, "show config", ans, sizeof ans);

		if (n < 0 || write(p[1], ans, (size_t)n) != n)
			_exit(1);
		_exit(n == (int)strlen(ans) ? 0 : 2);
	}
	close(p[1]);
	cr_assert_eq(drive(loop, pid, p[0], out, sizeof out), 0);
	cr_assert_str_eq(out, "{\"cmd\":\"show config\",\"len\":11}");
	nio_ctl_stop(c);
	ev_loop_destroy(loop);
}

Test(nio_ctl, start_removes_a_stale_socket_and_stop_unlinks)
{
	struct ev_loop *loop = ev_loop_new(EVFLAG_AUTO);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char path[108];
	struct nio_ctl *c;
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	sock_path(path, sizeof path, "g");
	strcpy(sa.sun_path, path);
	unlink(path);
	cr_assert_eq(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	close(fd);                     /* the file stays: a dead daemon's socket */
	c = nio_ctl_start(loop, path, echo_handler, NULL);
	cr_assert_not_null(c, "start over stale socket: %s", strerror(errno));
	nio_ctl_stop(c);
	cr_assert_neq(access(path, F_OK), 0, "socket file left behind");
	ev_loop_destroy(loop);
}

Test(nio_ctl, start_refuses_a_live_socket_and_a_regular_file)
{
	struct ev_loop *loop = ev_loop_new(EVFLAG_AUTO);
	char path[108];
	struct nio_ctl *c;
	FILE *f;

	sock_path(path, sizeof path, "h");
	c = nio_ctl_start(loop, path, echo_handler, NULL);
	cr_assert_not_null(c);
	cr_assert_null(nio_ctl_start(loop, path, echo_handler, NULL));
	cr_assert_eq(errno, EADDRINUSE);
	nio_ctl_stop(c);
	f = fopen(path, "w");
	fclose(f);
	cr_assert_null(nio_ctl_start(loop, path, echo_handler, NULL));
	cr_assert_eq(errno, EEXIST);
	cr_assert_eq(access(path, F_OK), 0, "a user's file was removed");
	unlink(path);
	ev_loop_destroy(loop);
}

Test(nio_ctl, bad_paths_give_clear_errors)
{
	struct ev_loop *loop = ev_loop_new(EVFLAG_AUTO);
	char longp[200];

	memset(longp, 'x', sizeof longp - 1);
	longp[0] = '/';
	longp[sizeof longp - 1] = '\0';
	cr_assert_null(nio_ctl_start(loop, "/nonexistent-dir-nio/x.sock", echo_handler, NULL));
	cr_assert_eq(errno, ENOENT);
	cr_assert_null(nio_ctl_start(loop, longp, echo_handler, NULL));
	cr_assert_eq(errno, ENAMETOOLONG);
	cr_assert_null(nio_ctl_start(loop, "", echo_handler, NULL));
	cr_assert_eq(errno, EINVAL);
	ev_loop_destroy(loop);
}

Test(nio_ctl, client_errors_name_the_cause)
{
	char out[64], path[108];
	int fd;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	cr_assert_eq(nio_ctl_request("/tmp/nio-ctl-none.sock", "x", out, sizeof out), -1);
	cr_assert_eq(errno, ENOENT);
	cr_assert_eq(nio_ctl_request("/tmp/x", "a\nb", out, sizeof out), -1);
	cr_assert_eq(errno, EINVAL);
	sock_path(path, sizeof path, "i");
	strcpy(sa.sun_path, path);
	unlink(path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	cr_assert_eq(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	close(fd);
	cr_assert_eq(nio_ctl_request(path, "x", out, sizeof out), -1);
	cr_assert_eq(errno, ECONNREFUSED);
	unlink(path);
}

Test(nio_ctl, client_times_out_on_a_silent_server)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char out[64], path[108];
	uint64_t t0;
	int fd;

	sock_path(path, sizeof path, "j");
	strcpy(sa.sun_path, path);
	unlink(path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	cr_assert_eq(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	cr_assert_eq(listen(fd, 4), 0);     /* never accepts, never answers */
	t0 = nio_now_ns();
	cr_assert_eq(nio_ctl_request_timeout(path, "x", out, sizeof out, 200), -1);
	cr_assert_eq(errno, ETIMEDOUT);
	cr_assert(nio_now_ns() - t0 >= 190000000ull && nio_now_ns() - t0 < 1000000000ull);
	close(fd);
	unlink(path);
}

Test(nio_ctl, client_reports_emsgsize_when_answer_does_not_fit)
{
	struct ev_loop *loop = ev_loop_new(EVFLAG_AUTO);
	char path[108], out[64];
	struct nio_ctl *c;
	int p[2];
	pid_t pid;

	sock_path(path, sizeof path, "k");
	c = nio_ctl_start(loop, path, echo_handler, NULL);
	cr_assert_eq(pipe(p), 0);
	pid = fork();
	if (pid == 0) {
		char ans[10];
		int n = nio_ctl_request(path, "show everything", ans, sizeof ans);

		_exit(n == -1 && errno == EMSGSIZE && strlen(ans) == 9 ? 0 : 1);
	}
	close(p[1]);
	cr_assert_eq(drive(loop, pid, p[0], out, sizeof out), 0);
	nio_ctl_stop(c);
	ev_loop_destroy(loop);
}

/* A daemon's control socket: -s wins, else the run's state folder, else none. */
Test(nio_ctl, path_from_option_then_state_dir_then_none)
{
	char buf[128];

	setenv("PMIPEMU_STATE_DIR", "/run/pmipemu/abcd1234", 1);
	cr_assert_str_eq(nio_ctl_path("/tmp/x.ctl", "mag1", buf, sizeof(buf)), "/tmp/x.ctl");
	cr_assert_str_eq(nio_ctl_path(NULL, "mag1", buf, sizeof(buf)),
			 "/run/pmipemu/abcd1234/mag1.ctl");
	unsetenv("PMIPEMU_STATE_DIR");
	cr_assert_null(nio_ctl_path(NULL, "mag1", buf, sizeof(buf)));
}

/* ---- bounded resources (issue 10, item 5) ------------------------------- */

static int client_connect(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);

	strcpy(sa.sun_path, path);
	cr_assert_eq(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0, "connect: %s",
		     strerror(errno));
	return fd;
}

static void run_for(struct ev_loop *loop, double s)
{
	uint64_t end = nio_now_ns() + (uint64_t)(s * 1e9);
	while (nio_now_ns() < end) {
		ev_run(loop, EVRUN_NOWAIT);
		usleep(1000);
	}
}

/* Out of descriptors, the listening socket stays readable: accepting must
 * pause and count, not spin; the waiting client is served once fds return. */
Test(nio_ctl, emfile_pauses_accepting_instead_of_spinning)
{
	struct ev_loop *loop = ev_loop_new(EVFLAG_AUTO);
	char path[108], buf[256];
	struct nio_ctl_stats st;
	struct rlimit old, low;

	sock_path(path, sizeof path, "emfile");
	struct nio_ctl *ctl = nio_ctl_start(loop, path, echo_handler, NULL);
	cr_assert_not_null(ctl);
	int c = client_connect(path);
	cr_assert_eq(write(c, "x\n", 2), 2);
	int lowest = dup(0);                  /* every fd from here on: EMFILE */
	close(lowest);
	cr_assert_eq(getrlimit(RLIMIT_NOFILE, &old), 0);
	low = old;
	low.rlim_cur = (rlim_t)lowest;
	cr_assert_eq(setrlimit(RLIMIT_NOFILE, &low), 0);
	run_for(loop, 0.5);
	nio_ctl_get_stats(ctl, &st);
	cr_assert_geq(st.accept_errors, 1);
	cr_assert_leq(st.accept_errors, 8, "accept retried %lu times in 0.5 s: a spin",
		      st.accept_errors);
	cr_assert_eq(st.accept_backoffs, st.accept_errors);
	cr_assert_eq(setrlimit(RLIMIT_NOFILE, &old), 0);
	run_for(loop, 0.3);
	ssize_t n = read(c, buf, sizeof buf - 1);
	cr_assert_gt(n, 0, "the waiting client was never served");
	buf[n] = '\0';
	cr_assert(strstr(buf, "\"cmd\":\"x\""), "%s", buf);
	close(c);
	nio_ctl_stop(ctl);
	ev_loop_destroy(loop);
}

/* At most NIO_CTL_CONN_MAX clients at once; the rest wait in the backlog
 * and are taken as others leave. */
Test(nio_ctl, concurrent_clients_are_capped)
{
	struct ev_loop *loop = ev_loop_new(EVFLAG_AUTO);
	char path[108];
	struct nio_ctl_stats st;
	int fds[NIO_CTL_CONN_MAX + 8];
	size_t n = sizeof fds / sizeof fds[0];

	sock_path(path, sizeof path, "cap");
	struct nio_ctl *ctl = nio_ctl_start(loop, path, echo_handler, NULL);
	cr_assert_not_null(ctl);
	for (size_t i = 0; i < n; i++) {
		fds[i] = client_connect(path);        /* idle: never sends */
		ev_run(loop, EVRUN_NOWAIT);
	}
	run_for(loop, 0.1);
	nio_ctl_get_stats(ctl, &st);
	cr_assert_eq(st.conns, NIO_CTL_CONN_MAX);
	cr_assert_eq(st.conns_peak, NIO_CTL_CONN_MAX);
	cr_assert_geq(st.cap_reached, 1);
	for (size_t i = 0; i < 10; i++)
		close(fds[i]);
	run_for(loop, 0.1);
	nio_ctl_get_stats(ctl, &st);
	cr_assert_eq(st.conns, NIO_CTL_CONN_MAX - 10 + 8, "the waiting clients were not taken");
	for (size_t i = 10; i < n; i++)
		close(fds[i]);
	nio_ctl_stop(ctl);
	ev_loop_destroy(loop);
}

/* RFC 8259 8.1: JSON text is UTF-8; bytes that are not are replaced. */
Test(nio_ctl, utf8_fix_keeps_utf8_and_replaces_the_rest)
{
	char out[64];
	cr_assert_eq(nio_utf8_fix("a\xc3\xa9z", 4, out, sizeof out), 4);
	cr_assert_str_eq(out, "a\xc3\xa9z");                 /* U+00E9 kept */
	cr_assert_eq(nio_utf8_fix("a\xffz", 3, out, sizeof out), 8);
	cr_assert_str_eq(out, "a\\ufffdz");
	nio_utf8_fix("\xc0\xaf", 2, out, sizeof out);         /* overlong '/' */
	cr_assert_str_eq(out, "\\ufffd\\ufffd");
	nio_utf8_fix("\xed\xa0\x80", 3, out, sizeof out);     /* a surrogate */
	cr_assert_str_eq(out, "\\ufffd\\ufffd\\ufffd");
	nio_utf8_fix("\xe2\x82", 2, out, sizeof out);         /* cut short */
	cr_assert_str_eq(out, "\\ufffd\\ufffd");
	cr_assert_eq(nio_utf8_fix("\xf0\x9f\x98\x80", 4, out, sizeof out), 4);
	cr_assert_eq(nio_utf8_fix("\xff\xff\xff", 3, out, 8), 6, "stops before overrunning");
}

Test(nio_ctl, answer_with_bytes_that_are_not_utf8_is_valid_json)
{
	struct ev_loop *loop = ev_loop_new(EVFLAG_AUTO);
	char path[108], out[256];

	sock_path(path, sizeof path, "utf8");
	struct nio_ctl *c = nio_ctl_start(loop, path, echo_handler, NULL);
	cr_assert_not_null(c);
	cr_assert_eq(raw_request(loop, path, "show \xff\xfe\n", 8, out, sizeof out), 0);
	cr_assert_str_eq(out, "{\"cmd\":\"show \\ufffd\\ufffd\",\"len\":7}\n");
	nio_ctl_stop(c);
	ev_loop_destroy(loop);
}
