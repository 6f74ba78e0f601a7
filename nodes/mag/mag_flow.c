/*
 * mag_flow.c - the MAG's relay of the MN's flow preferences (problem
 * statement section 3, appendix B): the flow requests of an MN's Router
 * Solicitation (ND option 253, nd_flow.c) are kept per mobility session
 * and carried to the LMA in the session's PBUs as RFC 6089 Flow
 * Identification options, with a BID option for the session (RFC 6089
 * binds flows to BIDs); the PBA's echo gives each its status.
 *
 * Owns: the requests of each session, what a PBU carries, the statuses.
 * Must not: decode or send (mag_io.c), change a binding itself.
 *
 * RFC 6089 5 (from memory, doc/protocol.md "Section 3"): a binding update
 * describes the flow bindings it keeps; one it no longer names is removed.
 * So every PBU (registration, refresh, retransmission) of a session
 * carries each of its requests whole (a Flow Identification option with
 * the Traffic Selector: an LMA that restarted learns them again), and
 * names the requests of the MN's other sessions on this MAG in a Flow
 * Summary option (the LMA keeps those as they are). A request the MN
 * withdraws (its RS's request list omits it) is simply no longer named;
 * the LMA removes it. A request the LMA refused (a non-zero status in the
 * PBA) is not carried again: the refusal stands until the MN changes that
 * request (the same request repeated changes nothing). A changed request
 * on a registered session with no PBU outstanding starts a refresh now.
 */
#include <string.h>

#include "mag_int.h"

static struct mh_flow *flow_by_fid(struct mag_bul *b, uint16_t fid)
{
	for (uint8_t i = 0; i < b->n_flow; i++)
		if (b->flow[i].fid == fid)
			return &b->flow[i];
	return NULL;
}

/* One request into b; true when what the PBU carries changed. */
static bool take(struct mag_bul *b, const struct nd_flow_req *r)
{
	struct mh_flow f = r->f, *cur = flow_by_fid(b, r->f.fid);

	f.status = 0;
	f.n_bref = r->scope == ND_FLOW_SCOPE_THIS_IFACE;   /* "don't mind": none */
	f.bref[0] = (uint16_t)b->id;
	if (cur) {
		struct mh_flow was = *cur;      /* the request, not the LMA's answer */
		was.status = 0;
		if (mh_flow_equal(&was, &f))
			return false;
	}
	if (!cur) {
		if (b->n_flow >= MH_FLOW_MAX)
			return false;
		cur = &b->flow[b->n_flow++];
	}
	*cur = f;
	return true;
}

static bool listed(const struct nd_rs *rs, uint16_t fid)
{
	for (uint8_t i = 0; i < rs->n_flow_list && i < ND_FLOW_LIST_MAX; i++)
		if (rs->flow_list[i] == fid)
			return true;
	return false;
}

/* The RS's request list (Kind 2): the requests it omits are withdrawn. */
static bool withdraw(struct mag *m, struct mag_bul *b, const struct nd_rs *rs,
		     struct mag_acts *acts)
{
	bool changed = false;
	char mac[24];

	for (uint8_t i = 0; rs->has_flow_list && i < b->n_flow;) {
		if (listed(rs, b->flow[i].fid)) {
			i++;
			continue;
		}
		mag_fmt_mac(mac, sizeof(mac), b->ll_id);
		mag_act_event(acts, MAG_EV_FLOW_WITHDRAWN, "\"ll_id\":\"%s\",\"fid\":%u",
			      mac, b->flow[i].fid);
		m->stats.flow_withdrawn++;
		b->flow[i] = b->flow[--b->n_flow];
		changed = true;
	}
	return changed;
}

int mag_mn_flows(struct mag *m, int ifindex, const uint8_t ll_id[6],
		 const struct nd_rs *rs, uint64_t now_ns, struct mag_acts *acts,
		 const char **why)
{
	const struct mag_profile *p = mag_profile_by_ll(m, ll_id);
	struct mag_bul *b = p ? mag_bul_find(m, p->mn_id, ll_id) : NULL;
	bool changed = false;

	if (!b || b->ifindex != ifindex || b->state == MAG_BUL_DELETED ||
	    b->state == MAG_BUL_DEREGISTERING) {
		*why = "flow request from an MN without a session here";
		return -1;
	}
	for (uint8_t i = 0; i < rs->n_flow && i < ND_FLOW_REQ_MAX; i++)
		changed |= take(b, &rs->flow[i]);
	changed |= withdraw(m, b, rs, acts);
	m->stats.flow_requests += rs->n_flow;
	if (changed && b->state == MAG_BUL_ACTIVE && b->txn < 0)
		mag_bul_refresh(m, b, now_ns, acts);
	mag_announce_deadline(m, acts);
	return 0;
}

static bool in_txn(const struct mag *m, const struct mag_txn *t, const struct mag_bul *b)
{
	for (unsigned i = 0; i < t->n_bul; i++)
		if (&m->bul[t->bul[i]] == b)
			return true;
	return false;
}

/* RFC 6089 4.3 (from memory, see doc/protocol.md): the Flow Summary names
 * the flow bindings kept as they are: here the requests of the MN's other
 * sessions on this MAG, which this PBU does not describe. */
static void flow_summary(const struct mag *m, const struct mag_txn *t, struct mh_msg *p)
{
	const struct mag_bul *own = &m->bul[t->bul[0]];

	for (size_t i = 0; i < MAG_BUL_MAX; i++) {
		const struct mag_bul *b = &m->bul[i];

		if (b->state == MAG_BUL_DELETED || b->state == MAG_BUL_DEREGISTERING ||
		    !b->prof || strcmp(b->prof->mn_id, own->prof->mn_id) || in_txn(m, t, b))
			continue;
		for (uint8_t j = 0; j < b->n_flow && p->n_flow_summary < MH_FLOW_SUMMARY_MAX; j++)
			if (!b->flow[j].status)
				p->flow_summary[p->n_flow_summary++] = b->flow[j].fid;
	}
	p->has_flow_summary = p->n_flow_summary > 0;
}

void mag_flow_pbu(const struct mag *m, const struct mag_txn *t, struct mh_msg *p)
{
	p->n_flow = 0;
	p->has_flow_summary = false;
	p->n_flow_summary = 0;
	if (t->kind == MAG_TXN_DEREG || t->n_bul == 0)
		return;
	for (unsigned i = 0; i < t->n_bul; i++) {
		const struct mag_bul *b = &m->bul[t->bul[i]];

		for (uint8_t j = 0; j < b->n_flow && p->n_flow < MH_FLOW_MAX; j++) {
			if (b->flow[j].status)
				continue;               /* refused: not asked again */
			p->flow[p->n_flow] = b->flow[j];
			p->flow[p->n_flow++].status = 0;   /* the LMA's to set */
		}
	}
	flow_summary(m, t, p);
}

/* The session of these that holds fid (FIDs are the MN's: one MN a PBU). */
static struct mag_bul *bul_of_fid(struct mag *m, const unsigned *slots, unsigned n,
				  uint16_t fid, struct mh_flow **f)
{
	for (unsigned i = 0; i < n; i++) {
		struct mag_bul *b = &m->bul[slots[i]];

		if (b->state != MAG_BUL_DELETED && (*f = flow_by_fid(b, fid)))
			return b;
	}
	return NULL;
}

void mag_flow_pba(struct mag *m, const unsigned *slots, unsigned n,
		  const struct mh_msg *pba, struct mag_acts *acts)
{
	for (uint8_t i = 0; i < pba->n_flow && i < MH_FLOW_MAX; i++) {
		const struct mh_flow *e = &pba->flow[i];
		struct mh_flow *f;
		struct mag_bul *b = bul_of_fid(m, slots, n, e->fid, &f);
		char mac[24];

		if (!b)
			continue;       /* e.g. 132 for a FID of the summary: its own
					 * session's next PBU describes it whole */
		mag_fmt_mac(mac, sizeof(mac), b->ll_id);
		mag_act_event(acts, MAG_EV_FLOW_ANSWERED,
			      "\"ll_id\":\"%s\",\"fid\":%u,\"status\":%u",
			      mac, e->fid, e->status);
		f->status = e->status;
		if (e->status)
			m->stats.flow_refused++;
	}
}
