/*
 * lma_hb.c - Heartbeat at the LMA (RFC 5847): every request from an
 * authorized MAG is answered with our Restart Counter; a MAG whose Restart
 * Counter changed has restarted and lost its binding update list, so its
 * bindings here are marked deregistered (kept MinDelayBeforeBCEDelete, as
 * after a deregistration, 5.3.5: the restarted MAG registers the MNs it
 * still serves again within it and they keep their prefixes; the others go).
 *
 * Must not: do I/O or read clocks; send requests (the MAGs do, mag_hb.c).
 */
#include "lma_int.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

static struct lma_peer *peer_of(const struct lma *l, const struct in6_addr *src)
{
	for (size_t i = 0; i < l->cfg.n_mags; i++)
		if (!memcmp(&l->cfg.mags[i], src, sizeof(*src)))
			return &l->peers[i];
	return NULL;
}

struct at_coa {
	const struct in6_addr *coa;
	uint64_t before;
	struct bce_session *v[256];
	size_t n;
};

static void collect(void *arg, const struct bce_session *s)
{
	struct at_coa *c = arg;

	/* registered by the MAG's previous incarnation: not since its last
	 * heartbeat with the old counter (the new one may register first; a
	 * refresh the old one sent after its last heartbeat is left alone,
	 * to expire if no MAG registers it again: the safe side) */
	if (c->n < 256 && s->state == BCE_STATE_REGISTERED && s->registered_ns <= c->before &&
	    !memcmp(&s->proxy_coa, c->coa, sizeof(*c->coa)))
		c->v[c->n++] = (struct bce_session *)s;
}

static void mag_restarted(struct lma *l, const struct in6_addr *src, uint32_t rc,
			  uint64_t last_ns, uint64_t now_ns, struct lma_actions *out)
{
	struct at_coa c = { .coa = src, .before = last_ns };
	char peer[INET6_ADDRSTRLEN], f[1024];

	bce_foreach_session(l->bc, collect, &c);
	for (size_t i = 0; i < c.n; i++) {
		struct bce_session *s = c.v[i];

		lma_session_set_state(l, s, BCE_STATE_DEREGISTERED,
				      now_ns + l->cfg.min_delay_before_bce_delete_ns, out,
				      "its MAG restarted (RFC 5847 5.3)");
		lma_act_event(out, LMA_EV_BCE_DEREGISTERED, "%s,\"reason\":\"mag_restarted\"",
			      lma_session_fields(s, f, sizeof(f)));
	}
	l->st.mag_restarts++;
	inet_ntop(AF_INET6, src, peer, sizeof(peer));
	lma_act_event(out, LMA_EV_MAG_RESTARTED, "\"peer\":\"%s\",\"restart_counter\":%u,"
		      "\"sessions\":%zu", peer, rc, c.n);
}

int lma_input_hb(struct lma *l, const struct in6_addr *src, const struct mh_msg *m,
		 uint64_t now_ns, struct lma_actions *out)
{
	struct lma_peer *p = peer_of(l, src);
	struct mh_msg r;

	l->st.hb_received++;
	if (!p) {
		l->st.hb_unknown_peer++;        /* 5.3.1's MAG check applies here too */
		return 0;
	}
	if (!m->hb_request)
		return 0;                       /* we send no requests */
	if (m->has_restart_counter) {
		if (p->heard && m->restart_counter != p->restart_counter)
			mag_restarted(l, src, m->restart_counter, p->last_ns, now_ns, out);
		p->heard = true;
		p->restart_counter = m->restart_counter;
	}
	p->last_ns = now_ns;
	mh_msg_init(&r, MH_TYPE_HEARTBEAT);
	r.hb_request = false;                   /* R: a response, 5.1 */
	r.hb_seq = m->hb_seq;
	r.has_restart_counter = true;
	r.restart_counter = l->cfg.restart_counter;
	lma_act_send_mh(out, src, &r);
	l->st.hb_answered++;
	return 0;
}

uint32_t lma_config_restart_counter(const struct lma *l)
{
	return l->cfg.restart_counter;
}

/* For `show stats`: what each MAG's heartbeats say, as JSON members. */
size_t lma_hb_peers_json(const struct lma *l, uint64_t now_ns, char *out, size_t cap)
{
	size_t o = 0;

	for (size_t i = 0; i < l->cfg.n_mags && o + 160 < cap; i++) {
		const struct lma_peer *p = &l->peers[i];
		char a[INET6_ADDRSTRLEN];
		uint64_t silent = p->heard && now_ns > p->last_ns ? now_ns - p->last_ns : 0;
		bool up = p->heard && (!l->cfg.heartbeat_ns ||
				       silent <= l->cfg.heartbeat_ns * l->cfg.heartbeat_missed);

		inet_ntop(AF_INET6, &l->cfg.mags[i], a, sizeof(a));
		o += (size_t)snprintf(out + o, cap - o,
				      "%s{\"mag\":\"%s\",\"heard\":%s,\"path_up\":%s,"
				      "\"silent_ms\":%llu,\"restart_counter\":%u}",
				      i ? "," : "", a, p->heard ? "true" : "false",
				      up ? "true" : "false",
				      (unsigned long long)(silent / 1000000), p->restart_counter);
	}
	return o;
}
