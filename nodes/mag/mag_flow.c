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
 * Every PBU of the session (registration, refresh, retransmission) carries
 * its flows with Action Add: the LMA treats a repeat as a no-op, and an
 * LMA that restarted learns them again with the next refresh. A request
 * the LMA refused (a non-zero status in the PBA) is not carried again:
 * the refusal stands until the MN changes that request (the same request
 * repeated changes nothing). A Delete is carried once and forgotten when
 * its PBA arrives. A changed request on a registered session with no PBU
 * outstanding starts a refresh now.
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
	if (f.action == MH_FLOW_ACTION_DELETE) {
		if (!cur || cur->action == MH_FLOW_ACTION_DELETE)
			return false;
		cur->action = MH_FLOW_ACTION_DELETE;
		cur->n_bref = 0;
		cur->ts_format = 0;
		return true;
	}
	f.action = MH_FLOW_ACTION_ADD;
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

int mag_mn_flows(struct mag *m, int ifindex, const uint8_t ll_id[6],
		 const struct nd_flow_req *req, size_t n, uint64_t now_ns,
		 struct mag_acts *acts, const char **why)
{
	const struct mag_profile *p = mag_profile_by_ll(m, ll_id);
	struct mag_bul *b = p ? mag_bul_find(m, p->mn_id, ll_id) : NULL;
	bool changed = false;

	if (!b || b->ifindex != ifindex || b->state == MAG_BUL_DELETED ||
	    b->state == MAG_BUL_DEREGISTERING) {
		*why = "flow request from an MN without a session here";
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		changed |= take(b, &req[i]);
	m->stats.flow_requests += n;
	if (changed && b->state == MAG_BUL_ACTIVE && b->txn < 0)
		mag_bul_refresh(m, b, now_ns, acts);
	mag_announce_deadline(m, acts);
	return 0;
}

/* RFC 6089 4.3 (from memory, see doc/protocol.md): a binding update that
 * refreshes a binding names the flow bindings it refreshes in a Flow
 * Summary option. Ours lists the FIDs added in this refresh; the LMA takes
 * them from the Flow Identification options, which we still send whole
 * (an LMA that restarted learns the flows again). */
static void flow_summary(const struct mag_txn *t, struct mh_msg *p)
{
	p->has_flow_summary = false;
	p->n_flow_summary = 0;
	if (t->kind != MAG_TXN_REREG)
		return;
	for (uint8_t i = 0; i < p->n_flow && p->n_flow_summary < MH_FLOW_SUMMARY_MAX; i++)
		if (p->flow[i].action == MH_FLOW_ACTION_ADD)
			p->flow_summary[p->n_flow_summary++] = p->flow[i].fid;
	p->has_flow_summary = p->n_flow_summary > 0;
}

void mag_flow_pbu(const struct mag *m, const struct mag_txn *t, struct mh_msg *p)
{
	p->n_flow = 0;
	p->has_flow_summary = false;
	p->n_flow_summary = 0;
	if (t->kind == MAG_TXN_DEREG)
		return;
	for (unsigned i = 0; i < t->n_bul; i++) {
		const struct mag_bul *b = &m->bul[t->bul[i]];

		for (uint8_t j = 0; j < b->n_flow && p->n_flow < MH_FLOW_MAX; j++) {
			if (b->flow[j].action == MH_FLOW_ACTION_ADD && b->flow[j].status)
				continue;               /* refused: not asked again */
			p->flow[p->n_flow] = b->flow[j];
			p->flow[p->n_flow++].status = 0;   /* the LMA's to set */
		}
	}
	flow_summary(t, p);
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
			continue;
		mag_fmt_mac(mac, sizeof(mac), b->ll_id);
		mag_act_event(acts, MAG_EV_FLOW_ANSWERED,
			      "\"ll_id\":\"%s\",\"fid\":%u,\"action\":\"%s\",\"status\":%u",
			      mac, e->fid, mh_flow_action_name(f->action), e->status);
		f->status = e->status;
		if (e->status)
			m->stats.flow_refused++;
		if (f->action == MH_FLOW_ACTION_DELETE) {    /* carried once */
			*f = b->flow[--b->n_flow];
		}
	}
}
