/*
 * magd.c - the Mobile Access Gateway daemon's main: options, configuration
 * from a topology file, the event loop, clean shutdown on SIGTERM/SIGINT.
 *
 *   magd [-n] [-d] [-M] [-H HI] -f CONFIG.xml [-N NODE] [-s CTL.sock]
 *
 * Owns: the program's life. Must not: hold protocol logic (mag_engine.c)
 * or system plumbing (mag_io.c).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <ev.h>

#include "mag.h"
#include "mag_io.h"
#include "mag_fh_io.h"
#include "io/nio.h"
#include "topo/topo.h"

struct magd_args {
	bool check_only, debug, move_on_detach;
	int default_hi;                  /* -1 = engine default (4) */
	const char *config, *node, *ctl;
};

static const char usage_text[] =
	"usage: magd [-n] [-d] [-M] [-H HI] -f CONFIG.xml [-N NODE] [-s CTL.sock]\n"
	"       magd --help | --version\n";

static void usage(void)
{
	fputs(usage_text, stderr);
	exit(2);
}

static void parse_args(int argc, char **argv, struct magd_args *a)
{
	int c;
	memset(a, 0, sizeof(*a));
	a->default_hi = -1;
	nio_prog_std_args(argc, argv, "magd", usage_text);
	while ((c = getopt(argc, argv, "ndMH:f:N:s:h")) != -1) {
		switch (c) {
		case 'n': a->check_only = true; break;
		case 'd': a->debug = true; break;
		case 'M': a->move_on_detach = true; break;
		case 'H': a->default_hi = atoi(optarg); break;
		case 'f': a->config = optarg; break;
		case 'N': a->node = optarg; break;
		case 's': a->ctl = optarg; break;
		default: usage();
		}
	}
	if (!a->config || optind != argc)
		usage();
	if (a->default_hi != -1 && (a->default_hi < 1 || a->default_hi > 4)) {
		fprintf(stderr, "magd: -H takes 1, 2, 3 or 4 (RFC 5213 8.4)\n");
		exit(2);
	}
}

static const struct topo_node *pick_node(const struct topology *t, const char *name)
{
	char why[256];
	const struct topo_node *n = topo_pick_node(t, name, TOPO_NODE_MAG, why, sizeof(why));

	if (!n)
		fprintf(stderr, "magd: %s\n", why);
	return n;
}

static struct topology *load(const char *path)
{
	return topo_load_print(path, stderr);
}

static int build_cfg(const struct topo_node *n, const struct magd_args *a,
		     struct mag_cfg *cfg)
{
	const char *why = NULL;
	if (mag_cfg_from_topo(cfg, n, &why) < 0) {
		fprintf(stderr, "magd: %s:%d: %s\n", n->loc.file ? n->loc.file : "?",
			n->loc.line, why);
		return -1;
	}
	if (a->move_on_detach)           /* -M, or fast-handover="on" */
		cfg->move_on_detach = true;
	if (a->default_hi > 0)
		cfg->default_hi = (uint8_t)a->default_hi;
	struct mag *probe = mag_new(cfg, &why);   /* the engine's own checks */
	if (!probe) {
		fprintf(stderr, "magd: %s: %s\n", n->name, why);
		return -1;
	}
	mag_free(probe);
	return 0;
}

static int resolve_ifaces(struct mag_cfg *cfg)
{
	for (size_t i = 0; i < cfg->n_access; i++) {
		cfg->access[i].ifindex = nio_ifindex(cfg->access[i].name);
		if (cfg->access[i].ifindex <= 0) {
			fprintf(stderr, "magd: access interface %s not found\n",
				cfg->access[i].name);
			return -1;
		}
	}
	return 0;
}

static void on_signal(struct ev_loop *loop, ev_signal *w, int revents)
{
	(void)w; (void)revents;
	ev_break(loop, EVBREAK_ALL);
}

/* Appendix D dormant routes (mag_fh_io.c): fast-handover="on". */
static bool fast_handover;

static void fh_carrier_lost(void *arg, int ifindex)
{
	mag_fh_io_carrier_lost(arg, ifindex);
}

static int run(struct mag *m, const struct magd_args *a, const char *node)
{
	char path[512];
	struct ev_loop *loop = ev_default_loop(0);
	struct mag_io_opts o = {
		.node = node, .ctl_path = nio_ctl_path(a->ctl, node, path, sizeof(path)),
		.tun_name = "pmip0", .uplink_table = 100, .rule_prio = 1000,
		.debug = a->debug,
	};
	const char *why = NULL;
	struct mag_io *io = mag_io_start(loop, m, &o, &why);
	if (!io) {
		fprintf(stderr, "magd: %s: %s (%s)\n", node, why, strerror(errno));
		return 1;
	}
	struct mag_fh_io_opts fo = {
		.node = node, .enabled = fast_handover, .tun_name = "pmipfh0",
		.uplink_table = 101, .rule_prio = 1001, .debug = a->debug,
	};
	struct mag_fh_io *fh = mag_fh_io_start(loop, m, &fo, &why);
	if (!fh) {
		fprintf(stderr, "magd: %s: %s (%s)\n", node, why, strerror(errno));
		mag_io_stop(io);
		return 1;
	}
	mag_io_on_carrier_loss(io, fh_carrier_lost, fh,
			       fast_handover ? MAG_FH_IO_CARRIER_POLL_S : 0);
	ev_signal sterm, sint;
	ev_signal_init(&sterm, on_signal, SIGTERM);
	ev_signal_init(&sint, on_signal, SIGINT);
	ev_signal_start(loop, &sterm);
	ev_signal_start(loop, &sint);
	char lmaa[INET6_ADDRSTRLEN];
	inet_ntop(AF_INET6, &mag_cfg(m)->lmaa, lmaa, sizeof(lmaa));
	nio_log("magd", "%s: running, LMA %s, %zu access interface(s)", node,
		lmaa, mag_cfg(m)->n_access);
	ev_run(loop, 0);
	mag_fh_io_stop(fh);
	mag_io_stop(io);
	nio_log("magd", "%s: stopped", node);
	return 0;
}

int main(int argc, char **argv)
{
	struct magd_args a;
	parse_args(argc, argv, &a);
	struct topology *t = load(a.config);
	if (!t)
		return 1;
	const struct topo_node *n = pick_node(t, a.node);
	static struct mag_cfg cfg;
	if (!n || build_cfg(n, &a, &cfg) < 0) {
		topo_free(t);
		return 1;
	}
	char node[TOPO_NAME_MAX];
	snprintf(node, sizeof(node), "%s", n->name);
	fast_handover = n->pmip.fast_handover;
	topo_free(t);
	if (a.check_only) {
		printf("magd: %s: configuration OK\n", node);
		return 0;
	}
	if (resolve_ifaces(&cfg) < 0)
		return 1;
	const char *why = NULL;
	/* RFC 5847 6.1: a value new at every start; the start time in ms
	 * (mod 2^32) is one without a file to keep (doc/protocol.md) */
	cfg.restart_counter = (uint32_t)(nio_realtime_ns() / 1000000);
	struct mag *m = mag_new(&cfg, &why);
	if (!m) {
		fprintf(stderr, "magd: %s\n", why);
		return 1;
	}
	int rc = run(m, &a, node);
	mag_free(m);
	return rc;
}
