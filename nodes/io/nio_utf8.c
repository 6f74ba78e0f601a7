/*
 * nio_utf8.c - well-formed UTF-8 (RFC 3629 4) for the control sockets'
 * JSON answers (RFC 8259 8.1): the length of a sequence, and a copy with
 * every byte outside one replaced by the JSON escape \ufffd.
 *
 * Owns: the two functions, pure (tests/fuzz/fuzz_utf8.c checks them
 * against a table-driven decoder of its own). Must not: allocate.
 */
#include <string.h>

#include "nio.h"

/* Length of the well-formed UTF-8 sequence at p (RFC 3629 4: no overlong
 * forms, no surrogates, nothing past U+10FFFF), 0 if it is not one. */
size_t nio_utf8_seq(const unsigned char *p, size_t left)
{
	unsigned c = p[0];
	size_t n = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 :
		   (c & 0xf8) == 0xf0 ? 4 : 0;
	unsigned cp = n == 2 ? c & 0x1f : n == 3 ? c & 0x0f : c & 0x07;

	if (n <= 1 || n > left)
		return n == 1 ? 1 : 0;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

size_t nio_utf8_fix(const char *in, size_t len, char *out, size_t cap)
{
	const unsigned char *p = (const unsigned char *)in;
	size_t o = 0;

	for (size_t i = 0; i < len;) {
		size_t n = nio_utf8_seq(p + i, len - i);
		const char *put = n ? in + i : "\\ufffd";
		size_t k = n ? n : 6;

		if (o + k >= cap)
			break;
		memcpy(out + o, put, k);
		o += k;
		i += n ? n : 1;
	}
	if (cap)
		out[o] = '\0';
	return o;
}

