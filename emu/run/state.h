/*
 * state.h - the run's state folder, /run/pmipemu/RUNID/, and `pmipemu clean`.
 *
 * Owns: the run id, the state folder (owner pid and its start time, the
 * processes started, control and event sockets), finding live runs, and
 * removing what dead runs left. The folder is 0700 and its files 0600
 * whatever the umask. Must not: touch anything it did not create: clean
 * only acts on folders under /run/pmipemu whose owner is proved dead (pid and
 * start time), never on one being created, and only kills processes whose
 * pid and start time it recorded in a file nobody else could write.
 */
#ifndef PMIPEMU_STATE_H
#define PMIPEMU_STATE_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#define STATE_ROOT_DEFAULT "/run/pmipemu"
/* Dot-names of folders being created / removed: ".new-PID-STARTTIME",
 * ".del-PID-STARTTIME-RUNID" (doc/security.md) */
#define STATE_NEW_PREFIX ".new-"
#define STATE_DEL_PREFIX ".del-"

struct state {
	char id[16];                    /* 8 hex chars */
	char dir[256];                  /* STATE_ROOT/id */
};

/* $PMIPEMU_STATE_ROOT or /run/pmipemu */
const char *state_root(void);
/* Make a fresh run id and its folder; records our pid and start time and the
 * run folder (out_dir). 0 or -1 with errno. */
int state_create(struct state *s, const char *out_dir);
/* Record a process started for the run (pid + start time), for clean. */
int state_add_proc(const struct state *s, pid_t pid);
/* Record a node's namespace fd number in pmipemu, for `pmipemu exec`. */
int state_add_node(const struct state *s, const char *node, int ns_fd);
/* Remove the folder and everything in it. */
void state_remove(const struct state *s);

/* Find the state folder of a live run: by id, or the only live one.
 * Writes into dir; 0, or -1 with *why. */
int state_find_live(const char *id, char *dir, size_t len, const char **why);
/* pmipemu ls: one line a live run (id, pmipemu's pid, run folder) after a
 * header; nothing when none. Returns how many. */
int state_list_live(FILE *out);
/* pmipemu clean: returns the number of dead runs cleaned, prints what it did
 * on stdout. */
int state_clean(int verbose);

#endif
