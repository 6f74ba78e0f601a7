/*
 * trafgen.c - main: `trafgen send` and `trafgen recv` (doc/man/trafgen.1).
 * Parses options, runs the shell (tg_io.c), writes the JSON summaries
 * (json-c). Format of every output: doc/scenarios.md.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tg_io.h"

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

static void install_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };  /* no SA_RESTART */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
}

/* trafgen stands alone (no pmipemu library): the build's version is given
 * to this file as to nio_prog.c. */
#ifndef PMIPEMU_VERSION
#define PMIPEMU_VERSION "0.1"
#endif

static void usage(FILE *f)
{
	fprintf(f,
		"usage: trafgen send --flow ID --dst ADDR --dport P [--src ADDR] [--sport P]\n"
		"                    --rate PPS --size BYTES [--pattern cbr|onoff|burst]\n"
		"                    [--on D --off D] [--burst N] [--at T] --duration D --out FILE\n"
		"       trafgen recv --flow ID --port P [--bind ADDR] [--duration D] --out FILE\n"
		"       trafgen --help | --version\n"
		"durations: 10s, 250ms, 500us, 1000ns, 1.5s\n");
}

/* "1.5s", "250ms", "500us", "1000ns": units are written out. */
static int parse_duration(const char *s, uint64_t *ns)
{
	static const struct { const char *u; double mul; } units[] = {
		{ "ns", 1 }, { "us", 1e3 }, { "ms", 1e6 }, { "s", 1e9 },
	};
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || !(v >= 0))
		return -1;
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
		if (strcmp(end, units[i].u) == 0 && v * units[i].mul < 1.8e19) {
			*ns = (uint64_t)llround(v * units[i].mul);
			return 0;
		}
	return -1;
}

static int parse_uint(const char *s, unsigned long max, unsigned long *v)
{
	char *end;
	errno = 0;
	unsigned long x = strtoul(s, &end, 10);
	if (errno || end == s || *end || x > max || s[0] == '-')
		return -1;
	*v = x;
	return 0;
}

struct opts {
	const char *flow, *dst, *src, *bind, *out;
	unsigned long dport, sport, port, size, burst;
	double rate;
	enum tg_pattern pattern;
	uint64_t on_ns, off_ns, duration_ns, at_ns;
	bool has_duration, has_at;
};

static int parse_opt(struct opts *o, int c, const char *arg)
{
	char *end;
	switch (c) {
	case 'f': o->flow = arg; return 0;
	case 'd': o->dst = arg; return 0;
	case 's': o->src = arg; return 0;
	case 'b': o->bind = arg; return 0;
	case 'o': o->out = arg; return 0;
	case 'P': return parse_uint(arg, 65535, &o->dport);
	case 'S': return parse_uint(arg, 65535, &o->sport);
	case 'p': return parse_uint(arg, 65535, &o->port);
	case 'z': return parse_uint(arg, TG_SIZE_MAX, &o->size);
	case 'B': return parse_uint(arg, 1000000, &o->burst);
	case 'r':
		o->rate = strtod(arg, &end);
		return end == arg || *end ? -1 : 0;
	case 't': return tg_pattern_parse(arg, &o->pattern);
	case 'n': return parse_duration(arg, &o->on_ns);
	case 'F': return parse_duration(arg, &o->off_ns);
	case 'D': o->has_duration = true; return parse_duration(arg, &o->duration_ns);
	case 'A': o->has_at = true; return parse_duration(arg, &o->at_ns);
	}
	return -1;
}

static int parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "flow", 1, NULL, 'f' }, { "dst", 1, NULL, 'd' }, { "src", 1, NULL, 's' },
		{ "bind", 1, NULL, 'b' }, { "out", 1, NULL, 'o' }, { "dport", 1, NULL, 'P' },
		{ "sport", 1, NULL, 'S' }, { "port", 1, NULL, 'p' }, { "size", 1, NULL, 'z' },
		{ "burst", 1, NULL, 'B' }, { "rate", 1, NULL, 'r' }, { "pattern", 1, NULL, 't' },
		{ "on", 1, NULL, 'n' }, { "off", 1, NULL, 'F' }, { "duration", 1, NULL, 'D' },
		{ "at", 1, NULL, 'A' }, { "help", 0, NULL, 'h' }, { 0 },
	};
	int c, li = 0;
	while ((c = getopt_long(argc, argv, "h", lo, &li)) != -1) {
		if (c == 'h') {
			usage(stdout);
			exit(0);
		}
		if (c == '?' || parse_opt(o, c, optarg) < 0) {
			if (c != '?')
				fprintf(stderr, "trafgen: bad value '%s' for --%s\n",
					optarg, lo[li].name);
			return -1;
		}
	}
	if (optind != argc || !o->flow || !o->out) {
		fprintf(stderr, "trafgen: --flow and --out are required\n");
		return -1;
	}
	return 0;
}

/* Monotonic ns of the run start, from PMIPEMU_T0_NS; 0 when absent. */
static uint64_t run_t0_ns(void)
{
	const char *s = getenv("PMIPEMU_T0_NS");
	char *end;
	if (!s || !*s)
		return 0;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	return errno || *end ? 0 : v;
}

static json_object *j_u64(uint64_t v)
{
	return json_object_new_int64(v > INT64_MAX ? INT64_MAX : (int64_t)v);
}

/* Seconds from t0 (run-relative) when t0 is known, else null. */
static json_object *j_rel_s(uint64_t t_ns, uint64_t t0_ns)
{
	if (!t0_ns || !t_ns)
		return NULL;
	return json_object_new_double(((double)t_ns - (double)t0_ns) / 1e9);
}

/* Write through a temporary file and rename: readers never see half a file. */
static int write_json(const char *path, json_object *o)
{
	char tmp[4096];
	if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
		return -1;
	if (json_object_to_file_ext(tmp, o, JSON_C_TO_STRING_PRETTY) < 0 ||
	    rename(tmp, path) < 0) {
		fprintf(stderr, "trafgen: %s: %s\n", path, strerror(errno));
		remove(tmp);
		return -1;
	}
	return 0;
}

static json_object *send_summary(const struct opts *o, const struct tg_send_result *r,
				 uint64_t t0)
{
	json_object *j = json_object_new_object(), *errs = json_object_new_object();
	json_object_object_add(j, "flow", json_object_new_string(o->flow));
	json_object_object_add(j, "role", json_object_new_string("send"));
	json_object_object_add(j, "dst", json_object_new_string(o->dst));
	json_object_object_add(j, "dport", json_object_new_int((int)o->dport));
	json_object_object_add(j, "pattern", json_object_new_string(tg_pattern_name(o->pattern)));
	json_object_object_add(j, "rate_pps", json_object_new_double(o->rate));
	json_object_object_add(j, "size", json_object_new_int((int)o->size));
	json_object_object_add(j, "sent", j_u64(r->attempted));
	json_object_object_add(j, "accepted", j_u64(r->sent));
	json_object_object_add(j, "send_errors", j_u64(r->send_errors));
	for (int i = 0; i < TG_ERRNO_SLOTS && r->errors[i].count; i++) {
		const char *name = r->errors[i].err < 0 ? NULL : strerrorname_np(r->errors[i].err);
		json_object_object_add(errs, name ? name : "other", j_u64(r->errors[i].count));
	}
	json_object_object_add(j, "errors", errs);
	json_object_object_add(j, "t0_ns", j_u64(t0));
	json_object_object_add(j, "start_ns", j_u64(r->start_ns));
	json_object_object_add(j, "first_send_ns", j_u64(r->first_send_ns));
	json_object_object_add(j, "last_send_ns", j_u64(r->last_send_ns));
	json_object_object_add(j, "first_send_s", j_rel_s(r->first_send_ns, t0));
	json_object_object_add(j, "last_send_s", j_rel_s(r->last_send_ns, t0));
	return j;
}

static int send_main(int argc, char **argv)
{
	struct opts o = { .pattern = TG_PATTERN_CBR, .size = 64 };
	struct tg_send_cfg cfg = { 0 };
	struct tg_send_result r;
	const char *why = "";

	if (parse_args(argc, argv, &o) < 0)
		goto usage;
	if (!o.dst || !o.dport || !o.has_duration) {
		fprintf(stderr, "trafgen send: --dst, --dport and --duration are required\n");
		goto usage;
	}
	cfg.flow_hash = tg_flow_hash(o.flow);
	cfg.size = (uint32_t)o.size;
	cfg.pace = (struct tg_pace){ o.pattern, o.rate, o.on_ns, o.off_ns,
				     (uint32_t)o.burst, o.duration_ns };
	if (cfg.size < TG_HDR_LEN)
		why = "--size must be at least 24 bytes (the trafgen header)";
	else if (tg_pace_check(&cfg.pace, &why) == 0 &&
		 tg_io_resolve(o.dst, (uint16_t)o.dport, &cfg.dst, &why) == 0 &&
		 (!(o.src || o.sport) ||
		  tg_io_resolve(o.src ? o.src : "::", (uint16_t)o.sport, &cfg.src, &why) == 0))
		why = NULL;
	if (why) {
		fprintf(stderr, "trafgen send: %s\n", why);
		return 2;
	}
	cfg.has_src = o.src || o.sport;
	if (o.has_at) {
		uint64_t t0 = run_t0_ns();
		if (!t0) {
			fprintf(stderr, "trafgen send: --at needs PMIPEMU_T0_NS (the run's start)\n");
			return 2;
		}
		cfg.start_at_ns = t0 + o.at_ns;
	}
	install_signals();
	if (tg_io_send_run(&cfg, &r, &stop_flag, &why) < 0) {
		fprintf(stderr, "trafgen send: %s: %s\n", why, strerror(errno));
		return 1;
	}
	json_object *j = send_summary(&o, &r, run_t0_ns());
	int rc = write_json(o.out, j);
	json_object_put(j);
	return rc < 0 ? 1 : 0;
usage:
	usage(stderr);
	return 2;
}

static json_object *recv_summary(const struct opts *o, const struct tg_recv_result *r,
				 const char *records, uint64_t t0)
{
	json_object *j = json_object_new_object(), *ifs = json_object_new_array();
	const char *base = strrchr(records, '/');
	json_object_object_add(j, "flow", json_object_new_string(o->flow));
	json_object_object_add(j, "role", json_object_new_string("recv"));
	json_object_object_add(j, "port", json_object_new_int((int)o->port));
	json_object_object_add(j, "received", j_u64(r->datagrams));
	json_object_object_add(j, "foreign", j_u64(r->foreign));
	json_object_object_add(j, "kernel_timestamps", json_object_new_boolean(r->kernel_timestamps));
	json_object_object_add(j, "records", json_object_new_string(base ? base + 1 : records));
	for (size_t i = 0; i < r->n_ifaces; i++) {
		json_object *f = json_object_new_object();
		json_object_object_add(f, "ifindex", json_object_new_int64(r->ifaces[i].ifindex));
		json_object_object_add(f, "name", json_object_new_string(r->ifaces[i].name));
		json_object_object_add(f, "count", j_u64(r->ifaces[i].count));
		json_object_array_add(ifs, f);
	}
	json_object_object_add(j, "interfaces", ifs);
	json_object_object_add(j, "t0_ns", j_u64(t0));
	json_object_object_add(j, "start_ns", j_u64(r->start_ns));
	json_object_object_add(j, "end_ns", j_u64(r->end_ns));
	json_object_object_add(j, "first_recv_s", j_rel_s(r->first_recv_ns, t0));
	json_object_object_add(j, "last_recv_s", j_rel_s(r->last_recv_ns, t0));
	return j;
}

static int recv_main(int argc, char **argv)
{
	struct opts o = { 0 };
	struct tg_recv_cfg cfg = { 0 };
	struct tg_recv_result r;
	const char *why = NULL;
	char records[4096];

	if (parse_args(argc, argv, &o) < 0 || !o.port) {
		if (!o.port)
			fprintf(stderr, "trafgen recv: --port is required\n");
		usage(stderr);
		return 2;
	}
	cfg.flow_hash = tg_flow_hash(o.flow);
	cfg.duration_ns = o.duration_ns;
	if (tg_io_resolve(o.bind ? o.bind : "::", (uint16_t)o.port, &cfg.bind, &why) < 0 ||
	    tg_records_path(o.out, records, sizeof records) < 0) {
		fprintf(stderr, "trafgen recv: %s\n", why ? why : "--out path too long");
		return 2;
	}
	if (!(cfg.records = fopen(records, "w")) || tg_records_write_header(cfg.records) < 0) {
		fprintf(stderr, "trafgen recv: %s: %s\n", records, strerror(errno));
		return 1;
	}
	install_signals();
	int rc = tg_io_recv_run(&cfg, &r, &stop_flag, &why);
	if (fclose(cfg.records) != 0 || rc < 0) {
		fprintf(stderr, "trafgen recv: %s: %s\n", rc < 0 ? why : records, strerror(errno));
		return 1;
	}
	json_object *j = recv_summary(&o, &r, records, run_t0_ns());
	rc = write_json(o.out, j);
	json_object_put(j);
	return rc < 0 ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "send") == 0)
		return send_main(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "recv") == 0)
		return recv_main(argc - 1, argv + 1);
	if (argc == 2 && !strcmp(argv[1], "--version")) {
		printf("trafgen %s\n", PMIPEMU_VERSION);
		return 0;
	}
	usage(argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) ? stdout : stderr);
	return argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) ? 0 : 2;
}
