/*
 * mh_opt_enc.c - the encoders of the mobility option table (mh_opt.c): the
 * data of each option pmipemu sends, from a struct mh_msg. Must not: write
 * more than 255 octets (an option's length field).
 */
#include <string.h>

#include "mh_opt_int.h"
#include "wire.h"

/* --- encoders ------------------------------------------------------------ */

int mh_opt_enc_flow_id(const struct mh_msg *m, const struct mh_group *g,
		       unsigned idx, uint8_t *d, const char **why)
{
	(void)g;
	return mh_flow_encode(&m->flow[idx], d, 255, why);
}

int mh_opt_enc_flow_summary(const struct mh_msg *m, const struct mh_group *g,
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

int mh_opt_enc_mn_id(const struct mh_msg *m, const struct mh_group *g,
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

int mh_opt_enc_hnp(const struct mh_msg *m, const struct mh_group *g,
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

int mh_opt_enc_hi(const struct mh_msg *m, const struct mh_group *g,
		  unsigned idx, uint8_t *d, const char **why)
{
	(void)m, (void)idx, (void)why;
	d[0] = 0;
	d[1] = g->hi;
	return 2;
}

int mh_opt_enc_att(const struct mh_msg *m, const struct mh_group *g,
		   unsigned idx, uint8_t *d, const char **why)
{
	(void)m, (void)idx, (void)why;
	d[0] = 0;
	d[1] = g->att;
	return 2;
}

int mh_opt_enc_mn_ll_id(const struct mh_msg *m, const struct mh_group *g,
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

int mh_opt_enc_ll_addr(const struct mh_msg *m, const struct mh_group *g,
		       unsigned idx, uint8_t *d, const char **why)
{
	(void)m, (void)idx, (void)why;
	memcpy(d, g->ll_addr.s6_addr, 16);
	return 16;
}

int mh_opt_enc_timestamp(const struct mh_msg *m, const struct mh_group *g,
			 unsigned idx, uint8_t *d, const char **why)
{
	(void)g, (void)idx, (void)why;
	wire_put64(d, m->timestamp);
	return 8;
}

int mh_opt_enc_restart_counter(const struct mh_msg *m, const struct mh_group *g,
			       unsigned idx, uint8_t *d, const char **why)
{
	(void)g, (void)idx, (void)why;
	wire_put32(d, m->restart_counter);
	return 4;
}

int mh_opt_enc_alt_coa(const struct mh_msg *m, const struct mh_group *g,
		       unsigned idx, uint8_t *d, const char **why)
{
	(void)g, (void)idx, (void)why;
	memcpy(d, m->alt_coa.s6_addr, 16);
	return 16;
}

int mh_opt_enc_service(const struct mh_msg *m, const struct mh_group *g,
		       unsigned idx, uint8_t *d, const char **why)
{
	(void)m, (void)idx, (void)why;
	memcpy(d, g->service, g->service_len);
	return g->service_len;
}

int mh_opt_enc_bid(const struct mh_msg *m, const struct mh_group *g,
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

