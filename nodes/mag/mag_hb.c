/*
 * mag_hb.c - Heartbeat between the MAG and its LMA (RFC 5847): requests
 * every HeartbeatInterval with our Restart Counter, the path declared down
 * after MissingHeartbeatsAllowed unanswered ones and up again with the next
 * response, and an LMA restart (a Restart Counter that changed) answered
 * by registering every session again.
 *
 * Owns: the heartbeat state in struct mag. Must not: send (the SEND_PBU
 * action carries any MH), read clocks.
 */
#include <string.h>

#include "mag_int.h"

bool mag_path_up(const struct mag *m)
{
	return !m->hb.down;
}

static void send_hb(struct mag *m, const struct in6_addr *dst, bool request, uint32_t seq,
		    struct mag_acts *acts)
{
	struct mh_msg *p = mag_act_push_pbu(acts, dst);

	if (!p)
		return;
	mh_msg_init(p, MH_TYPE_HEARTBEAT);
	p->hb_request = request;
	p->hb_seq = seq;
	p->has_restart_counter = true;          /* RFC 5847 5.1, 6.1 */
	p->restart_counter = m->cfg.restart_counter;
}

void mag_hb_timer(struct mag *m, uint64_t now_ns, struct mag_acts *acts)
{
	if (!m->cfg.heartbeat_ns || m->hb.next_ns > now_ns || m->shutting_down)
		return;
	if (m->hb.outstanding >= m->cfg.heartbeat_missed && !m->hb.down) {
		/* RFC 5847 5.2: the path to the LMA has failed */
		m->hb.down = true;
		m->stats.path_downs++;
		mag_act_event(acts, MAG_EV_PATH_DOWN, "\"missed\":%u,\"heartbeat_ms\":%llu",
			      m->hb.outstanding,
			      (unsigned long long)(m->cfg.heartbeat_ns / 1000000));
	}
	send_hb(m, &m->cfg.lmaa, true, ++m->hb.seq, acts);
	m->hb.outstanding++;
	m->stats.hb_sent++;
	m->hb.next_ns = now_ns + m->cfg.heartbeat_ns;
}

void mag_hb_note_expired(struct mag *m, const struct mag_bul *b)
{
	size_t free_slot = MAG_BUL_MAX;

	if (!m->cfg.heartbeat_ns || !m->hb.down)
		return;
	for (size_t i = 0; i < MAG_BUL_MAX; i++) {
		if (!m->hb.orphan[i].used) {
			if (free_slot == MAG_BUL_MAX)
				free_slot = i;
			continue;
		}
		if (m->hb.orphan[i].ifindex == b->ifindex &&
		    !memcmp(m->hb.orphan[i].ll_id, b->ll_id, 6))
			return;
	}
	if (free_slot == MAG_BUL_MAX)
		return;
	m->hb.orphan[free_slot].used = true;
	m->hb.orphan[free_slot].ifindex = b->ifindex;
	memcpy(m->hb.orphan[free_slot].ll_id, b->ll_id, 6);
}

void mag_hb_forget_iface(struct mag *m, int ifindex)
{
	for (size_t i = 0; i < MAG_BUL_MAX; i++)
		if (m->hb.orphan[i].ifindex == ifindex)
			m->hb.orphan[i].used = false;
}

/* The path is back: the MNs whose bindings expired meanwhile are still
 * on their links (no carrier loss since), so they are attached again. */
static void adopt_orphans(struct mag *m, uint64_t now_ns, struct mag_acts *acts)
{
	for (size_t i = 0; i < MAG_BUL_MAX; i++) {
		const char *why;

		if (!m->hb.orphan[i].used)
			continue;
		m->hb.orphan[i].used = false;
		(void)mag_mn_attach(m, m->hb.orphan[i].ifindex, m->hb.orphan[i].ll_id, now_ns,
				    acts, &why);
	}
}

static void response(struct mag *m, const struct mh_msg *hb, uint64_t now_ns,
		     struct mag_acts *acts)
{
	m->stats.hb_received++;
	m->hb.outstanding = 0;
	if (m->hb.down) {
		m->hb.down = false;
		mag_act_event(acts, MAG_EV_PATH_UP, "\"seq\":%u", hb->hb_seq);
		adopt_orphans(m, now_ns, acts);
	}
	if (!hb->has_restart_counter)
		return;
	bool restarted = m->hb.lma_rc_known && hb->restart_counter != m->hb.lma_rc;

	m->hb.lma_rc_known = true;
	m->hb.lma_rc = hb->restart_counter;
	if (!restarted)
		return;
	m->stats.lma_restarts++;
	mag_act_event(acts, MAG_EV_LMA_RESTARTED, "\"restart_counter\":%u",
		      hb->restart_counter);
	mag_reregister_all(m, now_ns, acts);
}

int mag_input_hb(struct mag *m, const struct in6_addr *src, const struct mh_msg *hb,
		 uint64_t now_ns, struct mag_acts *acts)
{
	if (memcmp(src, &m->cfg.lmaa, sizeof(*src))) {
		mag_announce_deadline(m, acts);
		return 0;                       /* only our LMA is a peer */
	}
	if (hb->hb_request) {
		/* RFC 5847 5.1: answered with the same sequence number */
		send_hb(m, src, false, hb->hb_seq, acts);
		m->stats.hb_answered++;
	} else if (hb->hb_seq == m->hb.seq) {
		response(m, hb, now_ns, acts);
	}
	mag_announce_deadline(m, acts);
	return 0;
}
