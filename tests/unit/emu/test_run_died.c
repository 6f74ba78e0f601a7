/*
 * test_run_died.c - which exits of a node's processes make a run fail with
 * exit code 3 (issue 10, item 4; emu/run/run_died.c).
 */
#include <criterion/criterion.h>
#include <signal.h>

#include "run/run.h"

static struct run_proc proc(enum run_proc_kind k, int status, int signalled)
{
	struct run_proc p = { .kind = k, .exited = true, .status = status,
			      .signalled = signalled };
	return p;
}

Test(run_died, daemon_exit_before_any_stop_is_unexpected)
{
	struct run_proc p = proc(RUN_PROC_DAEMON, 128 + SIGKILL, 0);
	cr_assert(run_proc_unexpected(&p));
	p = proc(RUN_PROC_DAEMON, 0, 0);
	cr_assert(run_proc_unexpected(&p), "a daemon never ends on its own");
	p = proc(RUN_PROC_DAEMON, 1, 0);
	cr_assert(run_proc_unexpected(&p));
}

Test(run_died, daemon_stopped_cleanly_is_expected)
{
	struct run_proc p = proc(RUN_PROC_DAEMON, 0, SIGTERM);
	cr_assert_not(run_proc_unexpected(&p));
	p = proc(RUN_PROC_DAEMON, 128 + SIGTERM, SIGTERM);
	cr_assert_not(run_proc_unexpected(&p));
	p = proc(RUN_PROC_DAEMON, 128 + SIGKILL, SIGTERM);
	cr_assert_not(run_proc_unexpected(&p), "our SIGKILL after the grace");
}

Test(run_died, daemon_crash_while_stopping_is_unexpected)
{
	struct run_proc p = proc(RUN_PROC_DAEMON, 128 + SIGSEGV, SIGTERM);
	cr_assert(run_proc_unexpected(&p));
	p = proc(RUN_PROC_DAEMON, 1, SIGTERM);
	cr_assert(run_proc_unexpected(&p), "a failed shutdown");
}

Test(run_died, process_exit_code_of_its_own_is_expected)
{
	struct run_proc p = proc(RUN_PROC_PROCESS, 1, 0);   /* ping, no reply */
	cr_assert_not(run_proc_unexpected(&p));
	p = proc(RUN_PROC_PROCESS, 0, 0);
	cr_assert_not(run_proc_unexpected(&p));
}

Test(run_died, process_killed_by_a_foreign_signal_or_not_run_is_unexpected)
{
	struct run_proc p = proc(RUN_PROC_PROCESS, 128 + SIGKILL, 0);
	cr_assert(run_proc_unexpected(&p));
	p = proc(RUN_PROC_PROCESS, 127, 0);
	cr_assert(run_proc_unexpected(&p), "command not found");
	p = proc(RUN_PROC_PROCESS, 128 + SIGTERM, SIGTERM);
	cr_assert_not(run_proc_unexpected(&p));
}

Test(run_died, flows_and_execs_are_judged_by_their_expectations)
{
	struct run_proc p = proc(RUN_PROC_FLOW_RECV, 128 + SIGKILL, 0);
	cr_assert_not(run_proc_unexpected(&p));
	p = proc(RUN_PROC_EXEC, 1, 0);
	cr_assert_not(run_proc_unexpected(&p));
}
