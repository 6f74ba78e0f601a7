/*
 * mh_auth.h - the Mobility Message Authentication option (RFC 4285) on
 * the Mobility Header messages between a MAG and its LMA: signing an
 * encoded message and checking a received one, with a shared key and SPI
 * per MAG (doc/security.md, doc/protocol.md "Signalling authentication").
 *
 * The option (type 9): Subtype (1 = MN-HA), Mobility SPI (32 bits),
 * Authenticator = First(96, HMAC_SHA1(key, Mobility Data)), with Mobility
 * Data = care-of address | home address | the MH from its first octet
 * through the SPI, checksum taken as 0 (RFC 4285 5.1, 5.2). Between a MAG
 * and its LMA the care-of address is the MAG's Proxy-CoA and the home
 * address the LMA's address, in both directions. The option is the last
 * one of the message (only padding after it).
 */
#ifndef PMIPEMU_MH_AUTH_H
#define PMIPEMU_MH_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#define MH_OPT_AUTH 9
#define MH_AUTH_SUBTYPE_MN_HA 1
#define MH_AUTH_DATA_LEN 12             /* 96 bits of HMAC-SHA1 */
#define MH_AUTH_OPT_LEN (1 + 4 + MH_AUTH_DATA_LEN)   /* Option Length */
#define MH_AUTH_KEY_MAX 64

struct mh_auth_key {
	bool present;                   /* false: this peer is not authenticated */
	uint32_t spi;
	uint8_t len;                    /* octets of key, 1..MH_AUTH_KEY_MAX */
	uint8_t key[MH_AUTH_KEY_MAX];
};

enum mh_auth_verdict {
	MH_AUTH_OK,
	MH_AUTH_MISSING,                /* no option 9 */
	MH_AUTH_NOT_LAST,               /* an option other than padding follows */
	MH_AUTH_MALFORMED,              /* length, subtype, or the MH itself */
	MH_AUTH_WRONG_SPI,
	MH_AUTH_WRONG_AUTHENTICATOR,
};
const char *mh_auth_verdict_name(enum mh_auth_verdict v);

/* Parse "SPI:HEX" is not offered: the topology gives spi and key apart.
 * Fill k from a hex string (even length, 2..128 digits). 0 or -1. */
int mh_auth_key_from_hex(struct mh_auth_key *k, uint32_t spi, const char *hex);

/* Append the option to an encoded MH (mh_encode's output, checksum 0) of
 * len octets in buf (cap octets): padding before it so that the SPI sits
 * on a 4-octet boundary, padding after it to 8 octets, Header Len updated.
 * Returns the new length, or -1 with *why. */
int mh_auth_sign(uint8_t *buf, size_t len, size_t cap, const struct mh_auth_key *k,
		 const struct in6_addr *coa, const struct in6_addr *hoa,
		 const char **why);

/* Check a received MH (as the socket gave it: Header Len octets). */
enum mh_auth_verdict mh_auth_verify(const uint8_t *mh, size_t len,
				    const struct mh_auth_key *k,
				    const struct in6_addr *coa,
				    const struct in6_addr *hoa);

#endif
