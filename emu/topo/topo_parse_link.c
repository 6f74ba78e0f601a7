/*
 * topo_parse_link.c - <link> (ends, state, impairments, Gilbert-Elliott)
 * and <timeline> events -> structs.
 *
 * Impairments are read as patches (which attributes were written): a link's
 * <impair> without dir applies to both directions, <impair dir="ab"> is
 * applied on top of it; a timeline <impair> changes only what it names,
 * resolved against the link's state at that time by topo_timeline.c.
 * Must not: touch the system.
 */
#include "topo_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "units.h"

/* --- impairment patches ---------------------------------------------------- */

static int topo_p_rate(struct topo_pctx *c, xmlNode *x, const char *attr, uint64_t *bps)
{
	const char *v = topo_p_attr(c, x, attr), *why;

	if (!v)
		return 0;
	if (units_parse_rate(v, bps, &why) < 0) {
		topo_p_bad(c, x, attr, v, why);
		return -1;
	}
	return 1;
}

static int topo_p_limit(struct topo_pctx *c, xmlNode *x, struct link_params *im)
{
	const char *v = topo_p_attr(c, x, "limit"), *why;

	if (!v)
		return 0;
	if (units_parse_limit(v, &im->limit_pkts, &im->limit_bytes, &why) < 0) {
		topo_p_bad(c, x, "limit", v, why);
		return -1;
	}
	return 1;
}

static unsigned topo_bit(int rc, unsigned bit)
{
	return rc == 1 ? bit : 0;
}

void topo_patch_read_impair(struct topo_pctx *c, xmlNode *x, struct topo_patch *p)
{
	struct link_params *v = &p->v;
	const char *dist = topo_p_attr(c, x, "distribution");

	p->set |= topo_bit(topo_p_time(c, x, "delay", &v->delay_ns), TOPO_P_DELAY);
	p->set |= topo_bit(topo_p_time(c, x, "jitter", &v->jitter_ns), TOPO_P_JITTER);
	if (dist) {
		for (int d = LINK_JITTER_UNIFORM; d <= LINK_JITTER_PARETO; d++)
			if (strcmp(dist, link_jitter_dist_name(d)) == 0) {
				v->jitter_dist = d;
				p->set |= TOPO_P_DIST;
			}
	}
	p->set |= topo_bit(topo_p_rate(c, x, "rate", &v->rate_bps), TOPO_P_RATE);
	p->set |= topo_bit(topo_p_limit(c, x, v), TOPO_P_LIMIT);
	p->set |= topo_bit(topo_p_prob(c, x, "loss", &v->loss), TOPO_P_LOSS);
	p->set |= topo_bit(topo_p_prob(c, x, "duplicate", &v->duplicate), TOPO_P_DUP);
	p->set |= topo_bit(topo_p_prob(c, x, "reorder", &v->reorder), TOPO_P_REORDER);
}

void topo_patch_read_ge(struct topo_pctx *c, xmlNode *x, struct topo_patch *p)
{
	struct link_params *v = &p->v;
	int ok = 1;

	v->ge_loss_good = 0.0;      /* the classic Gilbert model: good state clean */
	v->ge_loss_bad = 1.0;       /* and bad state loses everything */
	ok &= topo_p_prob(c, x, "p", &v->ge_p) >= 0;
	ok &= topo_p_prob(c, x, "r", &v->ge_r) >= 0;
	ok &= topo_p_prob(c, x, "loss-good", &v->ge_loss_good) >= 0;
	ok &= topo_p_prob(c, x, "loss-bad", &v->ge_loss_bad) >= 0;
	if (ok)
		p->set |= TOPO_P_GE;
}

void topo_patch_apply(struct link_params *d, const struct topo_patch *p)
{
	const struct link_params *s = &p->v;

	if (p->set & TOPO_P_DELAY)
		d->delay_ns = s->delay_ns;
	if (p->set & TOPO_P_JITTER)
		d->jitter_ns = s->jitter_ns;
	if (p->set & TOPO_P_DIST)
		d->jitter_dist = s->jitter_dist;
	if (p->set & TOPO_P_RATE)
		d->rate_bps = s->rate_bps;
	if (p->set & TOPO_P_LIMIT) {
		d->limit_pkts = s->limit_pkts;
		d->limit_bytes = s->limit_bytes;
	}
	if (p->set & TOPO_P_LOSS) {
		d->loss = s->loss;
		d->loss_model = s->loss > 0 ? LINK_LOSS_BERNOULLI : LINK_LOSS_NONE;
	}
	if (p->set & TOPO_P_GE) {
		d->ge_p = s->ge_p;
		d->ge_r = s->ge_r;
		d->ge_loss_good = s->ge_loss_good;
		d->ge_loss_bad = s->ge_loss_bad;
		d->loss_model = LINK_LOSS_GE;
	}
	if (p->set & TOPO_P_DUP)
		d->duplicate = s->duplicate;
	if (p->set & TOPO_P_REORDER)
		d->reorder = s->reorder;
}

/* One element's patch merged into a level's patch (later wins). */
static void topo_patch_merge(struct topo_patch *dst, const struct topo_patch *src)
{
	topo_patch_apply(&dst->v, src);
	dst->set |= src->set;
}

/* Bernoulli loss and Gilbert-Elliott on the same level: which one is meant? */
static void topo_patch_check_models(struct topo_pctx *c, const struct topo_loc *loc,
				    const char *what, const struct topo_patch *p)
{
	if ((p->set & TOPO_P_LOSS) && p->v.loss > 0 && (p->set & TOPO_P_GE))
		topo_errors_add(c->errs, loc, "%s: both loss= and <gilbert-elliott>; "
				"give one loss model", what);
}

/* dir="both" (default), "ab" or "ba" -> which patches it feeds. */
static void topo_p_dirs(struct topo_pctx *c, xmlNode *x, bool dirs[2])
{
	const char *d = topo_p_attr(c, x, "dir");

	dirs[LINK_DIR_AB] = !d || strcmp(d, "ba") != 0;
	dirs[LINK_DIR_BA] = !d || strcmp(d, "ab") != 0;
}

/* --- <link> --------------------------------------------------------------- */

static void topo_parse_end(struct topo_pctx *c, xmlNode *x, const char *attr,
			   struct topo_endpoint *e)
{
	const char *v = topo_p_attr(c, x, attr);
	const char *colon = v ? strchr(v, ':') : NULL;

	if (!v)
		return;
	if (!colon || colon == v || !colon[1] || strchr(colon + 1, ':')) {
		topo_p_bad(c, x, attr, v, "expected NODE:IFACE");
		return;
	}
	if ((size_t)(colon - v) >= TOPO_NAME_MAX || strlen(colon + 1) > 15) {
		topo_p_bad(c, x, attr, v, "name too long");
		return;
	}
	memcpy(e->node, v, (size_t)(colon - v));
	e->node[colon - v] = '\0';
	strcpy(e->iface, colon + 1);
	e->attached = true;
}

static void topo_link_impairs(struct topo_pctx *c, struct topo_link *l, xmlNode *x)
{
	struct topo_patch level[3] = { 0 };     /* [0] ab, [1] ba, [2] both */
	static const char *const what[3] = { "direction ab", "direction ba", "both directions" };

	for (xmlNode *k = x->children; k; k = k->next) {
		struct topo_patch p = { 0 };
		bool dirs[2];

		if (topo_is_elem(k, "impair"))
			topo_patch_read_impair(c, k, &p);
		else if (topo_is_elem(k, "gilbert-elliott"))
			topo_patch_read_ge(c, k, &p);
		else
			continue;
		topo_p_dirs(c, k, dirs);
		if (dirs[0] && dirs[1])
			topo_patch_merge(&level[2], &p);
		else
			topo_patch_merge(&level[dirs[0] ? 0 : 1], &p);
	}
	for (int i = 0; i < 3; i++) {
		char buf[96];
		snprintf(buf, sizeof(buf), "link \"%s\" %s", l->name, what[i]);
		topo_patch_check_models(c, &l->loc, buf, &level[i]);
	}
	for (int d = 0; d < 2; d++) {
		topo_patch_apply(&l->dir[d], &level[2]);
		topo_patch_apply(&l->dir[d], &level[d]);
	}
}

void topo_parse_link(struct topo_pctx *c, xmlNode *x)
{
	struct topology *t = c->t;
	struct topo_link *l = topo_grow_max(c, x, &t->links, &t->n_links, sizeof(*l),
					     TOPO_MAX_LINKS, "<link> elements");
	const char *state;

	if (!l)
		return;
	l->loc = topo_p_loc(c, x);
	topo_p_name(c, x, "name", l->name, TOPO_NAME_MAX - 1);
	topo_parse_end(c, x, "a", &l->end[0]);
	topo_parse_end(c, x, "b", &l->end[1]);
	state = topo_p_attr(c, x, "state");
	l->initially_down = state && strcmp(state, "down") == 0;
	topo_link_impairs(c, l, x);
}

/* --- <timeline> ----------------------------------------------------------- */

static const struct {
	const char *elem;
	enum topo_event_kind kind;
} topo_event_elems[] = {
	{ "link-down", TOPO_EV_LINK_DOWN }, { "link-up", TOPO_EV_LINK_UP },
	{ "impair", TOPO_EV_IMPAIR }, { "move", TOPO_EV_MOVE },
	{ "start", TOPO_EV_START }, { "stop", TOPO_EV_STOP },
	{ "exec", TOPO_EV_EXEC },
	{ "daemon-stop", TOPO_EV_DAEMON_STOP }, { "daemon-start", TOPO_EV_DAEMON_START },
};

struct topo_event *topo_new_event(struct topo_pctx *c, xmlNode *x)
{
	struct topology *t = c->t;
	size_t n = t->n_events;
	struct topo_patch (*np)[2];

	if (n >= TOPO_MAX_EVENTS) {
		topo_over_cap(c, x, &t->n_events, TOPO_MAX_EVENTS, "timeline events");
		return NULL;
	}

	if (n + 1 > c->cap_ev_patch) {
		np = realloc(c->ev_patch, (n + 1) * sizeof(*np));
		if (!np)
			return NULL;
		c->ev_patch = np;
		c->cap_ev_patch = n + 1;
	}
	memset(c->ev_patch[n], 0, sizeof(c->ev_patch[n]));
	return topo_grow(&t->events, &t->n_events, sizeof(struct topo_event));
}

static void topo_parse_ev_impair(struct topo_pctx *c, struct topo_event *e, xmlNode *x)
{
	struct topo_patch p = { 0 };
	bool dirs[2];
	char what[64];

	topo_patch_read_impair(c, x, &p);
	for (xmlNode *k = x->children; k; k = k->next)
		if (topo_is_elem(k, "gilbert-elliott"))
			topo_patch_read_ge(c, k, &p);
	snprintf(what, sizeof(what), "impair link=\"%s\"", e->link);
	topo_patch_check_models(c, &e->loc, what, &p);
	topo_p_dirs(c, x, dirs);
	for (int d = 0; d < 2; d++) {
		e->dir_set[d] = dirs[d];
		if (dirs[d])
			c->ev_patch[c->t->n_events - 1][d] = p;
	}
}

static void topo_parse_event(struct topo_pctx *c, xmlNode *x, enum topo_event_kind kind)
{
	struct topo_event *e = topo_new_event(c, x);

	if (!e)
		return;
	e->kind = kind;
	e->loc = topo_p_loc(c, x);
	topo_p_time(c, x, "at", &e->at_ns);
	topo_p_name(c, x, kind == TOPO_EV_MOVE ? "to" : "link", e->link, TOPO_NAME_MAX - 1);
	topo_p_name(c, x, "node", e->node, TOPO_NAME_MAX - 1);
	topo_p_name(c, x, "iface", e->iface, 15);
	topo_p_time(c, x, "gap", &e->gap_ns);
	topo_p_name(c, x, "process", e->proc, TOPO_NAME_MAX - 1);
	topo_p_name(c, x, "id", e->id, TOPO_NAME_MAX - 1);
	if (kind == TOPO_EV_EXEC && topo_p_text(c, x, e->cmd, sizeof(e->cmd)) == 0 &&
	    !e->cmd[0])
		topo_errors_add(c->errs, &e->loc, "exec: empty command");
	if (kind == TOPO_EV_IMPAIR)
		topo_parse_ev_impair(c, e, x);
	if (kind == TOPO_EV_DAEMON_STOP || kind == TOPO_EV_DAEMON_START)
		topo_parse_daemon_event(c, e, x);
}

void topo_parse_timeline(struct topo_pctx *c, xmlNode *x)
{
	for (xmlNode *k = x->children; k; k = k->next) {
		if (topo_is_elem(k, "session"))
			topo_parse_session(c, k);
		if (topo_is_elem(k, "prefix"))
			topo_parse_prefix_event(c, k);
		if (topo_is_elem(k, "flow-rule"))
			topo_parse_flow_rule_event(c, k);
		for (size_t i = 0; i < sizeof(topo_event_elems) / sizeof(*topo_event_elems); i++)
			if (topo_is_elem(k, topo_event_elems[i].elem))
				topo_parse_event(c, k, topo_event_elems[i].kind);
	}
}
