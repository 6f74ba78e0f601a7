/*
 * mag_ctl.c - magd's control commands: one request line in, one JSON
 * document out (doc/design.md "Run-time conventions"): show bul, show
 * stats, handoff, session add|delete, help.
 *
 * Owns: command parsing and the answers' JSON. Must not: read or write the
 * socket (nio_ctl does) or carry out the actions a command produces.
 */
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <json-c/json.h>

#include "mag_int.h"
#include "mag_ctl.h"

static json_object *prefixes_json(const struct mh_prefix *p, unsigned n)
{
	json_object *a = json_object_new_array();
	char s[INET6_ADDRSTRLEN + 8], addr[INET6_ADDRSTRLEN];
	for (unsigned i = 0; i < n; i++) {
		inet_ntop(AF_INET6, &p[i].prefix, addr, sizeof(addr));
		snprintf(s, sizeof(s), "%s/%u", addr, p[i].len);
		json_object_array_add(a, json_object_new_string(s));
	}
	return a;
}

/* The MN's flow requests the session carries (section 3, mag_flow.c),
 * with the LMA's last answer. */
static json_object *flows_json(const struct mag_bul *b)
{
	json_object *a = json_object_new_array();
	for (uint8_t i = 0; i < b->n_flow; i++) {
		const struct mh_flow *f = &b->flow[i];
		json_object *o = json_object_new_object();
		char sel[FLOW_SEL_TEXT_MAX + 64] = "";
		if (f->ts_format)
			flow_sel_format(&f->ts, sel, sizeof(sel));
		json_object_object_add(o, "fid", json_object_new_int(f->fid));
		json_object_object_add(o, "fid_pri", json_object_new_int(f->fid_pri));
		json_object_object_add(o, "any", json_object_new_boolean(f->n_bref == 0));
		json_object_object_add(o, "selector", json_object_new_string(sel));
		json_object_object_add(o, "status", json_object_new_int(f->status));
		json_object_array_add(a, o);
	}
	return a;
}

static json_object *bul_json(const struct mag_bul *b, uint64_t now_ns)
{
	json_object *o = json_object_new_object();
	char mac[24], lmaa[INET6_ADDRSTRLEN];
	mag_fmt_mac(mac, sizeof(mac), b->ll_id);
	inet_ntop(AF_INET6, &b->lmaa, lmaa, sizeof(lmaa));
	json_object_object_add(o, "mn_id", json_object_new_string(b->prof->mn_id));
	json_object_object_add(o, "mn_ll_id", json_object_new_string(mac));
	json_object_object_add(o, "iface", json_object_new_string(b->ifname));
	json_object_object_add(o, "att", json_object_new_int(b->att));
	json_object_object_add(o, "att_name", json_object_new_string(mh_att_name(b->att)));
	json_object_object_add(o, "bid", json_object_new_int((int)b->id));
	json_object_object_add(o, "service", b->service[0] ?
			       json_object_new_string(b->service) : NULL);
	json_object_object_add(o, "state",
			       json_object_new_string(mag_bul_state_name(b->state)));
	json_object_object_add(o, "lma", json_object_new_string(lmaa));
	json_object_object_add(o, "hnps", prefixes_json(b->hnp, b->n_hnp));
	json_object_object_add(o, "lifetime_s", json_object_new_int64(b->lifetime_s));
	json_object_object_add(o, "remaining_s",
			       json_object_new_int64(mag_bul_remaining_s(b, now_ns)));
	json_object_object_add(o, "seq", json_object_new_int(b->seq));
	json_object_object_add(o, "hi", json_object_new_int(b->hi));
	json_object_object_add(o, "flows", flows_json(b));
	return o;
}

static json_object *show_bul(const struct mag *m, uint64_t now_ns)
{
	json_object *arr = json_object_new_array();
	for (size_t i = 0; i < MAG_BUL_MAX; i++) {
		const struct mag_bul *b = mag_bul_at(m, i);
		if (b)
			json_object_array_add(arr, bul_json(b, now_ns));
	}
	json_object *o = json_object_new_object();
	json_object_object_add(o, "bul", arr);
	return o;
}

#define ADD_U64(o, s, f) json_object_object_add(o, #f, json_object_new_int64((int64_t)(s)->f))

static json_object *show_stats(struct mag *m)
{
	const struct mag_stats *s = mag_stats(m);
	json_object *o = json_object_new_object();
	json_object *sent = json_object_new_object();
	ADD_U64(sent, s, pbu_sent); ADD_U64(sent, s, pbu_retx); ADD_U64(sent, s, pbu_bytes);
	ADD_U64(sent, s, pbu_reg); ADD_U64(sent, s, pbu_rereg); ADD_U64(sent, s, pbu_dereg);
	ADD_U64(sent, s, ra_sent);
	json_object_object_add(o, "sent", sent);
	json_object *rcvd = json_object_new_object();
	ADD_U64(rcvd, s, pba_received); ADD_U64(rcvd, s, pba_ignored);
	ADD_U64(rcvd, s, mh_unknown_type); ADD_U64(rcvd, s, mh_bad_payload_proto);
	ADD_U64(rcvd, s, mh_auth_missing); ADD_U64(rcvd, s, mh_auth_failed);
	ADD_U64(rcvd, s, mh_bad_header_len);
	json_object_object_add(o, "received", rcvd);
	json_object *err = json_object_new_object();
	ADD_U64(err, s, mh_be_sent); ADD_U64(err, s, mh_param_problems_sent);
	ADD_U64(err, s, mh_errors_suppressed);
	json_object_object_add(o, "mh_errors", err);
	json_object *hb = json_object_new_object();
	json_object_object_add(hb, "path_up", json_object_new_boolean(mag_path_up(m)));
	ADD_U64(hb, s, hb_sent); ADD_U64(hb, s, hb_received); ADD_U64(hb, s, hb_answered);
	ADD_U64(hb, s, path_downs); ADD_U64(hb, s, lma_restarts);
	json_object_object_add(o, "heartbeat", hb);
	json_object *br = json_object_new_object();
	ADD_U64(br, s, bri_received); ADD_U64(br, s, bri_ignored); ADD_U64(br, s, bra_sent);
	ADD_U64(br, s, bri_sent); ADD_U64(br, s, bra_received); ADD_U64(br, s, revoked);
	json_object_object_add(o, "revocation", br);
	json_object *un = json_object_new_object();
	ADD_U64(un, s, upn_received); ADD_U64(un, s, upn_ignored); ADD_U64(un, s, upa_sent);
	json_object_object_add(o, "update_notification", un);
	json_object *fl = json_object_new_object();  /* section 3: MN flow requests */
	ADD_U64(fl, s, flow_requests); ADD_U64(fl, s, flow_refused);
	ADD_U64(fl, s, flow_withdrawn);
	json_object_object_add(o, "flows", fl);
	json_object *st = json_object_new_object();
	for (unsigned i = 0; i < 256; i++) {
		if (!s->pba_status[i])
			continue;
		char k[80];
		snprintf(k, sizeof(k), "%u %s", i, pba_status_name(i));
		json_object_object_add(st, k, json_object_new_int64((int64_t)s->pba_status[i]));
	}
	json_object_object_add(o, "pba_by_status", st);
	json_object *ref = json_object_new_object();
	ADD_U64(ref, s, refresh_msgs); ADD_U64(ref, s, refresh_bytes);
	ADD_U64(ref, s, refresh_sessions);
	json_object_object_add(ref, "refresh_period_s", json_object_new_double(
		(double)m->cfg.lifetime_s * m->cfg.refresh_pct / 100.0));
	json_object_object_add(ref, "combined", json_object_new_boolean(m->cfg.multi_session_pbu));
	json_object_object_add(o, "refresh", ref);
	json_object *mn = json_object_new_object();
	ADD_U64(mn, s, attach); ADD_U64(mn, s, detach); ADD_U64(mn, s, attach_unknown);
	ADD_U64(mn, s, give_up);
	json_object_object_add(o, "mn", mn);
	json_object *dp = json_object_new_object();
	ADD_U64(dp, s, up_pkts); ADD_U64(dp, s, down_pkts);
	ADD_U64(dp, s, drop_up_no_session); ADD_U64(dp, s, drop_down_no_session);
	ADD_U64(dp, s, drop_down_bad_src);
	json_object_object_add(o, "data", dp);
	return o;
}

static json_object *error_json(const char *msg)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "error", json_object_new_string(msg));
	return o;
}

static json_object *help_json(void)
{
	static const char *cmds[] = {
		"show bul", "show stats", "handoff MNID FROM_LLID TO_LLID [PREFIX/LEN...]",
		"session add|delete LLID SERVICE", "prefix add|remove|take LLID PREFIX/LEN...",
		"help",
	};
	json_object *a = json_object_new_array();
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		json_object_array_add(a, json_object_new_string(cmds[i]));
	json_object *o = json_object_new_object();
	json_object_object_add(o, "commands", a);
	return o;
}

/* "P/LEN ..." after the first `skip` arguments: a section 2.2 subset. */
static int parse_prefixes(const char *args, int skip, struct mh_prefix *p, unsigned *n)
{
	char buf[64];
	int used = 0;
	unsigned len;

	*n = 0;
	for (int i = 0; i < skip; i++, args += used)
		if (sscanf(args, " %63s%n", buf, &used) != 1)
			return 0;
	for (; sscanf(args, " %63s%n", buf, &used) == 1; args += used) {
		char *slash = strchr(buf, '/');
		if (*n >= MH_HNP_MAX || !slash || sscanf(slash + 1, "%u", &len) != 1 || len > 128)
			return -1;
		*slash = 0;
		if (inet_pton(AF_INET6, buf, &p[*n].prefix) != 1)
			return -1;
		p[(*n)++].len = (uint8_t)len;
	}
	return 0;
}

static json_object *handoff(struct mag *m, const char *args, uint64_t now_ns,
			    struct mag_acts *acts)
{
	struct mh_prefix sub[MH_HNP_MAX];
	unsigned n_sub = 0;
	char id[MAG_MN_ID_MAX], from[32], to[32];
	uint8_t f[6], t[6];
	if (sscanf(args, "%127s %31s %31s", id, from, to) != 3)
		return error_json("usage: handoff MNID FROM_LLID TO_LLID [PREFIX/LEN...]");
	if (mag_parse_mac(from, f) < 0 || mag_parse_mac(to, t) < 0)
		return error_json("link-layer ids are MAC addresses aa:bb:cc:dd:ee:ff");
	if (parse_prefixes(args, 3, sub, &n_sub) < 0)
		return error_json("prefixes are PREFIX/LEN, at most 16");
	const char *why = "failed";
	int r = n_sub ? mag_handoff_subset(m, id, f, t, sub, n_sub, now_ns, acts, &why)
		      : mag_handoff(m, id, f, t, now_ns, acts, &why);
	if (r < 0)
		return error_json(why);
	json_object *o = json_object_new_object();
	json_object_object_add(o, "ok", json_object_new_boolean(1));
	return o;
}

/* Section 2.1: "session add|delete LLID SERVICE" (RFC 5149 service name). */
static json_object *session(struct mag *m, const char *args, uint64_t now_ns,
			    struct mag_acts *acts)
{
	char op[16], ll[32], svc[MAG_SERVICE_MAX + 2], extra[2];
	uint8_t mac[6];
	const char *why = "failed";
	int r;

	if (sscanf(args, "%15s %31s %65s %1s", op, ll, svc, extra) != 3 ||
	    (strcmp(op, "add") && strcmp(op, "delete")))
		return error_json("usage: session add|delete LLID SERVICE");
	if (mag_parse_mac(ll, mac) < 0)
		return error_json("LLID is a MAC address aa:bb:cc:dd:ee:ff");
	if (!strcmp(op, "add"))
		r = mag_session_add(m, mac, svc, now_ns, acts, &why);
	else
		r = mag_session_delete(m, mac, svc, now_ns, acts, &why);
	if (r < 0)
		return error_json(why);
	json_object *o = json_object_new_object();
	json_object_object_add(o, "ok", json_object_new_boolean(1));
	return o;
}

/* Section 2.2 on a live interface: "prefix add|remove|take LLID P/LEN...". */
static json_object *prefix(struct mag *m, const char *args, uint64_t now_ns,
			   struct mag_acts *acts)
{
	static const char *ops[] = { "add", "remove", "take" };
	struct mh_prefix p[MH_HNP_MAX];
	unsigned n = 0, op;
	char o[16], ll[32];
	uint8_t mac[6];
	const char *why = "failed";

	if (sscanf(args, "%15s %31s", o, ll) != 2)
		return error_json("usage: prefix add|remove|take LLID PREFIX/LEN...");
	for (op = 0; op < 3 && strcmp(o, ops[op]); op++)
		;
	if (op == 3)
		return error_json("usage: prefix add|remove|take LLID PREFIX/LEN...");
	if (mag_parse_mac(ll, mac) < 0)
		return error_json("LLID is a MAC address aa:bb:cc:dd:ee:ff");
	if (parse_prefixes(args, 2, p, &n) < 0)
		return error_json("prefixes are PREFIX/LEN, at most 16");
	if (mag_prefix_change(m, mac, (enum mag_prefix_op)op, p, n, now_ns, acts, &why) < 0)
		return error_json(why);
	json_object *r = json_object_new_object();
	json_object_object_add(r, "ok", json_object_new_boolean(1));
	return r;
}

void mag_ctl_handle(struct mag *m, const char *line, uint64_t now_ns,
		    struct mag_acts *acts, char *out, size_t cap)
{
	json_object *o;
	while (*line == ' ' || *line == '\t')
		line++;
	if (!strcmp(line, "show bul"))
		o = show_bul(m, now_ns);
	else if (!strcmp(line, "show stats"))
		o = show_stats(m);
	else if (!strcmp(line, "help"))
		o = help_json();
	else if (!strncmp(line, "handoff ", 8))
		o = handoff(m, line + 8, now_ns, acts);
	else if (!strncmp(line, "prefix ", 7))
		o = prefix(m, line + 7, now_ns, acts);
	else if (!strncmp(line, "session ", 8))
		o = session(m, line + 8, now_ns, acts);
	else
		o = error_json("unknown command; try help");
	const char *s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	if (strlen(s) < cap) {
		memcpy(out, s, strlen(s) + 1);
	} else if (cap) {
		snprintf(out, cap, "{\"error\":\"answer too long\"}");
	}
	json_object_put(o);
}
