/*
 * test_proc.c - command-line splitting and exit status codes of proc.c.
 */
#include <criterion/criterion.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "run/proc.h"

static int split(const char *cmd, char **argv, char *buf, size_t len, const char **why)
{
	return proc_split(cmd, buf, len, argv, PROC_ARGV_MAX, why);
}

Test(proc, split_on_blanks)
{
	char buf[256], *argv[PROC_ARGV_MAX];
	const char *why = NULL;
	cr_assert_eq(split("  ping -6  -c 5\t2001:db8::1 ", argv, buf, sizeof(buf), &why), 0);
	cr_assert_str_eq(argv[0], "ping");
	cr_assert_str_eq(argv[1], "-6");
	cr_assert_str_eq(argv[2], "-c");
	cr_assert_str_eq(argv[3], "5");
	cr_assert_str_eq(argv[4], "2001:db8::1");
	cr_assert_null(argv[5]);
}

Test(proc, split_keeps_quoted_words_whole)
{
	char buf[256], *argv[PROC_ARGV_MAX];
	const char *why = NULL;
	cr_assert_eq(split("sh -c 'echo a  b' \"x y\"z", argv, buf, sizeof(buf), &why), 0);
	cr_assert_str_eq(argv[0], "sh");
	cr_assert_str_eq(argv[2], "echo a  b");
	cr_assert_str_eq(argv[3], "x yz");
	cr_assert_null(argv[4]);
}

Test(proc, split_rejects_unterminated_quote)
{
	char buf[256], *argv[PROC_ARGV_MAX];
	const char *why = NULL;
	cr_assert_eq(split("echo 'oops", argv, buf, sizeof(buf), &why), -1);
	cr_assert_str_eq(why, "unterminated quote");
}

Test(proc, split_rejects_empty_command)
{
	char buf[16], *argv[PROC_ARGV_MAX];
	const char *why = NULL;
	cr_assert_eq(split("   ", argv, buf, sizeof(buf), &why), -1);
	cr_assert_str_eq(why, "empty command");
}

Test(proc, split_bounds_the_buffer)
{
	char buf[8], *argv[PROC_ARGV_MAX];
	const char *why = NULL;
	cr_assert_eq(split("abcdefghijkl", argv, buf, sizeof(buf), &why), -1);
	cr_assert_str_eq(why, "command line too long");
}

Test(proc, split_bounds_the_argument_count)
{
	char cmd[512] = "", buf[512], *argv[PROC_ARGV_MAX];
	const char *why = NULL;
	for (int i = 0; i < PROC_ARGV_MAX + 2; i++)
		strcat(cmd, "a ");
	cr_assert_eq(split(cmd, argv, buf, sizeof(buf), &why), -1);
	cr_assert_str_eq(why, "too many arguments");
}

Test(proc, status_code_is_exit_code_or_128_plus_signal)
{
	pid_t p = fork();
	if (p == 0)
		_exit(3);
	int st;
	waitpid(p, &st, 0);
	cr_assert_eq(proc_status_code(st), 3);
	p = fork();
	if (p == 0) {
		pause();
		_exit(0);
	}
	kill(p, SIGTERM);
	waitpid(p, &st, 0);
	cr_assert_eq(proc_status_code(st), 128 + SIGTERM);
}

Test(proc, starttime_tells_live_from_dead)
{
	cr_assert_neq(proc_starttime(getpid()), 0ULL);
	pid_t p = fork();
	if (p == 0)
		_exit(0);
	int st;
	waitpid(p, &st, 0);
	cr_assert_eq(proc_starttime(p), 0ULL);
}
