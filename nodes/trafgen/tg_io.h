/*
 * tg_io.h - trafgen's socket shell: the paced sender (sendmmsg) and the
 * receiver (recvmmsg, arrival interface, kernel arrival time). Only this
 * and trafgen.c touch sockets and clocks; the logic they drive is pure
 * (tg.h). Results are plain structs; trafgen.c writes them out.
 */
#ifndef PMIPEMU_TG_IO_H
#define PMIPEMU_TG_IO_H

#include <net/if.h>
#include <netinet/in.h>
#include <signal.h>

#include "tg.h"

#define TG_ERRNO_SLOTS 8

struct tg_send_cfg {
	uint32_t flow_hash;
	struct sockaddr_in6 dst;
	bool has_src;
	struct sockaddr_in6 src;    /* address and/or port to bind */
	struct tg_pace pace;
	uint32_t size;              /* UDP payload bytes, >= TG_HDR_LEN */
	uint64_t start_at_ns;       /* CLOCK_MONOTONIC; 0 = at once */
};

struct tg_errno_count {
	int err;
	uint64_t count;
};

struct tg_send_result {
	uint64_t attempted;         /* sequence numbers used */
	uint64_t sent;              /* accepted by the local stack */
	uint64_t send_errors;       /* refused (ENETUNREACH in a handover, ...) */
	struct tg_errno_count errors[TG_ERRNO_SLOTS]; /* last slot: all others */
	uint64_t start_ns, first_send_ns, last_send_ns;
};

struct tg_recv_iface {
	uint32_t ifindex;
	char name[IF_NAMESIZE];
	uint64_t count;
};

struct tg_recv_cfg {
	uint32_t flow_hash;
	struct sockaddr_in6 bind;
	uint64_t duration_ns;       /* 0: until stopped */
	FILE *records;              /* per-datagram CSV (tg_records.c) */
};

struct tg_recv_result {
	uint64_t datagrams;         /* of this flow */
	uint64_t foreign;           /* not trafgen, or another flow's hash */
	bool kernel_timestamps;     /* SO_TIMESTAMPNS seen at least once */
	struct tg_recv_iface ifaces[TG_IFACE_MAX];
	size_t n_ifaces;
	uint64_t start_ns, end_ns, first_recv_ns, last_recv_ns;
};

uint64_t tg_io_now_ns(void);
/* Numeric IPv6 address, optionally with %scope, and a port. */
int tg_io_resolve(const char *addr, uint16_t port, struct sockaddr_in6 *sa,
		  const char **why);
/* Send the schedule from now; returns early when *stop becomes non-zero. */
int tg_io_send_run(const struct tg_send_cfg *cfg, struct tg_send_result *res,
		   volatile sig_atomic_t *stop, const char **why);
int tg_io_recv_run(const struct tg_recv_cfg *cfg, struct tg_recv_result *res,
		   volatile sig_atomic_t *stop, const char **why);

#endif
