/*
 * topo_parse.c - topology elements -> structs: the attribute helpers every
 * topo_parse_*.c uses, and the <node> element (interfaces, routes, sysctls,
 * processes). Reading the document and the XSD are topo_load.c's.
 *
 * Every problem goes to the error list as file:line and parsing goes on, so
 * that one run reports all of them. The XSD owns the structure (which
 * elements, which attributes, enumerations, integer syntax); this file owns
 * values the XSD cannot judge (units, addresses, MACs, lengths) and stays
 * silent on what the XSD already reported. Must not: touch the system.
 */
#include "topo_int.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xmlschemas.h>

#include "units.h"

/* --- attribute helpers ---------------------------------------------------- */

struct topo_loc topo_p_loc(struct topo_pctx *c, const xmlNode *n)
{
	struct topo_loc l = { c->t->file, (int)xmlGetLineNo(n) };
	return l;
}

bool topo_is_elem(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

const char *topo_p_attr(struct topo_pctx *c, xmlNode *n, const char *name)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)name), **strs;

	if (!v)
		return NULL;
	strs = realloc(c->strs, (c->n_strs + 1) * sizeof(*strs));
	if (!strs) {
		xmlFree(v);
		return NULL;
	}
	c->strs = strs;
	c->strs[c->n_strs++] = v;
	return (const char *)v;
}

void topo_p_bad(struct topo_pctx *c, const xmlNode *n, const char *attr,
		const char *val, const char *why)
{
	struct topo_loc l = topo_p_loc(c, n);

	topo_errors_add(c->errs, &l, "%s %s=\"%s\": %s", (const char *)n->name,
			attr, val, why);
}

void topo_over_cap(struct topo_pctx *c, xmlNode *x, const size_t *n, size_t max,
		   const char *what)
{
	struct topo_loc l = topo_p_loc(c, x);

	for (size_t i = 0; i < c->n_capped; i++)
		if (c->capped[i] == n)
			return;
	if (c->n_capped < sizeof(c->capped) / sizeof(c->capped[0]))
		c->capped[c->n_capped++] = n;
	topo_errors_add(c->errs, &l, "too many %s: more than %zu (doc/topology.md, Limits)",
			what, max);
}

void *topo_grow_max(struct topo_pctx *c, xmlNode *x, void *arrp, size_t *n, size_t size,
		    size_t max, const char *what)
{
	if (*n >= max) {
		topo_over_cap(c, x, n, max, what);
		return NULL;
	}
	return topo_grow(arrp, n, size);
}

int topo_p_text(struct topo_pctx *c, xmlNode *n, char *buf, size_t len)
{
	xmlChar *raw = xmlNodeGetContent(n);
	const char *s = raw ? (const char *)raw : "";
	size_t l;
	int rc = 0;

	while (isspace((unsigned char)*s))
		s++;
	l = strlen(s);
	while (l && isspace((unsigned char)s[l - 1]))
		l--;
	if (l >= len) {
		struct topo_loc loc = topo_p_loc(c, n);
		topo_errors_add(c->errs, &loc, "%s: text longer than %zu characters",
				(const char *)n->name, len - 1);
		l = 0;
		rc = -1;
	}
	memcpy(buf, s, l);
	buf[l] = '\0';
	xmlFree(raw);
	return rc;
}

int topo_p_name(struct topo_pctx *c, xmlNode *n, const char *attr, char *dst,
		size_t max_len)
{
	const char *v = topo_p_attr(c, n, attr);
	char why[64];

	if (!v)
		return 0;
	if (strlen(v) > max_len) {
		snprintf(why, sizeof(why), "longer than %zu characters", max_len);
		topo_p_bad(c, n, attr, v, why);
		return -1;
	}
	strcpy(dst, v);
	return 1;
}

int topo_p_time(struct topo_pctx *c, xmlNode *n, const char *attr, uint64_t *ns)
{
	const char *v = topo_p_attr(c, n, attr), *why;

	if (!v)
		return 0;
	if (units_parse_time(v, ns, &why) < 0) {
		topo_p_bad(c, n, attr, v, why);
		return -1;
	}
	return 1;
}

int topo_p_prob(struct topo_pctx *c, xmlNode *n, const char *attr, double *p)
{
	const char *v = topo_p_attr(c, n, attr), *why;

	if (!v)
		return 0;
	if (units_parse_prob(v, p, &why) < 0) {
		topo_p_bad(c, n, attr, v, why);
		return -1;
	}
	return 1;
}

/* Integer syntax is the XSD's (xs:unsignedInt) to report. */
int topo_p_u32(struct topo_pctx *c, xmlNode *n, const char *attr, uint32_t *v)
{
	const char *s = topo_p_attr(c, n, attr);
	unsigned long long x;
	char *end;

	if (!s)
		return 0;
	errno = 0;
	x = strtoull(s, &end, 10);
	if (!isdigit((unsigned char)*s) || *end || errno || x > UINT32_MAX)
		return -1;
	*v = (uint32_t)x;
	return 1;
}

/* on/off/true/false; anything else is the XSD's to report. */
int topo_p_bool(struct topo_pctx *c, xmlNode *n, const char *attr, bool *v)
{
	const char *s = topo_p_attr(c, n, attr);

	if (!s)
		return 0;
	if (!strcmp(s, "on") || !strcmp(s, "true") || !strcmp(s, "1"))
		*v = true;
	else if (!strcmp(s, "off") || !strcmp(s, "false") || !strcmp(s, "0"))
		*v = false;
	else
		return -1;
	return 1;
}

int topo_p_addr(struct topo_pctx *c, xmlNode *n, const char *attr,
		struct in6_addr *a)
{
	const char *v = topo_p_attr(c, n, attr);

	if (!v)
		return 0;
	if (inet_pton(AF_INET6, v, a) != 1) {
		topo_p_bad(c, n, attr, v, "bad IPv6 address");
		return -1;
	}
	return 1;
}

int topo_parse_mac(const char *s, uint8_t mac[6], const char **why)
{
	for (int i = 0; i < 6; i++) {
		if (!isxdigit((unsigned char)s[0]) || !isxdigit((unsigned char)s[1]) ||
		    s[2] != (i == 5 ? '\0' : ':')) {
			*why = "bad MAC address (want xx:xx:xx:xx:xx:xx)";
			return -1;
		}
		mac[i] = (uint8_t)strtoul((char[3]){ s[0], s[1], 0 }, NULL, 16);
		s += 3;
	}
	if (mac[0] & 1) {       /* I/G bit: a group address names no interface */
		*why = "group (multicast) MAC address";
		return -1;
	}
	return 0;
}

int topo_p_mac(struct topo_pctx *c, xmlNode *n, const char *attr, uint8_t mac[6])
{
	const char *v = topo_p_attr(c, n, attr), *why;

	if (!v)
		return 0;
	if (topo_parse_mac(v, mac, &why) < 0) {
		topo_p_bad(c, n, attr, v, why);
		return -1;
	}
	return 1;
}

int topo_parse_prefix(const char *s, struct topo_prefix *p, bool host_bits_ok,
		      const char **why)
{
	char buf[INET6_ADDRSTRLEN + 8], *slash, *end;
	unsigned long len;

	if (strlen(s) >= sizeof(buf) || !(slash = strchr(s, '/'))) {
		*why = strchr(s, '/') ? "bad IPv6 prefix"
				      : "missing prefix length (e.g. 2001:db8::1/64)";
		return -1;
	}
	memcpy(buf, s, (size_t)(slash - s));
	buf[slash - s] = '\0';
	if (inet_pton(AF_INET6, buf, &p->addr) != 1) {
		*why = "bad IPv6 prefix";
		return -1;
	}
	len = strtoul(slash + 1, &end, 10);
	if (!isdigit((unsigned char)slash[1]) || *end || len > 128) {
		*why = "bad prefix length (0-128)";
		return -1;
	}
	p->len = (uint8_t)len;
	for (unsigned b = p->len; !host_bits_ok && b < 128; b++)
		if (p->addr.s6_addr[b / 8] & (0x80 >> (b % 8))) {
			*why = "host bits set after the prefix length";
			return -1;
		}
	return 0;
}

/* --- <node> --------------------------------------------------------------- */

static int topo_parse_kind(const char *s, enum topo_node_kind *k)
{
	for (int i = TOPO_NODE_HOST; i <= TOPO_NODE_CN; i++)
		if (s && strcmp(s, topo_node_kind_name(i)) == 0) {
			*k = i;
			return 0;
		}
	return -1;
}

static void topo_parse_address(struct topo_pctx *c, struct topo_iface *ifc,
			       xmlNode *x)
{
	char text[128];
	const char *why;
	struct topo_prefix p, *slot;

	if (topo_p_text(c, x, text, sizeof(text)) < 0)
		return;
	if (topo_parse_prefix(text, &p, true, &why) < 0) {
		struct topo_loc l = topo_p_loc(c, x);
		topo_errors_add(c->errs, &l, "address \"%s\": %s", text, why);
		return;
	}
	slot = topo_grow_max(c, x, &ifc->addrs, &ifc->n_addrs, sizeof(*slot),
			     TOPO_MAX_ADDRS, "<address> elements in one interface");
	if (slot)
		*slot = p;
}

static void topo_parse_iface(struct topo_pctx *c, struct topo_node *node, xmlNode *x)
{
	struct topo_iface *ifc = topo_grow_max(c, x, &node->ifaces, &node->n_ifaces, sizeof(*ifc),
					       TOPO_MAX_IFACES, "<interface> elements in one node");

	if (!ifc)
		return;
	ifc->loc = topo_p_loc(c, x);
	topo_p_name(c, x, "name", ifc->name, 15);   /* IFNAMSIZ - 1 */
	ifc->has_mac = topo_p_mac(c, x, "mac", ifc->mac) == 1;
	topo_p_u32(c, x, "mtu", &ifc->mtu);
	for (xmlNode *k = x->children; k; k = k->next)
		if (topo_is_elem(k, "address"))
			topo_parse_address(c, ifc, k);
}

static void topo_parse_route(struct topo_pctx *c, struct topo_node *node, xmlNode *x)
{
	struct topo_route *r = topo_grow_max(c, x, &node->routes, &node->n_routes, sizeof(*r),
					     TOPO_MAX_ROUTES, "<route> elements in one node");
	const char *dst, *why;

	if (!r)
		return;
	r->loc = topo_p_loc(c, x);
	dst = topo_p_attr(c, x, "dst");
	if (dst && topo_parse_prefix(dst, &r->dst, false, &why) < 0)
		topo_p_bad(c, x, "dst", dst, why);
	r->has_via = topo_p_addr(c, x, "via", &r->via) == 1;
	topo_p_name(c, x, "dev", r->dev, 15);
	topo_p_u32(c, x, "metric", &r->metric);
	topo_p_u32(c, x, "table", &r->table);
}

/* A sysctl key becomes a path under /proc/sys: dotted words only, so that
 * no key can climb out of it. */
static bool topo_sysctl_key_ok(const char *k)
{
	bool word = false;

	for (; *k; k++) {
		if (*k == '.') {
			if (!word)
				return false;
			word = false;
		} else if (isalnum((unsigned char)*k) || *k == '_' || *k == '-') {
			word = true;
		} else {
			return false;
		}
	}
	return word;
}

static void topo_parse_sysctl(struct topo_pctx *c, struct topo_node *node, xmlNode *x)
{
	struct topo_sysctl *s = topo_grow_max(c, x, &node->sysctls, &node->n_sysctls, sizeof(*s),
					      TOPO_MAX_SYSCTLS, "<sysctl> elements in one node");

	if (!s)
		return;
	s->loc = topo_p_loc(c, x);
	if (topo_p_name(c, x, "key", s->key, sizeof(s->key) - 1) == 1 &&
	    !topo_sysctl_key_ok(s->key))
		topo_p_bad(c, x, "key", s->key, "not a dotted sysctl name");
	if (topo_p_name(c, x, "value", s->value, sizeof(s->value) - 1) == 1 &&
	    strpbrk(s->value, "\n\r"))
		topo_p_bad(c, x, "value", s->value, "contains a line break");
}

static void topo_parse_process(struct topo_pctx *c, struct topo_node *node, xmlNode *x)
{
	struct topo_process *p = topo_grow_max(c, x, &node->procs, &node->n_procs, sizeof(*p),
					       TOPO_MAX_PROCS, "<process> elements in one node");

	if (!p)
		return;
	p->loc = topo_p_loc(c, x);
	topo_p_name(c, x, "name", p->name, TOPO_NAME_MAX - 1);
	topo_p_time(c, x, "at", &p->at_ns);
	p->has_stop = topo_p_time(c, x, "stop", &p->stop_ns) == 1;
	if (topo_p_text(c, x, p->cmd, sizeof(p->cmd)) == 0 && !p->cmd[0]) {
		struct topo_loc l = p->loc;
		topo_errors_add(c->errs, &l, "process \"%s\": empty command", p->name);
	}
}

void topo_parse_node(struct topo_pctx *c, xmlNode *x)
{
	struct topology *t = c->t;
	struct topo_node *n = topo_grow_max(c, x, &t->nodes, &t->n_nodes, sizeof(*n),
					    TOPO_MAX_NODES, "<node> elements");

	if (!n)
		return;
	n->loc = topo_p_loc(c, x);
	topo_p_name(c, x, "name", n->name, TOPO_NAME_MAX - 1);
	topo_parse_kind(topo_p_attr(c, x, "kind"), &n->kind);  /* XSD reports */
	n->forwarding = n->kind == TOPO_NODE_ROUTER || n->kind == TOPO_NODE_LMA ||
			n->kind == TOPO_NODE_MAG;
	topo_p_bool(c, x, "forwarding", &n->forwarding);
	for (xmlNode *k = x->children; k; k = k->next) {
		if (topo_is_elem(k, "interface"))
			topo_parse_iface(c, n, k);
		else if (topo_is_elem(k, "route"))
			topo_parse_route(c, n, k);
		else if (topo_is_elem(k, "sysctl"))
			topo_parse_sysctl(c, n, k);
		else if (topo_is_elem(k, "process"))
			topo_parse_process(c, n, k);
		else if (topo_is_elem(k, "pmip"))
			topo_parse_pmip(c, n, k);
	}
}
