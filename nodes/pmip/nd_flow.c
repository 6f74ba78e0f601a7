/*
 * nd_flow.c - the MN's flow request, an ND option in a Router Solicitation
 * (the MN-to-MAG leg the draft leaves open; our design, doc/protocol.md
 * "MN to MAG").
 *
 * Owns: the option's layout. Must not: read past o[olen], touch sockets.
 *
 * Layout (option type 253, RFC 4727's experimental ND option type):
 *   Type (253), Length (8-octet units, RFC 4861 4.6), Kind (1: a pmipemu
 *   flow request; another Kind is another experiment's: skipped), Scope
 *   (0 this interface, 1 any of my interfaces), then the data of an RFC
 *   6089 Flow Identification option (mh_flow.c: FID, FID-PRI, Action,
 *   Status 0, a Traffic Selector sub-option; no Binding Reference: the MN
 *   knows no BIDs), padded with zero octets (Pad1 sub-options) to the
 *   8-octet boundary.
 * Kind 2, the request list: Type (253), Length, Kind (2), Count, then
 *   Count FIDs (16 bits each), zero-padded to the 8-octet boundary: every
 *   request the MN keeps on this interface; the MAG withdraws those it
 *   holds for the interface that the list omits (Count 0: all). Without a
 *   Kind 2 option an RS withdraws nothing (an MN that never withdraws
 *   need not send it). At most one a RS.
 */
#include <string.h>

#include "nd.h"
#include "wire.h"

#define FLOW_OPT_HDR 4

int nd_flow_opt_decode(const uint8_t *o, size_t olen, struct nd_flow_req *r,
		       const char **why)
{
	memset(r, 0, sizeof *r);
	if (olen < FLOW_OPT_HDR)
		return 0;               /* too short to be ours (ND lengths are x8) */
	if (o[2] != ND_FLOW_KIND)
		return 0;
	if (o[3] > ND_FLOW_SCOPE_ANY_IFACE) {
		*why = "flow request option: unknown Scope";
		return -1;
	}
	r->scope = o[3];
	if (mh_flow_decode(o + FLOW_OPT_HDR, olen - FLOW_OPT_HDR, &r->f, why) < 0)
		return -1;
	if (r->f.n_bref) {
		*why = "flow request option: a Binding Reference (the MN names no BID)";
		return -1;
	}
	return 1;
}

int nd_flow_opt_encode(const struct nd_flow_req *r, uint8_t *buf, size_t cap,
		       size_t *off, const char **why)
{
	uint8_t data[255];
	size_t olen;
	int n;

	if (r->f.n_bref || r->scope > ND_FLOW_SCOPE_ANY_IFACE) {
		*why = r->f.n_bref ? "flow request: the MN names no BID"
				   : "flow request: unknown Scope";
		return -1;
	}
	n = mh_flow_encode(&r->f, data, sizeof data, why);
	if (n < 0)
		return -1;
	olen = (FLOW_OPT_HDR + (size_t)n + 7) / 8 * 8;
	if (olen > 255 * 8 || cap < *off || cap - *off < olen) {
		*why = "buffer too small";
		return -1;
	}
	memset(buf + *off, 0, olen);
	buf[*off] = ND_OPT_EXP_FLOW;
	buf[*off + 1] = (uint8_t)(olen / 8);
	buf[*off + 2] = ND_FLOW_KIND;
	buf[*off + 3] = r->scope;
	memcpy(buf + *off + FLOW_OPT_HDR, data, (size_t)n);
	*off += olen;
	return 0;
}

int nd_flow_list_decode(const uint8_t *o, size_t olen, struct nd_rs *rs,
			const char **why)
{
	if (olen < FLOW_OPT_HDR || o[2] != ND_FLOW_LIST_KIND)
		return 0;
	if (rs->has_flow_list) {
		*why = "flow request list: more than one in an RS";
		return -1;
	}
	if (o[3] > ND_FLOW_LIST_MAX || FLOW_OPT_HDR + 2u * o[3] > olen) {
		*why = o[3] > ND_FLOW_LIST_MAX ? "flow request list: Count above 32"
					       : "flow request list: Count runs past the option";
		return -1;
	}
	rs->has_flow_list = true;
	rs->n_flow_list = o[3];
	for (uint8_t i = 0; i < o[3]; i++)
		rs->flow_list[i] = wire_get16(o + FLOW_OPT_HDR + 2 * i);
	return 1;
}

int nd_flow_list_encode(const struct nd_rs *rs, uint8_t *buf, size_t cap,
			size_t *off, const char **why)
{
	size_t olen = (FLOW_OPT_HDR + 2u * rs->n_flow_list + 7) / 8 * 8;

	if (rs->n_flow_list > ND_FLOW_LIST_MAX) {
		*why = "flow request list: more than 32 FIDs";
		return -1;
	}
	if (cap < *off || cap - *off < olen) {
		*why = "buffer too small";
		return -1;
	}
	memset(buf + *off, 0, olen);
	buf[*off] = ND_OPT_EXP_FLOW;
	buf[*off + 1] = (uint8_t)(olen / 8);
	buf[*off + 2] = ND_FLOW_LIST_KIND;
	buf[*off + 3] = rs->n_flow_list;
	for (uint8_t i = 0; i < rs->n_flow_list; i++)
		wire_put16(buf + *off + FLOW_OPT_HDR + 2 * i, rs->flow_list[i]);
	*off += olen;
	return 0;
}
