/*
 * mag_prefix.c - problem statement section 2.2 on a live MN interface, at
 * the MAG: (a) remove some, not all, of its prefixes, (b) add prefixes,
 * (c) take prefixes the MN holds on an interface behind another MAG (the
 * new MAG's side of a subset handoff between MAGs). Each is one PBU of the
 * interface's session naming the whole resulting set (RFC 5213 6.9.1.1: a
 * PBU lists the session's prefixes): HI 5 for (a) and (b), a
 * re-registration whose set the LMA may change with prefix-update on; HI 2
 * for (c), which the LMA reads as "move the named prefixes here". Make
 * before break: prefixes brought in are routed from the PBU on, nothing
 * else changes before the PBA; on acceptance the routes follow the PBA's
 * set, new prefixes are advertised at once and removed ones withdrawn
 * (RA lifetimes 0, RFC 4861 6.3.4 / RFC 4862 5.5.3).
 *
 * Owns: the operations' checks and the withdrawal of prefixes a PBA took
 * away. Must not: build PBUs (mag_engine.c) or touch the system.
 */
#include <string.h>

#include "mag_int.h"

const char *mag_prefix_op_name(enum mag_prefix_op op)
{
	switch (op) {
	case MAG_PREFIX_ADD: return "MAG_PREFIX_ADD";
	case MAG_PREFIX_REMOVE: return "MAG_PREFIX_REMOVE";
	case MAG_PREFIX_TAKE: return "MAG_PREFIX_TAKE";
	}
	return "MAG_PREFIX_?";
}

static bool in_set(const struct mh_prefix *set, unsigned n, const struct mh_prefix *p)
{
	for (unsigned i = 0; i < n; i++)
		if (set[i].len == p->len && !memcmp(&set[i].prefix, &p->prefix, 16))
			return true;
	return false;
}

static int check(const struct mag_bul *b, enum mag_prefix_op op,
		 const struct mh_prefix *p, unsigned n, const char **why)
{
	if (!b || !mag_bul_registered(b) || b->n_hnp == 0) {
		*why = "no registered session on LLID";
		return -1;
	}
	if (mag_prefix_busy(b)) {
		*why = "a change of LLID's prefixes is under way";
		return -1;
	}
	if (n == 0 || n > MH_HNP_MAX) {
		*why = "name 1..16 prefixes";
		return -1;
	}
	for (unsigned i = 0; i < n; i++) {
		bool held = in_set(b->hnp, b->n_hnp, &p[i]);
		if (op == MAG_PREFIX_REMOVE && !held) {
			*why = "LLID does not hold a named prefix";
			return -1;
		}
		if (op != MAG_PREFIX_REMOVE && held) {
			*why = "LLID holds a named prefix already";
			return -1;
		}
	}
	if (op == MAG_PREFIX_REMOVE && n >= b->n_hnp) {
		*why = "that is every prefix of LLID: some, not all (delete the session instead)";
		return -1;
	}
	if (op != MAG_PREFIX_REMOVE && b->n_hnp + n > MH_HNP_MAX) {
		*why = "too many prefixes for one session";
		return -1;
	}
	return 0;
}

/* The set the PBU names: b's without the removed ones, or with the new. */
static unsigned new_set(const struct mag_bul *b, enum mag_prefix_op op,
			const struct mh_prefix *p, unsigned n, struct mh_prefix *set)
{
	unsigned k = 0;

	for (unsigned i = 0; i < b->n_hnp; i++)
		if (op != MAG_PREFIX_REMOVE || !in_set(p, n, &b->hnp[i]))
			set[k++] = b->hnp[i];
	for (unsigned i = 0; op != MAG_PREFIX_REMOVE && i < n; i++)
		set[k++] = p[i];
	return k;
}

/* Make before break at this end: the LMA sends a prefix it moves here
 * right after the PBA, on the same path; when both wait, the packet may
 * be read first (seen: 1 packet in 6 s22 runs). So the prefixes the PBU
 * brings in are routed and in the data plane's table from the PBU on;
 * the LMA sends none before it accepts. A refusal takes them out again
 * (mag_prefix_unroute_added). */
static void route_added(struct mag *m, const struct mag_bul *b, struct mag_acts *acts)
{
	bool any = false;

	for (unsigned i = 0; i < b->n_hnp; i++)
		if (!in_set(b->was_hnp, b->handoff_n_hnp, &b->hnp[i])) {
			mag_bul_route(b, &b->hnp[i], MAG_ACT_ROUTE_ADD, acts);
			any = true;
		}
	if (any)
		mag_phash_rebuild(m);
}

void mag_prefix_unroute_added(const struct mag_bul *b,
			      struct mag_acts *acts)
{
	for (unsigned i = 0; i < b->n_hnp; i++)
		if (!in_set(b->was_hnp, b->handoff_n_hnp, &b->hnp[i]))
			mag_bul_route(b, &b->hnp[i], MAG_ACT_ROUTE_DEL, acts);
}

unsigned mag_prefix_routed(const struct mag_bul *b, struct mh_prefix *out)
{
	unsigned n = b->handoff_n_hnp;

	memcpy(out, b->was_hnp, sizeof(out[0]) * n);
	for (unsigned i = 0; i < b->n_hnp && n < MH_HNP_MAX; i++)
		if (!in_set(out, n, &b->hnp[i]))
			out[n++] = b->hnp[i];
	return n;
}

int mag_prefix_start_set(struct mag *m, struct mag_bul *b, const struct mh_prefix *set,
			 unsigned n, uint8_t hi, const char *what, uint64_t now_ns,
			 struct mag_acts *acts, const char **why)
{
	struct mag_txn *t = mag_txn_new(m, MAG_TXN_HANDOFF, &b->lmaa);

	if (!t) {
		*why = "too many outstanding PBUs";
		return -1;
	}
	mag_bul_leave_txn(m, b);         /* this PBU extends the lifetime too */
	memcpy(b->was_hnp, b->hnp, sizeof(b->hnp));
	b->handoff_n_hnp = b->n_hnp;
	b->n_hnp = (uint8_t)n;
	memmove(b->hnp, set, sizeof(set[0]) * n);
	route_added(m, b, acts);
	b->hi = hi;
	b->set_change = true;
	mag_act_log(acts, "bul %u: %s, %u prefixes named (HI %u)", b->id, what, n, hi);
	mag_txn_add(m, t, b);
	mag_bul_set_state(m, b, MAG_BUL_REFRESHING, now_ns, acts, what);
	mag_txn_start(m, t, now_ns, acts);
	return 0;
}

bool mag_prefix_busy(const struct mag_bul *b)
{
	return b->handoff_from || b->set_change;
}

int mag_prefix_change(struct mag *m, const uint8_t ll_id[6], enum mag_prefix_op op,
		      const struct mh_prefix *p, unsigned n, uint64_t now_ns,
		      struct mag_acts *acts, const char **why)
{
	struct mag_bul *b = mag_bul_find_service(m, ll_id, "");
	struct mh_prefix set[MH_HNP_MAX];
	int r;

	if (check(b, op, p, n, why) < 0)
		return -1;
	n = new_set(b, op, p, n, set);
	r = mag_prefix_start_set(m, b, set, n, op == MAG_PREFIX_TAKE ?
				 MH_HI_HANDOFF_BETWEEN_IFACES : MH_HI_NOT_CHANGED,
				 mag_prefix_op_name(op), now_ns, acts, why);
	mag_announce_deadline(m, acts);
	return r;
}

void mag_prefix_withdraw_lost(struct mag *m, const struct mag_bul *b,
			      const struct mh_prefix *was, unsigned n_was,
			      struct mag_acts *acts)
{
	struct mh_prefix gone[MH_HNP_MAX];
	unsigned n = 0;

	for (unsigned i = 0; i < n_was && n < MH_HNP_MAX; i++)
		if (!in_set(b->hnp, b->n_hnp, &was[i]))
			gone[n++] = was[i];
	if (n)
		mag_ra_withdraw(m, b, gone, n, false, acts);
}
