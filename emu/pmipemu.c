/*
 * pmipemu.c - main: the subcommands. Each one parses its options and hands
 * over to the module that owns the work (topo_cli.c, run.c, state.c, ctl.c).
 */
#include "compare.h"
#include "ctl.h"
#include "graph.h"
#include "junit_file.h"
#include "run/run.h"
#include "run/state.h"
#include "topo/topo.h"
#include "topo/units.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef PMIPEMU_VERSION
#define PMIPEMU_VERSION "0.1"
#endif

static void usage(FILE *f)
{
	fputs("usage: pmipemu COMMAND [ARGS]\n"
	      "\n"
	      "  validate FILE...             check topologies (schema and semantics)\n"
	      "  run FILE [--out DIR] [--duration D] [--seed N] [--quiet] [--no-realtime]\n"
	      "      [--threads N] [--spin TIME] [--spin-budget PCT] [--set PATH/@ATTR=VALUE]...\n"
	      "                               build the topology, run its timeline, tear down\n"
	      "  test FILE... [--junit FILE] [--out DIR] [--set PATH/@ATTR=VALUE]...\n"
	      "                               run each topology and check its <expect>s;\n"
	      "                               exit 1 if any fails\n"
	      "  ctl [--run ID] [--pretty] NODE COMMAND\n"
	      "                               send a command to a node daemon's control socket\n"
	      "  exec [--run ID] NODE CMD...  run a command inside a node of a live run\n"
	      "  ls                           list the live runs (id, pid, run folder)\n"
	      "  compare RUN_A RUN_B          two runs' flows and handovers side by side\n"
	      "  graph FILE [--svg OUT]       the topology as a Graphviz graph (DOT, or SVG)\n"
	      "  clean                        remove what crashed or killed runs left\n"
	      "  help, --help                 this text\n"
	      "  version, --version           the version\n"
	      "\n"
	      "See pmipemu(1) and doc/topology.md.\n", f);
}

static int opt_time(const char *s, uint64_t *ns)
{
	const char *why;
	if (units_parse_time(s, ns, &why) == 0)
		return 0;
	fprintf(stderr, "pmipemu: bad time '%s': %s\n", s, why);
	return -1;
}

/* Loads and checks FILE, errors on stderr; the first ones also in why (for
 * JUnit) when given. --duration may lengthen a run, not cut its timeline. */
static struct topology *load_why(const char *file, const struct run_opts *o,
				 char *why, size_t len)
{
	struct topo_errors errs = { 0 };
	struct topology *t = topo_load_set(file, o ? o->sets : NULL, o ? o->n_sets : 0, &errs);
	char a[32], b[32];
	size_t n = 0;

	if (why && len)
		why[0] = '\0';
	for (size_t i = 0; i < errs.n; i++) {
		fprintf(stderr, "%s\n", errs.msgs[i]);
		if (why && n + 2 < len)
			n += (size_t)snprintf(why + n, len - n, "%s%s", n ? "; " : "", errs.msgs[i]);
	}
	if (errs.n && o && o->n_sets)
		fprintf(stderr, "pmipemu: %s: read with %zu --set override(s): an error on an "
			"overridden attribute may come from one\n", file, o->n_sets);
	topo_errors_free(&errs);
	if (t && o && o->duration_ns && o->duration_ns < topo_last_instant(t)) {
		fprintf(stderr, "pmipemu: %s: --duration %s ends before the timeline's last "
			"instant (%s): lengthen it or shorten the timeline\n", file,
			units_fmt_time(o->duration_ns, a, sizeof a),
			units_fmt_time(topo_last_instant(t), b, sizeof b));
		if (why)
			snprintf(why, len, "--duration %s ends before the timeline's last instant (%s)",
				 a, b);
		topo_free(t);
		return NULL;
	}
	if (t && o && o->duration_ns)
		t->duration_ns = o->duration_ns;
	return t;
}

static struct topology *load(const char *file, const struct run_opts *o)
{
	return load_why(file, o, NULL, 0);
}

enum { OPT_OUT = 1, OPT_DURATION, OPT_SEED, OPT_QUIET, OPT_JUNIT, OPT_RUN, OPT_NO_RT,
       OPT_THREADS, OPT_SPIN, OPT_SPIN_BUDGET, OPT_SET };

static const struct option run_longopts[] = {
	{ "out", required_argument, NULL, OPT_OUT },
	{ "duration", required_argument, NULL, OPT_DURATION },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "quiet", no_argument, NULL, OPT_QUIET },
	{ "junit", required_argument, NULL, OPT_JUNIT },
	{ "no-realtime", no_argument, NULL, OPT_NO_RT },
	{ "threads", required_argument, NULL, OPT_THREADS },
	{ "spin", required_argument, NULL, OPT_SPIN },
	{ "spin-budget", required_argument, NULL, OPT_SPIN_BUDGET },
	{ "set", required_argument, NULL, OPT_SET },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int parse_run_opts(int argc, char **argv, struct run_opts *o)
{
	int c;
	char *end;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", run_longopts, NULL)) != -1) {
		switch (c) {
		case OPT_OUT: o->out_dir = optarg; break;
		case OPT_DURATION:
			if (opt_time(optarg, &o->duration_ns) < 0)
				return -1;
			break;
		case OPT_SEED:
			o->seed = strtoull(optarg, &end, 0);
			if (*end || !*optarg) {
				fprintf(stderr, "pmipemu: bad seed '%s'\n", optarg);
				return -1;
			}
			o->has_seed = true;
			break;
		case OPT_QUIET: o->quiet = true; break;
		case OPT_JUNIT: o->junit = optarg; break;
		case OPT_NO_RT: o->no_realtime = true; break;
		case OPT_THREADS:
			o->threads = (unsigned)strtoul(optarg, &end, 10);
			if (*end || !*optarg || o->threads > RUN_THREADS_MAX) {
				fprintf(stderr, "pmipemu: bad --threads '%s' (0 to %d; 0 = one per core)\n",
					optarg, RUN_THREADS_MAX);
				return -1;
			}
			break;
		case OPT_SPIN:  /* a bare 0 (off) needs no unit */
			if (strcmp(optarg, "0") && opt_time(optarg, &o->spin_ns) < 0)
				return -1;
			o->has_spin = true;
			break;
		case OPT_SPIN_BUDGET:
			o->spin_budget_pct = (unsigned)strtoul(optarg, &end, 10);
			if (*end || !*optarg || o->spin_budget_pct < 1 || o->spin_budget_pct > 100) {
				fprintf(stderr, "pmipemu: bad --spin-budget '%s' (1 to 100 %%)\n", optarg);
				return -1;
			}
			break;
		case OPT_SET:
			if (o->n_sets == RUN_SETS_MAX) {
				fprintf(stderr, "pmipemu: more than %d --set\n", RUN_SETS_MAX);
				return -1;
			}
			o->sets[o->n_sets++] = optarg;
			break;
		case 'h': usage(stdout); exit(0);
		default: return -1;
		}
	}
	return 0;
}

static int need_root(void)
{
	if (geteuid() == 0)
		return 0;
	fprintf(stderr, "pmipemu: namespaces and TAP devices need root\n");
	return -1;
}

static int cmd_run(int argc, char **argv)
{
	struct run_opts o = { 0 };
	struct run_result res;

	if (parse_run_opts(argc, argv, &o) < 0 || optind != argc - 1) {
		if (optind != argc - 1)
			fprintf(stderr, "usage: pmipemu run FILE [--out DIR] [--duration D] [--seed N]\n");
		return 2;
	}
	struct topology *t = load(argv[optind], &o);
	if (!t)
		return 2;
	if (need_root() < 0) {
		topo_free(t);
		return 2;
	}
	int rc = run_topology(t, &o, &res);
	topo_free(t);
	if (rc < 0)
		return res.died ? 3 : 1;
	if (res.interrupted)
		return 130;
	/* pmipemu(1): 1 when an expectation is unmet, for run as for test */
	return res.died ? 3 : res.failed ? 1 : 0;
}

/* Each topology gets its own run folder: DIR/<name> when --out is given;
 * --junit FILE gathers every topology's suite into FILE (junit_file.c). */
static int cmd_test(int argc, char **argv)
{
	struct run_opts o = { 0 };
	struct junit_file jf;
	int failed = 0, total = 0, broken = 0, died = 0;

	if (parse_run_opts(argc, argv, &o) < 0 || optind >= argc) {
		fprintf(stderr, "usage: pmipemu test FILE... [--junit FILE] [--out DIR]\n");
		return 2;
	}
	if (need_root() < 0)
		return 2;
	const char *out_base = o.out_dir, *junit = o.junit;
	if (junit && junit_file_open(&jf) < 0) {
		fprintf(stderr, "pmipemu: --junit %s: out of memory\n", junit);
		return 2;
	}
	for (int i = optind; i < argc; i++) {
		char out[512], why[1024], rj[600];
		struct run_result res;
		printf("== %s\n", argv[i]);
		fflush(stdout);
		struct topology *t = load_why(argv[i], &o, why, sizeof why);
		if (!t) {
			broken++;
			if (junit)
				junit_file_add_error(&jf, argv[i], "load", why[0] ? why : "did not load");
			continue;
		}
		struct run_opts each = o;
		if (out_base) {
			snprintf(out, sizeof(out), "%s/%s", out_base, t->name);
			each.out_dir = out;
		}
		each.junit = NULL;      /* RUN/junit.xml, gathered below */
		each.quiet = true;
		if (run_topology(t, &each, &res) < 0 || res.interrupted)
			broken++;
		if (junit) {
			snprintf(rj, sizeof rj, "%s/junit.xml", res.out_dir);
			if (res.setup_failed)
				junit_file_add_error(&jf, argv[i], "run", "bring-up failed (stderr)");
			else
				junit_file_add_run(&jf, argv[i], rj);
		}
		total += res.expectations;
		failed += res.failed;
		died += res.died;
		topo_free(t);
		if (res.interrupted)
			break;
	}
	if (junit && junit_file_close(&jf, junit) < 0) {
		fprintf(stderr, "pmipemu: cannot write %s\n", junit);
		broken++;
	}
	printf("pmipemu test: %d expectations, %d passed, %d failed%s\n", total,
	       total - failed, failed, broken ? " (some topologies did not run)" : "");
	if (died)
		printf("pmipemu test: %d daemon(s) or process(es) died unexpectedly (DIED above)\n", died);
	return died ? 3 : failed || broken ? 1 : 0;
}

static int cmd_validate(int argc, char **argv)
{
	return topo_cli_validate(argc, argv);
}

static int cmd_clean(int argc, char **argv)
{
	(void)argv;
	if (argc != 1) {
		fprintf(stderr, "usage: pmipemu clean\n");
		return 2;
	}
	int n = state_clean(1);
	printf("clean: %d dead run(s) cleaned\n", n);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	const char *cmd = argv[1];
	argc--;
	argv++;
	if (!strcmp(cmd, "validate"))
		return cmd_validate(argc, argv);
	if (!strcmp(cmd, "run") || !strcmp(cmd, "test"))
		run_hold_signals();
	if (!strcmp(cmd, "run"))
		return cmd_run(argc, argv);
	if (!strcmp(cmd, "test"))
		return cmd_test(argc, argv);
	if (!strcmp(cmd, "clean"))
		return cmd_clean(argc, argv);
	if (!strcmp(cmd, "compare"))
		return compare_main(argc, argv);
	if (!strcmp(cmd, "graph"))
		return graph_main(argc, argv);
	if (!strcmp(cmd, "ls")) {
		if (argc != 1) {
			fprintf(stderr, "usage: pmipemu ls\n");
			return 2;
		}
		if (state_list_live(stdout) == 0)
			printf("no live run\n");
		return 0;
	}
	if (!strcmp(cmd, "version") || !strcmp(cmd, "--version")) {
		printf("pmipemu %s\n", PMIPEMU_VERSION);
		return 0;
	}
	if (!strcmp(cmd, "ctl"))
		return ctl_main(argc, argv);
	if (!strcmp(cmd, "exec"))
		return ctl_exec_main(argc, argv);
	if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
		usage(stdout);
		return 0;
	}
	fprintf(stderr, "pmipemu: unknown command '%s'\n", cmd);
	usage(stderr);
	return 2;
}
