/*
 * mag_auth.c - magd's side of RFC 4285 authentication with its LMA (the
 * option itself: nodes/pmip/mh_auth.c). Care-of address = our Proxy-CoA,
 * home address = the LMAA, in both directions (as lma_auth.c).
 *
 * Owns: whether a message must be signed or checked (only with a key).
 * Must not: count, log or touch sockets (mag_io.c, mag_fh_io.c do).
 */
#include "mag.h"

enum mh_auth_verdict mag_auth_check(const struct mag_cfg *c, const uint8_t *mh, size_t len)
{
	if (!c->auth.present)
		return MH_AUTH_OK;
	return mh_auth_verify(mh, len, &c->auth, &c->proxy_coa, &c->lmaa);
}

int mag_auth_sign(const struct mag_cfg *c, uint8_t *buf, size_t len, size_t cap,
		  const char **why)
{
	if (!c->auth.present)
		return (int)len;
	return mh_auth_sign(buf, len, cap, &c->auth, &c->proxy_coa, &c->lmaa, why);
}
