/*
 * mh_flow.c - the data of the RFC 6089 Flow Identification option
 * (section 4.2; from memory, see doc/protocol.md) <-> struct mh_flow.
 *
 * Owns: FID, FID-PRI, Status and the sub-options (Pad1, PadN,
 * Binding Reference, Traffic Selector). Must not: know where the option
 * sits (mh_opt.c places it in a Mobility Header, nd_flow.c in an ND
 * option), read past d[len].
 *
 * Layout: FID (16), FID-PRI (16), Reserved (8: sent 0, ignored on
 * receipt), Status (8), then
 * sub-options Type (8), Length (8, octets after it), data:
 *   Binding Reference (2): BIDs, 16 bits each;
 *   Traffic Selector (3): TS Format (8), Reserved (8), the selector
 *   (format 2: RFC 6088 3.2, flow_ts.c).
 * Encoding order: Binding Reference (when it has BIDs), Traffic Selector
 * (when ts_format is not 0). Unknown sub-options are skipped.
 */
#include <string.h>

#include "flow_ts.h"
#include "mh.h"
#include "wire.h"

#define FLOW_HDR_LEN 6

static int dec_bref(struct mh_flow *f, const uint8_t *d, size_t len,
		    const char **why)
{
	size_t i;

	if (f->n_bref) {
		*why = "Flow Identification: duplicate Binding Reference sub-option";
		return -1;
	}
	if (len == 0 || len % 2) {
		*why = "Flow Identification: Binding Reference length not a non-zero even number";
		return -1;
	}
	if (len / 2 > MH_FLOW_BREF_MAX) {
		*why = "Flow Identification: more than 8 BIDs in a Binding Reference";
		return -1;
	}
	for (i = 0; i < len / 2; i++)
		f->bref[i] = wire_get16(d + 2 * i);
	f->n_bref = (uint8_t)(len / 2);
	return 0;
}

static int dec_ts(struct mh_flow *f, const uint8_t *d, size_t len,
		  const char **why)
{
	if (f->ts_format) {
		*why = "Flow Identification: duplicate Traffic Selector sub-option";
		return -1;
	}
	if (len < 2 || d[0] == 0) {
		*why = "Flow Identification: Traffic Selector sub-option too short or TS Format 0";
		return -1;
	}
	f->ts_format = d[0];
	/* another format is kept, unread: the receiver answers 133 */
	if (f->ts_format != FLOW_TS_FORMAT_IPV6)
		return 0;
	return flow_ts_decode(d + 2, len - 2, &f->ts, why);
}

int mh_flow_decode(const uint8_t *d, size_t len, struct mh_flow *f,
		   const char **why)
{
	size_t off = FLOW_HDR_LEN;

	memset(f, 0, sizeof *f);
	if (len < FLOW_HDR_LEN) {
		*why = "Flow Identification option: bad length (at least 6)";
		return -1;
	}
	f->fid = wire_get16(d);
	f->fid_pri = wire_get16(d + 2);
	f->status = d[5];               /* d[4]: Reserved */
	while (off < len) {
		uint8_t type = d[off], sl;
		int rc = 0;

		if (type == MH_FLOW_SUB_PAD1) {
			off++;
			continue;
		}
		if (len - off < 2 || len - off - 2 < d[off + 1]) {
			*why = "Flow Identification: sub-option beyond the option";
			return -1;
		}
		sl = d[off + 1];
		if (type == MH_FLOW_SUB_BINDING_REF)
			rc = dec_bref(f, d + off + 2, sl, why);
		else if (type == MH_FLOW_SUB_TS)
			rc = dec_ts(f, d + off + 2, sl, why);
		if (rc < 0)
			return -1;
		off += 2 + (size_t)sl;
	}
	return 0;
}

static int put_sub(uint8_t *d, size_t cap, size_t *off, uint8_t type,
		   size_t len, const char **why)
{
	if (len > 255 || cap - *off < 2 + len) {
		*why = "buffer too small";
		return -1;
	}
	d[*off] = type;
	d[*off + 1] = (uint8_t)len;
	*off += 2;
	return 0;
}

int mh_flow_encode(const struct mh_flow *f, uint8_t *d, size_t cap,
		   const char **why)
{
	uint8_t ts[FLOW_TS_MAX];
	size_t off = FLOW_HDR_LEN, i;
	int n = 0;

	if (cap < FLOW_HDR_LEN || f->n_bref > MH_FLOW_BREF_MAX) {
		*why = cap < FLOW_HDR_LEN ? "buffer too small"
					  : "Flow Identification: too many BIDs";
		return -1;
	}
	wire_put16(d, f->fid);
	wire_put16(d + 2, f->fid_pri);
	d[4] = 0;                       /* Reserved */
	d[5] = f->status;
	if (f->n_bref) {
		if (put_sub(d, cap, &off, MH_FLOW_SUB_BINDING_REF, 2u * f->n_bref, why) < 0)
			return -1;
		for (i = 0; i < f->n_bref; i++, off += 2)
			wire_put16(d + off, f->bref[i]);
	}
	if (!f->ts_format)
		return (int)off;
	if (f->ts_format == FLOW_TS_FORMAT_IPV6 &&
	    (n = flow_ts_encode(&f->ts, ts, sizeof ts, why)) < 0)
		return -1;
	if (put_sub(d, cap, &off, MH_FLOW_SUB_TS, 2 + (size_t)n, why) < 0)
		return -1;
	d[off] = f->ts_format;
	d[off + 1] = 0;
	memcpy(d + off + 2, ts, (size_t)n);
	return (int)(off + 2 + (size_t)n);
}

bool mh_flow_equal(const struct mh_flow *a, const struct mh_flow *b)
{
	return a->fid == b->fid && a->fid_pri == b->fid_pri &&
	       a->status == b->status &&
	       a->n_bref == b->n_bref && a->n_bref <= MH_FLOW_BREF_MAX &&
	       !memcmp(a->bref, b->bref, 2u * a->n_bref) &&
	       a->ts_format == b->ts_format &&
	       (a->ts_format != FLOW_TS_FORMAT_IPV6 ||
		flow_sel_equal(&a->ts, &b->ts));
}
