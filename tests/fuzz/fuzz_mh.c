/*
 * fuzz_mh.c - libFuzzer harness for the Mobility Header codec: whatever
 * mh_decode accepts must re-encode, and decoding that encoding must give
 * the same message (mh_msg_equal); it must also have passed the RFC 6275
 * 9.2 screen (mh_rx_check) unless only its Payload Proto was refused. Any read past the input is ASan's.
 */
#include <stdlib.h>
#include <string.h>

#include "pmip/mh.h"
#include "pmip/mh_rx.h"

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
	enum mh_rx_fault f = mh_rx_check(data, size);   /* RFC 6275 9.2 screen */
	uint8_t pp[1280];
	(void)mh_rx_param_problem(pp, sizeof pp, MH_RX_BAD_HEADER_LEN, &s, &d, data, size);
	if (mh_decode(data, size, NULL, NULL, &a, &why) < 0)
		return 0;
	/* what decodes passed the screen, but for a Payload Proto other than
	 * 59, which the decoder keeps and the screen refuses */
	if (f != MH_RX_OK && f != MH_RX_BAD_PAYLOAD_PROTO)
		abort();
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
