/*
 * lma_show.c - the LMA's state as JSON for the control socket ("show
 * bindings", "show stats"). Pure: builds text, json-c does the escaping.
 */
#include "lma_int.h"

#include <arpa/inet.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

static json_object *jaddr(const struct in6_addr *a)
{
	char s[INET6_ADDRSTRLEN];

	inet_ntop(AF_INET6, a, s, sizeof(s));
	return json_object_new_string(s);
}

static json_object *jprefix(const struct bce_prefix *x)
{
	char s[64];

	lma_fmt_prefix(s, sizeof(s), &x->prefix, x->len);
	return json_object_new_string(s);
}

static json_object *jroute(const struct bce_session *s)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "session", json_object_new_int64((int64_t)s->id));
	json_object_object_add(o, "proxy_coa", jaddr(&s->proxy_coa));
	json_object_object_add(o, "state", json_object_new_string(bce_state_name(s->state)));
	return o;
}

struct show_ctx {
	uint64_t now_ns;
	const struct flow_tab *flows;
	json_object *sessions;
	json_object *prefixes;
	json_object *seen;              /* prefixes already listed, by text */
	size_t count;                   /* sessions on the page */
};

/* Section 3: a prefix routed by several sessions, and its flow rules (ids
 * in match order; "show flows" has the rules). */
static void prefix_flows_json(const struct show_ctx *c, const struct bce_prefix *x,
			      json_object *o)
{
	uint32_t ids[16];
	size_t n = flow_tab_prefix_rules(c->flows, &x->prefix, x->len, ids, 16);
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < n && i < 16; i++)
		json_object_array_add(a, json_object_new_int64(ids[i]));
	json_object_object_add(o, "shared", json_object_new_boolean(x->n_route > 1));
	json_object_object_add(o, "flow_rules", a);
	if (n > 16)
		json_object_object_add(o, "flow_rules_more", json_object_new_int64((int64_t)(n - 16)));
}

static void prefix_json(struct show_ctx *c, const struct bce_prefix *x)
{
	char key[64];

	lma_fmt_prefix(key, sizeof(key), &x->prefix, x->len);
	if (json_object_object_get_ex(c->seen, key, NULL))
		return;
	json_object_object_add(c->seen, key, NULL);
	json_object *o = json_object_new_object(), *routes = json_object_new_array();
	const struct bce_session *d = bce_prefix_downlink(x);

	for (uint8_t i = 0; i < x->n_route; i++)
		json_object_array_add(routes, jroute(x->route[i]));
	json_object_object_add(o, "hnp", jprefix(x));
	json_object_object_add(o, "routes", routes);
	json_object_object_add(o, "active", d ? jroute(d) : NULL);
	json_object_object_add(o, "dormant", x->dormant ? jroute(x->dormant) : NULL);
	json_object_object_add(o, "dormant_active", json_object_new_boolean(x->dormant_active));
	prefix_flows_json(c, x, o);
	json_object_array_add(c->prefixes, o);
}

static void session_json(void *arg, const struct bce_session *s)
{
	struct show_ctx *c = arg;

	c->count++;
	json_object *o = json_object_new_object(), *h = json_object_new_array();
	char ll[64];
	uint64_t rem = s->deadline_ns != BCE_NO_DEADLINE && s->deadline_ns > c->now_ns ?
		       (s->deadline_ns - c->now_ns) / 1000000000ULL : 0;

	lma_fmt_ll_id(ll, sizeof(ll), s->ll_id, s->ll_id_len);
	json_object_object_add(o, "session", json_object_new_int64((int64_t)s->id));
	json_object_object_add(o, "mn_id", json_object_new_string_len((const char *)s->mn->id,
								     s->mn->id_len));
	json_object_object_add(o, "mn_ll_id", json_object_new_string(ll));
	json_object_object_add(o, "att", json_object_new_int(s->att));
	json_object_object_add(o, "att_name", json_object_new_string(mh_att_name(s->att)));
	json_object_object_add(o, "bid", json_object_new_int(s->bid));
	/* appendix C's table: which kind of binding, and for a home
	 * registration its home address (the one /128 it routes) */
	json_object_object_add(o, "kind", json_object_new_string(bce_kind_name(s->kind)));
	json_object_object_add(o, "hoa", s->kind == BCE_KIND_HOME && s->n_prefix ?
			       jaddr(&s->prefix[0]->prefix) : NULL);
	/* RFC 5149 Service Selection: which of the interface's sessions */
	json_object_object_add(o, "service", s->service_len ?
			       json_object_new_string_len((const char *)s->service,
							  s->service_len) : NULL);
	json_object_object_add(o, "proxy_coa", jaddr(&s->proxy_coa));
	for (uint8_t i = 0; i < s->n_prefix; i++) {
		json_object_array_add(h, jprefix(s->prefix[i]));
		prefix_json(c, s->prefix[i]);
	}
	json_object_object_add(o, "hnps", h);
	json_object_object_add(o, "lifetime_s", json_object_new_int64(s->lifetime_s));
	json_object_object_add(o, "remaining_s", json_object_new_int64((int64_t)rem));
	json_object_object_add(o, "seq", json_object_new_int(s->seq));
	json_object_object_add(o, "state", json_object_new_string(bce_state_name(s->state)));
	/* appendix D: the backup its MAG was told about (Handover Initiate) */
	json_object_object_add(o, "fh_backup", s->fh_backup_id ?
			       json_object_new_int64((int64_t)s->fh_backup_id) : NULL);
	json_object_object_add(o, "fh_acked", json_object_new_boolean(s->fh_acked));
	json_object_array_add(c->sessions, o);
}

static int emit(json_object *o, char *out, size_t cap)
{
	const char *s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	size_t n = strlen(s);
	int rc;

	if (n + 1 > cap)
		rc = snprintf(out, cap, "{\"error\":\"answer too long (%zu bytes)\"}", n);
	else
		rc = snprintf(out, cap, "%s", s);
	json_object_put(o);
	return rc < 0 || (size_t)rc >= cap ? -1 : rc;
}

/* One page: the sessions of whole hash buckets from `from` on, at least max
 * of them unless the cache ends (bce_foreach_session_from), the prefixes
 * they route, and "next", the bucket of the next page (null on the last):
 * a cursor, so each page costs what it lists. */
static int lma_show_page(const struct lma *l, uint64_t now_ns, size_t from,
			 size_t max, char *out, size_t cap)
{
	struct show_ctx c = {
		.now_ns = now_ns, .flows = l->flows, .sessions = json_object_new_array(),
		.prefixes = json_object_new_array(), .seen = json_object_new_object(),
	};
	json_object *o = json_object_new_object();
	size_t n = bce_n_sessions(l->bc);
	size_t next = bce_foreach_session_from(l->bc, from, max, session_json, &c);

	json_object_put(c.seen);
	json_object_object_add(o, "n_sessions", json_object_new_int64((int64_t)n));
	json_object_object_add(o, "from", json_object_new_int64((int64_t)from));
	json_object_object_add(o, "next", next < bce_session_buckets(l->bc) ?
			       json_object_new_int64((int64_t)next) : NULL);
	json_object_object_add(o, "sessions", c.sessions);
	json_object_object_add(o, "prefixes", c.prefixes);
	size_t len = 0;
	json_object_to_json_string_length(o, JSON_C_TO_STRING_PLAIN, &len);
	if (len + 1 > cap) {            /* too big: the caller halves the page */
		json_object_put(o);
		return -1;
	}
	return emit(o, out, cap);
}

/* As many sessions as fit the answer, up to LMA_SHOW_PAGE_MAX: a page that
 * does not fit is tried again with half as many (one session with every
 * prefix still fits 64 KB). Before, past ~130 sessions the whole answer
 * was "answer too long" (issue 10, item 5). */
int lma_show_bindings_from(const struct lma *l, uint64_t now_ns, size_t from,
			   char *out, size_t cap)
{
	int n = -1;
	for (size_t max = LMA_SHOW_PAGE_MAX; max >= 1 && n < 0; max /= 2)
		n = lma_show_page(l, now_ns, from, max, out, cap);
	return n;
}

int lma_show_bindings(const struct lma *l, uint64_t now_ns, char *out, size_t cap)
{
	return lma_show_bindings_from(l, now_ns, 0, out, cap);
}

static void add_u64(json_object *o, const char *k, uint64_t v)
{
	json_object_object_add(o, k, json_object_new_int64((int64_t)v));
}

int lma_show_stats(const struct lma *l, char *out, size_t cap)
{
	const struct lma_stats *s = &l->st;
	json_object *o = json_object_new_object(), *st = json_object_new_object(),
		    *dr = json_object_new_object();

	add_u64(o, "pbu_received", s->pbu_received);
	add_u64(o, "pbu_not_proxy", s->pbu_not_proxy);
	add_u64(o, "pba_sent", s->pba_sent);
	for (unsigned i = 0; i < 256; i++)
		if (s->pba_status[i])
			add_u64(st, lma_status_name(i), s->pba_status[i]);
	json_object_object_add(o, "pba_by_status", st);
	add_u64(o, "groups_accepted", s->groups_accepted);
	add_u64(o, "groups_rejected", s->groups_rejected);
	add_u64(o, "sessions", bce_n_sessions(l->bc));
	add_u64(o, "sessions_created", s->sessions_created);
	add_u64(o, "sessions_deleted", s->sessions_deleted);
	add_u64(o, "handoffs", s->handoffs);
	add_u64(o, "bu_home_received", s->bu_home_received);   /* appendix C */
	add_u64(o, "ba_home_sent", s->ba_home_sent);
	add_u64(o, "home_created", s->home_created);
	add_u64(o, "home_refreshed", s->home_refreshed);
	add_u64(o, "home_deregistered", s->home_deregistered);
	add_u64(o, "home_rejected", s->home_rejected);
	add_u64(o, "home_overwritten", s->home_overwritten);
	add_u64(o, "bid_collisions", s->bid_collisions);
	add_u64(o, "bids_assigned", s->bids_assigned);
	add_u64(o, "refreshes", s->refreshes);
	add_u64(o, "set_changes", s->set_changes);
	add_u64(o, "deregistrations", s->deregistrations);
	add_u64(o, "stale_deregistrations", s->stale_deregistrations);
	add_u64(o, "pending_waits", s->pending_waits);
	add_u64(o, "dormant_activations", s->dormant_activations);
	add_u64(o, "hi_sent", s->hi_sent);
	add_u64(o, "hack_received", s->hack_received);
	add_u64(o, "bri_sent", s->bri_sent);
	add_u64(o, "bra_received", s->bra_received);
	add_u64(o, "upn_sent", s->upn_sent);
	add_u64(o, "upa_received", s->upa_received);
	add_u64(o, "upn_retx", s->upn_retx);
	add_u64(o, "upn_unanswered", s->upn_unanswered);
	add_u64(o, "bri_received", s->bri_received);
	add_u64(o, "revoked", s->revoked);
	add_u64(o, "bri_retx", s->bri_retx);
	add_u64(o, "bri_unanswered", s->bri_unanswered);
	add_u64(o, "hb_received", s->hb_received);
	add_u64(o, "hb_answered", s->hb_answered);
	add_u64(o, "hb_unknown_peer", s->hb_unknown_peer);
	add_u64(o, "mag_restarts", s->mag_restarts);
	add_u64(o, "hack_refused", s->hack_refused);
	add_u64(o, "hack_unmatched", s->hack_unmatched);
	add_u64(o, "downlink_pkts", s->downlink_pkts);
	add_u64(o, "uplink_pkts", s->uplink_pkts);
	for (unsigned i = 0; i < LMA_DROP_MAX; i++)
		add_u64(dr, lma_drop_name((enum lma_drop)i), s->drops[i]);
	json_object_object_add(o, "drops", dr);
	add_u64(o, "bce_bytes", bce_mem_bytes(l->bc));
	return emit(o, out, cap);
}
