/*
 * fuzz_mip6.c - libFuzzer harness for the Mobile IPv6 extension headers
 * (mip6_ext.c) around a Mobility Header: whatever decodes must re-encode
 * (at most one of HAO / type 2 RH, as we send) and decode to the same
 * addresses and the same MH. Any read past the input is ASan's.
 */
#include <stdlib.h>
#include <string.h>

#include "pmip/mh.h"
#include "pmip/mip6_ext.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mip6_ext a, b;
	struct in6_addr ps, pd;
	struct mh_msg m;
	uint8_t buf[4096];
	size_t off, off2;
	const char *why = NULL;

	if (mip6_ext_decode(data, size, &a, &off, &why) < 0)
		return 0;
	mip6_ext_pseudo(&a, &ps, &pd);
	(void)mh_decode(data + off, size - off, &ps, &pd, &m, &why);
	if (a.has_hoa && a.has_rh2)
		return 0;                      /* we never send both */
	int n = mip6_ext_encode(&a, data + off, size - off, buf, sizeof(buf), &why);

	if (n < 0)
		return 0;                      /* too big for buf */
	if (mip6_ext_decode(buf, (size_t)n, &b, &off2, &why) < 0)
		abort();
	if (b.has_hoa != a.has_hoa || b.has_rh2 != a.has_rh2 ||
	    memcmp(&a.hoa, &b.hoa, 16) || memcmp(&a.rh2_addr, &b.rh2_addr, 16) ||
	    memcmp(&a.src, &b.src, 16) || memcmp(&a.dst, &b.dst, 16) ||
	    (size_t)n - off2 != size - off || memcmp(buf + off2, data + off, size - off))
		abort();
	return 0;
}
