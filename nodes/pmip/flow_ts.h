/*
 * flow_ts.h - the RFC 6088 IPv6 binary traffic selector (section 3.2, TS
 * Format 2) <-> struct flow_sel, without loss.
 *
 * Owns: the selector's wire form (flags A-P, then the fields whose flags
 * are set, in flag order). Must not: know the option or ND message that
 * carries it (mh_flow.c, nd_flow.c), touch clocks or sockets.
 *
 * Layout (from memory of RFC 6088 3.2, see doc/protocol.md): 16 bits of
 * flags A (0x8000) ... P (0x0001), 16 bits Reserved, then each field whose
 * flag is set: A/B start/end source address (128 each), C/D destination
 * address (128), E/F start/end IPsec SPI (32), G/H flow label (32, low 20
 * bits), I/J traffic class (8), K/L next header (8), M/N source port
 * (16), O/P destination port (16). A start flag alone is one value; start
 * and end flags a range.
 */
#ifndef PMIPEMU_FLOW_TS_H
#define PMIPEMU_FLOW_TS_H

#include <stddef.h>
#include <stdint.h>

#include "flow_sel.h"

#define FLOW_TS_FORMAT_IPV4 1           /* RFC 6088 3.1, not spoken here */
#define FLOW_TS_FORMAT_IPV6 2           /* RFC 6088 3.2 */
#define FLOW_TS_MAX 96                  /* longest encoding (every field a range) */

/* The flags A-P (RFC 6088 3.2), A the most significant bit. */
enum flow_ts_flag {
	FLOW_TS_A = 0x8000, FLOW_TS_B = 0x4000,   /* source address */
	FLOW_TS_C = 0x2000, FLOW_TS_D = 0x1000,   /* destination address */
	FLOW_TS_E = 0x0800, FLOW_TS_F = 0x0400,   /* IPsec SPI */
	FLOW_TS_G = 0x0200, FLOW_TS_H = 0x0100,   /* flow label */
	FLOW_TS_I = 0x0080, FLOW_TS_J = 0x0040,   /* traffic class */
	FLOW_TS_K = 0x0020, FLOW_TS_L = 0x0010,   /* next header */
	FLOW_TS_M = 0x0008, FLOW_TS_N = 0x0004,   /* source port */
	FLOW_TS_O = 0x0002, FLOW_TS_P = 0x0001,   /* destination port */
};

/* Encode s into buf (cap octets). Returns the length, or -1 with *why. */
int flow_ts_encode(const struct flow_sel *s, uint8_t *buf, size_t cap,
		   const char **why);
/* Decode exactly len octets into *s. -1 with *why for a truncated or
 * trailing field, an end flag without its start, a range whose end is
 * below its start, or what struct flow_sel cannot hold (SPI, a next
 * header range, a flow label over 20 bits). */
int flow_ts_decode(const uint8_t *p, size_t len, struct flow_sel *s,
		   const char **why);

#endif
