/*
 * lma_fh.c - appendix D fast handover at the LMA: dormant routes installed
 * beforehand, and the MAGs told about them.
 *
 * Owns: pairing an MN's sessions of two interfaces (each one's prefixes get
 * the other as dormant route), the Handover Initiate that tells each MAG the
 * other session (RFC 5568 6.2.1 format, P and F flags of RFC 5949 6.2.1),
 * the Handover Acknowledge that answers it. Must not: do I/O, read clocks;
 * the activation itself is lma_handoff.c's (on the deregistration the MAG
 * sends when its access link loses carrier, RFC 5213 6.9.1.4).
 *
 * Why the LMA sends the HI: in RFC 5949 the MAGs exchange HI/HAck, which
 * needs each MAG to know its peer; only the LMA knows that both sessions
 * belong to one MN. So the LMA sends each MAG one HI: MN-ID, the MN-LL-ID of
 * the session that MAG serves, the other session's HNPs, and the other
 * MAG's Proxy-CoA in an Alternate Care-of Address option (RFC 6275 6.2.5).
 * See doc/protocol.md "Appendix D".
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "lma_int.h"

static bool same_addr(const struct in6_addr *a, const struct in6_addr *b)
{
	return memcmp(a, b, sizeof(*a)) == 0;
}

struct bce_session *lma_fh_backup(const struct bce_session *s)
{
	struct bce_session *newest = NULL;

	for (uint8_t i = 0; i < s->n_prefix; i++) {
		struct bce_session *d = s->prefix[i]->dormant;

		if (d && d != s && d->state == BCE_STATE_REGISTERED)
			return d;
	}
	/* sessions are linked newest first */
	for (struct bce_session *o = s->mn->sessions; o && !newest; o = o->mn_next)
		if (o != s && o->state == BCE_STATE_REGISTERED &&
		    o->kind == BCE_KIND_PROXY)  /* a home binding has no MAG */
			newest = o;
	return newest;
}

/* The HI to s's MAG about backup b. */
static void send_hi(struct lma *l, struct bce_session *s, const struct bce_session *b,
		    struct lma_actions *out)
{
	struct mh_msg m;
	struct mh_group *g = &m.group[0];

	mh_msg_init(&m, MH_TYPE_HI);
	m.seq = ++l->hi_seq;
	m.hi_flags = MH_HINIT_P | MH_HINIT_F;   /* RFC 5949 6.2.1 */
	m.has_mn_id = true;
	m.mn_id_subtype = MH_MN_ID_NAI;
	m.mn_id_len = s->mn->id_len;
	memcpy(m.mn_id, s->mn->id, s->mn->id_len);
	if (s->ll_id_len) {
		g->has_mn_ll_id = true;
		g->mn_ll_id_len = s->ll_id_len;
		memcpy(g->mn_ll_id, s->ll_id, s->ll_id_len);
	}
	for (uint8_t i = 0; i < b->n_prefix && i < MH_HNP_MAX; i++) {
		g->hnp[g->n_hnp].len = b->prefix[i]->len;
		g->hnp[g->n_hnp++].prefix = b->prefix[i]->prefix;
	}
	m.has_alt_coa = true;
	m.alt_coa = b->proxy_coa;
	s->fh_backup_id = b->id;
	s->fh_backup_coa = b->proxy_coa;
	s->fh_hi_seq = m.seq;
	s->fh_acked = false;
	l->st.hi_sent++;
	lma_act_send_mh(out, &s->proxy_coa, &m);
}

/* Has s's MAG heard (and acknowledged) about b where it is now? */
static bool told(const struct bce_session *s, const struct bce_session *b)
{
	return s->fh_acked && s->fh_backup_id == b->id &&
	       same_addr(&s->fh_backup_coa, &b->proxy_coa);
}

/* Each prefix of s without an active dormant route gets b as its backup. */
static unsigned set_dormant(struct bce_session *s, struct bce_session *b)
{
	unsigned n = 0;

	for (uint8_t i = 0; i < s->n_prefix; i++) {
		struct bce_prefix *x = s->prefix[i];

		if (x->dormant_active || x->dormant == b || bce_session_has_prefix(b, x))
			continue;
		bce_prefix_set_dormant(x, b);
		n++;
	}
	return n;
}

static void installed_event(const struct bce_session *s, const struct bce_session *b,
			    struct lma_actions *out)
{
	char coa[INET6_ADDRSTRLEN], p[64], list[512] = "";
	size_t o = 0;

	for (uint8_t i = 0; i < s->n_prefix && o < sizeof(list) - 70; i++) {
		lma_fmt_prefix(p, sizeof(p), &s->prefix[i]->prefix, s->prefix[i]->len);
		o += (size_t)snprintf(list + o, sizeof(list) - o, "%s\"%s\"", i ? "," : "", p);
	}
	inet_ntop(AF_INET6, &b->proxy_coa, coa, sizeof(coa));
	lma_act_event(out, LMA_EV_DORMANT_INSTALLED,
		      "\"session\":%llu,\"backup\":%llu,\"via\":\"%s\",\"hnps\":[%s],"
		      "\"hi_seq\":%u", (unsigned long long)s->id, (unsigned long long)b->id,
		      coa, list, s->fh_hi_seq);
}

/* One direction: s's prefixes backed by b, s's MAG told about b. */
static void install_one(struct lma *l, struct bce_session *s, struct bce_session *b,
			struct lma_actions *out)
{
	unsigned n = set_dormant(s, b);

	if (n == 0 && told(s, b))
		return;
	if (!told(s, b))
		send_hi(l, s, b, out);
	installed_event(s, b, out);
}

void lma_fh_install(struct lma *l, struct bce_session *s, struct lma_actions *out)
{
	struct bce_session *b;

	if (!l->cfg.fast_handover || s->state != BCE_STATE_REGISTERED)
		return;
	b = lma_fh_backup(s);
	/* Two interfaces behind one MAG move by HI 2 (section 4), not here. */
	if (!b || same_addr(&b->proxy_coa, &s->proxy_coa))
		return;
	install_one(l, s, b, out);
	install_one(l, b, s, out);
}

void lma_fh_forget(struct bce_session *s)
{
	s->fh_backup_id = 0;
	s->fh_acked = false;
}

/* The session whose MAG (src) we sent the HI with this number. */
static struct bce_session *hack_session(struct lma *l, const struct in6_addr *src,
					const struct mh_msg *m)
{
	struct bce_mn *mn = m->has_mn_id ? bce_find_mn(l->bc, m->mn_id, m->mn_id_len) : NULL;

	for (struct bce_session *s = mn ? mn->sessions : NULL; s; s = s->mn_next)
		if (s->fh_backup_id && s->fh_hi_seq == m->seq &&
		    same_addr(&s->proxy_coa, src))
			return s;
	return NULL;
}

int lma_input_hack(struct lma *l, const struct in6_addr *src, const struct mh_msg *hack,
		   struct lma_actions *out)
{
	struct bce_session *s;

	if (hack->type != MH_TYPE_HACK)
		return -1;
	s = hack_session(l, src, hack);
	if (!s) {
		l->st.hack_unmatched++;
		return -1;
	}
	l->st.hack_received++;
	/* RFC 5568 6.2.2: codes from 128 refuse; the dormant route at the LMA
	 * stays (it needs nothing from the MAG), the HI goes again with the
	 * next registration. */
	s->fh_acked = hack->hi_code < MH_HACK_NOT_ACCEPTED;
	if (!s->fh_acked)
		l->st.hack_refused++;
	lma_act_event(out, LMA_EV_HACK_RECEIVED,
		      "\"session\":%llu,\"seq\":%u,\"code\":%u,\"code_name\":\"%s\"",
		      (unsigned long long)s->id, hack->seq, hack->hi_code,
		      mh_hack_code_name(hack->hi_code));
	return 0;
}
