/*
 * hex.h - hexadecimal digits to octets, for keys and MAC addresses read
 * from the topology and control commands.
 *
 * Owns: the two helpers. Must not: accept anything but 0-9, a-f, A-F.
 */
#ifndef PMIPEMU_HEX_H
#define PMIPEMU_HEX_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* The value of one hex digit, -1 for any other character. */
static inline int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The octets of a whole string of hex digits (an even number, at least 2,
 * at most 2 * cap) into out: their count, or -1. */
static inline int hex_decode(const char *s, uint8_t *out, size_t cap)
{
	size_t n = s ? strlen(s) : 0;

	if (n < 2 || n % 2 || n / 2 > cap)
		return -1;
	for (size_t i = 0; i < n / 2; i++) {
		int hi = hex_digit(s[2 * i]), lo = hex_digit(s[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return (int)(n / 2);
}

#endif
