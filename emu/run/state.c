/*
 * state.c - the run's state folder and `pmipemu clean` (see state.h).
 */
#include "state.h"
#include "proc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

static void rm_tree(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[1024];

	if (!d)
		return;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (e->d_type == DT_DIR)
			rm_tree(path);
		else
			unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

const char *state_root(void)
{
	const char *r = getenv("PMIPEMU_STATE_ROOT");
	return r && *r ? r : STATE_ROOT_DEFAULT;
}

/* Append a line to a file of the state folder, creating it 0600 whatever the
 * umask (a file other users could write would let them add a pid for clean
 * to kill); a symbolic link planted in its place is refused. */
static int state_append(const struct state *s, const char *file, const char *line)
{
	char path[768];
	snprintf(path, sizeof(path), "%s/%s", s->dir, file);
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	size_t len = strlen(line);
	ssize_t n = write(fd, line, len);
	int saved = errno;
	close(fd);
	errno = saved;
	return n == (ssize_t)len ? 0 : -1;
}

/* Write a whole file atomically: a temporary, then rename(2), so a reader
 * sees no file or the complete one, never half a line. */
static int state_write_atomic(const char *dir, const char *file, const char *text)
{
	char tmp[768], path[768];
	snprintf(tmp, sizeof(tmp), "%s/.%s.tmp", dir, file);
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	size_t len = strlen(text);
	int ok = write(fd, text, len) == (ssize_t)len;
	if (close(fd) < 0 || !ok || rename(tmp, path) < 0) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* The root folder is ours (root's) and only we may write in it; one left
 * world-writable by an older version under umask 000 is repaired, one owned
 * by someone else is refused. */
static int state_root_ready(void)
{
	struct stat st;

	if (mkdir(state_root(), 0755) < 0 && errno != EEXIST)
		return -1;
	if (lstat(state_root(), &st) < 0)
		return -1;
	if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid()) {
		errno = EPERM;
		return -1;
	}
	if ((st.st_mode & 07777) != 0755 && chmod(state_root(), 0755) < 0)
		return -1;
	return 0;
}

/* Our own "pid starttime", which names the folder while it is being created
 * or removed: clean proves its creator dead before it touches it. */
static void state_self(char *buf, size_t len)
{
	snprintf(buf, len, "%d-%llu", (int)getpid(), proc_starttime(getpid()));
}

/* Give the prepared folder its final name; RENAME_NOREPLACE, since rename(2)
 * would replace an empty directory of the same name. */
static int state_publish(struct state *s, const char *tmp)
{
	uint32_t r;

	for (int tries = 0; tries < 8; tries++) {
		if (getrandom(&r, sizeof(r), 0) != sizeof(r))
			r = (uint32_t)getpid() * 2654435761u + (uint32_t)tries;
		snprintf(s->id, sizeof(s->id), "%08x", r);
		snprintf(s->dir, sizeof(s->dir), "%s/%s", state_root(), s->id);
		if (renameat2(AT_FDCWD, tmp, AT_FDCWD, s->dir, RENAME_NOREPLACE) == 0)
			return 0;
		if (errno != EEXIST)
			break;
	}
	s->dir[0] = '\0';
	return -1;
}

/* The folder is made 0700 under a dot-name that clean reads as "being
 * created by pid P started at T", gets its owner then its out file, and only
 * then takes its run id name: a folder with a run id always has an owner. */
int state_create(struct state *s, const char *out_dir)
{
	char self[48], line[512];
	struct state t = { .dir = "" };

	memset(s, 0, sizeof(*s));
	state_self(self, sizeof(self));
	snprintf(t.dir, sizeof(t.dir), "%s/" STATE_NEW_PREFIX "%s", state_root(), self);
	const char *tmp = t.dir;
	/* a clean elsewhere removes the root when it finds it empty, maybe
	 * between our mkdirs: make it again */
	int made = -1;
	for (int tries = 0; tries < 5 && made < 0; tries++) {
		if (state_root_ready() < 0)
			return -1;
		made = mkdir(tmp, 0700);
		if (made < 0 && errno != ENOENT)
			return -1;
	}
	if (made < 0 || chmod(tmp, 0700) < 0)
		return -1;
	snprintf(line, sizeof(line), "%d %llu\n", (int)getpid(),
		 proc_starttime(getpid()));
	int rc = state_write_atomic(tmp, "owner", line);
	snprintf(line, sizeof(line), "%s\n", out_dir);
	if (rc == 0)
		rc = state_append(&t, "out", line);
	if (rc == 0)
		rc = state_publish(s, tmp);
	if (rc < 0) {
		int saved = errno;
		rm_tree(tmp);
		errno = saved;
	}
	return rc;
}

int state_add_proc(const struct state *s, pid_t pid)
{
	char line[64];
	snprintf(line, sizeof(line), "%d %llu\n", (int)pid, proc_starttime(pid));
	return state_append(s, "procs", line);
}

int state_add_node(const struct state *s, const char *node, int ns_fd)
{
	char line[128];
	snprintf(line, sizeof(line), "%s %d\n", node, ns_fd);
	return state_append(s, "nodes", line);
}

/* Teardown first takes the run id name away (clean then reads the folder as
 * "being removed by pid P started at T"), so a clean running meanwhile never
 * sees a run folder whose owner file is already gone. */
void state_remove(const struct state *s)
{
	char self[48], gone[600];

	if (!s->dir[0])
		return;
	state_self(self, sizeof(self));
	snprintf(gone, sizeof(gone), "%s/" STATE_DEL_PREFIX "%s-%s", state_root(),
		 self, s->id);
	rm_tree(rename(s->dir, gone) == 0 ? gone : s->dir);
}

/* A recorded "pid starttime" names a live process only if both match. */
static int pid_alive(int p, unsigned long long st)
{
	return p > 1 && st != 0 && proc_starttime(p) == st;
}

static int pid_line_alive(const char *line, pid_t *pid)
{
	int p;
	unsigned long long st;

	if (sscanf(line, "%d %llu", &p, &st) != 2)
		return 0;
	*pid = p;
	return pid_alive(p, st);
}

/* STATE_ALIVE, STATE_DEAD, or STATE_UNKNOWN (no owner file: not ours to
 * judge, left alone). */
enum state_owner { STATE_ALIVE, STATE_DEAD, STATE_UNKNOWN };

static enum state_owner run_owner(const char *dir)
{
	char path[1024], line[128];
	pid_t pid;
	snprintf(path, sizeof(path), "%s/owner", dir);
	FILE *f = fopen(path, "re");
	if (!f)
		return errno == ENOENT ? STATE_UNKNOWN : STATE_ALIVE;
	int ok = fgets(line, sizeof(line), f) != NULL;
	fclose(f);
	if (!ok)
		return STATE_UNKNOWN;
	return pid_line_alive(line, &pid) ? STATE_ALIVE : STATE_DEAD;
}

static int run_alive(const char *dir)
{
	return run_owner(dir) == STATE_ALIVE;
}

/* Only a procs file nobody else could have written is acted on: the folder
 * and the file ours, neither writable by group or others. */
static int procs_trusted(const char *dir, const char *path)
{
	struct stat d, f;

	if (lstat(dir, &d) < 0 || lstat(path, &f) < 0 || !S_ISREG(f.st_mode))
		return 0;
	return d.st_uid == geteuid() && f.st_uid == geteuid() &&
	       !(d.st_mode & 022) && !(f.st_mode & 022);
}

/* Kills what the run recorded and is still that process; a zombie is already
 * dead (its parent has not reaped it yet) and is not counted. */
static int kill_recorded(const char *dir)
{
	char path[1024], line[128];
	pid_t pid;
	int n = 0;
	snprintf(path, sizeof(path), "%s/procs", dir);
	if (!procs_trusted(dir, path))
		return 0;
	FILE *f = fopen(path, "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (pid_line_alive(line, &pid) && !proc_zombie(pid) &&
		    kill(pid, SIGKILL) == 0)
			n++;
	fclose(f);
	return n;
}

int state_find_live(const char *id, char *dir, size_t len, const char **why)
{
	const char *env = getenv("PMIPEMU_STATE_DIR");
	int found = 0;

	if (!id && env && *env) {
		snprintf(dir, len, "%s", env);
		return 0;
	}
	DIR *d = opendir(state_root());
	struct dirent *e;
	char path[768];
	if (!d) {
		*why = "no run is active (no state folder)";
		return -1;
	}
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || (id && strcmp(e->d_name, id)))
			continue;
		snprintf(path, sizeof(path), "%s/%s", state_root(), e->d_name);
		if (!run_alive(path))
			continue;
		if (found++ == 0)
			snprintf(dir, len, "%s", path);
	}
	closedir(d);
	if (found == 1)
		return 0;
	*why = found ? "several runs are active: name one with --run ID"
		     : "no live run found";
	return -1;
}

/* First line of DIR/FILE into buf (newline cut), "" if none. */
static void first_line(const char *dir, const char *file, char *buf, size_t len)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	FILE *f = fopen(path, "re");
	buf[0] = '\0';
	if (f && fgets(buf, (int)len, f))
		buf[strcspn(buf, "\n")] = '\0';
	if (f)
		fclose(f);
}

int state_list_live(FILE *out)
{
	DIR *d = opendir(state_root());
	struct dirent *e;
	char path[768], owner[128], folder[512];
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		snprintf(path, sizeof(path), "%s/%s", state_root(), e->d_name);
		if (e->d_name[0] == '.' || !run_alive(path))
			continue;
		first_line(path, "owner", owner, sizeof(owner));
		first_line(path, "out", folder, sizeof(folder));
		if (n++ == 0)
			fprintf(out, "%-8s  %-7s  %s\n", "RUN", "PID", "FOLDER");
		fprintf(out, "%-8s  %-7d  %s\n", e->d_name, atoi(owner), folder);
	}
	closedir(d);
	return n;
}

/* A folder being created or removed is named after its creator's "pid
 * starttime": whether that process still lives decides. */
static enum state_owner transient_owner(const char *name)
{
	const char *p = NULL;
	int pid;
	unsigned long long st;

	if (!strncmp(name, STATE_NEW_PREFIX, strlen(STATE_NEW_PREFIX)))
		p = name + strlen(STATE_NEW_PREFIX);
	else if (!strncmp(name, STATE_DEL_PREFIX, strlen(STATE_DEL_PREFIX)))
		p = name + strlen(STATE_DEL_PREFIX);
	if (!p || sscanf(p, "%d-%llu", &pid, &st) != 2)
		return STATE_UNKNOWN;
	return pid_alive(pid, st) ? STATE_ALIVE : STATE_DEAD;
}

static int clean_one(const char *name, int verbose)
{
	char path[768];
	snprintf(path, sizeof(path), "%s/%s", state_root(), name);
	enum state_owner o = name[0] == '.' ? transient_owner(name) : run_owner(path);

	if (o == STATE_ALIVE)
		return 0;
	if (o == STATE_UNKNOWN) {
		if (verbose && name[0] != '.')
			printf("clean: %s: no owner file, not touched\n", path);
		return 0;
	}
	int k = kill_recorded(path);
	rm_tree(path);
	if (verbose && name[0] != '.')
		printf("clean: run %s: removed state, killed %d process(es)\n",
		       name, k);
	return name[0] != '.';
}

int state_clean(int verbose)
{
	DIR *d = opendir(state_root());
	struct dirent *e;
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n += clean_one(e->d_name, verbose);
	closedir(d);
	rmdir(state_root());    /* only succeeds when empty */
	return n;
}
