/*
 * topo_parse_mip6.c - an mn's <mip6> element: the client Mobile IPv6
 * function of mnd (problem statement appendix C, the DSMIPv6 side).
 *
 * Owns: its attributes and their limits. Must not: touch the system.
 */
#include <stdio.h>
#include <string.h>

#include "topo_int.h"

#define MIP6_LIFETIME_DEFAULT_S 60

void topo_parse_mip6(struct topo_pctx *c, struct topo_mip6 *m, xmlNode *x)
{
	uint64_t ns = 0;
	int rc;

	if (m->present) {
		struct topo_loc l = topo_p_loc(c, x);
		topo_errors_add(c->errs, &l, "more than one <mip6> (first at line %d)",
				m->loc.line);
		return;
	}
	m->present = true;
	m->loc = topo_p_loc(c, x);
	topo_p_name(c, x, "iface", m->iface, 15);
	topo_p_addr(c, x, "ha", &m->ha);
	topo_p_addr(c, x, "hoa", &m->hoa);
	topo_p_name(c, x, "mn-id", m->mn_id, sizeof(m->mn_id) - 1);
	if (topo_p_u32(c, x, "bid", &m->bid) == 1 && m->bid > 65535)
		topo_p_bad(c, x, "bid", topo_p_attr(c, x, "bid"), "must be 0..65535 (RFC 5648 6.2)");
	m->lifetime_s = MIP6_LIFETIME_DEFAULT_S;
	rc = topo_p_time(c, x, "lifetime", &ns);
	/* RFC 6275 6.1.7: units of 4 s in 16 bits */
	if (rc == 1 && (ns % 4000000000ULL || ns == 0 || ns > 262140000000000ULL))
		topo_p_bad(c, x, "lifetime", topo_p_attr(c, x, "lifetime"),
			   "must be a multiple of 4s from 4s up to 262140s (RFC 6275 6.1.7)");
	else if (rc == 1)
		m->lifetime_s = (uint32_t)(ns / 1000000000ULL);
}
