/*
 * flow_ts.c - RFC 6088 3.2 IPv6 binary traffic selector codec (flow_ts.h).
 *
 * Owns: one table row per field pair (start flag, end flag, width, the
 * struct flow_sel field it fills). Must not: read past p[len], accept what
 * struct flow_sel cannot hold back unchanged (it would not round-trip).
 */
#include <string.h>

#include "flow_ts.h"
#include "wire.h"

#define TS_HDR_LEN 4                    /* flags (16) + Reserved (16) */

/* Where a pair's values live in struct flow_sel. */
enum ts_slot { SLOT_SRC, SLOT_DST, SLOT_SPI, SLOT_FL, SLOT_TC, SLOT_NH,
	       SLOT_SPORT, SLOT_DPORT };

struct ts_pair {
	uint16_t start, end;            /* flags */
	uint8_t width;                  /* octets per value */
	enum ts_slot slot;
	uint32_t field;                 /* enum flow_field, 0: not held */
	const char *name;
};

/* In flag order: the order of the fields on the wire. */
static const struct ts_pair ts_pairs[] = {
	{ FLOW_TS_A, FLOW_TS_B, 16, SLOT_SRC, FLOW_F_SRC, "source address" },
	{ FLOW_TS_C, FLOW_TS_D, 16, SLOT_DST, FLOW_F_DST, "destination address" },
	{ FLOW_TS_E, FLOW_TS_F, 4, SLOT_SPI, 0, "IPsec SPI" },
	{ FLOW_TS_G, FLOW_TS_H, 4, SLOT_FL, FLOW_F_FLOW_LABEL, "flow label" },
	{ FLOW_TS_I, FLOW_TS_J, 1, SLOT_TC, FLOW_F_TC, "traffic class" },
	{ FLOW_TS_K, FLOW_TS_L, 1, SLOT_NH, FLOW_F_PROTO, "next header" },
	{ FLOW_TS_M, FLOW_TS_N, 2, SLOT_SPORT, FLOW_F_SPORT, "source port" },
	{ FLOW_TS_O, FLOW_TS_P, 2, SLOT_DPORT, FLOW_F_DPORT, "destination port" },
};
#define N_PAIRS (sizeof ts_pairs / sizeof ts_pairs[0])

/* --- numeric slots ------------------------------------------------------- */

static void num_get(const struct flow_sel *s, enum ts_slot slot,
		    uint32_t *lo, uint32_t *hi)
{
	switch (slot) {
	case SLOT_FL: *lo = s->fl_lo; *hi = s->fl_hi; return;
	case SLOT_TC: *lo = s->tc_lo; *hi = s->tc_hi; return;
	case SLOT_NH: *lo = *hi = s->proto; return;
	case SLOT_SPORT: *lo = s->sport_lo; *hi = s->sport_hi; return;
	case SLOT_DPORT: *lo = s->dport_lo; *hi = s->dport_hi; return;
	default: *lo = *hi = 0; return;
	}
}

static void num_set(struct flow_sel *s, enum ts_slot slot, uint32_t lo,
		    uint32_t hi)
{
	switch (slot) {
	case SLOT_FL: s->fl_lo = lo; s->fl_hi = hi; return;
	case SLOT_TC: s->tc_lo = (uint8_t)lo; s->tc_hi = (uint8_t)hi; return;
	case SLOT_NH: s->proto = (uint8_t)lo; return;
	case SLOT_SPORT: s->sport_lo = (uint16_t)lo; s->sport_hi = (uint16_t)hi; return;
	case SLOT_DPORT: s->dport_lo = (uint16_t)lo; s->dport_hi = (uint16_t)hi; return;
	default: return;
	}
}

static uint32_t num_read(const uint8_t *p, uint8_t width)
{
	return width == 4 ? wire_get32(p) : width == 2 ? wire_get16(p) : p[0];
}

static void num_write(uint8_t *p, uint8_t width, uint32_t v)
{
	if (width == 4)
		wire_put32(p, v);
	else if (width == 2)
		wire_put16(p, (uint16_t)v);
	else
		p[0] = (uint8_t)v;
}

static struct in6_addr *addr_slot(struct flow_sel *s, enum ts_slot slot,
				  bool hi)
{
	if (slot == SLOT_SRC)
		return hi ? &s->src_hi : &s->src_lo;
	return hi ? &s->dst_hi : &s->dst_lo;
}

/* --- encode -------------------------------------------------------------- */

/* The pair's values as wire octets; returns whether lo != hi. */
static bool pair_values(const struct flow_sel *s, const struct ts_pair *t,
			uint8_t lo[16], uint8_t hi[16])
{
	uint32_t a, b;

	if (t->width == 16) {
		memcpy(lo, t->slot == SLOT_SRC ? &s->src_lo : &s->dst_lo, 16);
		memcpy(hi, t->slot == SLOT_SRC ? &s->src_hi : &s->dst_hi, 16);
		return memcmp(lo, hi, 16) != 0;
	}
	num_get(s, t->slot, &a, &b);
	num_write(lo, t->width, a);
	num_write(hi, t->width, b);
	return a != b;
}

int flow_ts_encode(const struct flow_sel *s, uint8_t *buf, size_t cap,
		   const char **why)
{
	uint8_t lo[16], hi[16];
	uint16_t flags = 0;
	size_t off = TS_HDR_LEN, i;

	if (s->fields & FLOW_F_FLOW_LABEL &&
	    (s->fl_lo > FLOW_FLOW_LABEL_MAX || s->fl_hi > FLOW_FLOW_LABEL_MAX)) {
		*why = "traffic selector: flow label over 20 bits";
		return -1;
	}
	for (i = 0; i < N_PAIRS; i++) {
		const struct ts_pair *t = &ts_pairs[i];
		bool range;

		if (!t->field || !(s->fields & t->field))
			continue;
		range = pair_values(s, t, lo, hi);
		if (cap < off + (range ? 2u : 1u) * t->width) {
			*why = "buffer too small";
			return -1;
		}
		flags |= t->start;
		memcpy(buf + off, lo, t->width);
		off += t->width;
		if (range) {
			flags |= t->end;
			memcpy(buf + off, hi, t->width);
			off += t->width;
		}
	}
	if (cap < TS_HDR_LEN) {
		*why = "buffer too small";
		return -1;
	}
	wire_put16(buf, flags);
	wire_put16(buf + 2, 0);
	return (int)off;
}

/* --- decode -------------------------------------------------------------- */

static int dec_pair(const struct ts_pair *t, uint16_t flags, const uint8_t *p,
		    size_t len, size_t *off, struct flow_sel *s, const char **why)
{
	size_t n = flags & t->end ? 2 : 1;
	uint32_t lo, hi;

	if (!t->field) {
		*why = "traffic selector: IPsec SPI not supported";
		return -1;
	}
	if (len - *off < n * t->width) {
		*why = "traffic selector: field beyond its length";
		return -1;
	}
	s->fields |= t->field;
	if (t->width == 16) {
		memcpy(addr_slot(s, t->slot, false), p + *off, 16);
		memcpy(addr_slot(s, t->slot, true), p + *off + 16 * (n - 1), 16);
		*off += n * 16;
		if (memcmp(addr_slot(s, t->slot, false),
			   addr_slot(s, t->slot, true), 16) > 0) {
			*why = "traffic selector: address range end below start";
			return -1;
		}
		return 0;
	}
	lo = num_read(p + *off, t->width);
	hi = num_read(p + *off + t->width * (n - 1), t->width);
	*off += n * t->width;
	if (hi < lo) {
		*why = "traffic selector: range end below start";
		return -1;
	}
	if (t->slot == SLOT_NH && n == 2) {
		*why = "traffic selector: next header range not supported";
		return -1;
	}
	if (t->slot == SLOT_FL && hi > FLOW_FLOW_LABEL_MAX) {
		*why = "traffic selector: flow label over 20 bits";
		return -1;
	}
	num_set(s, t->slot, lo, hi);
	return 0;
}

int flow_ts_decode(const uint8_t *p, size_t len, struct flow_sel *s,
		   const char **why)
{
	uint16_t flags;
	size_t off = TS_HDR_LEN, i;

	memset(s, 0, sizeof *s);
	if (len < TS_HDR_LEN) {
		*why = "traffic selector: shorter than its flags";
		return -1;
	}
	flags = wire_get16(p);
	for (i = 0; i < N_PAIRS; i++) {
		const struct ts_pair *t = &ts_pairs[i];

		if ((flags & t->end) && !(flags & t->start)) {
			*why = "traffic selector: end flag without its start flag";
			return -1;
		}
		if ((flags & t->start) &&
		    dec_pair(t, flags, p, len, &off, s, why) < 0)
			return -1;
	}
	if (off != len) {
		*why = "traffic selector: octets after the last field";
		return -1;
	}
	return 0;
}
