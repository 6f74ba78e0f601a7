/*
 * lma_auth.c - which MAG's signalling lmad authenticates and how (RFC
 * 4285 option, nodes/pmip/mh_auth.h): the key of each authorized MAG from
 * the topology, the check of a received message and the signing of an
 * answer. Between a MAG and the LMA the option's care-of address is the
 * MAG's Proxy-CoA and its home address the LMAA, both ways.
 *
 * Owns: the decision on a received message (a MAG with a key must sign,
 * correctly; one without is not checked). Must not: count or log (the
 * shell does), touch sockets.
 */
#include <string.h>

#include "lma.h"

const struct mh_auth_key *lma_auth_key(const struct lma_config *c,
				       const struct in6_addr *mag)
{
	for (size_t i = 0; c->mag_keys && i < c->n_mags; i++)
		if (!memcmp(&c->mags[i], mag, sizeof(*mag)))
			return c->mag_keys[i].present ? &c->mag_keys[i] : NULL;
	return NULL;
}

enum mh_auth_verdict lma_auth_check(const struct lma_config *c, const struct in6_addr *src,
				    const uint8_t *mh, size_t len)
{
	const struct mh_auth_key *k = lma_auth_key(c, src);

	return k ? mh_auth_verify(mh, len, k, src, &c->lmaa) : MH_AUTH_OK;
}

int lma_auth_sign(const struct lma_config *c, const struct in6_addr *dst,
		  uint8_t *buf, size_t len, size_t cap, const char **why)
{
	const struct mh_auth_key *k = lma_auth_key(c, dst);

	return k ? mh_auth_sign(buf, len, cap, k, dst, &c->lmaa, why) : (int)len;
}
