/*
 * mnd.c - the MN-side daemon's main: options, configuration from a
 * topology file, the event loop, clean shutdown on SIGTERM/SIGINT.
 *
 *   mnd [-n] [-d] [-r on|off] [-F SELECTOR]... [-Q QUEUE] [-T TABLE]
 *       -f CONFIG.xml [-N NODE] [-s CTL.sock]
 *
 * Owns: the program's life. Must not: hold policy logic (mn_engine.c) or
 * system plumbing (mn_io.c).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ev.h>

#include "mn.h"
#include "mn_io.h"
#include "mn_mip6_io.h"
#include "io/nio.h"
#include "topo/topo.h"

struct mnd_args {
	bool check_only, debug;
	int uplink_return;               /* -1 = default (on) */
	long queue, table;               /* -1 = default */
	const char *config, *node, *ctl;
	const char *sel[MN_SEL_MAX];
	size_t n_sel;
};

static const char usage_text[] =
	"usage: mnd [-n] [-d] [-r on|off] [-F SELECTOR]... [-Q QUEUE] [-T TABLE]\n"
	"           -f CONFIG.xml [-N NODE] [-s CTL.sock]\n"
	"       mnd --help | --version\n";

static void usage(void)
{
	fputs(usage_text, stderr);
	exit(2);
}

static long num_arg(const char *s, long min, long max, const char *what)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (!*s || *end || v < min || v > max) {
		fprintf(stderr, "mnd: %s must be %ld..%ld\n", what, min, max);
		exit(2);
	}
	return v;
}

static void parse_args(int argc, char **argv, struct mnd_args *a)
{
	int c;
	memset(a, 0, sizeof(*a));
	a->uplink_return = -1;
	a->queue = a->table = -1;
	nio_prog_std_args(argc, argv, "mnd", usage_text);
	while ((c = getopt(argc, argv, "ndr:F:Q:T:f:N:s:h")) != -1) {
		switch (c) {
		case 'n': a->check_only = true; break;
		case 'd': a->debug = true; break;
		case 'r':
			if (strcmp(optarg, "on") && strcmp(optarg, "off"))
				usage();
			a->uplink_return = !strcmp(optarg, "on");
			break;
		case 'F':
			if (a->n_sel == MN_SEL_MAX) {
				fprintf(stderr, "mnd: at most %d selectors\n", MN_SEL_MAX);
				exit(2);
			}
			a->sel[a->n_sel++] = optarg;
			break;
		case 'Q': a->queue = num_arg(optarg, 0, 65535, "-Q"); break;
		case 'T': a->table = num_arg(optarg, 1, 0x7fffffff, "-T"); break;
		case 'f': a->config = optarg; break;
		case 'N': a->node = optarg; break;
		case 's': a->ctl = optarg; break;
		default: usage();
		}
	}
	if (!a->config || optind != argc)
		usage();
}

static const struct topo_node *pick_node(const struct topology *t, const char *name)
{
	char why[256];
	const struct topo_node *n = topo_pick_node(t, name, TOPO_NODE_MN, why, sizeof(why));

	if (!n)
		fprintf(stderr, "mnd: %s\n", why);
	return n;
}

static struct topology *load(const char *path)
{
	return topo_load_print(path, stderr);
}

static int build_cfg(const struct topo_node *n, const struct mnd_args *a,
		     struct mn_cfg *cfg)
{
	const char *why = NULL;
	mn_cfg_defaults(cfg);
	if (mn_cfg_from_topo(cfg, n, &why) < 0) {
		fprintf(stderr, "mnd: %s:%d: %s\n", n->loc.file ? n->loc.file : "?",
			n->loc.line, why);
		return -1;
	}
	if (a->uplink_return >= 0)
		cfg->uplink_return = a->uplink_return;
	if (a->table > 0)
		cfg->table_base = (uint32_t)a->table;
	if (cfg->n_sel + a->n_sel > MN_SEL_MAX) {
		fprintf(stderr, "mnd: at most %d selectors with <flow-policy>\n", MN_SEL_MAX);
		return -1;
	}
	for (size_t i = 0; i < a->n_sel; i++) {
		if (mn_selector_parse(a->sel[i], &cfg->sel[cfg->n_sel + i], &why) < 0) {
			fprintf(stderr, "mnd: -F \"%s\": %s\n", a->sel[i], why);
			return -1;
		}
	}
	cfg->n_sel += a->n_sel;
	if (mn_cfg_check(cfg, &why) < 0) {
		fprintf(stderr, "mnd: %s: %s\n", n->name, why);
		return -1;
	}
	return 0;
}

/* Appendix C: the client Mobile IPv6 function, when the node has <mip6>. */
static struct mn_mip6_cfg mip6_cfg;
static bool mip6_on;

static void build_mip6(const struct topo_node *n)
{
	const struct topo_mip6 *t = &n->pmip.mip6;

	mip6_on = n->pmip.present && t->present;
	if (!mip6_on)
		return;
	memcpy(mip6_cfg.iface, t->iface, sizeof(mip6_cfg.iface) - 1);   /* <= 15 (parser) */
	snprintf(mip6_cfg.mn_id, sizeof(mip6_cfg.mn_id), "%s", t->mn_id);
	mip6_cfg.ha = t->ha;
	mip6_cfg.hoa = t->hoa;
	mip6_cfg.bid = (uint16_t)t->bid;
	mip6_cfg.lifetime_s = t->lifetime_s;
}

static void on_signal(struct ev_loop *loop, ev_signal *w, int revents)
{
	(void)w; (void)revents;
	ev_break(loop, EVBREAK_ALL);
}

static int run(struct mn *m, const struct mnd_args *a, const char *node)
{
	char path[512];
	struct ev_loop *loop = ev_default_loop(0);
	struct mn_io_opts o = {
		.node = node, .ctl_path = nio_ctl_path(a->ctl, node, path, sizeof(path)),
		.nfq_num = (uint16_t)(a->queue >= 0 ? a->queue : 0), .debug = a->debug,
	};
	ev_signal sterm, sint;
	ev_signal_init(&sterm, on_signal, SIGTERM);
	ev_signal_init(&sint, on_signal, SIGINT);
	ev_signal_start(loop, &sterm);
	ev_signal_start(loop, &sint);
	const char *why = NULL;
	struct mn_io *io = mn_io_start(loop, m, &o, &why);
	if (!io) {
		fprintf(stderr, "mnd: %s: %s (%s)\n", node, why, strerror(errno));
		return 1;
	}
	struct mn_mip6_io *mio = NULL;

	if (mip6_on && !(mio = mn_mip6_io_start(loop, &mip6_cfg, node, &why))) {
		fprintf(stderr, "mnd: %s: %s (%s)\n", node, why, strerror(errno));
		mn_io_stop(io);
		return 1;
	}
	nio_log("mnd", "%s: running, %zu interface(s), fast handover %s, %zu flow selector(s)",
		node, mn_n_ifaces(m), mn_cfg(m)->fast_handover ? "on" : "off",
		mn_cfg(m)->n_sel);
	if (mio)
		mn_io_set_mip6(io, mn_mip6_io_client(mio));
	ev_run(loop, 0);
	mn_io_set_mip6(io, NULL);
	mn_mip6_io_stop(mio);
	mn_io_stop(io);
	nio_log("mnd", "%s: stopped", node);
	return 0;
}

int main(int argc, char **argv)
{
	struct mnd_args a;
	parse_args(argc, argv, &a);
	struct topology *t = load(a.config);
	if (!t)
		return 1;
	const struct topo_node *n = pick_node(t, a.node);
	static struct mn_cfg cfg;
	if (!n || build_cfg(n, &a, &cfg) < 0) {
		topo_free(t);
		return 1;
	}
	char node[TOPO_NAME_MAX];
	snprintf(node, sizeof(node), "%s", n->name);
	build_mip6(n);
	topo_free(t);
	if (a.check_only) {
		printf("mnd: %s: configuration OK\n", node);
		return 0;
	}
	const char *why = NULL;
	struct mn *m = mn_new(&cfg, &why);
	if (!m) {
		fprintf(stderr, "mnd: %s\n", why);
		return 1;
	}
	int rc = run(m, &a, node);
	mn_free(m);
	return rc;
}
