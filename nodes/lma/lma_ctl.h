/*
 * lma_ctl.h - lmad's control commands ("show bindings", "show stats",
 * "help") answered as JSON, and the daemon shell's own counters that
 * "show stats" reports next to the engine's: messages received, malformed
 * Mobility Headers by reason, send and tunnel errors.
 *
 * Pure: no socket, no clock; lma_io.c reads the line, counts, and passes
 * now_ns in. A fuzz harness drives lma_ctl_handle() directly.
 */
#ifndef PMIPEMU_LMA_CTL_H
#define PMIPEMU_LMA_CTL_H

#include <stddef.h>
#include <stdint.h>

#include "lma.h"

/* Distinct malformed-MH reasons kept by name; more go to "other". */
#define LMA_CTL_REASONS_MAX 24

struct lma_io_stats {
	uint64_t mh_received;           /* every datagram of the MH socket */
	uint64_t mh_malformed;          /* mh_decode refused it (sum of reasons) */
	uint64_t mh_not_bu;             /* decoded, but no message the LMA takes */
	uint64_t mh_wrong_path;         /* arrived off the path to its source */
	uint64_t mh_auth_missing;       /* RFC 4285: a keyed MAG's, unsigned */
	uint64_t mh_auth_failed;        /* RFC 4285: wrong SPI, authenticator, form */
	uint64_t mh_send_errors;
	/* RFC 6275 9.2 drops (nio_mherr.c) and the errors sent for them */
	uint64_t mh_unknown_type, mh_bad_payload_proto, mh_bad_header_len;
	uint64_t mh_be_sent, mh_param_problems_sent, mh_errors_suppressed;
	uint64_t route_errors, tun_bad, tun_multicast, tnl_bad, tnl_send_errors;
	uint64_t tun_write_errors;
	uint64_t events_dropped;        /* copied in before answering */
	/* Malformed MH drops by the codec's reason (its static strings). */
	struct {
		const char *why;
		uint64_t n;
	} malformed[LMA_CTL_REASONS_MAX];
	size_t n_reasons;
	uint64_t malformed_other;       /* reasons beyond the table */
};

/* One malformed MH dropped because of why (a static string of the codec;
 * NULL counts as "unspecified"). */
void lma_ctl_count_malformed(struct lma_io_stats *s, const char *why);
/* How many drops a reason has (0 if never seen): for tests. */
uint64_t lma_ctl_malformed_count(const struct lma_io_stats *s, const char *why);

/* The answer to one command line (without its newline) into out: a
 * NUL-terminated JSON document of at most cap bytes (cap >= 2). Unknown
 * commands get {"error": "..."}. Returns the answer's length. */
/* "revoke MN-ID" (RFC 5846, Administrative Reason): 1 when line was that
 * command (answered into out, acts to carry out), 0 for any other. */
int lma_ctl_revoke(struct lma *l, const char *line, uint64_t now_ns, struct lma_actions *acts,
		   char *out, size_t cap);

/* "prefix add|remove|move LLID PREFIX/LEN..." (section 2.2, network-
 * initiated: an RFC 7077 Update Notification to the interface's MAG).
 * 1 when line was that command (answered into out), 0 otherwise. */
int lma_ctl_prefix(struct lma *l, const char *line, uint64_t now_ns, struct lma_actions *acts,
		   char *out, size_t cap);

size_t lma_ctl_handle(const struct lma *l, const struct lma_io_stats *st, uint64_t now_ns,
		      const char *line, char *out, size_t cap);

/* The flow table's commands (lma_flow_ctl.c, section 3): "flow add RULE",
 * "flow del ID", "flow list", "show flows". Changes leave their events in
 * acts. Returns the answer's length, or 0 when line is none of them (then
 * lma_ctl_handle answers it). */
size_t lma_flow_ctl(struct lma *l, const char *line, char *out, size_t cap,
		    struct lma_actions *acts);

#endif
