/*
 * run_died.c - failures made loud (issue 10, item 4): which exits of a node
 * daemon or declared process were unexpected, and saying so in the summary,
 * report.json ("died") and the exit code 3 (doc/design.md, exit codes),
 * with the last lines of the process's log.
 *
 * Owns: the rule (run_proc_unexpected) and the died section of the report.
 * Must not: evaluate expectations or write the rest of the report
 * (report*.c): it adds one member to the report.json they wrote.
 */
#include "run.h"

#include <json-c/json.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define RUN_DIED_TAIL_LINES 5
#define RUN_DIED_TAIL_BYTES 4096

/* A daemon should only ever exit because pmipemu told it to, and then
 * cleanly; a declared process may end on its own with any exit code (ping
 * without replies exits 1), but not by a signal pmipemu did not send, nor
 * because it could not be run (126, 127). Timeline commands and flow ends
 * are judged by their own expectations. */
bool run_proc_unexpected(const struct run_proc *p)
{
	if (!p->exited || (p->kind != RUN_PROC_DAEMON && p->kind != RUN_PROC_PROCESS))
		return false;
	if (p->status > 128) {
		int sig = p->status - 128;
		return !p->signalled || (sig != p->signalled && sig != SIGKILL);
	}
	if (p->kind == RUN_PROC_DAEMON)
		return !p->signalled || p->status != 0;
	return !p->signalled && (p->status == 126 || p->status == 127);
}

/* The last lines of a log, as an array of strings (bytes that are not
 * UTF-8 are json-c's to escape). Reads only the log's last 4 KB. */
static struct json_object *run_died_tail(const char *path)
{
	struct json_object *a = json_object_new_array();
	char buf[RUN_DIED_TAIL_BYTES + 1], *ring[RUN_DIED_TAIL_LINES];
	FILE *f = path[0] ? fopen(path, "re") : NULL;
	size_t count = 0;

	if (!f)
		return a;
	fseek(f, 0, SEEK_END);
	long size = ftell(f);
	fseek(f, size > RUN_DIED_TAIL_BYTES ? size - RUN_DIED_TAIL_BYTES : 0, SEEK_SET);
	size_t n = fread(buf, 1, RUN_DIED_TAIL_BYTES, f);
	fclose(f);
	buf[n] = '\0';
	char *p = buf;
	if (size > RUN_DIED_TAIL_BYTES)         /* the first line is partial */
		p = strchr(buf, '\n') ? strchr(buf, '\n') + 1 : buf + n;
	for (char *line = strtok(p, "\n"); line; line = strtok(NULL, "\n"))
		ring[count++ % RUN_DIED_TAIL_LINES] = line;
	size_t first = count > RUN_DIED_TAIL_LINES ? count - RUN_DIED_TAIL_LINES : 0;
	for (size_t i = first; i < count; i++)
		json_object_array_add(a, json_object_new_string(ring[i % RUN_DIED_TAIL_LINES]));
	return a;
}

static struct json_object *run_died_entry(const struct run *r, const struct run_proc *p)
{
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "node", json_object_new_string(r->t->nodes[p->node].name));
	json_object_object_add(o, "name", json_object_new_string(p->name));
	json_object_object_add(o, "kind", json_object_new_string(run_proc_kind_name(p->kind)));
	json_object_object_add(o, "t", json_object_new_double((double)p->ended_ns / 1e9));
	json_object_object_add(o, "status", json_object_new_int(p->status));
	if (p->status > 128)
		json_object_object_add(o, "signal",
				       json_object_new_string(sigabbrev_np(p->status - 128) ?
							      sigabbrev_np(p->status - 128) : "?"));
	json_object_object_add(o, "log", json_object_new_string(p->log));
	json_object_object_add(o, "log_tail", run_died_tail(p->log));
	return o;
}

static void run_died_print(const struct json_object *d)
{
	struct json_object *v, *tail;
	const char *sig = json_object_object_get_ex(d, "signal", &v) ?
			  json_object_get_string(v) : NULL;

	printf("DIED %s %s (%s) at %.3fs: ",
	       json_object_get_string(json_object_object_get(d, "node")),
	       json_object_get_string(json_object_object_get(d, "name")),
	       json_object_get_string(json_object_object_get(d, "kind")),
	       json_object_get_double(json_object_object_get(d, "t")));
	if (sig)
		printf("killed by SIG%s", sig);
	else
		printf("exit status %d",
		       json_object_get_int(json_object_object_get(d, "status")));
	printf(", log %s\n", json_object_get_string(json_object_object_get(d, "log")));
	tail = json_object_object_get(d, "log_tail");
	for (size_t i = 0; i < json_object_array_length(tail); i++)
		printf("  | %s\n", json_object_get_string(json_object_array_get_idx(tail, i)));
}

/* report.json gets "died": [] always, so a reader can tell "none" from "not
 * checked". */
static void run_died_to_json(const struct run *r, struct json_object *died)
{
	char path[700];
	snprintf(path, sizeof(path), "%s/report.json", r->out_dir);
	if (access(path, F_OK) < 0)
		return;                 /* bring-up failed: no report to add to */
	struct json_object *rep = json_object_from_file(path);
	if (!rep) {
		fprintf(stderr, "pmipemu: cannot add the died section to %s\n", path);
		return;
	}
	json_object_object_add(rep, "died", json_object_get(died));
	if (json_object_to_file_ext(path, rep, JSON_C_TO_STRING_PRETTY |
				    JSON_C_TO_STRING_NOSLASHESCAPE) < 0)
		fprintf(stderr, "pmipemu: cannot write %s\n", path);
	json_object_put(rep);
}

void run_died_report(struct run *r, struct run_result *res)
{
	struct json_object *died = json_object_new_array();

	for (size_t i = 0; i < r->n_procs; i++) {
		const struct run_proc *p = &r->procs[i];
		if (!p->died)
			continue;
		struct json_object *d = run_died_entry(r, p);
		run_died_print(d);
		json_object_array_add(died, d);
	}
	res->died = (int)json_object_array_length(died);
	run_died_to_json(r, died);
	json_object_put(died);
	fflush(stdout);
}
