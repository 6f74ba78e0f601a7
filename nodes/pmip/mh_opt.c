/*
 * mh_opt.c - the mobility option table: length, alignment, decode and
 * encode of every option pmipemu speaks (RFC 6275 6.2, 6.2.5, RFC 4283 3,
 * RFC 5213 8.3-8.8, RFC 5648 6.2, RFC 5149 3, RFC 6089 4.2-4.3).
 *
 * Owns: the table, the TLV walk, Pad1/PadN; each option's decoder is in
 * mh_opt_dec.c (with the assignment of options to session groups, mh.h
 * "Combined PBU"), its encoder in mh_opt_enc.c. Must not: know message
 * layouts (mh.c) or read past mh[end].
 *
 * Alignment "xn+y" means the Option Type octet sits at x*n + y octets from
 * the start of the Mobility Header (RFC 6275 6.2.1). Decoding does not
 * enforce alignment (a receiver has no reason to reject a misaligned but
 * well-formed option); encoding always honours it.
 */
#include <string.h>

#include "mh_opt_int.h"
#include "wire.h"

struct mh_opt_desc {
	uint8_t type;
	uint8_t min_len;             /* Option Length, octets after Length */
	uint8_t max_len;
	uint8_t align_x, align_y;
	const char *bad_len;         /* reason for a wrong length */
	int (*decode)(struct mh_dec_ctx *c, const uint8_t *d, uint8_t len,
		      const char **why);
	/* Writes the option data (after Type/Length) into d (255 octets),
	 * returns its length or -1. idx selects one HNP of the group. */
	int (*encode)(const struct mh_msg *m, const struct mh_group *g,
		      unsigned idx, uint8_t *d, const char **why);
};

/* Lengths and alignments: MN-ID has none (RFC 4283 3); HNP 8n+4, length 18
 * (RFC 5213 8.3); HI and ATT none, length 2 (8.4, 8.5); MN-LL-ID none,
 * length 2 + identifier (8.6); Link-local Address 8n+6, length 16 (8.7);
 * Timestamp 8n+2, length 8 (8.8); Alternate Care-of Address 8n+6, length
 * 16 (RFC 6275 6.2.5); Restart Counter (RFC 5847 6.1) length 4, 4n+2 so
 * that the counter is 4-aligned (the length is tshark 4.0's; the
 * alignment is ours, see doc/protocol.md). BID (RFC 5648 6.2): we always place it
 * at 8n+2, which meets a 2n, 4n+2 or 8n+2 requirement alike and puts an
 * IPv6 care-of address (option offset 6) on an 8-octet boundary. Service
 * Selection (RFC 5149 3): no alignment, identifier 1..255 octets. */
static const struct mh_opt_desc opt_table[] = {
	{ MH_OPT_MN_ID, 1, 255, 1, 0,
	  "Mobile Node Identifier option: bad length", mh_opt_dec_mn_id, mh_opt_enc_mn_id },
	{ MH_OPT_HNP, 18, 18, 8, 4,
	  "Home Network Prefix option: bad length (18)", mh_opt_dec_hnp, mh_opt_enc_hnp },
	{ MH_OPT_HI, 2, 2, 1, 0,
	  "Handoff Indicator option: bad length (2)", mh_opt_dec_hi, mh_opt_enc_hi },
	{ MH_OPT_ATT, 2, 2, 1, 0,
	  "Access Technology Type option: bad length (2)", mh_opt_dec_att, mh_opt_enc_att },
	{ MH_OPT_MN_LL_ID, 3, 2 + MH_LL_ID_MAX, 1, 0,
	  "MN Link-layer Identifier option: bad length (3..18)",
	  mh_opt_dec_mn_ll_id, mh_opt_enc_mn_ll_id },
	{ MH_OPT_LL_ADDR, 16, 16, 8, 6,
	  "Link-local Address option: bad length (16)",
	  mh_opt_dec_ll_addr, mh_opt_enc_ll_addr },
	{ MH_OPT_TIMESTAMP, 8, 8, 8, 2,
	  "Timestamp option: bad length (8)", mh_opt_dec_timestamp, mh_opt_enc_timestamp },
	{ MH_OPT_ALT_COA, 16, 16, 8, 6,
	  "Alternate Care-of Address option: bad length (16)",
	  mh_opt_dec_alt_coa, mh_opt_enc_alt_coa },
	{ MH_OPT_RESTART_COUNTER, 4, 4, 4, 2,
	  "Restart Counter option: bad length (4)",
	  mh_opt_dec_restart_counter, mh_opt_enc_restart_counter },
	{ MH_OPT_SERVICE_SELECTION, 1, MH_SERVICE_MAX, 1, 0,
	  "Service Selection option: bad length (1..255)",
	  mh_opt_dec_service, mh_opt_enc_service },
	{ MH_OPT_BID, 4, 20, 8, 2,
	  "Binding Identifier option: bad length (4, 8 or 20)",
	  mh_opt_dec_bid, mh_opt_enc_bid },
	/* RFC 6089 4.2, 4.3: alignment 2n (from memory, doc/protocol.md) */
	{ MH_OPT_FLOW_ID, 6, 255, 2, 0,
	  "Flow Identification option: bad length (at least 6)",
	  mh_opt_dec_flow_id, mh_opt_enc_flow_id },
	{ MH_OPT_FLOW_SUMMARY, 2, 2 * MH_FLOW_SUMMARY_MAX, 2, 0,
	  "Flow Summary option: bad length (2..64, even)",
	  mh_opt_dec_flow_summary, mh_opt_enc_flow_summary },
};

static const struct mh_opt_desc *opt_find(uint8_t type)
{
	size_t i;

	for (i = 0; i < sizeof opt_table / sizeof opt_table[0]; i++)
		if (opt_table[i].type == type)
			return &opt_table[i];
	return NULL;
}

/* --- the TLV walk -------------------------------------------------------- */

int mh_opts_decode(const uint8_t *mh, size_t off, size_t end,
		   struct mh_msg *m, const char **why)
{
	struct mh_dec_ctx c = { .m = m, .seen_bid = false };
	const struct mh_opt_desc *d;
	uint8_t type, len;

	while (off < end) {
		type = mh[off];
		if (type == MH_OPT_PAD1) {      /* RFC 6275 6.2.2: one octet */
			off++;
			continue;
		}
		if (end - off < 2) {
			*why = "mobility option header truncated";
			return -1;
		}
		len = mh[off + 1];
		if (end - off - 2 < len) {
			*why = "mobility option length beyond Header Len";
			return -1;
		}
		d = opt_find(type);
		if (d && (len < d->min_len || len > d->max_len)) {
			*why = d->bad_len;
			return -1;
		}
		if (d && d->decode(&c, mh + off + 2, len, why) < 0)
			return -1;
		if (!d && type != MH_OPT_PADN)
			m->n_unknown_opts++;    /* RFC 6275 6.2.1: skip */
		off += 2 + (size_t)len;
	}
	return 0;
}

int mh_pad_to(uint8_t *mh, size_t cap, size_t *off, unsigned x, unsigned y,
	      const char **why)
{
	size_t n = (y + x - *off % x) % x;

	if (cap - *off < n) {
		*why = "buffer too small";
		return -1;
	}
	if (n == 1) {
		mh[*off] = MH_OPT_PAD1;
	} else if (n >= 2) {
		mh[*off] = MH_OPT_PADN;
		mh[*off + 1] = (uint8_t)(n - 2);
		memset(mh + *off + 2, 0, n - 2);
	}
	*off += n;
	return 0;
}

static int put_opt(uint8_t *mh, size_t cap, size_t *off, uint8_t type,
		   const struct mh_msg *m, const struct mh_group *g,
		   unsigned idx, const char **why)
{
	const struct mh_opt_desc *d = opt_find(type);
	uint8_t data[255];
	int len;

	len = d->encode(m, g, idx, data, why);
	if (len < 0 || mh_pad_to(mh, cap, off, d->align_x, d->align_y, why) < 0)
		return -1;
	if (cap - *off < 2 + (size_t)len) {
		*why = "buffer too small";
		return -1;
	}
	mh[*off] = type;
	mh[*off + 1] = (uint8_t)len;
	memcpy(mh + *off + 2, data, (size_t)len);
	*off += 2 + (size_t)len;
	return 0;
}

/* Per-session options, in the combined-PBU order (mh.h): BID, MN-LL-ID,
 * Service Selection, ATT, HI, Link-local Address, HNPs. */
static int put_group(uint8_t *mh, size_t cap, size_t *off,
		     const struct mh_msg *m, const struct mh_group *g,
		     const char **why)
{
	unsigned i;

	if (g->n_hnp > MH_HNP_MAX) {
		*why = "too many Home Network Prefixes in one session";
		return -1;
	}
	if ((g->has_bid && put_opt(mh, cap, off, MH_OPT_BID, m, g, 0, why)) ||
	    (g->has_mn_ll_id &&
	     put_opt(mh, cap, off, MH_OPT_MN_LL_ID, m, g, 0, why)) ||
	    (g->service_len &&
	     put_opt(mh, cap, off, MH_OPT_SERVICE_SELECTION, m, g, 0, why)) ||
	    (g->has_att && put_opt(mh, cap, off, MH_OPT_ATT, m, g, 0, why)) ||
	    (g->has_hi && put_opt(mh, cap, off, MH_OPT_HI, m, g, 0, why)) ||
	    (g->has_ll_addr &&
	     put_opt(mh, cap, off, MH_OPT_LL_ADDR, m, g, 0, why)))
		return -1;
	for (i = 0; i < g->n_hnp; i++)
		if (put_opt(mh, cap, off, MH_OPT_HNP, m, g, i, why) < 0)
			return -1;
	return 0;
}

/* RFC 6089 options after the session groups: they are common to the
 * message (each names its BIDs), so their place does not matter. */
static int put_flows(uint8_t *mh, size_t cap, size_t *off,
		     const struct mh_msg *m, const char **why)
{
	unsigned i;

	if (m->n_flow > MH_FLOW_MAX) {
		*why = "too many Flow Identification options";
		return -1;
	}
	for (i = 0; i < m->n_flow; i++)
		if (put_opt(mh, cap, off, MH_OPT_FLOW_ID, m, NULL, i, why) < 0)
			return -1;
	if (m->has_flow_summary &&
	    put_opt(mh, cap, off, MH_OPT_FLOW_SUMMARY, m, NULL, 0, why) < 0)
		return -1;
	return 0;
}

int mh_opts_encode(const struct mh_msg *m, uint8_t *mh, size_t cap,
		   size_t *off, const char **why)
{
	unsigned i;

	if (m->n_groups > MH_GROUP_MAX) {
		*why = "too many session groups";
		return -1;
	}
	/* Several groups are told apart only by their BID options. */
	for (i = 0; m->n_groups > 1 && i < m->n_groups; i++)
		if (!m->group[i].has_bid) {
			*why = "session group without Binding Identifier in a multi-session message";
			return -1;
		}
	if ((m->has_mn_id && put_opt(mh, cap, off, MH_OPT_MN_ID, m, NULL, 0, why)) ||
	    (m->has_timestamp &&
	     put_opt(mh, cap, off, MH_OPT_TIMESTAMP, m, NULL, 0, why)) ||
	    (m->has_alt_coa &&
	     put_opt(mh, cap, off, MH_OPT_ALT_COA, m, NULL, 0, why)) ||
	    (m->has_restart_counter &&
	     put_opt(mh, cap, off, MH_OPT_RESTART_COUNTER, m, NULL, 0, why)))
		return -1;
	for (i = 0; i < m->n_groups; i++)
		if (put_group(mh, cap, off, m, &m->group[i], why) < 0)
			return -1;
	return put_flows(mh, cap, off, m, why);
}
