/*
 * topo_parse_flow.c - <flow> (traffic the emulator generates) and <expect>
 * (what the run must show) -> structs.
 *
 * Which attributes each expectation kind needs is checked here, against
 * the element; whether the flows, links and exec ids it names exist is
 * topo_check.c's. Must not: touch the system.
 */
#include "topo_int.h"

#include <ctype.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "units.h"

#define TOPO_FLOW_SIZE_DEFAULT 100u     /* UDP payload bytes */
#define TOPO_FLOW_SPORT_DEFAULT 5000u
#define TOPO_FLOW_DPORT_DEFAULT 5001u
#define TOPO_UDP6_PAYLOAD_MAX 65527u    /* 65535 - 8 octets of UDP header */

static int topo_p_port(struct topo_pctx *c, xmlNode *x, const char *attr,
		       uint16_t *port, uint16_t dflt)
{
	uint32_t v = dflt;
	int rc = topo_p_u32(c, x, attr, &v);

	*port = (uint16_t)(v > 65535 ? dflt : v);   /* xs:unsignedShort reports */
	return rc;
}

static void topo_flow_sizes(struct topo_pctx *c, struct topo_flow *f, xmlNode *x)
{
	const char *v, *why;
	uint64_t bytes;

	f->size = TOPO_FLOW_SIZE_DEFAULT;
	if ((v = topo_p_attr(c, x, "size"))) {
		if (units_parse_size(v, &bytes, &why) < 0)
			topo_p_bad(c, x, "size", v, why);
		else if (bytes == 0 || bytes > TOPO_UDP6_PAYLOAD_MAX)
			topo_p_bad(c, x, "size", v, "UDP payload must be 1B-65527B");
		else
			f->size = (uint32_t)bytes;
	}
	if ((v = topo_p_attr(c, x, "rate"))) {
		if (units_parse_pps(v, &f->rate_pps, &why) < 0)
			topo_p_bad(c, x, "rate", v, why);
		else if (f->rate_pps <= 0)
			topo_p_bad(c, x, "rate", v, "must be above 0pps");
	}
}

static void topo_flow_pattern(struct topo_pctx *c, struct topo_flow *f, xmlNode *x)
{
	const char *pat = topo_p_attr(c, x, "pattern");
	int on, off;

	for (int p = TOPO_FLOW_CBR; pat && p <= TOPO_FLOW_BURST; p++)
		if (strcmp(pat, topo_flow_pattern_name(p)) == 0)
			f->pattern = p;
	on = topo_p_time(c, x, "on", &f->on_ns);
	off = topo_p_time(c, x, "off", &f->off_ns);
	topo_p_u32(c, x, "burst", &f->burst);
	if (f->pattern == TOPO_FLOW_ONOFF && (on == 0 || off == 0 || !f->on_ns))
		topo_errors_add(c->errs, &f->loc, "flow \"%s\": pattern=\"onoff\" needs "
				"on= and off= (on above 0)", f->id);
	if (f->pattern == TOPO_FLOW_BURST && f->burst == 0)
		topo_errors_add(c->errs, &f->loc, "flow \"%s\": pattern=\"burst\" needs "
				"burst= (packets per burst, above 0)", f->id);
}

void topo_parse_flow(struct topo_pctx *c, xmlNode *x)
{
	struct topology *t = c->t;
	struct topo_flow *f = topo_grow_max(c, x, &t->flows, &t->n_flows, sizeof(*f),
					    TOPO_MAX_FLOWS, "<flow> elements");

	if (!f)
		return;
	f->loc = topo_p_loc(c, x);
	topo_p_name(c, x, "id", f->id, TOPO_NAME_MAX - 1);
	topo_p_name(c, x, "from", f->from, TOPO_NAME_MAX - 1);
	topo_p_name(c, x, "to", f->to, TOPO_NAME_MAX - 1);
	f->has_dst = topo_p_addr(c, x, "dst", &f->dst) == 1;
	f->has_src = topo_p_addr(c, x, "src", &f->src) == 1;
	topo_p_port(c, x, "sport", &f->sport, TOPO_FLOW_SPORT_DEFAULT);
	topo_p_port(c, x, "dport", &f->dport, TOPO_FLOW_DPORT_DEFAULT);
	topo_flow_sizes(c, f, x);
	topo_p_time(c, x, "start", &f->start_ns);
	topo_p_time(c, x, "stop", &f->stop_ns);
	topo_flow_pattern(c, f, x);
}

/* --- <expect> ------------------------------------------------------------- */

enum topo_val { TOPO_VAL_NONE, TOPO_VAL_RATIO, TOPO_VAL_COUNT, TOPO_VAL_TIME };

static const struct {
	const char *name;
	enum topo_expect_kind kind;
	enum topo_val val;              /* what min=/max=/eq= hold */
	bool flow, link, id, iface;     /* attributes the kind needs */
} topo_expect_kinds[] = {
	{ "delivery", TOPO_EXP_DELIVERY, TOPO_VAL_RATIO, true, false, false, false },
	{ "loss", TOPO_EXP_LOSS, TOPO_VAL_COUNT, true, false, false, false },
	{ "latency-p99", TOPO_EXP_LATENCY_P99, TOPO_VAL_TIME, true, false, false, false },
	{ "gap", TOPO_EXP_GAP, TOPO_VAL_TIME, true, false, false, false },
	{ "via", TOPO_EXP_VIA, TOPO_VAL_NONE, true, false, false, true },
	{ "link", TOPO_EXP_LINK_COUNTER, TOPO_VAL_COUNT, false, true, false, false },
	{ "exec", TOPO_EXP_EXEC, TOPO_VAL_NONE, false, false, true, false },
};
#define TOPO_N_EXPECT_KINDS (sizeof(topo_expect_kinds) / sizeof(*topo_expect_kinds))

static int topo_parse_count(const char *s, double *v, const char **why)
{
	char *end;

	if (!isdigit((unsigned char)*s)) {
		*why = "expected a count (0, 1, 60...)";
		return -1;
	}
	*v = strtod(s, &end);
	if (*end) {
		*why = "expected a count (0, 1, 60...)";
		return -1;
	}
	return 0;
}

static int topo_expect_value(struct topo_pctx *c, struct topo_expect *e, xmlNode *x,
			     const char *attr, enum topo_val val)
{
	const char *v = topo_p_attr(c, x, attr), *why = NULL;
	int rc = 0;

	if (!v)
		return 0;
	if (val == TOPO_VAL_RATIO)
		rc = units_parse_prob(v, &e->value, &why);
	else if (val == TOPO_VAL_COUNT)
		rc = topo_parse_count(v, &e->value, &why);
	else if (val == TOPO_VAL_TIME)
		rc = units_parse_time(v, &e->value_ns, &why);
	if (rc < 0) {
		topo_p_bad(c, x, attr, v, why);
		return -1;
	}
	return 1;
}

/* Exactly one of min= (>=), max= (<=), eq= (==). */
static void topo_expect_bound(struct topo_pctx *c, struct topo_expect *e, xmlNode *x,
			      const char *kname, enum topo_val val)
{
	static const struct { const char *attr; enum topo_cmp cmp; } b[] = {
		{ "min", TOPO_CMP_GE }, { "max", TOPO_CMP_LE }, { "eq", TOPO_CMP_EQ },
	};
	int n = 0;

	for (size_t i = 0; i < 3; i++) {
		int rc = topo_expect_value(c, e, x, b[i].attr, val);
		if (rc != 0) {
			e->cmp = b[i].cmp;
			n++;
		}
	}
	if (n != 1)
		topo_errors_add(c->errs, &e->loc, "expect kind=\"%s\": give exactly one "
				"of min=, max=, eq=", kname);
}

static void topo_expect_need(struct topo_pctx *c, struct topo_expect *e,
			     const char *kname, const char *attr, const char *have)
{
	if (!have[0])
		topo_errors_add(c->errs, &e->loc, "expect kind=\"%s\": needs %s=", kname, attr);
}

static void topo_expect_exec(struct topo_pctx *c, struct topo_expect *e, xmlNode *x)
{
	uint32_t status = 0;
	regex_t re;

	topo_p_u32(c, x, "status", &status);
	e->cmp = TOPO_CMP_EQ;
	e->value = status;
	if (topo_p_name(c, x, "match", e->match, sizeof(e->match) - 1) == 1) {
		if (regcomp(&re, e->match, REG_EXTENDED | REG_NOSUB) != 0) {
			topo_p_bad(c, x, "match", e->match, "bad POSIX extended regular expression");
			return;
		}
		/* A pattern that matches "" matches any output: it proves nothing. */
		if (regexec(&re, "", 0, NULL, 0) == 0)
			topo_p_bad(c, x, "match", e->match,
				   "matches an empty output, so any output: it proves nothing");
		regfree(&re);
	}
}

static void topo_expect_refs(struct topo_pctx *c, struct topo_expect *e, xmlNode *x,
			     size_t k)
{
	const char *kname = topo_expect_kinds[k].name, *dir;

	topo_p_name(c, x, "flow", e->flow, TOPO_NAME_MAX - 1);
	topo_p_name(c, x, "link", e->link, TOPO_NAME_MAX - 1);
	topo_p_name(c, x, "counter", e->counter, TOPO_NAME_MAX - 1);
	topo_p_name(c, x, "iface", e->iface, 15);
	topo_p_name(c, x, "id", e->exec_id, TOPO_NAME_MAX - 1);
	if (topo_expect_kinds[k].flow)
		topo_expect_need(c, e, kname, "flow", e->flow);
	if (topo_expect_kinds[k].iface)
		topo_expect_need(c, e, kname, "iface", e->iface);
	if (topo_expect_kinds[k].id)
		topo_expect_need(c, e, kname, "id", e->exec_id);
	if (!topo_expect_kinds[k].link)
		return;
	topo_expect_need(c, e, kname, "link", e->link);
	topo_expect_need(c, e, kname, "counter", e->counter);
	dir = topo_p_attr(c, x, "dir");
	if (!dir || (strcmp(dir, "ab") && strcmp(dir, "ba")))
		topo_errors_add(c->errs, &e->loc, "expect kind=\"link\": needs dir=\"ab\" or dir=\"ba\"");
	else
		e->dir = strcmp(dir, "ab") == 0 ? LINK_DIR_AB : LINK_DIR_BA;
}

void topo_parse_expect(struct topo_pctx *c, xmlNode *x)
{
	struct topology *t = c->t;
	const char *kind = topo_p_attr(c, x, "kind");
	struct topo_expect *e;
	size_t k;
	int from, to;

	for (k = 0; kind && k < TOPO_N_EXPECT_KINDS; k++)
		if (strcmp(kind, topo_expect_kinds[k].name) == 0)
			break;
	if (!kind || k == TOPO_N_EXPECT_KINDS)
		return;                 /* the XSD reports it */
	e = topo_grow_max(c, x, &t->expects, &t->n_expects, sizeof(*e), TOPO_MAX_EXPECTS,
			  "<expect> elements");
	if (!e)
		return;
	e->kind = topo_expect_kinds[k].kind;
	e->loc = topo_p_loc(c, x);
	topo_expect_refs(c, e, x, k);
	if (topo_expect_kinds[k].val != TOPO_VAL_NONE)
		topo_expect_bound(c, e, x, kind, topo_expect_kinds[k].val);
	if (e->kind == TOPO_EXP_EXEC)
		topo_expect_exec(c, e, x);
	e->min_share = 1.0;
	if (e->kind == TOPO_EXP_VIA)
		topo_p_prob(c, x, "min-share", &e->min_share);
	from = topo_p_time(c, x, "from", &e->from_ns);
	to = topo_p_time(c, x, "to", &e->to_ns);
	e->has_window = from == 1 || to == 1;
	if (to != 1)
		e->to_ns = UINT64_MAX;  /* open window: until the end of the run */
}
