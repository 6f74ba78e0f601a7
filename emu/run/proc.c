/*
 * proc.c - processes started inside a node (see proc.h).
 *
 * Shape of what runs:  pmipemu -> node init (pid 1 of a new pid namespace,
 * in the node's netns and a mount namespace with the node's own /sys) ->
 * the program. The init forwards SIGTERM/SIGINT/SIGHUP to the program (none
 * is ever lost: blocked from before the clone, taken with sigtimedwait, and
 * held until the program catches it), reaps orphans, and exits with the
 * program's status. The node's processes see /sys of the node and /proc of
 * their own pid namespace.
 */
#include "proc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <spawn.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* A program gets this long from its start to install its stop handlers:
 * a stop signal arriving sooner waits (in the init) until the program
 * catches it or this has passed, so a receiver stopped in its first
 * milliseconds still writes its results (issue 10, item 3). */
#define PROC_HANDLER_GRACE_NS 300000000ull
#define PROC_POLL_NS          2000000L     /* while a stop waits */

/* SIGCHLD and the stop signals the init forwards. */
static void proc_init_sigset(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGCHLD);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGHUP);
}

static uint64_t proc_mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Give the node its own view of /sys, as `ip netns exec` does, so tools that
 * read /sys/class/net see the node's interfaces, and a /proc of the init's
 * own pid namespace. Failure is not fatal; returns whether /proc is ours. */
static bool init_private_mounts(void)
{
	if (unshare(CLONE_NEWNS) < 0)
		return false;
	if (mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) < 0)
		return false;
	if (umount2("/sys", MNT_DETACH) == 0)
		mount("sysfs", "/sys", "sysfs", 0, NULL);
	if (umount2("/proc", MNT_DETACH) < 0)
		return false;
	return mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		     NULL) == 0;
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

/* Whether the program catches sig: SigCgt of /proc/PID/status, a hex mask
 * with bit sig-1. Only asked when /proc is the init's own (pid 1's view). */
static bool init_child_catches(pid_t child, int sig)
{
	char path[64], line[128];
	unsigned long long mask = 0;
	bool found = false;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)child);
	FILE *f = fopen(path, "re");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = sscanf(line, "SigCgt: %llx", &mask) == 1;
	fclose(f);
	return found && (mask >> (sig - 1)) & 1;
}

struct init_state {
	pid_t child;
	uint64_t started_ns;
	bool own_proc;                  /* /proc shows our pid namespace */
	sigset_t pending;               /* stop signals not yet forwarded */
};

/* Forward each pending stop signal once the program catches it or has had
 * its grace to install a handler. */
static void init_forward(struct init_state *is)
{
	int sigs[] = { SIGTERM, SIGINT, SIGHUP };
	bool late = proc_mono_ns() - is->started_ns >= PROC_HANDLER_GRACE_NS;

	for (size_t i = 0; i < 3; i++) {
		if (!sigismember(&is->pending, sigs[i]))
			continue;
		if (late || (is->own_proc && init_child_catches(is->child, sigs[i]))) {
			kill(is->child, sigs[i]);
			sigdelset(&is->pending, sigs[i]);
		}
	}
}

/* Reaps every exited process; the program's status, or -1 while it runs. */
static int init_reap(pid_t child)
{
	int st;
	pid_t p;

	while ((p = waitpid(-1, &st, WNOHANG)) > 0)
		if (p == child)
			return proc_status_code(st);
	return p < 0 && errno == ECHILD ? 127 : -1;
}

/* The stop signals stay blocked for the init's whole life and are taken with
 * sigtimedwait: a pid namespace's init drops a signal it neither blocks nor
 * handles, so there is no moment at which one can be lost. */
static int init_wait(struct init_state *is)
{
	sigset_t set;
	struct timespec poll_ts = { 0, PROC_POLL_NS };

	proc_init_sigset(&set);
	for (;;) {
		bool waiting = !sigisemptyset(&is->pending);
		int sig = sigtimedwait(&set, NULL, waiting ? &poll_ts : NULL);
		if (sig > 0 && sig != SIGCHLD)
			sigaddset(&is->pending, sig);
		int code = init_reap(is->child);
		if (code >= 0)
			return code;            /* our exit kills the rest of the ns */
		init_forward(is);
	}
}

/* In its own pid namespace the init sees getppid() == 0, so whether
 * pmipemu died before PR_SET_PDEATHSIG took hold is asked of a pidfd.
 * It starts with the stop signals and SIGCHLD blocked (proc_spawn). */
static void init_main(const struct proc_spec *s, int parent_pidfd)
{
	struct init_state is = { .child = -1 };
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	int sigs[] = { SIGCHLD, SIGTERM, SIGINT, SIGHUP };

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	struct pollfd pfd = { .fd = parent_pidfd, .events = POLLIN };
	if (parent_pidfd >= 0 && poll(&pfd, 1, 0) != 0)
		_exit(125);                     /* pmipemu already gone */
	/* pmipemu's handlers (libev's) are no business of the init's */
	for (size_t i = 0; i < 4; i++)
		sigaction(sigs[i], &dfl, NULL);
	if (setns(s->netns_fd, CLONE_NEWNET) < 0)
		_exit(126);
	is.own_proc = init_private_mounts();
	if (!s->keep_stdio)
		init_redirect(s->out_path);
	init_close_fds();
	if (!s->keep_stdio)
		setsid();
	sigemptyset(&is.pending);
	is.started_ns = proc_mono_ns();
	/* posix_spawn (vfork underneath): the init is a copy of pmipemu's
	 * whole address space, which fork() would copy once more for every
	 * process of the run (1000 flows: most of the machine's time). PATH of
	 * the node's environment, not pmipemu's, finds the program. */
	posix_spawnattr_t sa;
	sigset_t none;
	pid_t c;
	sigemptyset(&none);
	if (posix_spawnattr_init(&sa) != 0 ||
	    posix_spawnattr_setsigmask(&sa, &none) != 0 ||
	    posix_spawnattr_setflags(&sa, POSIX_SPAWN_SETSIGMASK) != 0)
		_exit(126);
	environ = (char **)s->envp;
	int err = posix_spawnp(&c, s->argv[0], NULL, &sa, s->argv, (char **)s->envp);
	if (err) {
		fprintf(stderr, "pmipemu: cannot run %s: %s\n", s->argv[0], strerror(err));
		_exit(127);
	}
	is.child = c;
	_exit(init_wait(&is));
}

static int self_pidfd = -1;

int proc_parent_pidfd(void)
{
	if (self_pidfd < 0)
		self_pidfd = (int)syscall(SYS_pidfd_open, getpid(), 0);
	return self_pidfd;
}

pid_t proc_clone(const struct proc_spec *s, bool sibling)
{
	sigset_t block, old;
	int parent = proc_parent_pidfd();

	/* Blocked from before the clone: a stop signal sent to the init in its
	 * first microseconds waits for it instead of being dropped (or running
	 * pmipemu's handler in the child). */
	proc_init_sigset(&block);
	sigprocmask(SIG_BLOCK, &block, &old);
	/* clone(CLONE_NEWPID) without a new stack behaves like fork(): the
	 * child is pid 1 of its own pid namespace. CLONE_PARENT (from the
	 * spawner): the child of our parent, pmipemu. */
	long pid = syscall(SYS_clone, CLONE_NEWPID | SIGCHLD | (sibling ? CLONE_PARENT : 0),
			   NULL, NULL, NULL, 0);

	if (pid == 0)
		init_main(s, parent);
	int saved = errno;
	sigprocmask(SIG_SETMASK, &old, NULL);
	errno = saved;
	return pid < 0 ? -1 : (pid_t)pid;
}

pid_t proc_spawn(const struct proc_spec *s)
{
	return proc_spawner_running() ? proc_spawner_spawn(s) : proc_clone(s, false);
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
