/*
 * tg_payload.c - the trafgen payload header: magic, flow hash, sequence
 * number, send time (layout in tg.h). Pure codec: explicit big-endian
 * get/put, every length checked, never a cast of the buffer to a struct.
 */
#include <string.h>

#include "tg.h"

static void put_u32(uint8_t *p, uint32_t v)
{
	for (int i = 3; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

static void put_u64(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

static uint32_t get_u32(const uint8_t *p)
{
	uint32_t v = 0;
	for (int i = 0; i < 4; i++)
		v = v << 8 | p[i];
	return v;
}

static uint64_t get_u64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

/* FNV-1a, 32 bits: cheap, stable across runs and machines. */
uint32_t tg_flow_hash(const char *flow_id)
{
	uint32_t h = 2166136261u;
	for (const unsigned char *s = (const unsigned char *)flow_id; *s; s++) {
		h ^= *s;
		h *= 16777619u;
	}
	return h;
}

int tg_payload_encode(uint8_t *buf, size_t len, const struct tg_payload *p,
		      const char **why)
{
	if (len < TG_HDR_LEN) {
		*why = "payload shorter than the 24-byte header";
		return -1;
	}
	memset(buf, 0, len);
	put_u32(buf, TG_MAGIC);
	put_u32(buf + 4, p->flow_hash);
	put_u64(buf + 8, p->seq);
	put_u64(buf + 16, p->send_ns);
	return 0;
}

int tg_payload_decode(const uint8_t *buf, size_t len, struct tg_payload *p,
		      const char **why)
{
	if (len < TG_HDR_LEN) {
		*why = "datagram shorter than the trafgen header";
		return -1;
	}
	if (get_u32(buf) != TG_MAGIC) {
		*why = "bad magic";
		return -1;
	}
	p->flow_hash = get_u32(buf + 4);
	p->seq = get_u64(buf + 8);
	p->send_ns = get_u64(buf + 16);
	return 0;
}
