/*
 * graph.c - `pmipemu graph FILE [--svg OUT] [--set ...]` (issue 14): the
 * topology as a Graphviz graph, nodes (name and kind) and links (name, the
 * interfaces at each end, each direction's impairments), so a topology
 * can be looked at before it is run. DOT text on stdout, or an SVG drawn
 * by Graphviz's dot. Reads the file only; bad input is exit 2.
 */
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "graph.h"
#include "topo/topo.h"
#include "topo/units.h"

extern char **environ;

/* Names are XML tokens, but a quote or backslash must not end the string. */
static void put_id(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '\n') {
			fputs("\\n", f);      /* DOT's centred line break */
			continue;
		}
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

/* One direction's impairments, "none" when it has none. */
static void fmt_dir(const struct link_params *p, char *buf, size_t len)
{
	char t[32];
	size_t n = 0;

#define ADD(...) (n += (size_t)snprintf(buf + n, n < len ? len - n : 0, __VA_ARGS__))
	buf[0] = '\0';
	if (p->delay_ns)
		ADD("%s ", units_fmt_time(p->delay_ns, t, sizeof t));
	if (p->jitter_ns)
		ADD("±%s ", units_fmt_time(p->jitter_ns, t, sizeof t));
	if (p->rate_bps)
		ADD("%gMbit/s ", (double)p->rate_bps / 1e6);
	if (p->loss_model == LINK_LOSS_BERNOULLI && p->loss > 0)
		ADD("loss %g%% ", p->loss * 100);
	if (p->loss_model == LINK_LOSS_GE)
		ADD("loss GE(p %g r %g) ", p->ge_p, p->ge_r);
	if (p->duplicate > 0)
		ADD("dup %g%% ", p->duplicate * 100);
	if (p->reorder > 0)
		ADD("reorder %g%% ", p->reorder * 100);
	if (p->limit_pkts)
		ADD("limit %u ", p->limit_pkts);
#undef ADD
	n = strlen(buf);
	if (n && buf[n - 1] == ' ')
		buf[n - 1] = '\0';
	if (!buf[0])
		snprintf(buf, len, "none");
}

static const char *node_shape(enum topo_node_kind k)
{
	switch (k) {
	case TOPO_NODE_LMA: return "doubleoctagon";
	case TOPO_NODE_MAG: return "octagon";
	case TOPO_NODE_MN: return "ellipse";
	default: return "box";
	}
}

static void put_link(FILE *f, const struct topo_link *l, size_t i)
{
	char ab[160], ba[160];

	fmt_dir(&l->dir[LINK_DIR_AB], ab, sizeof ab);
	fmt_dir(&l->dir[LINK_DIR_BA], ba, sizeof ba);
	for (int e = 0; e < 2; e++) {
		if (!l->end[e].attached)  /* a free end: a point until a <move> */
			fprintf(f, "  \"free%zu_%d\" [shape=point];\n", i, e);
	}
	fputs("  ", f);
	if (l->end[0].attached)
		put_id(f, l->end[0].node);
	else
		fprintf(f, "\"free%zu_0\"", i);
	fputs(" -- ", f);
	if (l->end[1].attached)
		put_id(f, l->end[1].node);
	else
		fprintf(f, "\"free%zu_1\"", i);
	fputs(" [label=", f);
	if (!strcmp(ab, ba)) {
		char lab[256];
		snprintf(lab, sizeof lab, "%s\n%s", l->name, ab);
		put_id(f, lab);
	} else {
		char lab[400];
		snprintf(lab, sizeof lab, "%s\na>b %s\nb>a %s", l->name, ab, ba);
		put_id(f, lab);
	}
	fputs(", taillabel=", f);
	put_id(f, l->end[0].attached ? l->end[0].iface : "");
	fputs(", headlabel=", f);
	put_id(f, l->end[1].attached ? l->end[1].iface : "");
	fprintf(f, "%s];\n", l->initially_down ? ", style=dashed" : "");
}

void graph_write_dot(const struct topology *t, FILE *f)
{
	fputs("graph ", f);
	put_id(f, t->name);
	fputs(" {\n  graph [rankdir=LR, fontname=\"sans-serif\"];\n"
	      "  node [fontname=\"sans-serif\"];\n"
	      "  edge [fontname=\"sans-serif\", fontsize=10, labelfontsize=9];\n", f);
	for (size_t i = 0; i < t->n_nodes; i++) {
		char lab[128];
		snprintf(lab, sizeof lab, "%s\n%s", t->nodes[i].name,
			 topo_node_kind_name(t->nodes[i].kind));
		fputs("  ", f);
		put_id(f, t->nodes[i].name);
		fprintf(f, " [shape=%s, label=", node_shape(t->nodes[i].kind));
		put_id(f, lab);
		fputs("];\n", f);
	}
	for (size_t i = 0; i < t->n_links; i++)
		put_link(f, &t->links[i], i);
	fputs("}\n", f);
}

/* dot -Tsvg -o OUT, fed the DOT text on its stdin. 0, or 2. */
static int graph_svg(const struct topology *t, const char *out)
{
	int fd[2];
	pid_t pid;
	int st;
	posix_spawn_file_actions_t fa;
	char *argv[] = { "dot", "-Tsvg", "-o", (char *)out, NULL };

	if (pipe(fd) < 0)
		return 2;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fd[0], 0);
	posix_spawn_file_actions_addclose(&fa, fd[1]);
	int rc = posix_spawnp(&pid, "dot", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(fd[0]);
	if (rc != 0) {
		close(fd[1]);
		fprintf(stderr, "pmipemu graph: --svg needs Graphviz's dot (not found: %s); "
			"without --svg the DOT text goes to stdout\n", strerror(rc));
		return 2;
	}
	FILE *f = fdopen(fd[1], "w");
	if (f) {
		graph_write_dot(t, f);
		fclose(f);
	} else {
		close(fd[1]);
	}
	if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "pmipemu graph: dot failed writing %s\n", out);
		return 2;
	}
	return 0;
}

int graph_main(int argc, char **argv)
{
	const char *file = NULL, *svg = NULL, *sets[32];
	size_t n_sets = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--svg") && i + 1 < argc) {
			svg = argv[++i];
		} else if (!strcmp(argv[i], "--set") && i + 1 < argc && n_sets < 32) {
			sets[n_sets++] = argv[++i];
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			printf("usage: pmipemu graph FILE [--svg OUT] [--set PATH/@ATTR=VALUE]...\n"
			       "The topology as a Graphviz graph: DOT on stdout, or an SVG in OUT.\n");
			return 0;
		} else if (argv[i][0] != '-' && !file) {
			file = argv[i];
		} else {
			file = NULL;
			break;
		}
	}
	if (!file) {
		fprintf(stderr, "usage: pmipemu graph FILE [--svg OUT] [--set PATH/@ATTR=VALUE]...\n");
		return 2;
	}
	struct topo_errors errs = { 0 };
	struct topology *t = topo_load_set(file, sets, n_sets, &errs);
	for (size_t i = 0; i < errs.n; i++)
		fprintf(stderr, "%s\n", errs.msgs[i]);
	topo_errors_free(&errs);
	if (!t)
		return 2;
	int rc = 0;
	if (svg)
		rc = graph_svg(t, svg);
	else
		graph_write_dot(t, stdout);
	topo_free(t);
	return rc;
}
