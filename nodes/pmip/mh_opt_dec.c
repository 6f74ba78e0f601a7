/*
 * mh_opt_dec.c - the decoders of the mobility option table (mh_opt.c): one
 * a option type, each bounds-checked on the option's own length, and the
 * assignment of per-session options to session groups (a BID opens a
 * group). Must not: read past d[len).
 */
#include <string.h>

#include "mh_opt_int.h"
#include "wire.h"

/* --- session groups ------------------------------------------------------ */

static bool group_has_content(const struct mh_group *g)
{
	return g->has_bid || g->has_mn_ll_id || g->has_hi || g->has_att ||
	       g->has_ll_addr || g->n_hnp || g->service_len;
}

/* The group that per-session options currently go to. */
static struct mh_group *dec_group(struct mh_dec_ctx *c)
{
	if (c->m->n_groups == 0)
		c->m->n_groups = 1;
	return &c->m->group[c->m->n_groups - 1];
}

/* A BID opens a new group; the first BID takes group 0, which must then
 * be empty: per-session options before it would belong to no BID. */
static struct mh_group *dec_group_for_bid(struct mh_dec_ctx *c, const char **why)
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
int mh_opt_dec_mn_id(struct mh_dec_ctx *c, const uint8_t *d, uint8_t len,
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
int mh_opt_dec_hnp(struct mh_dec_ctx *c, const uint8_t *d, uint8_t len,
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
int mh_opt_dec_hi(struct mh_dec_ctx *c, const uint8_t *d, uint8_t len,
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
int mh_opt_dec_att(struct mh_dec_ctx *c, const uint8_t *d, uint8_t len,
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
int mh_opt_dec_mn_ll_id(struct mh_dec_ctx *c, const uint8_t *d, uint8_t len,
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
int mh_opt_dec_ll_addr(struct mh_dec_ctx *c, const uint8_t *d, uint8_t len,
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
int mh_opt_dec_timestamp(struct mh_dec_ctx *c, const uint8_t *d, uint8_t len,
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
int mh_opt_dec_service(struct mh_dec_ctx *c, const uint8_t *d, uint8_t len,
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
int mh_opt_dec_restart_counter(struct mh_dec_ctx *c, const uint8_t *d, uint8_t len,
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
int mh_opt_dec_alt_coa(struct mh_dec_ctx *c, const uint8_t *d, uint8_t len,
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
int mh_opt_dec_bid(struct mh_dec_ctx *c, const uint8_t *d, uint8_t len,
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
int mh_opt_dec_flow_id(struct mh_dec_ctx *c, const uint8_t *d, uint8_t len,
		       const char **why)
{
	if (c->m->n_flow >= MH_FLOW_MAX) {
		*why = "more than 8 Flow Identification options";
		return -1;
	}
	return mh_flow_decode(d, len, &c->m->flow[c->m->n_flow++], why);
}

/* RFC 6089 4.3: the FIDs the sender holds, 16 bits each. */
int mh_opt_dec_flow_summary(struct mh_dec_ctx *c, const uint8_t *d, uint8_t len,
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

