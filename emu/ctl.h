/*
 * ctl.h - `pmipemu ctl` and `pmipemu exec`: reaching into a live run.
 *
 * Owns: finding a live run's state folder, talking to a node daemon's
 * control socket, and entering a node's namespace (through the namespace
 * fd that the run's pmipemu holds, /proc/PID/fd/N). Must not: change a run.
 */
#ifndef PMIPEMU_CTL_H
#define PMIPEMU_CTL_H

int ctl_main(int argc, char **argv);       /* argv[0] = "ctl" */
int ctl_exec_main(int argc, char **argv);  /* argv[0] = "exec" */

#endif
