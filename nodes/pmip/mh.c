/*
 * mh.c - the Mobility Header and its messages: BU/PBU, BA/PBA, Heartbeat
 * (RFC 6275 6.1, RFC 5213 8.1-8.2, RFC 5847 5.1).
 *
 * Handover Initiate / Acknowledge (RFC 5568 6.2.1-6.2.2, with the P and F
 * flags of RFC 5949 6.2.1) and Update Notification / Acknowledgement (RFC
 * 7077 4.1-4.2) carry 4 octets of data: options start at 10.
 *
 * Owns: the fixed header, each message's fixed part, header length and
 * checksum handling, helpers on struct mh_msg. Options are mh_opt.c's.
 * Must not: read past the buffer or the Header Len, allocate, log.
 *
 * Layout (RFC 6275 6.1.1): Payload Proto, Header Len (8-octet units not
 * counting the first 8), MH Type, Reserved, Checksum, message data. The
 * message data of all three types we speak is 6 octets, so options start
 * at offset 12 and the smallest such message is 16 octets once padded.
 */
#include <stdio.h>
#include <string.h>

#include "mh_opt.h"
#include "wire.h"

#define MH_HDR_LEN     6        /* up to and including Checksum */
#define MH_OPTS_OFF    12       /* BU, BA, Heartbeat: 6 octets of data */
#define MH_HI_OPTS_OFF 10       /* HI, HAck: 4 octets of data */
#define MH_BE_OPTS_OFF 24       /* Binding Error: Status, Reserved, Home Address */
#define MH_LEN_MAX     ((255 + 1) * 8)
#define MH_NEXT_HEADER 135      /* IANA protocol number of the MH */

/* Heartbeat flags (RFC 5847 5.1), octet 7. */
#define MH_HB_U 0x02
#define MH_HB_R 0x01

void mh_msg_init(struct mh_msg *m, enum mh_type type)
{
	memset(m, 0, sizeof *m);
	m->type = (uint8_t)type;
	m->payload_proto = IPPROTO_NONE;   /* RFC 6275 6.1.1: 59 */
	if (type == MH_TYPE_BU || type == MH_TYPE_BA || type == MH_TYPE_HI ||
	    type == MH_TYPE_HACK || type == MH_TYPE_BR || type == MH_TYPE_UPN ||
	    type == MH_TYPE_UPA)
		m->n_groups = 1;
	if (type == MH_TYPE_BR)
		m->br_type = MH_BR_TYPE_BRI;
	if (type == MH_TYPE_HEARTBEAT)
		m->hb_request = true;
}

/* --- decode -------------------------------------------------------------- */

static void dec_bu(const uint8_t *p, struct mh_msg *m)
{
	m->seq = wire_get16(p + 6);
	m->bu_flags = wire_get16(p + 8);
	m->lifetime = wire_get16(p + 10);
}

static void dec_ba(const uint8_t *p, struct mh_msg *m)
{
	m->status = p[6];
	m->ba_flags = p[7];
	m->seq = wire_get16(p + 8);
	m->lifetime = wire_get16(p + 10);
}

static void dec_hb(const uint8_t *p, struct mh_msg *m)
{
	m->hb_unsolicited = p[7] & MH_HB_U;
	m->hb_request = !(p[7] & MH_HB_R);
	m->hb_seq = wire_get32(p + 8);
}

/* RFC 5846 6.1: B.R. Type, then the Revocation Trigger (BRI) or Status
 * (BRA), Sequence #, flags. */
static void dec_br(const uint8_t *p, struct mh_msg *m)
{
	m->br_type = p[6];
	if (m->br_type == MH_BR_TYPE_BRA)
		m->status = p[7];
	else
		m->br_trigger = p[7];
	m->seq = wire_get16(p + 8);
	m->br_flags = wire_get16(p + 10);
}

/* RFC 6275 6.1.9: Status, Reserved, Home Address. */
static void dec_be(const uint8_t *p, struct mh_msg *m)
{
	m->be_status = p[6];
	memcpy(&m->be_hoa, p + 8, sizeof(m->be_hoa));
}

/* RFC 5568 6.2.1 (HI): Sequence #, flags, Code; 6.2.2 (HAck): Sequence #,
 * Reserved, Code. */
static void dec_hi(const uint8_t *p, struct mh_msg *m)
{
	m->seq = wire_get16(p + 6);
	m->hi_flags = m->type == MH_TYPE_HI ? p[8] : 0;
	m->hi_code = p[9];
}

/* RFC 7077 4.1 (UPN): Sequence #, Notification Reason, flags; 4.2 (UPA):
 * Sequence #, Status, Reserved. */
static void dec_upn(const uint8_t *p, struct mh_msg *m)
{
	m->seq = wire_get16(p + 6);
	if (m->type == MH_TYPE_UPN) {
		m->upn_reason = p[8];
		m->upn_flags = p[9] & (MH_UPN_A | MH_UPN_D);
	} else {
		m->status = p[8];
	}
}

/* Where a type's options start: 0 for a type we do not speak. */
static size_t opts_off(uint8_t type)
{
	switch (type) {
	case MH_TYPE_BU:
	case MH_TYPE_BA:
	case MH_TYPE_HEARTBEAT:
	case MH_TYPE_BR:
		return MH_OPTS_OFF;
	case MH_TYPE_HI:
	case MH_TYPE_HACK:
	case MH_TYPE_UPN:
	case MH_TYPE_UPA:
		return MH_HI_OPTS_OFF;
	case MH_TYPE_BE:
		return MH_BE_OPTS_OFF;
	default:
		return 0;
	}
}

bool mh_type_known(uint8_t type)
{
	return opts_off(type) != 0;
}

size_t mh_type_min_len(uint8_t type)
{
	return opts_off(type);
}

/* Header checks of RFC 6275 9.2: length against the buffer, the type's
 * minimum length, the checksum. */
static int dec_header(const uint8_t *p, size_t len, const struct in6_addr *src,
		      const struct in6_addr *dst, size_t *mh_len,
		      const char **why)
{
	if (len < MH_HDR_LEN) {
		*why = "Mobility Header truncated";
		return -1;
	}
	*mh_len = ((size_t)p[1] + 1) * 8;
	if (*mh_len > len) {
		*why = "Header Len beyond the packet";
		return -1;
	}
	if (src && dst && mh_csum6(src, dst, MH_NEXT_HEADER, p, *mh_len)) {
		*why = "checksum";
		return -1;
	}
	return 0;
}

int mh_decode(const uint8_t *p, size_t len, const struct in6_addr *src,
	      const struct in6_addr *dst, struct mh_msg *out, const char **why)
{
	size_t mh_len, off;

	memset(out, 0, sizeof *out);
	if (len >= 3)
		out->type = p[2];       /* for a Binding Error on failure */
	if (dec_header(p, len, src, dst, &mh_len, why) < 0)
		return -1;
	mh_msg_init(out, (enum mh_type)p[2]);
	out->payload_proto = p[0];
	out->checksum = wire_get16(p + 4);
	off = opts_off(out->type);
	if (off == 0) {
		*why = "unsupported MH Type";
		return -1;
	}
	/* Each type we speak has 6 (RFC 6275 6.1.7, 6.1.8, RFC 5847 5.1) or
	 * 4 (RFC 5568 6.2.1, 6.2.2) octets of data: Header Len 0 (8 octets)
	 * is the one too-short case. */
	if (mh_len < off) {
		*why = "Header Len below the message minimum";
		return -1;
	}
	if (out->type == MH_TYPE_BU)
		dec_bu(p, out);
	else if (out->type == MH_TYPE_BA)
		dec_ba(p, out);
	else if (out->type == MH_TYPE_HEARTBEAT)
		dec_hb(p, out);
	else if (out->type == MH_TYPE_BE)
		dec_be(p, out);
	else if (out->type == MH_TYPE_BR)
		dec_br(p, out);
	else if (out->type == MH_TYPE_UPN || out->type == MH_TYPE_UPA)
		dec_upn(p, out);
	else
		dec_hi(p, out);
	return mh_opts_decode(p, off, mh_len, out, why);
}

/* --- encode -------------------------------------------------------------- */

static int enc_fixed(const struct mh_msg *m, uint8_t *buf, const char **why)
{
	switch (m->type) {
	case MH_TYPE_BU:
		wire_put16(buf + 6, m->seq);
		wire_put16(buf + 8, m->bu_flags);
		wire_put16(buf + 10, m->lifetime);
		return 0;
	case MH_TYPE_BA:
		buf[6] = m->status;
		buf[7] = m->ba_flags;
		wire_put16(buf + 8, m->seq);
		wire_put16(buf + 10, m->lifetime);
		return 0;
	case MH_TYPE_HEARTBEAT:
		buf[6] = 0;
		buf[7] = (uint8_t)((m->hb_unsolicited ? MH_HB_U : 0) |
				   (m->hb_request ? 0 : MH_HB_R));
		wire_put32(buf + 8, m->hb_seq);
		return 0;
	case MH_TYPE_BR:
		buf[6] = m->br_type;
		buf[7] = m->br_type == MH_BR_TYPE_BRA ? m->status : m->br_trigger;
		wire_put16(buf + 8, m->seq);
		wire_put16(buf + 10, m->br_flags);
		return 0;
	case MH_TYPE_BE:
		buf[6] = m->be_status;
		buf[7] = 0;
		memcpy(buf + 8, &m->be_hoa, sizeof(m->be_hoa));
		return 0;
	case MH_TYPE_HI:
	case MH_TYPE_HACK:
		wire_put16(buf + 6, m->seq);
		buf[8] = m->type == MH_TYPE_HI ? m->hi_flags : 0;
		buf[9] = m->hi_code;
		return 0;
	case MH_TYPE_UPN:
	case MH_TYPE_UPA:
		wire_put16(buf + 6, m->seq);
		buf[8] = m->type == MH_TYPE_UPN ? m->upn_reason : m->status;
		buf[9] = m->type == MH_TYPE_UPN ? m->upn_flags & (MH_UPN_A | MH_UPN_D) : 0;
		return 0;
	default:
		*why = "unsupported MH Type";
		return -1;
	}
}

int mh_encode(const struct mh_msg *m, const struct in6_addr *src,
	      const struct in6_addr *dst, uint8_t *buf, size_t cap,
	      const char **why)
{
	size_t off = opts_off(m->type);

	if (cap < MH_OPTS_OFF) {
		*why = "buffer too small";
		return -1;
	}
	if (cap > MH_LEN_MAX)
		cap = MH_LEN_MAX;       /* Header Len is one octet */
	if (enc_fixed(m, buf, why) < 0 ||
	    mh_opts_encode(m, buf, cap, &off, why) < 0 ||
	    mh_pad_to(buf, cap, &off, 8, 0, why) < 0)
		return -1;
	buf[0] = m->payload_proto;
	buf[1] = (uint8_t)(off / 8 - 1);
	buf[2] = m->type;
	buf[3] = 0;
	wire_put16(buf + 4, 0);
	if (src && dst)
		wire_put16(buf + 4, mh_csum6(src, dst, MH_NEXT_HEADER, buf, off));
	return (int)off;
}

/* --- helpers ------------------------------------------------------------- */

int mh_set_mn_id(struct mh_msg *m, const char *nai)
{
	size_t n = strlen(nai);

	/* Option Length counts the subtype: 1 + n <= 255 (RFC 4283 3). */
	if (n < 1 || n > 254)
		return -1;
	m->has_mn_id = true;
	m->mn_id_subtype = MH_MN_ID_NAI;
	m->mn_id_len = (uint8_t)n;
	memcpy(m->mn_id, nai, n);
	return 0;
}

const char *mh_mn_id_str(const struct mh_msg *m, char *buf, size_t len)
{
	size_t i, o = 0;
	uint8_t c;

	if (len == 0)
		return buf;
	for (i = 0; m->has_mn_id && i < m->mn_id_len; i++) {
		c = m->mn_id[i];
		if (c >= 0x20 && c < 0x7f && c != '\\') {
			if (o + 1 >= len)
				break;
			buf[o++] = (char)c;
		} else {
			if (o + 4 >= len)
				break;
			snprintf(buf + o, 5, "\\x%02x", c);
			o += 4;
		}
	}
	buf[o] = '\0';
	return buf;
}

/* RFC 5213 8.8: 48 bits of seconds since 1970, 16 bits of 1/65536 s. */
uint64_t mh_timestamp_from_ns(uint64_t ns)
{
	uint64_t s = ns / 1000000000u, frac = ns % 1000000000u;

	return s << 16 | (frac << 16) / 1000000000u;
}

uint64_t mh_timestamp_to_ns(uint64_t ts)
{
	return (ts >> 16) * 1000000000u + ((ts & 0xffff) * 1000000000u >> 16);
}

/* --- comparison ---------------------------------------------------------- */

static bool group_equal(const struct mh_group *a, const struct mh_group *b)
{
	unsigned i;

	if (a->has_bid != b->has_bid || a->has_mn_ll_id != b->has_mn_ll_id ||
	    a->has_hi != b->has_hi || a->has_att != b->has_att ||
	    a->has_ll_addr != b->has_ll_addr || a->n_hnp != b->n_hnp ||
	    a->service_len != b->service_len ||
	    memcmp(a->service, b->service, a->service_len))
		return false;
	if (a->has_bid && (a->bid != b->bid || a->bid_status != b->bid_status ||
			   a->bid_h != b->bid_h || a->bid_pri != b->bid_pri ||
			   a->bid_coa_len != b->bid_coa_len ||
			   memcmp(a->bid_coa, b->bid_coa, a->bid_coa_len)))
		return false;
	if (a->has_mn_ll_id && (a->mn_ll_id_len != b->mn_ll_id_len ||
				memcmp(a->mn_ll_id, b->mn_ll_id, a->mn_ll_id_len)))
		return false;
	if ((a->has_hi && a->hi != b->hi) || (a->has_att && a->att != b->att))
		return false;
	if (a->has_ll_addr && memcmp(&a->ll_addr, &b->ll_addr, 16))
		return false;
	for (i = 0; i < a->n_hnp && i < MH_HNP_MAX; i++)
		if (a->hnp[i].len != b->hnp[i].len ||
		    memcmp(&a->hnp[i].prefix, &b->hnp[i].prefix, 16))
			return false;
	return true;
}

static bool fixed_equal(const struct mh_msg *a, const struct mh_msg *b)
{
	if (a->type != b->type || a->payload_proto != b->payload_proto)
		return false;
	switch (a->type) {
	case MH_TYPE_BU:
		return a->seq == b->seq && a->bu_flags == b->bu_flags &&
		       a->lifetime == b->lifetime;
	case MH_TYPE_BA:
		return a->status == b->status && a->ba_flags == b->ba_flags &&
		       a->seq == b->seq && a->lifetime == b->lifetime;
	case MH_TYPE_HEARTBEAT:
		return a->hb_request == b->hb_request &&
		       a->hb_unsolicited == b->hb_unsolicited &&
		       a->hb_seq == b->hb_seq;
	case MH_TYPE_HI:
		return a->seq == b->seq && a->hi_flags == b->hi_flags &&
		       a->hi_code == b->hi_code;
	case MH_TYPE_HACK:
		return a->seq == b->seq && a->hi_code == b->hi_code;
	case MH_TYPE_UPN:
		return a->seq == b->seq && a->upn_reason == b->upn_reason &&
		       a->upn_flags == b->upn_flags;
	case MH_TYPE_UPA:
		return a->seq == b->seq && a->status == b->status;
	default:
		return true;
	}
}

bool mh_msg_equal(const struct mh_msg *a, const struct mh_msg *b)
{
	unsigned i;

	if (!fixed_equal(a, b) || a->has_mn_id != b->has_mn_id ||
	    a->has_timestamp != b->has_timestamp || a->n_groups != b->n_groups)
		return false;
	if (a->has_mn_id && (a->mn_id_subtype != b->mn_id_subtype ||
			     a->mn_id_len != b->mn_id_len ||
			     memcmp(a->mn_id, b->mn_id, a->mn_id_len)))
		return false;
	if (a->has_timestamp && a->timestamp != b->timestamp)
		return false;
	if (a->has_alt_coa != b->has_alt_coa ||
	    (a->has_alt_coa && memcmp(&a->alt_coa, &b->alt_coa, 16)))
		return false;
	for (i = 0; i < a->n_groups && i < MH_GROUP_MAX; i++)
		if (!group_equal(&a->group[i], &b->group[i]))
			return false;
	if (a->n_flow != b->n_flow || a->has_flow_summary != b->has_flow_summary ||
	    a->n_flow_summary != b->n_flow_summary ||
	    a->n_flow_summary > MH_FLOW_SUMMARY_MAX ||
	    memcmp(a->flow_summary, b->flow_summary, 2u * a->n_flow_summary))
		return false;
	for (i = 0; i < a->n_flow && i < MH_FLOW_MAX; i++)
		if (!mh_flow_equal(&a->flow[i], &b->flow[i]))
			return false;
	return true;
}
