/*
 * state.c - the run's state folder and `pmipemu clean` (see state.h).
 */
#include "state.h"
#include "proc.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

const char *state_root(void)
{
	const char *r = getenv("PMIPEMU_STATE_ROOT");
	return r && *r ? r : STATE_ROOT_DEFAULT;
}

static int state_append(const struct state *s, const char *file, const char *line)
{
	char path[768];
	snprintf(path, sizeof(path), "%s/%s", s->dir, file);
	FILE *f = fopen(path, "ae");
	if (!f)
		return -1;
	fputs(line, f);
	return fclose(f);
}

int state_create(struct state *s, const char *out_dir)
{
	uint32_t r;
	char line[512];

	if (mkdir(state_root(), 0755) < 0 && errno != EEXIST)
		return -1;
	for (int tries = 0; tries < 8; tries++) {
		if (getrandom(&r, sizeof(r), 0) != sizeof(r))
			r = (uint32_t)getpid() * 2654435761u + (uint32_t)tries;
		snprintf(s->id, sizeof(s->id), "%08x", r);
		snprintf(s->dir, sizeof(s->dir), "%s/%s", state_root(), s->id);
		if (mkdir(s->dir, 0755) == 0)
			break;
		if (errno != EEXIST)
			return -1;
		s->dir[0] = '\0';
	}
	if (!s->dir[0]) {
		errno = EEXIST;
		return -1;
	}
	snprintf(line, sizeof(line), "%d %llu\n", (int)getpid(),
		 proc_starttime(getpid()));
	if (state_append(s, "owner", line) < 0)
		return -1;
	snprintf(line, sizeof(line), "%s\n", out_dir);
	return state_append(s, "out", line);
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

void state_remove(const struct state *s)
{
	if (s->dir[0])
		rm_tree(s->dir);
}

/* A recorded "pid starttime" line names a live process only if both match. */
static int pid_line_alive(const char *line, pid_t *pid)
{
	int p;
	unsigned long long st;

	if (sscanf(line, "%d %llu", &p, &st) != 2 || p <= 1)
		return 0;
	*pid = p;
	return st != 0 && proc_starttime(p) == st;
}

static int run_alive(const char *dir)
{
	char path[1024], line[128];
	pid_t pid;
	snprintf(path, sizeof(path), "%s/owner", dir);
	FILE *f = fopen(path, "re");
	if (!f)
		return 0;
	int alive = fgets(line, sizeof(line), f) && pid_line_alive(line, &pid);
	fclose(f);
	return alive;
}

static int kill_recorded(const char *dir)
{
	char path[1024], line[128];
	pid_t pid;
	int n = 0;
	snprintf(path, sizeof(path), "%s/procs", dir);
	FILE *f = fopen(path, "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (pid_line_alive(line, &pid) && kill(pid, SIGKILL) == 0)
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

int state_clean(int verbose)
{
	DIR *d = opendir(state_root());
	struct dirent *e;
	char path[768];
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", state_root(), e->d_name);
		if (run_alive(path))
			continue;
		int k = kill_recorded(path);
		rm_tree(path);
		if (verbose)
			printf("clean: run %s: removed state, killed %d process(es)\n",
			       e->d_name, k);
		n++;
	}
	closedir(d);
	rmdir(state_root());    /* only succeeds when empty */
	return n;
}
