/*
 * mag_subset.c - handing off some, not all, prefixes of an MN interface to
 * another interface of the MN on this MAG (problem statement section 2.2
 * (c), MAG-initiated): one PBU for the receiving interface's session with
 * HI 2 naming its own prefixes and the moved ones (the LMA moves exactly
 * the named prefixes, doc/protocol.md "Section 2.2"); the giving session
 * keeps the others and loses the moved ones only when the PBA accepts.
 *
 * Owns: the subset's checks and what acceptance does to the giving
 * session. Must not: build PBUs (mag_engine.c) or touch the system.
 */
#include <string.h>

#include "mag_int.h"

static bool in_set(const struct mh_prefix *set, unsigned n, const struct mh_prefix *p)
{
	for (unsigned i = 0; i < n; i++)
		if (set[i].len == p->len && !memcmp(&set[i].prefix, &p->prefix, 16))
			return true;
	return false;
}

static int check(const struct mag_bul *from, const struct mag_bul *to,
		 const struct mh_prefix *p, unsigned n, const char **why)
{
	if (!from || !mag_bul_registered(from)) {
		*why = "no registered session for MN-ID and FROM_LLID";
		return -1;
	}
	if (!to || to->state == MAG_BUL_DEREGISTERING || to == from) {
		*why = "TO_LLID is not another interface attached to this MAG";
		return -1;
	}
	if (n == 0 || n > MH_HNP_MAX) {
		*why = "name 1..16 prefixes to hand off";
		return -1;
	}
	for (unsigned i = 0; i < n; i++)
		if (!in_set(from->hnp, from->n_hnp, &p[i])) {
			*why = "FROM_LLID does not hold a named prefix";
			return -1;
		}
	if (n >= from->n_hnp) {
		*why = "that is every prefix of FROM_LLID: use handoff without prefixes";
		return -1;
	}
	return 0;
}

/* handoff_start reads the giving session's prefix set to build the PBU:
 * it sees the subset for that one call; from itself is not changed. */
static int subset_start(struct mag *m, struct mag_bul *from, struct mag_bul *to,
			const struct mh_prefix *p, unsigned n, uint64_t now_ns,
			struct mag_acts *acts, const char **why)
{
	struct mh_prefix keep[MH_HNP_MAX];
	uint8_t n_keep = from->n_hnp;
	int r;

	memcpy(keep, from->hnp, sizeof(keep));
	memcpy(from->hnp, p, sizeof(p[0]) * n);
	from->n_hnp = (uint8_t)n;
	r = mag_handoff_start(m, from, to, now_ns, acts, why);
	memcpy(from->hnp, keep, sizeof(keep));
	from->n_hnp = n_keep;
	if (r == 0)
		to->handoff_subset = true;
	return r;
}

int mag_handoff_subset(struct mag *m, const char *mn_id, const uint8_t from_ll[6],
		       const uint8_t to_ll[6], const struct mh_prefix *p, unsigned n,
		       uint64_t now_ns, struct mag_acts *acts, const char **why)
{
	struct mag_bul *from = mag_bul_find(m, mn_id, from_ll);
	struct mag_bul *to = mag_bul_find(m, mn_id, to_ll);
	int r = check(from, to, p, n, why);

	if (r == 0)
		r = subset_start(m, from, to, p, n, now_ns, acts, why);
	mag_announce_deadline(m, acts);
	return r;
}

void mag_subset_accepted(struct mag *m, struct mag_bul *old, const struct mag_bul *b,
			 uint64_t now_ns, struct mag_acts *acts)
{
	struct mh_prefix gone[MH_HNP_MAX], kept[MH_HNP_MAX];
	unsigned n_gone = 0, n_kept = 0;

	for (unsigned i = 0; i < old->n_hnp; i++) {
		if (in_set(b->hnp, b->n_hnp, &old->hnp[i]))
			gone[n_gone++] = old->hnp[i];
		else
			kept[n_kept++] = old->hnp[i];
	}
	if (n_kept == 0) {
		mag_bul_delete(m, old, now_ns, acts, "handoff");
		return;
	}
	/* the MN stops using the moved prefixes on the old interface (their
	 * addresses stay valid there for what they had left: the MN keeps
	 * them, and they now arrive over the new interface) */
	if (old->ifindex != b->ifindex || memcmp(old->ll_id, b->ll_id, 6))
		mag_ra_withdraw(m, old, gone, n_gone, false, acts);
	for (unsigned i = 0; i < n_gone; i++)
		mag_bul_route(old, &gone[i], MAG_ACT_ROUTE_DEL, acts);
	memcpy(old->hnp, kept, sizeof(kept[0]) * n_kept);
	old->n_hnp = (uint8_t)n_kept;
	mag_phash_rebuild(m);
}
