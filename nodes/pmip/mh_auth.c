/*
 * mh_auth.c - RFC 4285 Mobility Message Authentication option: sign and
 * verify (see mh_auth.h for the fields and what is authenticated).
 *
 * Owns: the option's placement (last, SPI 4-aligned), the HMAC-SHA1
 * (libnettle, doc/design.md "Libraries"), the constant-time comparison.
 * Must not: decide what a failed check means (lmad and magd count and
 * drop), or read past the MH.
 */
#include <string.h>
#include <nettle/hmac.h>

#include "hex.h"
#include "mh.h"
#include "mh_auth.h"
#include "wire.h"

#define MH_PAD1 0
#define MH_PADN 1
#define MH_HDR_LEN_OFF 1
#define MH_CSUM_OFF 4

const char *mh_auth_verdict_name(enum mh_auth_verdict v)
{
	switch (v) {
	case MH_AUTH_OK: return "ok";
	case MH_AUTH_MISSING: return "missing";
	case MH_AUTH_NOT_LAST: return "not_last";
	case MH_AUTH_MALFORMED: return "malformed";
	case MH_AUTH_WRONG_SPI: return "wrong_spi";
	case MH_AUTH_WRONG_AUTHENTICATOR: return "wrong_authenticator";
	}
	return "unknown";
}

int mh_auth_key_from_hex(struct mh_auth_key *k, uint32_t spi, const char *hex)
{
	int n;

	memset(k, 0, sizeof(*k));
	n = hex_decode(hex, k->key, MH_AUTH_KEY_MAX);
	if (n < 0) {
		memset(k, 0, sizeof(*k));
		return -1;
	}
	k->len = (uint8_t)n;
	k->spi = spi;
	k->present = true;
	return 0;
}

/* First(96, HMAC_SHA1(key, coa | hoa | mh[0..upto) with the checksum 0)). */
static void authenticator(const uint8_t *mh, size_t upto, const struct mh_auth_key *k,
			  const struct in6_addr *coa, const struct in6_addr *hoa,
			  uint8_t out[MH_AUTH_DATA_LEN])
{
	static const uint8_t zero[2];
	struct hmac_sha1_ctx ctx;
	uint8_t d[SHA1_DIGEST_SIZE];

	hmac_sha1_set_key(&ctx, k->len, k->key);
	hmac_sha1_update(&ctx, 16, coa->s6_addr);
	hmac_sha1_update(&ctx, 16, hoa->s6_addr);
	hmac_sha1_update(&ctx, MH_CSUM_OFF, mh);
	hmac_sha1_update(&ctx, 2, zero);
	hmac_sha1_update(&ctx, upto - MH_CSUM_OFF - 2, mh + MH_CSUM_OFF + 2);
	hmac_sha1_digest(&ctx, sizeof(d), d);
	memcpy(out, d, MH_AUTH_DATA_LEN);
}

/* Walk the options of mh[0..len): the offset of the first option 9 in
 * *at (or len), and whether anything but padding follows it. -1 when the
 * options overrun the header. */
static int find_auth(const uint8_t *mh, size_t len, size_t *at, bool *after)
{
	size_t off = mh_type_min_len(mh[2]);

	*at = len;
	*after = false;
	if (off == 0 || off > len)
		return -1;
	while (off < len) {
		size_t step = mh[off] == MH_PAD1 ? 1 : 0;

		if (!step) {
			if (off + 2 > len || off + 2 + mh[off + 1] > len)
				return -1;
			step = 2 + (size_t)mh[off + 1];
		}
		if (*at < len && mh[off] != MH_PAD1 && mh[off] != MH_PADN)
			*after = true;
		if (*at == len && mh[off] == MH_OPT_AUTH)
			*at = off;
		off += step;
	}
	return 0;
}

/* The end of the last option that is not padding (options start at the
 * type's fixed part). */
static size_t options_end(const uint8_t *mh, size_t len)
{
	size_t off = mh_type_min_len(mh[2]), end = off;

	while (off < len) {
		size_t step = mh[off] == MH_PAD1 ? 1 : 2 + (size_t)mh[off + 1];

		if (mh[off] != MH_PAD1 && mh[off] != MH_PADN)
			end = off + step;
		off += step;
	}
	return end;
}

/* Pad1 or PadN filling n octets at p. */
static void pad(uint8_t *p, size_t n)
{
	if (n == 1) {
		p[0] = MH_PAD1;
	} else if (n > 1) {
		p[0] = MH_PADN;
		p[1] = (uint8_t)(n - 2);
		memset(p + 2, 0, n - 2);
	}
}

int mh_auth_sign(uint8_t *buf, size_t len, size_t cap, const struct mh_auth_key *k,
		 const struct in6_addr *coa, const struct in6_addr *hoa,
		 const char **why)
{
	size_t at, lead, end, total;
	bool after;

	if (!k || !k->present || len < 8 || len % 8 || find_auth(buf, len, &at, &after) < 0) {
		*why = "authentication: not an encoded Mobility Header";
		return -1;
	}
	end = options_end(buf, len);
	lead = (4 - (end + 3) % 4) % 4;         /* SPI at end + lead + 3 */
	total = end + lead + 2 + MH_AUTH_OPT_LEN;
	total += (8 - total % 8) % 8;
	if (total > cap || total > 2048) {
		*why = "authentication: no room for the option";
		return -1;
	}
	pad(buf + end, lead);
	at = end + lead;
	buf[at] = MH_OPT_AUTH;
	buf[at + 1] = MH_AUTH_OPT_LEN;
	buf[at + 2] = MH_AUTH_SUBTYPE_MN_HA;
	wire_put32(buf + at + 3, k->spi);
	pad(buf + at + 7 + MH_AUTH_DATA_LEN, total - (at + 7 + MH_AUTH_DATA_LEN));
	buf[MH_HDR_LEN_OFF] = (uint8_t)(total / 8 - 1);
	authenticator(buf, at + 7, k, coa, hoa, buf + at + 7);
	return (int)total;
}

enum mh_auth_verdict mh_auth_verify(const uint8_t *mh, size_t len,
				    const struct mh_auth_key *k,
				    const struct in6_addr *coa,
				    const struct in6_addr *hoa)
{
	uint8_t want[MH_AUTH_DATA_LEN], diff = 0;
	size_t at;
	bool after;

	if (len < 8 || find_auth(mh, len, &at, &after) < 0)
		return MH_AUTH_MALFORMED;
	if (at == len)
		return MH_AUTH_MISSING;
	if (after)
		return MH_AUTH_NOT_LAST;
	if (mh[at + 1] != MH_AUTH_OPT_LEN || mh[at + 2] != MH_AUTH_SUBTYPE_MN_HA)
		return MH_AUTH_MALFORMED;
	if (wire_get32(mh + at + 3) != k->spi)
		return MH_AUTH_WRONG_SPI;
	authenticator(mh, at + 7, k, coa, hoa, want);
	for (size_t i = 0; i < MH_AUTH_DATA_LEN; i++)     /* constant time */
		diff |= (uint8_t)(want[i] ^ mh[at + 7 + i]);
	return diff ? MH_AUTH_WRONG_AUTHENTICATOR : MH_AUTH_OK;
}
