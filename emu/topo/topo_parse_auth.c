/*
 * topo_parse_auth.c - the key of a MAG's signalling (RFC 4285 Mobility
 * Message Authentication, doc/security.md): `auth-spi` and `auth-key` on
 * a mag's <pmip> and on the lma's <mag> entry for that MAG. Both or
 * neither; the key is hex, 1 to 64 octets; SPIs 0-255 are reserved (RFC
 * 4285 5.1, from memory: doc/protocol.md).
 *
 * Owns: reading and checking the two attributes, with file:line. Whether
 * the lma's and the mag's keys agree is validate's check (topo_check.c).
 * Must not: keep the hex text (the struct holds the octets).
 */
#include <string.h>

#include "pmip/hex.h"
#include "topo_int.h"

#define TOPO_AUTH_SPI_MIN 256

static bool key_from_hex(struct topo_auth *a, const char *hex)
{
	int n = hex_decode(hex, a->key, TOPO_AUTH_KEY_MAX);

	if (n < 0)
		return false;
	a->len = (uint8_t)n;
	return true;
}

void topo_parse_auth(struct topo_pctx *c, xmlNode *x, struct topo_auth *a)
{
	const char *spi = topo_p_attr(c, x, "auth-spi");
	const char *key = topo_p_attr(c, x, "auth-key");

	memset(a, 0, sizeof(*a));
	if (!spi && !key)
		return;
	if (!spi || !key) {
		topo_p_bad(c, x, spi ? "auth-spi" : "auth-key", spi ? spi : key,
			   spi ? "needs auth-key too" : "needs auth-spi too");
		return;
	}
	if (topo_p_u32(c, x, "auth-spi", &a->spi) != 1)
		return;
	if (a->spi < TOPO_AUTH_SPI_MIN) {
		topo_p_bad(c, x, "auth-spi", spi, "SPIs 0-255 are reserved (RFC 4285)");
		return;
	}
	if (!key_from_hex(a, key)) {
		topo_p_bad(c, x, "auth-key", "(not shown)",
			   "must be 2 to 128 hex digits, an even number");
		return;
	}
	a->present = true;
}
