/*
 * lma_state.c - the one transition function of a binding cache entry
 * (RFC 5213 5.3): registered (lifetime running, routes active) or
 * deregistered (lifetime 0 accepted, or its MAG restarted: kept
 * MinDelayBeforeBCEDelete, 5.3.5), with its lifetime and deadline. It logs
 * old -> new and why, as magd's mag_bul_set_state does, so that a debug
 * log (lmad -d) tells every entry's history in one format.
 *
 * Owns: s->state, s->lifetime_s on deregistration, the entry's deadline.
 * Must not: touch routes or send anything (the callers' actions do).
 */
#include "lma_int.h"


void lma_session_set_state(struct lma *l, struct bce_session *s, enum bce_state to,
			   uint64_t deadline_ns, struct lma_actions *out, const char *why)
{
	/* a new entry is created registered, but was never registered yet */
	const char *from = s->fresh ? "NEW" : bce_state_name(s->state);
	char ll[3 * MH_LL_ID_MAX + 1];

	lma_fmt_ll_id(ll, sizeof(ll), s->ll_id, s->ll_id_len);
	lma_act_log(out, "bce %llu [%s]: %s -> %s (%s)", (unsigned long long)s->id, ll, from,
		    bce_state_name(to), why);
	s->state = to;
	s->fresh = false;
	if (to == BCE_STATE_DEREGISTERED)
		s->lifetime_s = 0;
	bce_set_deadline(l->bc, s, deadline_ns);
}
