/*
 * fuzz_auth.c - libFuzzer harness for the RFC 4285 authentication option
 * (nodes/pmip/mh_auth.c): verifying any input stays inside it; whatever
 * decodes as a Mobility Header, encoded again and signed, verifies, and
 * fails once an octet it covers (not the checksum) is changed.
 */
#include <stdlib.h>
#include <string.h>

#include "pmip/mh.h"
#include "pmip/mh_auth.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct in6_addr coa = { { { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 } } };
	static const struct in6_addr hoa = { { { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 } } };
	struct mh_auth_key k;
	struct mh_msg m;
	uint8_t buf[2048];
	const char *why = NULL;
	int n;

	if (mh_auth_key_from_hex(&k, 0x100, "00112233445566778899aabbccddeeff00112233") < 0)
		abort();
	(void)mh_auth_verify(data, size, &k, &coa, &hoa);
	if (mh_decode(data, size, NULL, NULL, &m, &why) < 0)
		return 0;
	n = mh_encode(&m, NULL, NULL, buf, sizeof buf, &why);
	if (n < 0)
		return 0;
	n = mh_auth_sign(buf, (size_t)n, sizeof buf, &k, &coa, &hoa, &why);
	if (n < 0)
		return 0;                /* no room left: refused, not overrun */
	if (mh_auth_verify(buf, (size_t)n, &k, &coa, &hoa) != MH_AUTH_OK)
		abort();
	static const size_t covered[4] = { 1, 2, 3, 6 };  /* not the checksum */

	buf[covered[size % 4]] ^= 0x01;
	if (mh_auth_verify(buf, (size_t)n, &k, &coa, &hoa) == MH_AUTH_OK)
		abort();
	return 0;
}
