/*
 * proc.h - processes started inside a node.
 *
 * Owns: spawning a command line in a node's network namespace under a small
 * init of its own pid namespace, signalling it, decoding its status. The
 * init has PR_SET_PDEATHSIG(SIGKILL): if pmipemu dies, even by SIGKILL, the
 * init dies, and the kernel kills every process of its pid namespace, so no
 * process of a run outlives it. Must not: know about topologies.
 */
#ifndef PMIPEMU_PROC_H
#define PMIPEMU_PROC_H

#include <stdbool.h>
#include <sys/types.h>

#define PROC_ARGV_MAX 64

struct proc_spec {
	int netns_fd;
	char *const *argv;              /* argv[0] looked up in PATH */
	char *const *envp;              /* full environment for the program */
	const char *out_path;           /* stdout+stderr file (appended), NULL = /dev/null */
	bool keep_stdio;                /* pmipemu exec: the caller's stdio and
					 * session (its terminal), out_path unused */
};

/* Returns the pid of the node init (the process pmipemu waits for; its exit
 * status is the program's), or -1 with errno. Through the spawner when one
 * runs. */
pid_t proc_spawn(const struct proc_spec *s);

/* proc_spawner.c: a helper forked while the caller is small clones the inits
 * (CLONE_PARENT: they are still the caller's children). Start it before the
 * run opens its TAPs; stop it when the run is over. */
int proc_spawner_start(void);
void proc_spawner_stop(void);
bool proc_spawner_running(void);
pid_t proc_spawner_spawn(const struct proc_spec *s);

/* Between proc.c and proc_spawner.c: clone the init here (sibling: as a
 * child of our parent), and the pidfd of the process the inits watch. */
pid_t proc_clone(const struct proc_spec *s, bool sibling);
int proc_parent_pidfd(void);

/* Split a command line on blanks with "..." and '...' quoting, no shell.
 * Writes into buf, pointers into argv (NULL-terminated). 0 or -1 with *why. */
int proc_split(const char *cmd, char *buf, size_t buflen, char **argv,
	       size_t max, const char **why);

/* Exit code as a shell reports it: code, or 128+signal. */
int proc_status_code(int wstatus);

/* Start time of a pid in clock ticks since boot (field 22 of /proc/PID/stat),
 * to tell a pid from a recycled one. 0 if the process does not exist. */
unsigned long long proc_starttime(pid_t pid);

/* True when pid has exited and waits to be reaped. */
bool proc_zombie(pid_t pid);

#endif
