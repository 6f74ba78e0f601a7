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

#include "run/proc.h"
#include "run/state.h"

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

static mode_t mode_of(const char *p)
{
	struct stat st;
	cr_assert_eq(lstat(p, &st), 0, "%s", p);
	return st.st_mode & 07777;
}

/* Under umask 000 the folder is still 0700 and its files 0600: no other
 * user reads bindings or adds a pid for clean to kill (issue 10, item 2). */
Test(state, folder_is_private_whatever_the_umask)
{
	struct state s;
	char path[600];
	mode_t old = umask(0);
	cr_assert_eq(state_create(&s, "/tmp/out"), 0);
	cr_assert_eq(state_add_proc(&s, getpid()), 0);
	cr_assert_eq(state_add_node(&s, "n1", 7), 0);
	umask(old);
	cr_assert_eq(mode_of(s.dir), 0700);
	const char *files[] = { "owner", "out", "procs", "nodes" };
	for (size_t i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), "%s/%s", s.dir, files[i]);
		cr_assert_eq(mode_of(path), 0600, "%s", files[i]);
	}
	state_remove(&s);
}

/* A folder being created carries its creator's pid and start time in its
 * name; clean leaves it alone while that process lives. */
Test(state, clean_leaves_a_folder_being_created_alone)
{
	char dir[512];
	mkdir(root, 0755);
	snprintf(dir, sizeof(dir), "%s/" STATE_NEW_PREFIX "%d-%llu", root,
		 (int)getpid(), proc_starttime(getpid()));
	cr_assert_eq(mkdir(dir, 0700), 0);
	cr_assert_eq(state_clean(0), 0);
	cr_assert(exists(dir));
	rmdir(dir);
	/* the same from a creator that is gone: removed, not counted as a run */
	snprintf(dir, sizeof(dir), "%s/" STATE_NEW_PREFIX "999999-1", root);
	cr_assert_eq(mkdir(dir, 0700), 0);
	cr_assert_eq(state_clean(0), 0);
	cr_assert_not(exists(dir));
}

/* A run folder without an owner file is not provably dead: not touched. */
Test(state, clean_never_touches_a_folder_without_owner)
{
	char dir[512];
	mkdir(root, 0755);
	snprintf(dir, sizeof(dir), "%s/0badf00d", root);
	cr_assert_eq(mkdir(dir, 0700), 0);
	cr_assert_eq(state_clean(0), 0);
	cr_assert(exists(dir));
	rmdir(dir);
}

static pid_t sleeper(void)
{
	pid_t p = fork();
	if (p == 0) {
		pause();
		_exit(0);
	}
	return p;
}

static void dead_run_with_procs(const char *dir, const char *procs, mode_t m)
{
	char path[600];
	mkdir(root, 0755);
	cr_assert_eq(mkdir(dir, 0700), 0);
	snprintf(path, sizeof(path), "%s/owner", dir);
	FILE *f = fopen(path, "w");
	fprintf(f, "999999 1\n");
	fclose(f);
	snprintf(path, sizeof(path), "%s/procs", dir);
	f = fopen(path, "w");
	fputs(procs, f);
	fclose(f);
	chmod(path, m);
}

/* A procs file others could have written is not evidence: the folder goes,
 * nothing is killed. */
Test(state, clean_ignores_a_procs_file_others_could_write)
{
	pid_t other = sleeper();
	char dir[512], line[64];
	snprintf(dir, sizeof(dir), "%s/cafef00d", root);
	snprintf(line, sizeof(line), "%d %llu\n", (int)other, proc_starttime(other));
	dead_run_with_procs(dir, line, 0666);
	cr_assert_eq(state_clean(0), 1);
	cr_assert_not(exists(dir));
	cr_assert_eq(kill(other, 0), 0, "clean killed on a world-writable record");
	kill(other, SIGKILL);
	int st;
	waitpid(other, &st, 0);
}

/* A zombie is dead already: clean does not count it as killed. */
Test(state, clean_does_not_count_a_zombie_as_killed)
{
	pid_t z = fork();
	if (z == 0)
		_exit(0);
	char dir[512], line[64];
	unsigned long long st0 = 0;
	for (int i = 0; i < 200 && !proc_zombie(z); i++)
		usleep(5000);
	st0 = proc_starttime(z);
	cr_assert_neq(st0, 0ull);
	snprintf(dir, sizeof(dir), "%s/feedf00d", root);
	snprintf(line, sizeof(line), "%d %llu\n", (int)z, st0);
	dead_run_with_procs(dir, line, 0600);
	cr_assert_eq(state_clean(0), 1);
	int st;
	waitpid(z, &st, 0);
	cr_assert(WIFEXITED(st), "the zombie was not killed, it had exited");
}
