/*
 * proc_spawner.c - a small process that clones the node inits for pmipemu.
 *
 * Owns: the spawner's life (forked at the start of a run, gone when its
 * socket closes) and the request/answer on that socket. Must not: know
 * about runs or topologies; decide anything about the processes.
 *
 * Why: cloning copies the caller's address space and file table. By the time
 * a run starts its processes, pmipemu holds the link engine's buffers and
 * a TAP and a namespace fd per interface and node: with 1100 nodes each
 * clone copied tens of megabytes of page tables and 3300 file descriptors,
 * and pmipemu's own pages were then copy-on-write (measured: 17 % of the
 * machine in copy_process while 1000 flow senders started). The spawner is
 * forked while pmipemu is still small and clones each init with
 * CLONE_PARENT, so the init is still pmipemu's child: pmipemu waits for it,
 * signals it and gets its SIGCHLD exactly as before.
 *
 * One request is one SOCK_SEQPACKET message: a header, the strings (argv,
 * envp, out path) each NUL-terminated, and the namespace fd in SCM_RIGHTS.
 * The answer: the init's pid, or -errno.
 */
#include "proc.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define SPAWNER_MSG_MAX (64 * 1024)
#define SPAWNER_ENV_MAX 256

struct spawner_hdr {
	uint32_t argc, envc;
	uint8_t keep_stdio, has_out;
};

static int spawner_fd = -1;
static pid_t spawner_pid = -1;

static size_t put_str(char *buf, size_t at, const char *s)
{
	size_t n = strlen(s) + 1;

	if (at + n > SPAWNER_MSG_MAX)
		return SPAWNER_MSG_MAX + 1;
	memcpy(buf + at, s, n);
	return at + n;
}

/* The request for s; its length, or 0 when it does not fit. */
static size_t encode(const struct proc_spec *s, char *buf)
{
	struct spawner_hdr h = { .keep_stdio = s->keep_stdio, .has_out = s->out_path != NULL };
	size_t at = sizeof h;

	for (; s->argv[h.argc] && at <= SPAWNER_MSG_MAX; h.argc++)
		at = put_str(buf, at, s->argv[h.argc]);
	for (; s->envp[h.envc] && at <= SPAWNER_MSG_MAX; h.envc++)
		at = put_str(buf, at, s->envp[h.envc]);
	if (s->out_path && at <= SPAWNER_MSG_MAX)
		at = put_str(buf, at, s->out_path);
	if (at > SPAWNER_MSG_MAX || h.argc > PROC_ARGV_MAX || h.envc > SPAWNER_ENV_MAX)
		return 0;
	memcpy(buf, &h, sizeof h);
	return at;
}

/* n strings from *at on into v (NULL-terminated); -1 when they run past len. */
static int take_strs(char *buf, size_t len, size_t *at, char **v, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		char *end = memchr(buf + *at, 0, len - *at);
		if (*at >= len || !end)
			return -1;
		v[i] = buf + *at;
		*at = (size_t)(end - buf) + 1;
	}
	v[n] = NULL;
	return 0;
}

static pid_t serve_one(char *buf, size_t len, int ns_fd)
{
	static char *argv[PROC_ARGV_MAX + 1], *envp[SPAWNER_ENV_MAX + 1];
	struct spawner_hdr h;
	size_t at = sizeof h;
	char *out[2];

	if (len < sizeof h || ns_fd < 0)
		return -EINVAL;
	memcpy(&h, buf, sizeof h);
	if (h.argc == 0 || h.argc > PROC_ARGV_MAX || h.envc > SPAWNER_ENV_MAX ||
	    take_strs(buf, len, &at, argv, h.argc) < 0 ||
	    take_strs(buf, len, &at, envp, h.envc) < 0 ||
	    take_strs(buf, len, &at, out, h.has_out) < 0)
		return -EINVAL;
	struct proc_spec s = { .netns_fd = ns_fd, .argv = argv, .envp = envp,
			       .out_path = h.has_out ? out[0] : NULL,
			       .keep_stdio = h.keep_stdio };
	pid_t pid = proc_clone(&s, true);
	return pid < 0 ? -errno : pid;
}

static int recv_req(int fd, char *buf, size_t *len, int *ns_fd)
{
	union { char b[CMSG_SPACE(sizeof(int))]; struct cmsghdr align; } c;
	struct iovec iov = { buf, SPAWNER_MSG_MAX };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = c.b, .msg_controllen = sizeof c.b };
	ssize_t n;

	while ((n = recvmsg(fd, &m, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR)
		;
	if (n <= 0)
		return -1;
	*len = (size_t)n;
	*ns_fd = -1;
	struct cmsghdr *h = CMSG_FIRSTHDR(&m);
	if (h && h->cmsg_level == SOL_SOCKET && h->cmsg_type == SCM_RIGHTS)
		memcpy(ns_fd, CMSG_DATA(h), sizeof(int));
	return 0;
}

static void serve(int fd)
{
	static char buf[SPAWNER_MSG_MAX];
	size_t len;
	int ns_fd;

	/* pmipemu's handlers are not ours; a Ctrl-C to the process group is
	 * pmipemu's to handle (the inits set these back to default). */
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGCHLD, SIG_DFL);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	while (recv_req(fd, buf, &len, &ns_fd) == 0) {
		int32_t ans = serve_one(buf, len, ns_fd);
		if (ns_fd >= 0)
			close(ns_fd);
		if (send(fd, &ans, sizeof ans, MSG_NOSIGNAL) != sizeof ans)
			break;
	}
	_exit(0);
}

int proc_spawner_start(void)
{
	int sv[2];

	if (spawner_fd >= 0)
		return 0;
	proc_parent_pidfd();            /* pmipemu's, inherited by the spawner */
	/* pmipemu waits for each answer: with pmipemu at real-time priority
	 * (the link engine) the spawner must be too, or it waits behind the
	 * very processes it starts while every link stands still (measured:
	 * links silent for 10 s as 2000 processes started). Its clones are
	 * reset to normal priority (SCHED_RESET_ON_FORK). */
	struct sched_param sp;
	int policy = sched_getscheduler(0) & ~SCHED_RESET_ON_FORK;
	if (sched_getparam(0, &sp) < 0)
		policy = -1;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return -1;
	pid_t pid = fork();
	if (pid < 0) {
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	if (pid == 0) {
		close(sv[0]);
		if (policy == SCHED_FIFO || policy == SCHED_RR)
			sched_setscheduler(0, policy | SCHED_RESET_ON_FORK, &sp);
		serve(sv[1]);
	}
	close(sv[1]);
	spawner_fd = sv[0];
	spawner_pid = pid;
	return 0;
}

void proc_spawner_stop(void)
{
	int st;

	if (spawner_fd < 0)
		return;
	close(spawner_fd);
	spawner_fd = -1;
	while (waitpid(spawner_pid, &st, 0) < 0 && errno == EINTR)
		;
	spawner_pid = -1;
}

bool proc_spawner_running(void)
{
	return spawner_fd >= 0;
}

pid_t proc_spawner_spawn(const struct proc_spec *s)
{
	static char buf[SPAWNER_MSG_MAX];
	union { char b[CMSG_SPACE(sizeof(int))]; struct cmsghdr align; } c;
	size_t len = encode(s, buf);
	int32_t ans;

	if (!len) {
		errno = E2BIG;
		return -1;
	}
	struct iovec iov = { buf, len };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = c.b, .msg_controllen = sizeof c.b };
	struct cmsghdr *h = CMSG_FIRSTHDR(&m);
	h->cmsg_level = SOL_SOCKET;
	h->cmsg_type = SCM_RIGHTS;
	h->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(h), &s->netns_fd, sizeof(int));
	if (sendmsg(spawner_fd, &m, MSG_NOSIGNAL) < 0)
		return -1;
	ssize_t n;
	while ((n = recv(spawner_fd, &ans, sizeof ans, 0)) < 0 && errno == EINTR)
		;
	if (n != sizeof ans) {
		errno = EPIPE;
		return -1;
	}
	if (ans < 0) {
		errno = -ans;
		return -1;
	}
	return (pid_t)ans;
}
