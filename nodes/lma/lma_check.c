/*
 * lma_check.c - the LMA's checks of a PBU before it changes anything
 * (RFC 5213 5.3.1, 5.5): the checks common to every group in the RFC's
 * order, the options each group must carry, and message ordering by
 * timestamp or sequence number. Each answers a PBA status. Pure (lma.h).
 */
#include "lma_int.h"

#include <string.h>

/* ---- validation (5.3.1, 5.5) -------------------------------------------------- */

static bool mag_authorized(const struct lma *l, const struct in6_addr *src)
{
	for (size_t i = 0; i < l->cfg.n_mags; i++)
		if (memcmp(&l->cfg.mags[i], src, sizeof(*src)) == 0)
			return true;
	return false;
}

static bool other_lma(const struct lma *l, const struct mh_msg *pbu)
{
	const struct lma_policy *p;
	const void *cur = NULL;

	while ((p = lma_policy_next(l, pbu->mn_id, pbu->mn_id_len, &cur)))
		if (p->has_lma_addr &&
		    memcmp(&p->lma_addr, &l->cfg.lmaa, sizeof(p->lma_addr)) != 0)
			return true;
	return false;
}

/* 5.5: the timestamp must be within TimestampValidityWindow of our clock. */
static bool timestamp_valid(const struct lma *l, const struct mh_msg *pbu, uint64_t realtime_ns)
{
	if (!pbu->has_timestamp)
		return false;
	uint64_t ts = mh_timestamp_to_ns(pbu->timestamp);
	uint64_t diff = ts > realtime_ns ? ts - realtime_ns : realtime_ns - ts;

	return diff <= l->cfg.timestamp_validity_window_ns;
}

/* Checks common to every group, in the order of RFC 5213 5.3.1. */
uint8_t lma_check_common(struct lma *l, const struct in6_addr *src,
			 const struct mh_msg *pbu, uint64_t realtime_ns)
{
	if (!pbu->has_mn_id || pbu->mn_id_len == 0)
		return PBA_STATUS_MISSING_MN_IDENTIFIER_OPTION;
	if (!mag_authorized(l, src))
		return PBA_STATUS_MAG_NOT_AUTHORIZED_FOR_PROXY_REG;
	if (!(pbu->bu_flags & MH_BU_P)) {
		l->st.pbu_not_proxy++;
		return PBA_STATUS_PROXY_REG_NOT_ENABLED;
	}
	if (!lma_policy_any(l, pbu->mn_id, pbu->mn_id_len))
		return PBA_STATUS_PROXY_REG_NOT_ENABLED;
	if (other_lma(l, pbu))
		return PBA_STATUS_NOT_LMA_FOR_THIS_MOBILE_NODE;
	if (l->cfg.use_timestamps && !timestamp_valid(l, pbu, realtime_ns))
		return PBA_STATUS_TIMESTAMP_MISMATCH;
	return PBA_STATUS_ACCEPTED;
}

/* 5.3.1: the options each session group must carry, in the RFC's order. */
uint8_t lma_check_group(const struct mh_group *g)
{
	if (g->n_hnp == 0)
		return PBA_STATUS_MISSING_HOME_NETWORK_PREFIX_OPTION;
	if (!g->has_hi)
		return PBA_STATUS_MISSING_HANDOFF_INDICATOR_OPTION;
	if (!g->has_att)
		return PBA_STATUS_MISSING_ACCESS_TECH_TYPE_OPTION;
	return PBA_STATUS_ACCEPTED;
}

/* RFC 6275 9.5.1: a is newer than b modulo 2^16. */
static bool seq_newer(uint16_t a, uint16_t b)
{
	uint16_t d = (uint16_t)(a - b);

	return d != 0 && d < 32768;
}

/* 5.5: the newest timestamp accepted for the MN, over all its sessions
 * (the MAG's clock orders the MN's messages, whichever session they are
 * for). Sessions of another service (RFC 5149, section 2.1) are other
 * mobility sessions altogether: their PBUs may leave the MAG at the same
 * instant. 0 when none. */
static uint64_t mn_last_timestamp(const struct lma *l, const struct bce_key *k)
{
	const struct bce_mn *mn = bce_find_mn(l->bc, k->mn_id, k->mn_id_len);
	uint64_t ts = 0;

	for (const struct bce_session *s = mn ? mn->sessions : NULL; s; s = s->mn_next)
		if (s->has_timestamp && s->timestamp > ts &&
		    bce_session_service_is(s, k->service, k->service_len))
			ts = s->timestamp;
	return ts;
}

/* 5.5 against the entry the PBU updates. With timestamps, a PBU must be
 * newer than any accepted for the MN: equal is not newer. Sequence numbers
 * are per MAG: a PBU from another MAG (a handoff) starts from that MAG's
 * own counter, so only PBUs from the entry's current Proxy-CoA are
 * compared, and a re-registration (HI 5) from another Proxy-CoA is a late
 * refresh from a MAG the MN has left: it must not re-point the binding
 * (with timestamps, 157 catches it). */
uint8_t lma_check_order(const struct lma *l, const struct in6_addr *src,
			const struct mh_msg *pbu, const struct lma_group_ctx *c)
{
	const struct bce_session *ref = c->ref;

	if (l->cfg.use_timestamps) {
		uint64_t last = mn_last_timestamp(l, &c->key);

		if (last && pbu->timestamp <= last)
			return PBA_STATUS_TIMESTAMP_LOWER_THAN_PREV_ACCEPTED;
		return PBA_STATUS_ACCEPTED;
	}
	if (!ref)
		return PBA_STATUS_ACCEPTED;
	bool same_coa = memcmp(&ref->proxy_coa, src, sizeof(*src)) == 0;

	if (same_coa && !seq_newer(pbu->seq, ref->seq))
		return LMA_STATUS_SEQ_OUT_OF_WINDOW;
	if (!same_coa && c->g->hi == MH_HI_NOT_CHANGED && pbu->lifetime &&
	    ref->state == BCE_STATE_REGISTERED)
		return PBA_STATUS_UNSPECIFIED;
	return PBA_STATUS_ACCEPTED;
}

