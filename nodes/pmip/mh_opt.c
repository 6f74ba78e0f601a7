/*
 * mh_opt.c - the mobility option table: length, alignment, decode and
 * encode of every option pmipemu speaks (RFC 6275 6.2, 6.2.5, RFC 4283 3,
 * RFC 5213 8.3-8.8, RFC 5648 6.2, RFC 5149 3, RFC 6089 4.2-4.3).
 *
 * Owns: the TLV walk, Pad1/PadN, the assignment of options to session
 * groups (mh.h, "Combined PBU"). Must not: know message layouts (mh.c)
 * or read past mh[end].
 *
 * Alignment "xn+y" means the Option Type octet sits at x*n + y octets from
 * the start of the Mobility Header (RFC 6275 6.2.1). Decoding does not
 * enforce alignment (a receiver has no reason to reject a misaligned but
 * well-formed option); encoding always honours it.
 */
#include <string.h>

#include "mh_opt.h"
#include "wire.h"

struct dec_ctx {
	struct mh_msg *m;
	bool seen_bid;
};

struct mh_opt_desc {
	uint8_t type;
	uint8_t min_len;             /* Option Length, octets after Length */
	uint8_t max_len;
	uint8_t align_x, align_y;
	const char *bad_len;         /* reason for a wrong length */
	int (*decode)(struct dec_ctx *c, const uint8_t *d, uint8_t len,
		      const char **why);
	/* Writes the option data (after Type/Length) into d (255 octets),
	 * returns its length or -1. idx selects one HNP of the group. */
	int (*encode)(const struct mh_msg *m, const struct mh_group *g,
		      unsigned idx, uint8_t *d, const char **why);
};

/* --- session groups ------------------------------------------------------ */

static bool group_has_content(const struct mh_group *g)
{
	return g->has_bid || g->has_mn_ll_id || g->has_hi || g->has_att ||
	       g->has_ll_addr || g->n_hnp || g->service_len;
}

/* The group that per-session options currently go to. */
static struct mh_group *dec_group(struct dec_ctx *c)
{
	if (c->m->n_groups == 0)
		c->m->n_groups = 1;
	return &c->m->group[c->m->n_groups - 1];
}

/* A BID opens a new group; the first BID takes group 0, which must then
 * be empty: per-session options before it would belong to no BID. */
static struct mh_group *dec_group_for_bid(struct dec_ctx *c, const char **why)
{
	struct mh_msg *m = c->m;

	if (!c->seen_bid) {
		c->seen_bid = true;
		if (m->n_groups && group_has_content(&m->group[0])) {
			*why = "per-session option before the first Binding Identifier option";
			return NULL;
		}
		m->n_groups = 1;
		return &m->group[0];
	}
	if (m->n_groups >= MH_GROUP_MAX) {
		*why = "too many Binding Identifier options (session groups)";
		return NULL;
	}
	memset(&m->group[m->n_groups], 0, sizeof m->group[0]);
	return &m->group[m->n_groups++];
}

/* --- decoders ------------------------------------------------------------ */

/* RFC 4283 3: Subtype, then the identifier (at least one octet). A PBA
 * with status 160 may carry it empty (a reading of RFC 5213 5.3.1 some
 * LMAs follow): accepted in a BA. We never send one (tshark 4.0 flags an
 * option length below 2), see doc/protocol.md. */
static int dec_mn_id(struct dec_ctx *c, const uint8_t *d, uint8_t len,
		     const char **why)
{
	if (c->m->has_mn_id) {
		*why = "duplicate Mobile Node Identifier option";
		return -1;
	}
	if (len < 2 && c->m->type != MH_TYPE_BA) {
		*why = "Mobile Node Identifier option: bad length";
		return -1;
	}
	c->m->has_mn_id = true;
	c->m->mn_id_subtype = d[0];
	c->m->mn_id_len = (uint8_t)(len - 1);
	memcpy(c->m->mn_id, d + 1, (size_t)len - 1);
	return 0;
}

/* RFC 5213 8.3: Reserved, Prefix Length, 128-bit prefix. */
static int dec_hnp(struct dec_ctx *c, const uint8_t *d, uint8_t len,
		   const char **why)
{
	struct mh_group *g = dec_group(c);
	struct mh_prefix *p;

	(void)len;
	if (d[1] > 128) {
		*why = "Home Network Prefix option: prefix length over 128";
		return -1;
	}
	if (g->n_hnp >= MH_HNP_MAX) {
		*why = "too many Home Network Prefix options in one session";
		return -1;
	}
	p = &g->hnp[g->n_hnp++];
	p->len = d[1];
	memcpy(p->prefix.s6_addr, d + 2, 16);
	return 0;
}

/* RFC 5213 8.4: Reserved, Handoff Indicator. */
static int dec_hi(struct dec_ctx *c, const uint8_t *d, uint8_t len,
		  const char **why)
{
	struct mh_group *g = dec_group(c);

	(void)len;
	if (g->has_hi) {
		*why = "duplicate Handoff Indicator option";
		return -1;
	}
	g->has_hi = true;
	g->hi = d[1];
	return 0;
}

/* RFC 5213 8.5: Reserved, Access Technology Type. */
static int dec_att(struct dec_ctx *c, const uint8_t *d, uint8_t len,
		   const char **why)
{
	struct mh_group *g = dec_group(c);

	(void)len;
	if (g->has_att) {
		*why = "duplicate Access Technology Type option";
		return -1;
	}
	g->has_att = true;
	g->att = d[1];
	return 0;
}

/* RFC 5213 8.6: 16-bit Reserved, then the identifier. */
static int dec_mn_ll_id(struct dec_ctx *c, const uint8_t *d, uint8_t len,
			const char **why)
{
	struct mh_group *g = dec_group(c);

	if (g->has_mn_ll_id) {
		*why = "duplicate Mobile Node Link-layer Identifier option";
		return -1;
	}
	g->has_mn_ll_id = true;
	g->mn_ll_id_len = (uint8_t)(len - 2);
	memcpy(g->mn_ll_id, d + 2, (size_t)len - 2);
	return 0;
}

/* RFC 5213 8.7: the 128-bit link-local address. */
static int dec_ll_addr(struct dec_ctx *c, const uint8_t *d, uint8_t len,
		       const char **why)
{
	struct mh_group *g = dec_group(c);

	(void)len;
	if (g->has_ll_addr) {
		*why = "duplicate Link-local Address option";
		return -1;
	}
	g->has_ll_addr = true;
	memcpy(g->ll_addr.s6_addr, d, 16);
	return 0;
}

/* RFC 5213 8.8: 64-bit timestamp. */
static int dec_timestamp(struct dec_ctx *c, const uint8_t *d, uint8_t len,
			 const char **why)
{
	(void)len;
	if (c->m->has_timestamp) {
		*why = "duplicate Timestamp option";
		return -1;
	}
	c->m->has_timestamp = true;
	c->m->timestamp = wire_get64(d);
	return 0;
}

/* RFC 5149 3: the service identifier, 1..255 octets of UTF-8 (not checked:
 * the LMA compares it octet by octet with its profiles). Per session: in a
 * combined PBU it names the service of its BID's group. */
static int dec_service(struct dec_ctx *c, const uint8_t *d, uint8_t len,
		       const char **why)
{
	struct mh_group *g = dec_group(c);

	if (g->service_len) {
		*why = "duplicate Service Selection option";
		return -1;
	}
	g->service_len = len;
	memcpy(g->service, d, len);
	return 0;
}

/* RFC 5847 6.1: the 32-bit Restart Counter. */
static int dec_restart_counter(struct dec_ctx *c, const uint8_t *d, uint8_t len,
			       const char **why)
{
	(void)len;
	if (c->m->has_restart_counter) {
		*why = "duplicate Restart Counter option";
		return -1;
	}
	c->m->has_restart_counter = true;
	c->m->restart_counter = wire_get32(d);
	return 0;
}

/* RFC 6275 6.2.5: one IPv6 address; in an HI it names the peer MAG
 * (doc/protocol.md "Appendix D"). Common to the message, like MN-ID. */
static int dec_alt_coa(struct dec_ctx *c, const uint8_t *d, uint8_t len,
		       const char **why)
{
	(void)len;
	if (c->m->has_alt_coa) {
		*why = "duplicate Alternate Care-of Address option";
		return -1;
	}
	c->m->has_alt_coa = true;
	memcpy(c->m->alt_coa.s6_addr, d, 16);
	return 0;
}

/* RFC 5648 6.2 (BID-PRI: RFC 6089 4.1): BID, Status, H|BID-PRI, then an
 * optional IPv4 (4) or IPv6 (16) care-of address. */
static int dec_bid(struct dec_ctx *c, const uint8_t *d, uint8_t len,
		   const char **why)
{
	struct mh_group *g;

	if (len != 4 && len != 8 && len != 20) {
		*why = "Binding Identifier option: bad length (4, 8 or 20)";
		return -1;
	}
	g = dec_group_for_bid(c, why);
	if (!g)
		return -1;
	g->has_bid = true;
	g->bid = wire_get16(d);
	g->bid_status = d[2];
	g->bid_h = d[3] & 0x80;
	g->bid_pri = d[3] & 0x7f;
	g->bid_coa_len = (uint8_t)(len - 4);
	memcpy(g->bid_coa, d + 4, (size_t)len - 4);
	return 0;
}

/* RFC 6089 4.2: one flow binding; its data is mh_flow.c's. Common to the
 * message wherever it sits (it names its BIDs itself). */
static int dec_flow_id(struct dec_ctx *c, const uint8_t *d, uint8_t len,
		       const char **why)
{
	if (c->m->n_flow >= MH_FLOW_MAX) {
		*why = "more than 8 Flow Identification options";
		return -1;
	}
	return mh_flow_decode(d, len, &c->m->flow[c->m->n_flow++], why);
}

/* RFC 6089 4.3: the FIDs the sender holds, 16 bits each. */
static int dec_flow_summary(struct dec_ctx *c, const uint8_t *d, uint8_t len,
			    const char **why)
{
	struct mh_msg *m = c->m;
	unsigned i;

	if (m->has_flow_summary || len % 2 || len / 2 > MH_FLOW_SUMMARY_MAX) {
		*why = m->has_flow_summary ? "duplicate Flow Summary option"
			: "Flow Summary option: bad length (2..64, even)";
		return -1;
	}
	m->has_flow_summary = true;
	m->n_flow_summary = (uint8_t)(len / 2);
	for (i = 0; i < m->n_flow_summary; i++)
		m->flow_summary[i] = wire_get16(d + 2 * i);
	return 0;
}

/* --- encoders ------------------------------------------------------------ */

static int enc_flow_id(const struct mh_msg *m, const struct mh_group *g,
		       unsigned idx, uint8_t *d, const char **why)
{
	(void)g;
	return mh_flow_encode(&m->flow[idx], d, 255, why);
}

static int enc_flow_summary(const struct mh_msg *m, const struct mh_group *g,
			    unsigned idx, uint8_t *d, const char **why)
{
	unsigned i;

	(void)g, (void)idx;
	if (m->n_flow_summary < 1 || m->n_flow_summary > MH_FLOW_SUMMARY_MAX) {
		*why = "Flow Summary: FIDs not 1..32";
		return -1;
	}
	for (i = 0; i < m->n_flow_summary; i++)
		wire_put16(d + 2 * i, m->flow_summary[i]);
	return 2 * m->n_flow_summary;
}

static int enc_mn_id(const struct mh_msg *m, const struct mh_group *g,
		     unsigned idx, uint8_t *d, const char **why)
{
	(void)g, (void)idx;
	/* empty only in a BA, as the decoder takes it (a 160 PBA of another
	 * LMA); our daemons never send one (tshark 4.0 flags it) */
	if ((m->mn_id_len < 1 && m->type != MH_TYPE_BA) || m->mn_id_len > 254) {
		*why = "Mobile Node Identifier: length not 1..254";
		return -1;
	}
	d[0] = m->mn_id_subtype;
	memcpy(d + 1, m->mn_id, m->mn_id_len);
	return 1 + m->mn_id_len;
}

static int enc_hnp(const struct mh_msg *m, const struct mh_group *g,
		   unsigned idx, uint8_t *d, const char **why)
{
	(void)m;
	if (g->hnp[idx].len > 128) {
		*why = "Home Network Prefix: prefix length over 128";
		return -1;
	}
	d[0] = 0;
	d[1] = g->hnp[idx].len;
	memcpy(d + 2, g->hnp[idx].prefix.s6_addr, 16);
	return 18;
}

static int enc_hi(const struct mh_msg *m, const struct mh_group *g,
		  unsigned idx, uint8_t *d, const char **why)
{
	(void)m, (void)idx, (void)why;
	d[0] = 0;
	d[1] = g->hi;
	return 2;
}

static int enc_att(const struct mh_msg *m, const struct mh_group *g,
		   unsigned idx, uint8_t *d, const char **why)
{
	(void)m, (void)idx, (void)why;
	d[0] = 0;
	d[1] = g->att;
	return 2;
}

static int enc_mn_ll_id(const struct mh_msg *m, const struct mh_group *g,
			unsigned idx, uint8_t *d, const char **why)
{
	(void)m, (void)idx;
	if (g->mn_ll_id_len < 1 || g->mn_ll_id_len > MH_LL_ID_MAX) {
		*why = "MN Link-layer Identifier: length not 1..16";
		return -1;
	}
	d[0] = d[1] = 0;
	memcpy(d + 2, g->mn_ll_id, g->mn_ll_id_len);
	return 2 + g->mn_ll_id_len;
}

static int enc_ll_addr(const struct mh_msg *m, const struct mh_group *g,
		       unsigned idx, uint8_t *d, const char **why)
{
	(void)m, (void)idx, (void)why;
	memcpy(d, g->ll_addr.s6_addr, 16);
	return 16;
}

static int enc_timestamp(const struct mh_msg *m, const struct mh_group *g,
			 unsigned idx, uint8_t *d, const char **why)
{
	(void)g, (void)idx, (void)why;
	wire_put64(d, m->timestamp);
	return 8;
}

static int enc_restart_counter(const struct mh_msg *m, const struct mh_group *g,
			       unsigned idx, uint8_t *d, const char **why)
{
	(void)g, (void)idx, (void)why;
	wire_put32(d, m->restart_counter);
	return 4;
}

static int enc_alt_coa(const struct mh_msg *m, const struct mh_group *g,
		       unsigned idx, uint8_t *d, const char **why)
{
	(void)g, (void)idx, (void)why;
	memcpy(d, m->alt_coa.s6_addr, 16);
	return 16;
}

static int enc_service(const struct mh_msg *m, const struct mh_group *g,
		       unsigned idx, uint8_t *d, const char **why)
{
	(void)m, (void)idx, (void)why;
	memcpy(d, g->service, g->service_len);
	return g->service_len;
}

static int enc_bid(const struct mh_msg *m, const struct mh_group *g,
		   unsigned idx, uint8_t *d, const char **why)
{
	(void)m, (void)idx;
	if (g->bid_coa_len != 0 && g->bid_coa_len != 4 &&
	    g->bid_coa_len != 16) {
		*why = "Binding Identifier: care-of address length not 0, 4 or 16";
		return -1;
	}
	wire_put16(d, g->bid);
	d[2] = g->bid_status;
	d[3] = (uint8_t)((g->bid_h ? 0x80 : 0) | (g->bid_pri & 0x7f));
	memcpy(d + 4, g->bid_coa, g->bid_coa_len);
	return 4 + g->bid_coa_len;
}

/* --- the table ----------------------------------------------------------- */

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
	  "Mobile Node Identifier option: bad length", dec_mn_id, enc_mn_id },
	{ MH_OPT_HNP, 18, 18, 8, 4,
	  "Home Network Prefix option: bad length (18)", dec_hnp, enc_hnp },
	{ MH_OPT_HI, 2, 2, 1, 0,
	  "Handoff Indicator option: bad length (2)", dec_hi, enc_hi },
	{ MH_OPT_ATT, 2, 2, 1, 0,
	  "Access Technology Type option: bad length (2)", dec_att, enc_att },
	{ MH_OPT_MN_LL_ID, 3, 2 + MH_LL_ID_MAX, 1, 0,
	  "MN Link-layer Identifier option: bad length (3..18)",
	  dec_mn_ll_id, enc_mn_ll_id },
	{ MH_OPT_LL_ADDR, 16, 16, 8, 6,
	  "Link-local Address option: bad length (16)",
	  dec_ll_addr, enc_ll_addr },
	{ MH_OPT_TIMESTAMP, 8, 8, 8, 2,
	  "Timestamp option: bad length (8)", dec_timestamp, enc_timestamp },
	{ MH_OPT_ALT_COA, 16, 16, 8, 6,
	  "Alternate Care-of Address option: bad length (16)",
	  dec_alt_coa, enc_alt_coa },
	{ MH_OPT_RESTART_COUNTER, 4, 4, 4, 2,
	  "Restart Counter option: bad length (4)",
	  dec_restart_counter, enc_restart_counter },
	{ MH_OPT_SERVICE_SELECTION, 1, MH_SERVICE_MAX, 1, 0,
	  "Service Selection option: bad length (1..255)",
	  dec_service, enc_service },
	{ MH_OPT_BID, 4, 20, 8, 2,
	  "Binding Identifier option: bad length (4, 8 or 20)",
	  dec_bid, enc_bid },
	/* RFC 6089 4.2, 4.3: alignment 2n (from memory, doc/protocol.md) */
	{ MH_OPT_FLOW_ID, 6, 255, 2, 0,
	  "Flow Identification option: bad length (at least 6)",
	  dec_flow_id, enc_flow_id },
	{ MH_OPT_FLOW_SUMMARY, 2, 2 * MH_FLOW_SUMMARY_MAX, 2, 0,
	  "Flow Summary option: bad length (2..64, even)",
	  dec_flow_summary, enc_flow_summary },
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
	struct dec_ctx c = { .m = m, .seen_bid = false };
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
