/*
 * fuzz_utf8.c - libFuzzer harness for the control answers' UTF-8 repair
 * (nodes/io/nio_utf8.c): judged against a decoder of its own, written
 * from RFC 3629's table of well-formed byte sequences (section 4), not
 * from the arithmetic nio_utf8_seq uses:
 *  - nio_utf8_seq agrees with the table at every offset;
 *  - the repaired text is well-formed, NUL-terminated, and is the input
 *    with each ill-formed byte replaced by the six characters \ufffd;
 *  - with any smaller capacity it stops early, never writing past cap
 *    (the buffer is malloc'ed to exactly cap: ASan sees an overrun).
 */
#include <stdlib.h>
#include <string.h>

#include "io/nio.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* RFC 3629 4: the ranges of the second octet per lead octet. */
static size_t table_seq(const uint8_t *p, size_t left)
{
	uint8_t c = p[0], lo = 0x80, hi = 0xbf;
	size_t n;

	if (c <= 0x7f)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0;
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (n > left || p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t want_len = 0, cap, got;
	char *want, *out;

	for (size_t i = 0; i < size; i++)
		if (nio_utf8_seq(data + i, size - i) != table_seq(data + i, size - i))
			abort();
	want = malloc(size * 6 + 1);
	if (!want)
		return 0;
	for (size_t i = 0; i < size;) {
		size_t n = table_seq(data + i, size - i);

		memcpy(want + want_len, n ? (const char *)data + i : "\\ufffd", n ? n : 6);
		want_len += n ? n : 6;
		i += n ? n : 1;
	}
	cap = want_len + 1;
	out = malloc(cap);
	if (!out) {
		free(want);
		return 0;
	}
	got = nio_utf8_fix((const char *)data, size, out, cap);
	if (got != want_len || memcmp(out, want, want_len) || out[got])
		abort();
	for (size_t i = 0; i < got;) {         /* the result is well-formed */
		size_t n = table_seq((const uint8_t *)out + i, got - i);
		if (!n)
			abort();
		i += n;
	}
	free(out);
	cap = size ? data[0] % (want_len + 1) + 1 : 1;   /* a smaller buffer */
	out = malloc(cap);
	if (out) {
		got = nio_utf8_fix((const char *)data, size, out, cap);
		if (got >= cap || out[got] || memcmp(out, want, got))
			abort();
		free(out);
	}
	free(want);
	return 0;
}
