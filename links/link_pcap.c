/*
 * link_pcap.c - nanosecond pcap files through libpcap's dumper.
 *
 * Owns: the capture handle of one endpoint. Must not: read clocks (the
 * engine stamps frames with the emulated instant) or drop frames.
 */
#include <errno.h>
#include <limits.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "link_pcap.h"

#define LINK_PCAP_SNAPLEN 262144        /* whole frames, up to 64 KiB and more */
#define LINK_PCAP_BUF (256 * 1024)      /* stdio buffer of a capture file */

struct link_pcap {
	pcap_t *dead;
	pcap_dumper_t *dump;
};

struct link_pcap *link_pcap_open(const char *dir, const char *node,
				 const char *iface, const char **why)
{
	char path[PATH_MAX];
	struct link_pcap *c;

	if (strchr(node, '/') || strchr(iface, '/')) {
		*why = "node or interface name holds '/'";
		errno = EINVAL;
		return NULL;
	}
	if (snprintf(path, sizeof(path), "%s/%s-%s.pcap", dir, node, iface)
	    >= (int)sizeof(path)) {
		*why = "capture path too long";
		errno = ENAMETOOLONG;
		return NULL;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		*why = "out of memory";
		return NULL;
	}
	c->dead = pcap_open_dead_with_tstamp_precision(DLT_EN10MB, LINK_PCAP_SNAPLEN,
						       PCAP_TSTAMP_PRECISION_NANO);
	/* A large stdio buffer: two capture writes per frame are a tenth of
	 * the relay's time with the default 4 KiB (doc/bench.md). The periodic
	 * flush still bounds what a killed run can lose. */
	if (c->dead) {
		FILE *f = fopen(path, "we");
		if (f && setvbuf(f, NULL, _IOFBF, LINK_PCAP_BUF) == 0)
			c->dump = pcap_dump_fopen(c->dead, f);
		if (!c->dump && f)
			fclose(f);
	}
	if (!c->dump) {
		*why = "cannot create capture file";
		link_pcap_close(c);
		return NULL;
	}
	return c;
}

void link_pcap_write(struct link_pcap *c, const uint8_t *frame, size_t len,
		     uint64_t realtime_ns)
{
	struct pcap_pkthdr h = {0};

	/* With nanosecond precision the dumper stores tv_usec as nanoseconds. */
	h.ts.tv_sec = (time_t)(realtime_ns / 1000000000ULL);
	h.ts.tv_usec = (suseconds_t)(realtime_ns % 1000000000ULL);
	h.len = (bpf_u_int32)len;
	h.caplen = (bpf_u_int32)(len < LINK_PCAP_SNAPLEN ? len : LINK_PCAP_SNAPLEN);
	pcap_dump((u_char *)c->dump, &h, frame);
}

int link_pcap_flush(struct link_pcap *c)
{
	return pcap_dump_flush(c->dump);
}

void link_pcap_close(struct link_pcap *c)
{
	if (!c)
		return;
	if (c->dump)
		pcap_dump_close(c->dump);       /* flushes */
	if (c->dead)
		pcap_close(c->dead);
	free(c);
}
