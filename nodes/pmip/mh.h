/*
 * mh.h - Mobility Header messages and options, decoded (RFC 6275 section 6.1,
 * RFC 5213 section 8, RFC 5847, RFC 5648).
 *
 * Owns: the decoded form every engine works on, and the codec (mh.c, the
 * option table in mh_opt.c, checksum in mh_csum.c). Must not: touch sockets,
 * clocks, or allocate. Decoding checks every length against the buffer and
 * never reads past it; unknown options are skipped (RFC 6275 section 6.2.1).
 *
 * Several mobility sessions in one PBU (problem statement section 4): options
 * that follow a Binding Identifier option (RFC 5648), up to the next one,
 * belong to that BID's session group; options before the first BID (MN-ID,
 * Timestamp) are common. A PBU without BID options is one group. See
 * doc/design.md "Combined PBU".
 */
#ifndef PMIPEMU_MH_H
#define PMIPEMU_MH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include "flow_sel.h"

/* IANA Mobility Header types. */
enum mh_type {
	MH_TYPE_BRR = 0,
	MH_TYPE_HOTI = 1,
	MH_TYPE_COTI = 2,
	MH_TYPE_HOT = 3,
	MH_TYPE_COT = 4,
	MH_TYPE_BU = 5,              /* PBU when the P flag is set */
	MH_TYPE_BA = 6,              /* PBA when the P flag is set */
	MH_TYPE_BE = 7,
	MH_TYPE_HEARTBEAT = 13,      /* RFC 5847 */
	MH_TYPE_HI = 14,             /* Handover Initiate, RFC 5568 6.2.1, RFC 5949 6.2.1 */
	MH_TYPE_HACK = 15,           /* Handover Acknowledge, RFC 5568 6.2.2 */
	MH_TYPE_BR = 16,             /* Binding Revocation, RFC 5846 */
	MH_TYPE_UPN = 19,            /* Update Notification, RFC 7077 */
	MH_TYPE_UPA = 20,
};
const char *mh_type_name(unsigned type);

/* Binding Error Status (RFC 6275 6.1.9). */
enum mh_be_status {
	MH_BE_STATUS_UNKNOWN_HOA_OPTION = 1,     /* unknown binding for HoA option */
	MH_BE_STATUS_UNRECOGNIZED_MH_TYPE = 2,   /* RFC 6275 9.2 */
};
const char *mh_be_status_name(unsigned status);

/* IANA Mobility Option types. */
enum mh_opt_type {
	MH_OPT_PAD1 = 0,
	MH_OPT_PADN = 1,
	MH_OPT_ALT_COA = 3,          /* Alternate Care-of Address, RFC 6275 6.2.5 */
	MH_OPT_MN_ID = 8,            /* RFC 4283 */
	MH_OPT_SERVICE_SELECTION = 20, /* RFC 5149 3 */
	MH_OPT_HNP = 22,             /* RFC 5213 8.3 */
	MH_OPT_HI = 23,              /* 8.4 */
	MH_OPT_ATT = 24,             /* 8.5 */
	MH_OPT_MN_LL_ID = 25,        /* 8.6 */
	MH_OPT_LL_ADDR = 26,         /* 8.7 */
	MH_OPT_TIMESTAMP = 27,       /* 8.8 */
	MH_OPT_RESTART_COUNTER = 28, /* RFC 5847 6.1 */
	MH_OPT_BID = 35,             /* RFC 5648 6.2 */
	MH_OPT_FLOW_SUMMARY = 44,    /* RFC 6089 4.3 */
	MH_OPT_FLOW_ID = 45,         /* RFC 6089 4.2 */
};
const char *mh_opt_name(unsigned type);

/* PBU flags (RFC 6275 6.1.7, RFC 5213 8.1), in the 16-bit flags field. */
#define MH_BU_A 0x8000
#define MH_BU_H 0x4000
#define MH_BU_L 0x2000
#define MH_BU_K 0x1000
#define MH_BU_M 0x0800
#define MH_BU_R 0x0400
#define MH_BU_P 0x0200
/* PBA flags (RFC 6275 6.1.8, RFC 5213 8.2), in the 8-bit flags field. */
#define MH_BA_K 0x80
#define MH_BA_R 0x40
#define MH_BA_P 0x20

/* Binding Revocation (MH Type 16, RFC 5846 6.1): one type, BRI and BRA
 * told apart by the B.R. Type octet; flags P, V, G in the 16 bits after
 * the Sequence Number (in that order, as tshark 4.0 reads them). */
#define MH_BR_TYPE_BRI 1                /* Binding Revocation Indication */
#define MH_BR_TYPE_BRA 2                /* Binding Revocation Acknowledgement */
#define MH_BR_P 0x8000                  /* proxy binding(s) */
#define MH_BR_V 0x4000                  /* IPv4 HoA binding only */
#define MH_BR_G 0x2000                  /* global: every binding of the peer */

/* Revocation Trigger (RFC 5846 6.1.1, IANA). */
enum mh_br_trigger {
	MH_BR_TRIGGER_UNSPECIFIED = 0,
	MH_BR_TRIGGER_ADMINISTRATIVE_REASON = 1,
	MH_BR_TRIGGER_INTER_MAG_SAME_ATT = 2,
	MH_BR_TRIGGER_INTER_MAG_DIFFERENT_ATT = 3,
	MH_BR_TRIGGER_INTER_MAG_UNKNOWN = 4,
	MH_BR_TRIGGER_USER_SESSION_TERMINATION = 5,
	MH_BR_TRIGGER_ACCESS_NETWORK_SESSION_TERMINATION = 6,
	MH_BR_TRIGGER_OUT_OF_SYNC_BCE_STATE = 7,
	MH_BR_TRIGGER_PER_PEER_POLICY = 128,
	MH_BR_TRIGGER_REVOKING_NODE_LOCAL_POLICY = 129,
};
const char *mh_br_trigger_name(unsigned trigger);

/* BRA Status (RFC 5846 6.2, IANA). */
enum mh_bra_status {
	MH_BRA_STATUS_SUCCESS = 0,
	MH_BRA_STATUS_PARTIAL_SUCCESS = 1,
	MH_BRA_STATUS_BINDING_DOES_NOT_EXIST = 128,
	MH_BRA_STATUS_IPV4_HOA_OPTION_REQUIRED = 129,
	MH_BRA_STATUS_GLOBAL_REVOCATION_NOT_AUTHORIZED = 130,
	MH_BRA_STATUS_MN_IDENTITY_REQUIRED = 131,
	MH_BRA_STATUS_MN_IS_ATTACHED = 132,
	MH_BRA_STATUS_TRIGGER_NOT_SUPPORTED = 133,
	MH_BRA_STATUS_FUNCTION_NOT_SUPPORTED = 134,
	MH_BRA_STATUS_PROXY_REVOCATION_NOT_SUPPORTED = 135,
};
const char *mh_bra_status_name(unsigned status);

/* Update Notification (MH Type 19, RFC 7077 4.1) and its Acknowledgement
 * (Type 20, 4.2): Sequence #, then the Notification Reason and flags
 * (UPN) or the Status and a Reserved octet (UPA); options at offset 10.
 * The layout, the flags and the status values are from memory of RFC 7077
 * (doc/protocol.md says so); reason 8, FLOW-MOBILITY, is RFC 7864's (IANA
 * "Update Notification Reasons"). */
#define MH_UPN_A 0x80                   /* Acknowledgement requested */
#define MH_UPN_D 0x40                   /* MAG-initiated deregistration */
enum mh_upn_reason {
	MH_UPN_REASON_FORCE_REREGISTRATION = 1,
	MH_UPN_REASON_UPDATE_SESSION_PARAMETERS = 2,
	MH_UPN_REASON_VENDOR_SPECIFIC = 3,
	MH_UPN_REASON_ANI_PARAMS_REQUESTED = 4,
	MH_UPN_REASON_FLOW_MOBILITY = 8,    /* RFC 7864 */
};
const char *mh_upn_reason_name(unsigned reason);
enum mh_upa_status {
	MH_UPA_STATUS_SUCCESS = 0,
	MH_UPA_STATUS_REASON_UNSPECIFIED = 128,
	MH_UPA_STATUS_MN_NOT_ATTACHED = 129,
};
const char *mh_upa_status_name(unsigned status);

/* Handover Initiate flags (RFC 5568 6.2.1; P and F: RFC 5949 6.2.1), the
 * octet after the Sequence Number. */
#define MH_HINIT_S 0x80                /* assigned address configuration */
#define MH_HINIT_U 0x40                /* buffer */
#define MH_HINIT_P 0x20                /* proxy: the HI is about a PMIPv6 MN */
#define MH_HINIT_F 0x10                /* forwarding: set up a tunnel */

/* Handover Acknowledge codes (RFC 5568 6.2.2). */
enum mh_hack_code {
	MH_HACK_ACCEPTED = 0,                    /* Handover Accepted */
	MH_HACK_NOT_ACCEPTED = 128,              /* reason unspecified */
	MH_HACK_ADMINISTRATIVELY_PROHIBITED = 129,
	MH_HACK_INSUFFICIENT_RESOURCES = 130,
};
const char *mh_hack_code_name(unsigned code);

/* PBA status codes (IANA; RFC 6275 6.1.8, RFC 5213 8.9). */
enum pba_status {
	PBA_STATUS_ACCEPTED = 0,
	PBA_STATUS_UNSPECIFIED = 128,
	PBA_STATUS_SERVICE_AUTHORIZATION_FAILED = 151,  /* RFC 5149 4.2 */
	PBA_STATUS_PROXY_REG_NOT_ENABLED = 152,
	PBA_STATUS_NOT_LMA_FOR_THIS_MOBILE_NODE = 153,
	PBA_STATUS_MAG_NOT_AUTHORIZED_FOR_PROXY_REG = 154,
	PBA_STATUS_NOT_AUTHORIZED_FOR_HOME_NETWORK_PREFIX = 155,
	PBA_STATUS_TIMESTAMP_MISMATCH = 156,
	PBA_STATUS_TIMESTAMP_LOWER_THAN_PREV_ACCEPTED = 157,
	PBA_STATUS_MISSING_HOME_NETWORK_PREFIX_OPTION = 158,
	PBA_STATUS_BCE_PBU_PREFIX_SET_DO_NOT_MATCH = 159,
	PBA_STATUS_MISSING_MN_IDENTIFIER_OPTION = 160,
	PBA_STATUS_MISSING_HANDOFF_INDICATOR_OPTION = 161,
	PBA_STATUS_MISSING_ACCESS_TECH_TYPE_OPTION = 162,
};
const char *pba_status_name(unsigned status);

/* Handoff Indicator values (RFC 5213 8.4). */
enum mh_hi {
	MH_HI_RESERVED = 0,
	MH_HI_ATTACH_NEW_IFACE = 1,
	MH_HI_HANDOFF_BETWEEN_IFACES = 2,
	MH_HI_HANDOFF_SAME_IFACE = 3,
	MH_HI_UNKNOWN = 4,
	MH_HI_NOT_CHANGED = 5,
};
const char *mh_hi_name(unsigned hi);

/* Access Technology Type values (RFC 5213 8.5, IANA). */
enum mh_att {
	MH_ATT_RESERVED = 0,
	MH_ATT_VIRTUAL = 1,
	MH_ATT_PPP = 2,
	MH_ATT_ETHERNET = 3,
	MH_ATT_WLAN = 4,
	MH_ATT_WIMAX = 5,
	MH_ATT_3GPP_GERAN = 6,
	MH_ATT_3GPP_UTRAN = 7,
	MH_ATT_3GPP_EUTRAN = 8,
};
const char *mh_att_name(unsigned att);

/* MN identifier subtypes (RFC 4283, IANA). */
#define MH_MN_ID_NAI 1

#define MH_MN_ID_MAX    255
#define MH_LL_ID_MAX    16
#define MH_HNP_MAX      16      /* prefixes per session group */
#define MH_GROUP_MAX    8       /* session groups per PBU */
#define MH_SERVICE_MAX  255     /* RFC 5149 3: identifier 1..255 octets */

/* Flow Identification option (RFC 6089 4.2, from memory: doc/protocol.md):
 * Status values, sub-option types. The option has no action field: what
 * it does follows from its FID and sub-options (RFC 6089 5, lma_flow_mn.c). */

enum mh_flow_status {
	MH_FLOW_STATUS_SUCCESS = 0,
	MH_FLOW_STATUS_ADMINISTRATIVELY_PROHIBITED = 128,
	MH_FLOW_STATUS_REJECTED_UNSPECIFIED = 129,
	MH_FLOW_STATUS_OPTION_MALFORMED = 130,
	MH_FLOW_STATUS_BID_NOT_FOUND = 131,
	MH_FLOW_STATUS_FID_NOT_FOUND = 132,
	MH_FLOW_STATUS_TS_FORMAT_NOT_SUPPORTED = 133,
};
const char *mh_flow_status_name(unsigned status);

enum mh_flow_subopt {
	MH_FLOW_SUB_PAD1 = 0,
	MH_FLOW_SUB_PADN = 1,
	MH_FLOW_SUB_BINDING_REF = 2,
	MH_FLOW_SUB_TS = 3,
};

#define MH_FLOW_MAX         8   /* Flow Identification options per message */
#define MH_FLOW_BREF_MAX    8   /* BIDs in one Binding Reference */
#define MH_FLOW_SUMMARY_MAX 32  /* FIDs in one Flow Summary */

/* One Flow Identification option. */
struct mh_flow {
	uint16_t fid;
	uint16_t fid_pri;            /* lower = matched first */
	uint8_t status;              /* enum mh_flow_status */
	uint8_t n_bref;              /* Binding Reference sub-option: */
	uint16_t bref[MH_FLOW_BREF_MAX];  /* BIDs (0 BIDs: no sub-option) */
	uint8_t ts_format;           /* Traffic Selector sub-option: 0 none,
	                              * 2 IPv6 binary (RFC 6088 3.2, in ts);
	                              * any other is kept, its body dropped */
	struct flow_sel ts;
};

/* Option data (after Type and Length) <-> struct mh_flow (mh_flow.c);
 * used by the MH codec and by the MN-to-MAG ND option. Decode: 0, or -1
 * with *why; encode: the length, or -1 with *why. */
int mh_flow_decode(const uint8_t *d, size_t len, struct mh_flow *f,
		   const char **why);
int mh_flow_encode(const struct mh_flow *f, uint8_t *d, size_t cap,
		   const char **why);
bool mh_flow_equal(const struct mh_flow *a, const struct mh_flow *b);

struct mh_prefix {
	uint8_t len;
	struct in6_addr prefix;
};

/* The per-session options of a PBU/PBA. */
struct mh_group {
	bool has_bid;
	uint16_t bid;                /* RFC 5648 Binding ID */
	uint8_t bid_status;
	bool bid_h;                  /* BID option H flag */
	uint8_t bid_pri;             /* BID-PRI, 7 bits (RFC 6089 4.1) */
	uint8_t bid_coa_len;         /* 0, 4 (IPv4) or 16 (IPv6) octets */
	uint8_t bid_coa[16];         /* BID option care-of address */
	bool has_mn_ll_id;
	uint8_t mn_ll_id_len;
	uint8_t mn_ll_id[MH_LL_ID_MAX];
	bool has_hi;
	uint8_t hi;                  /* enum mh_hi */
	bool has_att;
	uint8_t att;                 /* enum mh_att */
	bool has_ll_addr;
	struct in6_addr ll_addr;     /* Link-local Address option */
	/* RFC 5149 Service Selection: the service this session is for (section
	 * 2.1: several sessions on one interface). 0 = no option. */
	uint8_t service_len;
	uint8_t service[MH_SERVICE_MAX];  /* UTF-8, not NUL-terminated */
	uint8_t n_hnp;
	struct mh_prefix hnp[MH_HNP_MAX];
};

struct mh_msg {
	uint8_t type;                /* enum mh_type */
	uint8_t payload_proto;       /* 59 (no next header) when sending */
	uint16_t checksum;           /* as on the wire (decode), computed (encode) */

	/* BU / PBU (type 5) */
	uint16_t seq;
	uint16_t bu_flags;           /* MH_BU_* */
	uint16_t lifetime;           /* units of 4 seconds (RFC 6275 6.1.7) */

	/* BA / PBA (type 6) */
	uint8_t status;              /* enum pba_status */
	uint8_t ba_flags;            /* MH_BA_* */
	/* seq and lifetime above are shared with BU */

	/* Heartbeat (type 13, RFC 5847 section 5.1) */
	bool hb_request;             /* true: R flag clear (request); false:
	                              * R flag set (response), RFC 5847 5.1 */
	bool hb_unsolicited;         /* U flag */
	uint32_t hb_seq;

	/* Binding Revocation (type 16, RFC 5846 6.1); the sequence number is
	 * seq above, a BRA's Status is status above. */
	uint8_t br_type;             /* MH_BR_TYPE_BRI / _BRA */
	uint8_t br_trigger;          /* BRI: enum mh_br_trigger */
	uint16_t br_flags;           /* MH_BR_* */

	/* Update Notification / Ack (types 19, 20, RFC 7077 4.1-4.2); the
	 * sequence number is seq above, a UPA's Status is status above. */
	uint8_t upn_reason;          /* enum mh_upn_reason */
	uint8_t upn_flags;           /* MH_UPN_A, MH_UPN_D */

	/* Binding Error (type 7, RFC 6275 6.1.9) */
	uint8_t be_status;           /* enum mh_be_status */
	struct in6_addr be_hoa;      /* Home Address, :: when none */

	/* Handover Initiate / Acknowledge (types 14, 15, RFC 5568 6.2.1-6.2.2);
	 * the sequence number is seq above. */
	uint8_t hi_flags;            /* MH_HINIT_* (HI); HAck: Reserved, sent 0 */
	uint8_t hi_code;             /* HI Code; HAck: enum mh_hack_code */

	/* Common options */
	bool has_mn_id;
	uint8_t mn_id_subtype;
	uint8_t mn_id_len;
	uint8_t mn_id[MH_MN_ID_MAX]; /* not NUL-terminated; see mh_mn_id_str() */
	bool has_timestamp;
	uint64_t timestamp;          /* RFC 5213 8.8: 48-bit seconds . 16-bit 1/65536 s */
	bool has_alt_coa;
	struct in6_addr alt_coa;     /* Alternate Care-of Address (RFC 6275 6.2.5) */
	bool has_restart_counter;
	uint32_t restart_counter;    /* RFC 5847 6.1, Heartbeat */

	/* Per-session groups; group 0 always exists for BU/BA/HI/HAck. */
	uint8_t n_groups;
	struct mh_group group[MH_GROUP_MAX];

	/* RFC 6089 flow bindings: common to the message, wherever they sit */
	uint8_t n_flow;
	struct mh_flow flow[MH_FLOW_MAX];
	bool has_flow_summary;
	uint8_t n_flow_summary;
	uint16_t flow_summary[MH_FLOW_SUMMARY_MAX];  /* FIDs */

	unsigned n_unknown_opts;     /* skipped (RFC 6275 6.2.1) */
};

/* Fill *out from the MH (starting at Payload Proto) in p[0..len).
 * src/dst are the IPv6 addresses for the checksum (RFC 6275 6.1.1); with
 * src == NULL the checksum is not verified (the kernel did it, IPV6_CHECKSUM).
 * Returns 0, or -1 with *why set to a static reason naming the field. */
int mh_decode(const uint8_t *p, size_t len, const struct in6_addr *src,
	      const struct in6_addr *dst, struct mh_msg *out, const char **why);

/* Encode m into buf (cap bytes), options in a fixed order, each aligned as
 * its RFC says, header padded to 8 octets. With src/dst non-NULL the checksum
 * is computed, else left 0 (the kernel fills it with IPV6_CHECKSUM 4).
 * Returns the length, or -1 with *why (buffer too small, too many options). */
int mh_encode(const struct mh_msg *m, const struct in6_addr *src,
	      const struct in6_addr *dst, uint8_t *buf, size_t cap,
	      const char **why);

/* Helpers */
void mh_msg_init(struct mh_msg *m, enum mh_type type);
/* Does the codec speak this MH Type (RFC 6275 9.2: else a Binding Error)? */
bool mh_type_known(uint8_t type);
/* The octets a message of this type needs before its options (0: unknown). */
size_t mh_type_min_len(uint8_t type);
/* MN-ID as a printable NUL-terminated string into buf (escapes non-printables). */
const char *mh_mn_id_str(const struct mh_msg *m, char *buf, size_t len);
int mh_set_mn_id(struct mh_msg *m, const char *nai);

/* Same message, field by field: ignores the checksum and n_unknown_opts
 * (unknown options are not re-encoded). For tests and fuzzing. */
bool mh_msg_equal(const struct mh_msg *a, const struct mh_msg *b);

/* RFC 5213 8.8 timestamp <-> nanoseconds since the Unix epoch. */
uint64_t mh_timestamp_from_ns(uint64_t ns);
uint64_t mh_timestamp_to_ns(uint64_t ts);

/* Internet checksum over the IPv6 pseudo-header (RFC 2460 8.1) and data. */
uint16_t mh_csum6(const struct in6_addr *src, const struct in6_addr *dst,
		  uint8_t next_header, const uint8_t *data, size_t len);

#endif
