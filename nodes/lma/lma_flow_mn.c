/*
 * lma_flow_mn.c - the MN's own flow preferences, carried by its MAG in a
 * PBU's RFC 6089 Flow Identification options (problem statement section
 * 3, appendix B), applied as RFC 6089 5 has a home agent apply a binding
 * update's flow options (from memory: doc/protocol.md "Section 3"):
 *   - an option with a new FID and a Traffic Selector adds a flow binding
 *     (a rule of origin "mn" in the flow table); a new FID without one is
 *     answered FID not found (132);
 *   - an option with a known FID modifies it: a Traffic Selector replaces
 *     the selector, a Binding Reference alone the targets; with neither it
 *     is kept as it is;
 *   - a Flow Summary option names FIDs kept unchanged (an unknown one is
 *     answered 132 in a Flow Identification option of the PBA);
 *   - a flow binding this MAG asked for that an accepted registration or
 *     refresh PBU from it names in neither is removed (withdrawn).
 * The PBA echoes each option with its status.
 *
 * Owns: the map (MN-ID, FID) -> rule id and the MAG that asked, the choice
 * of the rule's prefix and targets from the Binding Reference. Must not:
 * add or remove rules other than through lma_flow_add/del (which check
 * them), do I/O.
 *
 * Binding Reference, our reading: one BID = that session (FLOW_MODE_ONE);
 * several = any of them, shared by the LMA per flow; none = "don't mind":
 * any session of the prefix (FLOW_MODE_ANY over every route), which load
 * sharing and network-initiated moves may place freely: its rule is matched
 * after every rule of the operator (prio LMA_FLOW_DONT_MIND_PRIO +
 * FID-PRI), so a move the operator adds (ctl, timeline) takes its flows.
 * We never n-cast. A rule goes with the last session it can send to
 * (lma_flow_mn_forget, from lma_session_delete).
 *
 * Withdrawal is scoped by MAG (the Proxy-CoA that asked last): each MAG
 * carries only the requests of its own sessions of the MN, so a PBU from
 * MAG1 says nothing about what the MN asked through MAG2.
 */
#include "lma_int.h"
#include "pmip/flow_ts.h"

#include <stdio.h>
#include <string.h>

struct mn_req {
	const struct mh_msg *pbu;
	struct bce_session *const *own;  /* the PBU's accepted sessions */
	size_t n_own;
	struct in6_addr via;             /* their MAG's Proxy-CoA */
	const char *why;
};

/* --- the (MN-ID, FID) map -------------------------------------------------- */

static struct lma_mn_fid *fid_find(struct lma *l, const struct mh_msg *pbu, uint16_t fid)
{
	for (size_t i = 0; i < LMA_MN_FID_MAX; i++) {
		struct lma_mn_fid *e = &l->mn_fid[i];

		if (e->used && e->fid == fid && e->mn_id_len == pbu->mn_id_len &&
		    !memcmp(e->mn_id, pbu->mn_id, pbu->mn_id_len)) {
			const struct flow_rule *r = flow_tab_find(l->flows, e->rule_id);

			if (r && r->origin == FLOW_ORIGIN_MN)
				return e;
			e->used = false;        /* removed meanwhile (ctl flow del) */
		}
	}
	return NULL;
}

static struct lma_mn_fid *fid_new(struct lma *l, const struct mh_msg *pbu, uint16_t fid)
{
	for (size_t i = 0; i < LMA_MN_FID_MAX; i++) {
		struct lma_mn_fid *e = &l->mn_fid[i];

		if (e->used && !flow_tab_find(l->flows, e->rule_id))
			e->used = false;
		if (e->used)
			continue;
		e->used = true;
		e->fid = fid;
		e->mn_id_len = pbu->mn_id_len;
		memcpy(e->mn_id, pbu->mn_id, pbu->mn_id_len);
		return e;
	}
	return NULL;
}

/* --- building the rule ------------------------------------------------------ */

static bool holds(const struct bce_session *s, const struct bce_prefix *x)
{
	for (uint8_t i = 0; i < s->n_prefix; i++)
		if (s->prefix[i] == x)
			return true;
	return false;
}

static bool in_prefix(const struct in6_addr *a, const struct bce_prefix *x)
{
	for (unsigned b = 0; b < x->len; b++) {
		unsigned mask = 0x80u >> (b % 8);

		if ((a->s6_addr[b / 8] ^ x->prefix.s6_addr[b / 8]) & mask)
			return false;
	}
	return true;
}

/* The prefix the rule applies to: the one holding the selector's
 * destination (the MN's address, downlink), else the first prefix every
 * session ss[] holds, one shared by several sessions first. */
static const struct bce_prefix *rule_prefix(struct bce_session *const *ss, size_t n,
					    const struct flow_sel *sel)
{
	const struct bce_prefix *pick = NULL;

	for (uint8_t i = 0; n && i < ss[0]->n_prefix; i++) {
		const struct bce_prefix *x = ss[0]->prefix[i];
		bool all = true;

		for (size_t j = 1; j < n; j++)
			all = all && holds(ss[j], x);
		if (!all)
			continue;
		if (sel->fields & FLOW_F_DST) {
			if (in_prefix(&sel->dst_lo, x) && in_prefix(&sel->dst_hi, x))
				return x;
			continue;
		}
		if (x->n_route > 1)
			return x;
		if (!pick)
			pick = x;
	}
	return pick;
}

/* A BID of the Binding Reference names one of the PBU's own sessions:
 * each MAG numbers its sessions itself (RFC 5648 leaves BIDs to the MN,
 * which in PMIPv6 knows none), so two MAGs may use the same BID for two
 * sessions of one MN, and a MAG can only name its own. */
static struct bce_session *session_by_bid(const struct mn_req *q, uint16_t bid)
{
	for (size_t i = 0; bid != BCE_BID_NONE && i < q->n_own; i++)
		if (q->own[i]->bid == bid && q->own[i]->state == BCE_STATE_REGISTERED)
			return q->own[i];
	return NULL;
}

/* f -> rule r (prefix, prio, selector, targets). A status, 0 on success. */
static uint8_t build_rule(struct mn_req *q, const struct mh_flow *f, struct flow_rule *r)
{
	struct bce_session *ss[MH_FLOW_BREF_MAX];
	const struct bce_prefix *x;
	size_t n = 0;

	memset(r, 0, sizeof(*r));
	if (f->ts_format == 0 || (f->n_bref > FLOW_TARGET_MAX)) {
		q->why = f->ts_format ? "more BIDs than a rule has targets (4)"
				      : "Add/Modify without a Traffic Selector";
		return MH_FLOW_STATUS_OPTION_MALFORMED;
	}
	if (f->ts_format != FLOW_TS_FORMAT_IPV6) {
		q->why = "traffic selector format not IPv6 binary (2)";
		return MH_FLOW_STATUS_TS_FORMAT_NOT_SUPPORTED;
	}
	for (uint8_t i = 0; i < f->n_bref; i++)
		if (!(ss[n++] = session_by_bid(q, f->bref[i]))) {
			q->why = "a BID of the Binding Reference names no session of this PBU";
			return MH_FLOW_STATUS_BID_NOT_FOUND;
		}
	x = n ? rule_prefix(ss, n, &f->ts) : rule_prefix(q->own, q->n_own, &f->ts);
	if (!x) {
		q->why = "no prefix of the referenced sessions fits the selector";
		return MH_FLOW_STATUS_REJECTED_UNSPECIFIED;
	}
	r->prefix = x->prefix;
	r->plen = x->len;
	r->prio = f->fid_pri;
	if (n == 0)                     /* "don't mind": after the operator's */
		r->prio = (uint16_t)(f->fid_pri > UINT16_MAX - LMA_FLOW_DONT_MIND_PRIO
				     ? UINT16_MAX : LMA_FLOW_DONT_MIND_PRIO + f->fid_pri);
	r->sel = f->ts;
	r->mode = n == 1 ? FLOW_MODE_ONE : FLOW_MODE_ANY;
	r->n_target = (uint8_t)n;
	for (size_t i = 0; i < n; i++) {
		lma_fmt_ll_id(r->target[i].name, sizeof(r->target[i].name), ss[i]->ll_id,
			      ss[i]->ll_id_len);
		r->target[i].weight = 1;
	}
	return MH_FLOW_STATUS_SUCCESS;
}

static bool same_rule(const struct flow_rule *a, const struct flow_rule *b)
{
	if (memcmp(&a->prefix, &b->prefix, 16) || a->plen != b->plen || a->prio != b->prio ||
	    a->mode != b->mode || a->n_target != b->n_target || !flow_sel_equal(&a->sel, &b->sel))
		return false;
	for (uint8_t i = 0; i < a->n_target; i++)
		if (strcmp(a->target[i].name, b->target[i].name))
			return false;
	return true;
}

/* --- the actions ------------------------------------------------------------ */

/* Add, or Modify (e: the FID's entry, NULL for a new FID): the new rule
 * replaces the old one; if it is refused the old one stays. */
static uint8_t install(struct lma *l, struct mn_req *q, const struct mh_flow *f,
		       struct lma_mn_fid *e, struct lma_actions *out)
{
	struct flow_rule r, old;
	uint8_t st = build_rule(q, f, &r);
	const struct flow_rule *cur = e ? flow_tab_find(l->flows, e->rule_id) : NULL;

	if (st)
		return st;
	if (cur && same_rule(cur, &r))
		return MH_FLOW_STATUS_SUCCESS;              /* a repeat: nothing to do */
	if (!e && !(e = fid_new(l, q->pbu, f->fid))) {
		q->why = "too many MN flow bindings at this LMA";
		return MH_FLOW_STATUS_ADMINISTRATIVELY_PROHIBITED;
	}
	if (cur) {
		old = *cur;
		lma_flow_del(l, old.id, out);
	}
	if (lma_flow_add(l, &r, FLOW_ORIGIN_MN, &q->why, out) == 0) {
		e->rule_id = r.id;
		return MH_FLOW_STATUS_SUCCESS;
	}
	if (cur) {                                  /* put the old one back */
		const char *ignored;

		old.id = 0;
		if (lma_flow_add(l, &old, FLOW_ORIGIN_MN, &ignored, out) == 0)
			e->rule_id = old.id;
	} else {
		e->used = false;
	}
	return MH_FLOW_STATUS_REJECTED_UNSPECIFIED;
}

/* A known FID without a Traffic Selector: the option changes its targets
 * (Binding Reference) or nothing. The rule's own selector is kept. */
static uint8_t modify_targets(struct lma *l, struct mn_req *q, const struct mh_flow *f,
			      struct lma_mn_fid *e, struct lma_actions *out)
{
	const struct flow_rule *cur = flow_tab_find(l->flows, e->rule_id);
	struct mh_flow g = *f;

	if (!f->n_bref || !cur)
		return MH_FLOW_STATUS_SUCCESS;
	g.ts_format = FLOW_TS_FORMAT_IPV6;
	g.ts = cur->sel;
	return install(l, q, &g, e, out);
}

static uint8_t one_flow(struct lma *l, struct mn_req *q, const struct mh_flow *f,
			struct lma_actions *out)
{
	struct lma_mn_fid *e = fid_find(l, q->pbu, f->fid);
	uint8_t st;

	if (!e && !f->ts_format) {
		q->why = "no flow binding with this FID, and no Traffic Selector to add one";
		return MH_FLOW_STATUS_FID_NOT_FOUND;
	}
	st = !f->ts_format ? modify_targets(l, q, f, e, out) : install(l, q, f, e, out);
	if (st == MH_FLOW_STATUS_SUCCESS && (e = fid_find(l, q->pbu, f->fid)))
		e->via = q->via;
	return st;
}

/* Could r still send a flow somewhere once s is gone? */
static bool rule_outlives(const struct flow_rule *r, const struct bce_session *s)
{
	for (const struct bce_session *o = s->mn->sessions; o; o = o->mn_next) {
		if (o == s)
			continue;
		for (uint8_t i = 0; i < r->n_target; i++)
			if (o->ll_id_len == r->target[i].ref_len &&
			    !memcmp(o->ll_id, r->target[i].ref, o->ll_id_len))
				return true;
		for (uint8_t i = 0; !r->n_target && i < o->n_prefix; i++)
			if (o->prefix[i]->len == r->plen &&
			    !memcmp(&o->prefix[i]->prefix, &r->prefix, 16))
				return true;
	}
	return false;
}

void lma_flow_mn_forget(struct lma *l, const struct bce_session *s, struct lma_actions *out)
{
	for (size_t i = 0; i < LMA_MN_FID_MAX; i++) {
		struct lma_mn_fid *e = &l->mn_fid[i];
		const struct flow_rule *r;

		if (!e->used || e->mn_id_len != s->mn->id_len ||
		    memcmp(e->mn_id, s->mn->id, e->mn_id_len))
			continue;
		r = flow_tab_find(l->flows, e->rule_id);
		if (r && r->origin == FLOW_ORIGIN_MN && rule_outlives(r, s))
			continue;
		if (r && r->origin == FLOW_ORIGIN_MN)
			lma_flow_del(l, e->rule_id, out);
		e->used = false;
	}
}

static void refused(struct lma *l, struct mn_req *q, uint16_t fid, uint8_t status,
		    struct lma_actions *out)
{
	char id[2 * MH_MN_ID_MAX + 8];

	l->st.flow_refused++;
	lma_json_str(id, sizeof(id), q->pbu->mn_id, q->pbu->mn_id_len);
	lma_act_event(out, LMA_EV_FLOW_REFUSED,
		      "\"mn_id\":%s,\"fid\":%u,\"status\":%u,\"why\":\"%s\"",
		      id, fid, status, q->why);
}

static bool named(const struct mh_msg *pbu, uint16_t fid)
{
	for (uint8_t i = 0; i < pbu->n_flow && i < MH_FLOW_MAX; i++)
		if (pbu->flow[i].fid == fid)
			return true;
	for (uint8_t i = 0; i < pbu->n_flow_summary && i < MH_FLOW_SUMMARY_MAX; i++)
		if (pbu->flow_summary[i] == fid)
			return true;
	return false;
}

/* RFC 6089 4.3: a Flow Summary names FIDs refreshed as they are; one the
 * LMA does not hold is answered 132 in a Flow Identification option. */
static void summary(struct lma *l, struct mn_req *q, struct mh_msg *pba,
		    struct lma_actions *out)
{
	for (uint8_t i = 0; i < q->pbu->n_flow_summary && i < MH_FLOW_SUMMARY_MAX; i++) {
		uint16_t fid = q->pbu->flow_summary[i];

		if (fid_find(l, q->pbu, fid) || pba->n_flow >= MH_FLOW_MAX)
			continue;
		memset(&pba->flow[pba->n_flow], 0, sizeof(pba->flow[0]));
		pba->flow[pba->n_flow].fid = fid;
		pba->flow[pba->n_flow++].status = MH_FLOW_STATUS_FID_NOT_FOUND;
		q->why = "Flow Summary names a FID with no flow binding";
		refused(l, q, fid, MH_FLOW_STATUS_FID_NOT_FOUND, out);
	}
}

/* The flow bindings the PBU's MAG asked for and the PBU no longer names. */
static void withdraw(struct lma *l, struct mn_req *q, struct lma_actions *out)
{
	const struct mh_msg *pbu = q->pbu;

	for (size_t i = 0; i < LMA_MN_FID_MAX; i++) {
		struct lma_mn_fid *e = &l->mn_fid[i];

		if (!e->used || e->mn_id_len != pbu->mn_id_len ||
		    memcmp(e->mn_id, pbu->mn_id, pbu->mn_id_len) ||
		    memcmp(&e->via, &q->via, sizeof(q->via)) || named(pbu, e->fid))
			continue;
		if (fid_find(l, pbu, e->fid) == e) {
			lma_flow_del(l, e->rule_id, out);
			l->st.flow_withdrawn++;
		}
		e->used = false;
	}
}

void lma_flow_pbu(struct lma *l, const struct mh_msg *pbu, struct bce_session *const *own,
		  size_t n_own, bool accepted, struct mh_msg *pba, struct lma_actions *out)
{
	struct mn_req q = { .pbu = pbu, .own = own, .n_own = n_own };

	if (n_own)
		q.via = own[0]->proxy_coa;
	pba->n_flow = pbu->n_flow;
	for (uint8_t i = 0; i < pbu->n_flow && i < MH_FLOW_MAX; i++) {
		const struct mh_flow *f = &pbu->flow[i];
		struct mh_flow *echo = &pba->flow[i];

		memset(echo, 0, sizeof(*echo));
		echo->fid = f->fid;
		echo->fid_pri = f->fid_pri;
		q.why = "the PBU was rejected";
		echo->status = accepted && n_own ? one_flow(l, &q, f, out)
						 : MH_FLOW_STATUS_REJECTED_UNSPECIFIED;
		if (echo->status != MH_FLOW_STATUS_SUCCESS)
			refused(l, &q, f->fid, echo->status, out);
	}
	if (!accepted || !n_own)
		return;
	summary(l, &q, pba, out);
	withdraw(l, &q, out);
}
