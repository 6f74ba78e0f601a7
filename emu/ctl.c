/*
 * ctl.c - `pmipemu ctl` and `pmipemu exec` (see ctl.h).
 */
#include "ctl.h"
#include "io/nio.h"
#include "run/proc.h"
#include "run/state.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* Skips "--run ID"; returns the index of the first other argument. */
/* JSON output: one line (default) or indented (--pretty); never "\/". */
static int ctl_json_flags = JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE;

/* [--run ID] [--pretty], in any order, before NODE. */
static int run_arg(int argc, char **argv, const char **id)
{
	int i = 1;
	*id = NULL;
	for (;;) {
		if (i + 1 < argc && !strcmp(argv[i], "--run")) {
			*id = argv[i + 1];
			i += 2;
		} else if (i < argc && !strcmp(argv[i], "--pretty")) {
			ctl_json_flags = JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
					 JSON_C_TO_STRING_NOSLASHESCAPE;
			i++;
		} else {
			return i;
		}
	}
}

/* A daemon's answer as JSON in our format; as it came if it is not one
 * JSON document (nothing but white space after it). */
static void print_answer(const char *out)
{
	json_tokener *tok = json_tokener_new();
	json_object *o = tok ? json_tokener_parse_ex(tok, out, (int)strlen(out)) : NULL;
	size_t end = o ? json_tokener_get_parse_end(tok) : 0;
	if (tok)
		json_tokener_free(tok);
	if (o && strspn(out + end, " \t\r\n") != strlen(out + end)) {
		json_object_put(o);
		o = NULL;
	}
	if (o) {
		puts(json_object_to_json_string_ext(o, ctl_json_flags));
		json_object_put(o);
		return;
	}
	fputs(out, stdout);
	if (out[0] && out[strlen(out) - 1] != '\n')
		putchar('\n');
}

static int find_run(const char *id, char *dir, size_t len)
{
	const char *why;
	if (state_find_live(id, dir, len, &why) == 0)
		return 0;
	fprintf(stderr, "pmipemu: %s\n", why);
	return -1;
}

/* lmad answers "show bindings" a page at a time (doc/protocol.md): follow
 * "next" and print one document with every session and prefix. An answer
 * without "next" (another daemon, an older lmad) is printed as it came. */
static int ctl_print_pages(const char *path, char *out, size_t cap)
{
	json_object *all = json_tokener_parse(out), *next, *page;
	char line[64];

	while (all && json_object_object_get_ex(all, "next", &next) && next) {
		snprintf(line, sizeof(line), "show bindings from %lld",
			 (long long)json_object_get_int64(next));
		errno = 0;
		if (nio_ctl_request(path, line, out, cap) < 0 ||
		    !(page = json_tokener_parse(out))) {
			fprintf(stderr, "pmipemu: %s: %s\n", line, errno ? strerror(errno) : out);
			json_object_put(all);
			return 1;
		}
		const char *keys[] = { "sessions", "prefixes" };
		for (size_t k = 0; k < 2; k++) {
			json_object *a = json_object_object_get(all, keys[k]),
				    *b = json_object_object_get(page, keys[k]);
			for (size_t j = 0; a && b && j < json_object_array_length(b); j++)
				json_object_array_add(a, json_object_get(
					json_object_array_get_idx(b, j)));
		}
		json_object_object_add(all, "next", json_object_get(json_object_object_get(page, "next")));
		json_object_put(page);
	}
	if (!all) {
		fputs(out, stdout);
		putchar('\n');
		return 1;
	}
	json_object_object_del(all, "from");
	json_object_object_del(all, "next");
	puts(json_object_to_json_string_ext(all, ctl_json_flags));
	int rc = json_object_object_get_ex(all, "error", NULL) ? 1 : 0;
	json_object_put(all);
	return rc;
}

int ctl_main(int argc, char **argv)
{
	const char *id;
	int i = run_arg(argc, argv, &id);
	char dir[256], path[512], line[1024] = "", out[1 << 16];

	if (argc - i < 2) {
		fprintf(stderr, "usage: pmipemu ctl [--run ID] [--pretty] NODE COMMAND...\n");
		return 2;
	}
	if (find_run(id, dir, sizeof(dir)) < 0)
		return 2;
	snprintf(path, sizeof(path), "%s/%s.ctl", dir, argv[i]);
	for (int k = i + 1; k < argc; k++) {
		size_t n = strlen(line);
		snprintf(line + n, sizeof(line) - n, "%s%s", n ? " " : "", argv[k]);
	}
	if (nio_ctl_request(path, line, out, sizeof(out)) < 0) {
		fprintf(stderr, "pmipemu: node %s: control socket %s: %s\n", argv[i],
			path, strerror(errno));
		return 1;
	}
	if (!strcmp(line, "show bindings"))
		return ctl_print_pages(path, out, sizeof(out));
	print_answer(out);
	return strstr(out, "\"error\"") ? 1 : 0;
}

/* The run's pmipemu holds each node's namespace as an fd; "nodes" in the
 * state folder says which. */
static int node_ns_path(const char *dir, const char *node, char *path, size_t len)
{
	char file[512], line[256], name[64];
	int pid = 0, fd = -1;
	unsigned long long st;

	snprintf(file, sizeof(file), "%s/owner", dir);
	FILE *f = fopen(file, "re");
	if (!f || fscanf(f, "%d %llu", &pid, &st) != 2) {
		if (f)
			fclose(f);
		return -1;
	}
	fclose(f);
	snprintf(file, sizeof(file), "%s/nodes", dir);
	f = fopen(file, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		int n;
		if (sscanf(line, "%63s %d", name, &n) == 2 && !strcmp(name, node))
			fd = n;
	}
	fclose(f);
	if (fd < 0)
		return -1;
	snprintf(path, len, "/proc/%d/fd/%d", pid, fd);
	return 0;
}

/* The command runs as a node process does (proc.c): in the node's network
 * namespace under an init of its own pid namespace, so it sees the node's
 * interfaces in /sys and a /proc of its own processes, not the host's.
 * ^C from the terminal reaches the command directly (same process group);
 * we wait for it instead of dying first. */
static int ctl_exec_spawn(int ns_fd, char **argv)
{
	struct proc_spec s = { .netns_fd = ns_fd, .argv = argv,
			       .envp = environ, .keep_stdio = true };
	int st;

	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	pid_t pid = proc_spawn(&s);
	if (pid < 0) {
		fprintf(stderr, "pmipemu: %s: %s\n", argv[0], strerror(errno));
		return 127;
	}
	close(ns_fd);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return 127;
	return proc_status_code(st);
}

int ctl_exec_main(int argc, char **argv)
{
	const char *id;
	int i = run_arg(argc, argv, &id);
	char dir[256], path[128];

	if (argc - i < 2) {
		fprintf(stderr, "usage: pmipemu exec [--run ID] NODE COMMAND [ARG...]\n");
		return 2;
	}
	if (find_run(id, dir, sizeof(dir)) < 0)
		return 2;
	if (node_ns_path(dir, argv[i], path, sizeof(path)) < 0) {
		fprintf(stderr, "pmipemu: no node '%s' in run %s\n", argv[i], dir);
		return 2;
	}
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "pmipemu: cannot enter node %s: %s\n", argv[i],
			strerror(errno));
		return 2;
	}
	return ctl_exec_spawn(fd, argv + i + 1);
}
