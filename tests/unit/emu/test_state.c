/*
 * test_state.c - the run state folder and `pmipemu clean`: a live run is
 * never touched, a dead run's folder is removed, and only processes whose
 * pid and start time were recorded are killed.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "proc.h"
#include "state.h"

static char root[64];

static void setup(void)
{
	snprintf(root, sizeof(root), "/tmp/pmipemu-state-test.%d", getpid());
	setenv("PMIPEMU_STATE_ROOT", root, 1);
	unsetenv("PMIPEMU_STATE_DIR");
}

static void teardown(void)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	cr_assert_eq(system(cmd), 0);
}

static int exists(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0;
}

TestSuite(state, .init = setup, .fini = teardown);

Test(state, create_records_owner_and_out_dir)
{
	struct state s;
	char path[512], line[256];
	cr_assert_eq(state_create(&s, "/tmp/out"), 0);
	cr_assert_eq(strlen(s.id), 8);
	snprintf(path, sizeof(path), "%s/out", s.dir);
	FILE *f = fopen(path, "r");
	cr_assert_not_null(f);
	cr_assert_not_null(fgets(line, sizeof(line), f));
	fclose(f);
	cr_assert_str_eq(line, "/tmp/out\n");
	state_remove(&s);
	cr_assert_not(exists(s.dir));
}

Test(state, clean_leaves_a_live_run_alone)
{
	struct state s;
	cr_assert_eq(state_create(&s, "/tmp/out"), 0);
	cr_assert_eq(state_clean(0), 0);
	cr_assert(exists(s.dir));
	char dir[256];
	const char *why;
	cr_assert_eq(state_find_live(NULL, dir, sizeof(dir), &why), 0);
	cr_assert_str_eq(dir, s.dir);
	state_remove(&s);
}

/* A child creates the run and dies without removing it (as SIGKILL would);
 * a process it recorded is still running. */
Test(state, clean_removes_a_dead_run_and_kills_what_it_recorded)
{
	int pfd[2];
	cr_assert_eq(pipe(pfd), 0);
	pid_t victim = fork();
	if (victim == 0) {
		pause();
		_exit(0);
	}
	pid_t owner = fork();
	if (owner == 0) {
		struct state s;
		if (state_create(&s, "/tmp/out") < 0 || state_add_proc(&s, victim) < 0)
			_exit(1);
		if (write(pfd[1], s.dir, strlen(s.dir) + 1) < 0)
			_exit(1);
		_exit(0);
	}
	char dir[256] = "";
	int st;
	cr_assert_gt(read(pfd[0], dir, sizeof(dir)), 0);
	waitpid(owner, &st, 0);
	cr_assert(exists(dir));
	const char *why;
	char live[256];
	cr_assert_eq(state_find_live(NULL, live, sizeof(live), &why), -1);
	cr_assert_eq(state_clean(0), 1);
	cr_assert_not(exists(dir));
	cr_assert_eq(waitpid(victim, &st, 0), victim);
	cr_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
}

/* A recorded pid whose start time no longer matches is someone else's. */
Test(state, clean_never_kills_a_recycled_pid)
{
	pid_t other = fork();
	if (other == 0) {
		pause();
		_exit(0);
	}
	char dir[512], path[600];
	snprintf(dir, sizeof(dir), "%s/deadbeef", root);
	mkdir(root, 0755);
	cr_assert_eq(mkdir(dir, 0755), 0);
	snprintf(path, sizeof(path), "%s/owner", dir);
	FILE *f = fopen(path, "w");
	fprintf(f, "999999 1\n");          /* no such owner */
	fclose(f);
	snprintf(path, sizeof(path), "%s/procs", dir);
	f = fopen(path, "w");
	fprintf(f, "%d %llu\n", (int)other, proc_starttime(other) + 1);
	fclose(f);
	cr_assert_eq(state_clean(0), 1);
	cr_assert_eq(kill(other, 0), 0, "clean killed a process it did not start");
	kill(other, SIGKILL);
	int st;
	waitpid(other, &st, 0);
}
