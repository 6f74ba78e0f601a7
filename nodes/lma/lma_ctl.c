/*
 * lma_ctl.c - lmad's control commands and its shell counters, as JSON (see
 * lma_ctl.h).
 *
 * Owns: command parsing (one line, surrounding blanks ignored), the "io"
 * object of "show stats" and the tally of malformed Mobility Headers by
 * reason. Must not: do I/O or read clocks (lma_io.c does, then calls here);
 * change the engine (every command here only reads it).
 */
#include "lma_ctl.h"

#include <json-c/json.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#define CMD_MAX 200     /* longer lines cannot be a command */

void lma_ctl_count_malformed(struct lma_io_stats *s, const char *why)
{
	if (!why)
		why = "unspecified";
	s->mh_malformed++;
	for (size_t i = 0; i < s->n_reasons; i++) {
		if (!strcmp(s->malformed[i].why, why)) {
			s->malformed[i].n++;
			return;
		}
	}
	if (s->n_reasons == LMA_CTL_REASONS_MAX) {
		s->malformed_other++;
		return;
	}
	s->malformed[s->n_reasons].why = why;
	s->malformed[s->n_reasons++].n = 1;
}

uint64_t lma_ctl_malformed_count(const struct lma_io_stats *s, const char *why)
{
	for (size_t i = 0; i < s->n_reasons; i++)
		if (!strcmp(s->malformed[i].why, why))
			return s->malformed[i].n;
	return 0;
}

static void add_u64(json_object *o, const char *k, uint64_t v)
{
	json_object_object_add(o, k, json_object_new_int64((int64_t)v));
}

static json_object *io_json(const struct lma_io_stats *st)
{
	json_object *s = json_object_new_object(), *r = json_object_new_object();

	add_u64(s, "mh_received", st->mh_received);
	add_u64(s, "mh_malformed", st->mh_malformed);
	for (size_t i = 0; i < st->n_reasons; i++)
		add_u64(r, st->malformed[i].why, st->malformed[i].n);
	if (st->malformed_other)
		add_u64(r, "other", st->malformed_other);
	json_object_object_add(s, "mh_malformed_by_reason", r);
	add_u64(s, "mh_not_bu", st->mh_not_bu);
	add_u64(s, "mh_wrong_path", st->mh_wrong_path);
	add_u64(s, "mh_auth_missing", st->mh_auth_missing);
	add_u64(s, "mh_auth_failed", st->mh_auth_failed);
	add_u64(s, "mh_send_errors", st->mh_send_errors);
	add_u64(s, "mh_unknown_type", st->mh_unknown_type);
	add_u64(s, "mh_bad_payload_proto", st->mh_bad_payload_proto);
	add_u64(s, "mh_bad_header_len", st->mh_bad_header_len);
	add_u64(s, "mh_binding_errors_sent", st->mh_be_sent);
	add_u64(s, "mh_param_problems_sent", st->mh_param_problems_sent);
	add_u64(s, "mh_errors_suppressed", st->mh_errors_suppressed);
	add_u64(s, "route_errors", st->route_errors);
	add_u64(s, "tun_bad", st->tun_bad);
	add_u64(s, "tun_multicast", st->tun_multicast);
	add_u64(s, "tnl_bad", st->tnl_bad);
	add_u64(s, "tnl_send_errors", st->tnl_send_errors);
	add_u64(s, "tun_write_errors", st->tun_write_errors);
	add_u64(s, "events_dropped", st->events_dropped);
	return s;
}

/* json-c's text into out; an answer longer than cap becomes an error
 * document (never a cut, invalid one). */
static size_t emit(json_object *o, char *out, size_t cap)
{
	const char *s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	size_t n = strlen(s);
	int rc;

	if (n < cap)
		rc = snprintf(out, cap, "%s", s);
	else
		rc = snprintf(out, cap, "{\"error\":\"answer too long (%zu bytes)\"}", n);
	json_object_put(o);
	return rc < 0 ? 0 : (size_t)rc < cap ? (size_t)rc : cap - 1;
}

static size_t error_answer(const char *msg, const char *line, char *out, size_t cap)
{
	json_object *o = json_object_new_object();
	char text[CMD_MAX + 64];

	/* json-c escapes whatever bytes the line held */
	snprintf(text, sizeof(text), "%s: %.*s", msg, CMD_MAX, line);
	json_object_object_add(o, "error", json_object_new_string(text));
	return emit(o, out, cap);
}

/* RFC 5847: our Restart Counter and what each MAG's heartbeats say. */
static json_object *heartbeat_json(const struct lma *l, uint64_t now_ns)
{
	char buf[4096] = "[";
	size_t n = lma_hb_peers_json(l, now_ns, buf + 1, sizeof(buf) - 3);
	json_object *o = json_object_new_object(), *peers;

	memcpy(buf + 1 + n, "]", 2);
	peers = json_tokener_parse(buf);
	json_object_object_add(o, "restart_counter",
			       json_object_new_int64(lma_config_restart_counter(l)));
	json_object_object_add(o, "mags", peers ? peers : json_object_new_array());
	return o;
}

static size_t show_stats(const struct lma *l, const struct lma_io_stats *st,
			 uint64_t now_ns, char *out, size_t cap)
{
	json_object *o;

	/* the engine's counters first, then ours beside them */
	if (lma_show_stats(l, out, cap) < 0 || !(o = json_tokener_parse(out)))
		return error_answer("statistics do not fit the answer", "show stats", out, cap);
	json_object_object_add(o, "io", io_json(st));
	json_object_object_add(o, "heartbeat", heartbeat_json(l, now_ns));
	return emit(o, out, cap);
}

/* line without leading and trailing blanks, into cmd; -1 if too long */
static int trim(const char *line, char *cmd, size_t cap)
{
	size_t n;

	while (*line == ' ' || *line == '\t')
		line++;
	n = strlen(line);
	while (n && (line[n - 1] == ' ' || line[n - 1] == '\t' || line[n - 1] == '\r'))
		n--;
	if (n >= cap)
		return -1;
	memcpy(cmd, line, n);
	cmd[n] = '\0';
	return 0;
}

size_t lma_ctl_handle(const struct lma *l, const struct lma_io_stats *st, uint64_t now_ns,
		      const char *line, char *out, size_t cap)
{
	char cmd[CMD_MAX];
	int n;

	if (trim(line, cmd, sizeof(cmd)) < 0)
		return error_answer("command too long", line, out, cap);
	size_t from = 0;
	int used = 0;
	if (!strcmp(cmd, "show bindings") ||
	    (sscanf(cmd, "show bindings from %zu%n", &from, &used) == 1 &&
	     (size_t)used == strlen(cmd))) {
		n = lma_show_bindings_from(l, now_ns, from, out, cap);
		return n < 0 ? error_answer("bindings do not fit the answer", cmd, out, cap)
			     : strlen(out);
	}
	if (!strcmp(cmd, "show stats"))
		return show_stats(l, st, now_ns, out, cap);
	if (!strcmp(cmd, "help"))
		return emit(json_tokener_parse("{\"commands\":[\"show bindings [from N]\","
					       "\"show stats\",\"revoke MN-ID\",\"show flows\","
					       "\"flow add RULE\",\"flow del ID\",\"flow list\","
					       "\"prefix add|remove|move LLID PREFIX/LEN...\","
					       "\"help\"]}"), out, cap);
	return error_answer("unknown command", cmd, out, cap);
}

int lma_ctl_revoke(struct lma *l, const char *line, uint64_t now_ns, struct lma_actions *acts,
		   char *out, size_t cap)
{
	char cmd[CMD_MAX];
	const char *id;

	if (trim(line, cmd, sizeof(cmd)) < 0 || strncmp(cmd, "revoke", 6) ||
	    (cmd[6] != ' ' && cmd[6] != '\0'))
		return 0;
	for (id = cmd + 6; *id == ' '; id++)
		;
	if (!*id || strlen(id) > MH_MN_ID_MAX) {
		error_answer("revoke: MN-ID (1..255 octets) expected", cmd, out, cap);
		return 1;
	}
	int n = lma_revoke_mn(l, (const uint8_t *)id, strlen(id), now_ns, acts);
	json_object *o = json_object_new_object();

	json_object_object_add(o, "mn_id", json_object_new_string(id));
	json_object_object_add(o, "revoked", json_object_new_int(n));
	emit(o, out, cap);
	return 1;
}

/* "prefix add|remove|move LLID P/LEN..." (section 2.2, network-initiated,
 * lma_upn.c): the prefixes after the first three words. */
static int parse_prefix_args(const char *s, struct mh_prefix *p, unsigned *n)
{
	char tok[64];
	int used;
	unsigned len;

	for (*n = 0; sscanf(s, " %63s%n", tok, &used) == 1; s += used) {
		char *slash = strchr(tok, '/');

		if (*n >= MH_HNP_MAX || !slash || sscanf(slash + 1, "%u", &len) != 1 ||
		    len > 128)
			return -1;
		*slash = 0;
		if (inet_pton(AF_INET6, tok, &p[*n].prefix) != 1)
			return -1;
		p[(*n)++].len = (uint8_t)len;
	}
	return 0;
}

int lma_ctl_prefix(struct lma *l, const char *line, uint64_t now_ns, struct lma_actions *acts,
		   char *out, size_t cap)
{
	static const char *const ops[] = { "add", "remove", "move" };
	static const char usage[] = "usage: prefix add|remove|move LLID PREFIX/LEN...";
	char op[16], ll[32];
	struct mh_prefix p[MH_HNP_MAX];
	unsigned n, k;
	int used = 0;
	uint8_t mac[6];
	const char *why = "failed";

	while (*line == ' ' || *line == '\t')
		line++;
	if (strncmp(line, "prefix ", 7))
		return 0;
	if (sscanf(line + 7, "%15s %31s%n", op, ll, &used) != 2) {
		error_answer(usage, line, out, cap);
		return 1;
	}
	for (k = 0; k < 3 && strcmp(op, ops[k]); k++)
		;
	if (k == 3 || sscanf(ll, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &mac[0], &mac[1], &mac[2],
			     &mac[3], &mac[4], &mac[5]) != 6) {
		error_answer(usage, line, out, cap);
		return 1;
	}
	if (parse_prefix_args(line + 7 + used, p, &n) < 0 || n == 0) {
		error_answer("prefixes are PREFIX/LEN, 1..16", line, out, cap);
		return 1;
	}
	if (lma_prefix_notify(l, mac, (enum lma_prefix_op)k, p, n, now_ns, acts, &why) < 0) {
		error_answer(why, line, out, cap);
		return 1;
	}
	json_object *o = json_object_new_object();
	json_object_object_add(o, "ok", json_object_new_boolean(1));
	json_object_object_add(o, "sent", json_object_new_string("update notification"));
	emit(o, out, cap);
	return 1;
}
