/*
 * fuzz_nd.c - libFuzzer harness for the RS/RA codec (with the MN's flow
 * request option, nd_flow.c): what decodes must re-encode, and decode
 * again to the same message.
 */
#include <stdlib.h>
#include <string.h>

#include "pmip/nd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void rs_round_trip(const uint8_t *data, size_t size)
{
	struct nd_rs a, b;
	uint8_t buf[4096];
	const char *why;
	int n;

	if (nd_rs_decode(data, size, NULL, NULL, &a, &why) < 0)
		return;
	n = nd_rs_encode(&a, NULL, NULL, buf, sizeof buf, &why);
	if (n < 0 || nd_rs_decode(buf, (size_t)n, NULL, NULL, &b, &why) < 0)
		abort();
	if (a.has_slla != b.has_slla || a.slla.len != b.slla.len ||
	    memcmp(a.slla.addr, b.slla.addr, a.slla.len) || a.n_flow != b.n_flow)
		abort();
	for (unsigned i = 0; i < a.n_flow; i++)   /* the MN's flow requests */
		if (a.flow[i].scope != b.flow[i].scope ||
		    !mh_flow_equal(&a.flow[i].f, &b.flow[i].f))
			abort();
}

static void ra_round_trip(const uint8_t *data, size_t size)
{
	struct nd_ra a, b;
	uint8_t buf[1024];
	const char *why;
	int n;

	if (nd_ra_decode(data, size, NULL, NULL, &a, &why) < 0)
		return;
	n = nd_ra_encode(&a, NULL, NULL, buf, sizeof buf, &why);
	if (n < 0 || nd_ra_decode(buf, (size_t)n, NULL, NULL, &b, &why) < 0)
		abort();
	if (!nd_ra_equal(&a, &b))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	rs_round_trip(data, size);
	ra_round_trip(data, size);
	return 0;
}
