/*
 * fuzz_mh.c - libFuzzer harness for the Mobility Header codec: whatever
 * mh_decode accepts must re-encode, and decoding that encoding must give
 * the same message (mh_msg_equal). Any read past the input is ASan's.
 */
#include <stdlib.h>
#include <string.h>

#include "mh.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct in6_addr s = { { { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 } } };
	static const struct in6_addr d = { { { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 } } };
	struct mh_msg a, b;
	uint8_t buf[2048];
	const char *why = NULL;
	int n;

	(void)mh_decode(data, size, &s, &d, &a, &why);  /* checksum path */
	if (mh_decode(data, size, NULL, NULL, &a, &why) < 0)
		return 0;
	n = mh_encode(&a, &s, &d, buf, sizeof buf, &why);
	if (n < 0) {
		/* A tightly packed input may not fit once every option is
		 * aligned: the one acceptable reason to fail. */
		if (why && !strcmp(why, "buffer too small"))
			return 0;
		abort();
	}
	if (mh_decode(buf, (size_t)n, &s, &d, &b, &why) < 0)
		abort();
	if (!mh_msg_equal(&a, &b))
		abort();
	return 0;
}
