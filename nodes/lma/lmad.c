/*
 * lmad.c - the Local Mobility Anchor daemon's main: options, configuration
 * from a topology file, the event loop, clean shutdown on SIGTERM/SIGINT.
 *
 *   lmad [-n] [-d] [-S] -f CONFIG.xml [-N NODE] [-s CTL.sock]
 *
 * Owns: the program's life. Must not: hold protocol logic (lma_engine.c and
 * friends) or system plumbing (lma_io.c).
 */
#include <errno.h>
#include <ev.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "lma.h"
#include "lma_io.h"
#include "io/nio.h"
#include "topo/topo.h"

struct lmad_args {
	bool check_only, debug, signalling_only;
	const char *config, *node, *ctl;
};

static const char usage_text[] =
	"usage: lmad [-n] [-d] [-S] -f CONFIG.xml [-N NODE] [-s CTL.sock]\n"
	"       lmad --help | --version\n";

static void usage(void)
{
	fputs(usage_text, stderr);
	exit(2);
}

static void parse_args(int argc, char **argv, struct lmad_args *a)
{
	int c;

	memset(a, 0, sizeof(*a));
	nio_prog_std_args(argc, argv, "lmad", usage_text);
	while ((c = getopt(argc, argv, "ndSf:N:s:h")) != -1) {
		switch (c) {
		case 'n': a->check_only = true; break;
		case 'd': a->debug = true; break;
		case 'S': a->signalling_only = true; break;
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
	const struct topo_node *n = topo_pick_node(t, name, TOPO_NODE_LMA, why, sizeof(why));

	if (!n)
		fprintf(stderr, "lmad: %s\n", why);
	return n;
}

static struct topology *load(const char *path)
{
	return topo_load_print(path, stderr);
}

static void on_signal(struct ev_loop *loop, ev_signal *w, int revents)
{
	(void)w; (void)revents;
	ev_break(loop, EVBREAK_ALL);
}

static int run(struct lma *l, const struct lma_config *cfg, const struct lmad_args *a,
	       const char *node)
{
	struct ev_loop *loop = ev_default_loop(0);
	char path[512];
	const char *why = NULL;
	struct lma_io_opts o = {
		.node = node, .ctl_path = nio_ctl_path(a->ctl, node, path, sizeof(path)),
		.debug = a->debug, .no_dataplane = a->signalling_only,
	};
	ev_signal sterm, sint;

	struct lma_io *io = lma_io_start(loop, l, cfg, &o, &why);
	if (!io) {
		fprintf(stderr, "lmad: %s: %s (%s)\n", node, why, strerror(errno));
		return 1;
	}
	ev_signal_init(&sterm, on_signal, SIGTERM);
	ev_signal_init(&sint, on_signal, SIGINT);
	ev_signal_start(loop, &sterm);
	ev_signal_start(loop, &sint);
	nio_log("lmad", "%s: serving, control socket %s", node, o.ctl_path ? o.ctl_path : "none");
	ev_run(loop, 0);
	nio_log("lmad", "%s: shutting down", node);
	lma_io_stop(io);
	return 0;
}

int main(int argc, char **argv)
{
	struct lmad_args a;
	struct lma_config cfg;
	const char *why = NULL;
	int rc = 1;     /* a configuration error, as for magd and mnd; 2 is usage */

	parse_args(argc, argv, &a);
	struct topology *t = load(a.config);
	const struct topo_node *n = t ? pick_node(t, a.node) : NULL;

	if (!n)
		goto out;
	if (lma_config_from_topo(&cfg, n, &why) < 0) {
		fprintf(stderr, "lmad: %s:%d: %s\n", n->loc.file ? n->loc.file : a.config,
			n->loc.line, why);
		goto out;
	}
	/* The hash key keeps hostile prefixes from flooding one chain. */
	if (getrandom(&cfg.hash_seed, sizeof(cfg.hash_seed), 0) != sizeof(cfg.hash_seed))
		cfg.hash_seed.k0 = (uint64_t)getpid() * 0x9e3779b97f4a7c15ULL ^ nio_now_ns();
	/* RFC 5847 6.1: a value new at every start; the start time in ms
	 * (mod 2^32) is one without a file to keep (doc/protocol.md) */
	cfg.restart_counter = (uint32_t)(nio_realtime_ns() / 1000000);
	struct lma *l = lma_new(&cfg, &why);

	if (!l) {
		fprintf(stderr, "lmad: %s: %s\n", n->name, why);
		lma_config_fini(&cfg);
		goto out;
	}
	if (a.check_only) {
		printf("lmad: %s: configuration ok (%zu MAGs, %zu MN profiles)\n", n->name,
		       cfg.n_mags, cfg.n_policies);
		rc = 0;
	} else {
		rc = run(l, &cfg, &a, n->name);
	}
	lma_free(l);
	lma_config_fini(&cfg);
out:
	topo_free(t);
	return rc;
}
