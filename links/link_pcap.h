/*
 * link_pcap.h - one capture file per link endpoint (I/O).
 *
 * Owns: <dir>/<node>-<iface>.pcap, DLT_EN10MB, nanosecond timestamps.
 * Must not: decide what is captured or when (link_io.c does).
 */
#ifndef PMIPEMU_LINK_PCAP_H
#define PMIPEMU_LINK_PCAP_H

#include <stddef.h>
#include <stdint.h>

struct link_pcap;

/* Open (truncate) the capture. NULL with *why on failure. */
struct link_pcap *link_pcap_open(const char *dir, const char *node,
				 const char *iface, const char **why);
/* One frame at realtime_ns (CLOCK_REALTIME nanoseconds). */
void link_pcap_write(struct link_pcap *c, const uint8_t *frame, size_t len,
		     uint64_t realtime_ns);
int link_pcap_flush(struct link_pcap *c);
/* Flush and close; NULL is fine. */
void link_pcap_close(struct link_pcap *c);

#endif
