/*
 * mag_fh.h - appendix D fast handover at the MAG: dormant routes learnt
 * beforehand from the LMA, activated on carrier loss.
 *
 * The LMA tells each MAG serving one interface of a multihomed MN about the
 * MN's other session with a Handover Initiate (RFC 5568 6.2.1 format, P and
 * F flags of RFC 5949 6.2.1): MN-ID, the MN-LL-ID of the session this MAG
 * serves, the other session's HNPs, the other MAG's Proxy-CoA in an
 * Alternate Care-of Address option (RFC 6275 6.2.5). One record per HI:
 *   - out role: when this session's access link loses carrier, downlink
 *     packets for its prefixes that still reach us from the LMA go to the
 *     peer MAG through a MAG-to-MAG IPv6-in-IPv6 tunnel (RFC 2473), as
 *     PFMIPv6 forwards from the previous MAG (RFC 5949 4);
 *   - in role (installed at once): packets for the peer's prefixes that come
 *     tunnelled from the peer MAG are delivered on our access link to the
 *     MN's interface (route via its link-local address: the MN answers
 *     Neighbor Solicitations only for addresses of that interface), and
 *     the MN's uplink from the peer's prefixes on our access link goes to
 *     the LMA.
 * See doc/protocol.md "Appendix D".
 *
 * Owns: the records, the HI checks and the HAck, activation, return, the
 * data-plane lookups and counts. Must not: do I/O, read clocks; it reads
 * the BUL through mag.h's lookups only. mag_fh_io.c carries out actions.
 */
#ifndef PMIPEMU_MAG_FH_H
#define PMIPEMU_MAG_FH_H

#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>

#include "mag.h"

#define MAG_FH_MAX 64                    /* records (one per HI session) */

struct mag_fh_rec {
	bool used;
	char mn_id[MAG_MN_ID_MAX];
	uint8_t ll_id[6];                /* the session this MAG serves */
	int ifindex;                     /* its access interface */
	char ifname[MAG_IFNAME_MAX];
	struct in6_addr mn_ll;           /* MN's link-local there (EUI-64) */
	struct in6_addr lmaa;            /* the LMA that sent the HI */
	struct in6_addr peer;            /* the other session's MAG */
	uint16_t hi_seq;
	uint8_t n_peer;                  /* in role: the other session's HNPs */
	struct mh_prefix peer_hnp[MH_HNP_MAX];
	uint8_t n_own;                   /* out role: ours, taken at activation */
	struct mh_prefix own_hnp[MH_HNP_MAX];
	bool active;                     /* out role forwarding */
	uint64_t carrier_lost_ns;        /* when the shell saw the carrier loss */
	uint64_t activated_ns;
	uint64_t fwd_to_peer;            /* out role: downlink sent to the peer */
	uint64_t fwd_from_peer;          /* in role: delivered to the MN */
	uint64_t fwd_uplink;             /* in role: MN uplink sent to the LMA */
};

enum mag_fh_act_type {
	MAG_FH_ACT_ROUTE_ADD,            /* prefix via gw dev ifindex + uplink rule */
	MAG_FH_ACT_ROUTE_DEL,
	MAG_FH_ACT_SEND_HACK,            /* msg to dst */
	MAG_FH_ACT_PROBE_PEER,           /* resolve the path to dst now */
	MAG_FH_ACT_EVENT,                /* name + JSON members */
};
const char *mag_fh_act_type_name(enum mag_fh_act_type t);

struct mag_fh_act {
	enum mag_fh_act_type type;
	struct mh_prefix prefix;
	int ifindex;
	char ifname[MAG_IFNAME_MAX];
	struct in6_addr gw;
	struct in6_addr dst;
	struct mh_msg msg;
	const char *ev;                  /* "dormant_installed", ... */
	char text[MAG_EV_TEXT_MAX];
};

#define MAG_FH_ACTS_MAX 64

struct mag_fh_acts {
	size_t n, overflow;
	struct mag_fh_act a[MAG_FH_ACTS_MAX];
};

/* What to do with a decapsulated packet (mag_fh_downlink). */
enum mag_fh_verdict {
	MAG_FH_NONE,                     /* not ours: the main data plane's */
	MAG_FH_TO_PEER,                  /* re-tunnel to rec->peer */
	MAG_FH_DELIVER,                  /* to the access link (via the TUN) */
};
const char *mag_fh_verdict_name(enum mag_fh_verdict v);

struct mag_fh {
	bool enabled;                    /* fast-handover="on"; else HAck 129 */
	struct mag_fh_rec rec[MAG_FH_MAX];
};

void mag_fh_init(struct mag_fh *f, bool enabled);

/* A Handover Initiate from src. Appends the HAck, routes and events. */
int mag_fh_input_hi(struct mag_fh *f, const struct mag *m, const struct in6_addr *src,
		    const struct mh_msg *hi, uint64_t now_ns, struct mag_fh_acts *out);
/* Carrier lost on ifindex at carrier_lost_ns: activate the out role of
 * every record of that interface whose session holds prefixes. */
void mag_fh_carrier_down(struct mag_fh *f, const struct mag *m, int ifindex,
			 uint64_t carrier_lost_ns, uint64_t now_ns, struct mag_fh_acts *out);
/* Active records whose session is registered again return (forwarding
 * stops); call after every engine input and from a short timer. */
void mag_fh_check_return(struct mag_fh *f, const struct mag *m, uint64_t now_ns,
			 struct mag_fh_acts *out);
bool mag_fh_any_active(const struct mag_fh *f);

/* Data plane. Downlink (decapsulated from outer_src): the verdict, with
 * *rec the record (counts updated). Uplink from the MN (read from the
 * fast-handover TUN): the record whose peer prefixes cover src, or NULL. */
enum mag_fh_verdict mag_fh_downlink(struct mag_fh *f, const struct in6_addr *outer_src,
				    const struct in6_addr *dst, struct mag_fh_rec **rec);
struct mag_fh_rec *mag_fh_uplink(struct mag_fh *f, const struct in6_addr *src);

/* Totals for events and the report. */
void mag_fh_counts(const struct mag_fh *f, uint64_t *to_peer, uint64_t *from_peer,
		   uint64_t *uplink);

#endif
