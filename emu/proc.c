/*
 * proc.c - processes started inside a node (see proc.h).
 *
 * Shape of what runs:  pmipemu -> node init (pid 1 of a new pid namespace,
 * in the node's netns and a mount namespace with the node's own /sys) ->
 * the program. The init forwards SIGTERM/SIGINT/SIGHUP to the program,
 * reaps orphans, and exits with the program's status.
 */
#include "proc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static volatile sig_atomic_t init_child_pid;

static void init_forward(int sig)
{
	if (init_child_pid > 0)
		kill(init_child_pid, sig);
}

/* Give the node its own view of /sys, as `ip netns exec` does, so tools that
 * read /sys/class/net see the node's interfaces. Failure is not fatal. */
static void init_private_sys(void)
{
	if (unshare(CLONE_NEWNS) < 0)
		return;
	if (mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) < 0)
		return;
	if (umount2("/sys", MNT_DETACH) == 0)
		mount("sysfs", "/sys", "sysfs", 0, NULL);
}

static void init_redirect(const char *out_path)
{
	int fd = open(out_path ? out_path : "/dev/null",
		      O_WRONLY | O_CREAT | O_APPEND, 0644);
	int nul = open("/dev/null", O_RDONLY);

	if (nul >= 0) {
		dup2(nul, 0);
		close(nul);
	}
	if (fd >= 0) {
		dup2(fd, 1);
		dup2(fd, 2);
		close(fd);
	}
}

static void init_close_fds(void)
{
	/* The program must not inherit TAP fds or namespace fds. */
	if (syscall(SYS_close_range, 3, ~0U, 0) < 0) {
		for (int fd = 3; fd < 4096; fd++)
			close(fd);
	}
}

static int init_wait(pid_t child)
{
	int st = 0, code = 127;

	for (;;) {
		pid_t p = waitpid(-1, &st, 0);
		if (p < 0) {
			if (errno == EINTR)
				continue;
			break;                  /* ECHILD: all reaped */
		}
		if (p == child) {
			code = proc_status_code(st);
			init_child_pid = 0;
			break;                  /* our exit kills the rest of the ns */
		}
	}
	return code;
}

/* In its own pid namespace the init sees getppid() == 0, so whether
 * pmipemu died before PR_SET_PDEATHSIG took hold is asked of a pidfd. */
static void init_main(const struct proc_spec *s, int parent_pidfd)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	struct pollfd pfd = { .fd = parent_pidfd, .events = POLLIN };
	if (parent_pidfd >= 0 && poll(&pfd, 1, 0) != 0)
		_exit(125);                     /* pmipemu already gone */
	if (setns(s->netns_fd, CLONE_NEWNET) < 0)
		_exit(126);
	init_private_sys();
	init_redirect(s->out_path);
	init_close_fds();
	setsid();

	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = init_forward;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	pid_t c = fork();
	if (c < 0)
		_exit(126);
	if (c == 0) {
		sa.sa_handler = SIG_DFL;
		sigaction(SIGTERM, &sa, NULL);
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGHUP, &sa, NULL);
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		/* PATH of the node's environment, not pmipemu's, finds the
		 * program (execvpe would search the caller's PATH). */
		environ = (char **)s->envp;
		execvp(s->argv[0], s->argv);
		fprintf(stderr, "pmipemu: cannot run %s: %s\n", s->argv[0],
			strerror(errno));
		_exit(127);
	}
	init_child_pid = c;
	_exit(init_wait(c));
}

static int self_pidfd = -1;

pid_t proc_spawn(const struct proc_spec *s)
{
	if (self_pidfd < 0)
		self_pidfd = (int)syscall(SYS_pidfd_open, getpid(), 0);
	/* clone(CLONE_NEWPID) without a new stack behaves like fork(): the
	 * child is pid 1 of its own pid namespace. */
	long pid = syscall(SYS_clone, CLONE_NEWPID | SIGCHLD, NULL, NULL, NULL, 0);

	if (pid < 0)
		return -1;
	if (pid == 0)
		init_main(s, self_pidfd);
	return (pid_t)pid;
}

int proc_status_code(int wstatus)
{
	if (WIFEXITED(wstatus))
		return WEXITSTATUS(wstatus);
	if (WIFSIGNALED(wstatus))
		return 128 + WTERMSIG(wstatus);
	return 255;
}

static const char *split_word(const char **pp, char **out, char *end)
{
	const char *p = *pp;
	char *o = *out;
	char q = 0;

	for (; *p; p++) {
		if (q) {
			if (*p == q) {
				q = 0;
				continue;
			}
		} else if (*p == '"' || *p == '\'') {
			q = *p;
			continue;
		} else if (*p == ' ' || *p == '\t' || *p == '\n') {
			break;
		}
		if (o >= end - 1)
			return "command line too long";
		*o++ = *p;
	}
	if (q)
		return "unterminated quote";
	*o++ = '\0';
	*out = o;
	*pp = p;
	return NULL;
}

int proc_split(const char *cmd, char *buf, size_t buflen, char **argv,
	       size_t max, const char **why)
{
	const char *p = cmd;
	char *o = buf;
	size_t n = 0;

	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (!*p)
			break;
		if (n + 1 >= max) {
			*why = "too many arguments";
			return -1;
		}
		argv[n++] = o;
		const char *err = split_word(&p, &o, buf + buflen);
		if (err) {
			*why = err;
			return -1;
		}
	}
	argv[n] = NULL;
	if (n == 0) {
		*why = "empty command";
		return -1;
	}
	return 0;
}

unsigned long long proc_starttime(pid_t pid)
{
	char path[64], buf[1024];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return 0;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* The command field may hold blanks and parentheses: skip past the
	 * last ')' then count fields; starttime is field 22. */
	char *p = strrchr(buf, ')');
	if (!p)
		return 0;
	unsigned long long v = 0;
	int field = 2;
	for (char *tok = strtok(p + 1, " "); tok; tok = strtok(NULL, " ")) {
		if (++field == 22) {
			v = strtoull(tok, NULL, 10);
			break;
		}
	}
	return v;
}

bool proc_zombie(pid_t pid)
{
	char path[64], buf[512];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return true;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	char *p = strrchr(buf, ')');
	return !p || p[1] == '\0' || p[2] == 'Z';
}
