/*
 * topo_int.h - private to the topo*.c files: the parse context, attribute
 * helpers and impairment patches shared by the parser, the checks and the
 * timeline pass. Nothing outside emu/topo*.c includes this.
 */
#ifndef PMIPEMU_TOPO_INT_H
#define PMIPEMU_TOPO_INT_H

#include <libxml/tree.h>

#include "topo.h"

/* Which impairment attributes one element wrote: applied over a base, so
 * that <impair dir="ab"> refines <impair> and a timeline <impair> changes
 * only what it names. */
enum {
	TOPO_P_DELAY = 1u << 0,
	TOPO_P_JITTER = 1u << 1,
	TOPO_P_DIST = 1u << 2,
	TOPO_P_RATE = 1u << 3,
	TOPO_P_LIMIT = 1u << 4,
	TOPO_P_LOSS = 1u << 5,          /* Bernoulli loss */
	TOPO_P_GE = 1u << 6,            /* Gilbert-Elliott parameters */
	TOPO_P_DUP = 1u << 7,
	TOPO_P_REORDER = 1u << 8,
};

struct topo_patch {
	unsigned set;                   /* TOPO_P_* */
	struct link_params v;
};

struct topo_pctx {
	struct topology *t;
	struct topo_errors *errs;
	xmlChar **strs;                 /* attribute strings, freed at the end */
	size_t n_strs;
	struct topo_patch (*ev_patch)[2];   /* per event: patches for ab, ba */
	size_t cap_ev_patch;
	const void *capped[64];         /* counts already reported over a cap */
	size_t n_capped;
};

/* Growable arrays: *arr holds *n elements; adds one zeroed, returns it. */
void *topo_grow(void *arrp, size_t *n, size_t size);
/* topo_grow under a cap on the count (topo.h TOPO_MAX_*): the first element
 * over it gets one error at its line naming the element and the cap, and
 * that one and all later get NULL. */
void *topo_grow_max(struct topo_pctx *c, xmlNode *x, void *arrp, size_t *n, size_t size,
		    size_t max, const char *what);
/* The error itself: "too many WHAT: more than MAX", once per count (the
 * counter's address tells them apart). */
void topo_over_cap(struct topo_pctx *c, xmlNode *x, const size_t *n, size_t max,
		   const char *what);

/* topo_set.c: one `--set PATH/@ATTR=VALUE` written into doc; -1 with why. */
int topo_set_apply(xmlDoc *doc, const char *set, char *why, size_t len);

struct topo_loc topo_p_loc(struct topo_pctx *c, const xmlNode *n);
/* The attribute's value or NULL if absent; owned by the context. */
const char *topo_p_attr(struct topo_pctx *c, xmlNode *n, const char *name);
/* Element text with blanks trimmed, copied into buf; -1 if too long. */
int topo_p_text(struct topo_pctx *c, xmlNode *n, char *buf, size_t len);
void topo_p_bad(struct topo_pctx *c, const xmlNode *n, const char *attr,
		const char *val, const char *why);

/* Each returns 1 present and good, 0 absent, -1 bad (error reported). */
int topo_p_name(struct topo_pctx *c, xmlNode *n, const char *attr, char *dst,
		size_t max_len);
int topo_p_time(struct topo_pctx *c, xmlNode *n, const char *attr, uint64_t *ns);
int topo_p_prob(struct topo_pctx *c, xmlNode *n, const char *attr, double *p);
int topo_p_u32(struct topo_pctx *c, xmlNode *n, const char *attr, uint32_t *v);
int topo_p_bool(struct topo_pctx *c, xmlNode *n, const char *attr, bool *v);
int topo_p_addr(struct topo_pctx *c, xmlNode *n, const char *attr,
		struct in6_addr *a);
int topo_p_mac(struct topo_pctx *c, xmlNode *n, const char *attr, uint8_t mac[6]);
/* "ADDR/LEN"; host_bits_ok false: a route-like prefix, host bits must be 0. */
int topo_parse_prefix(const char *s, struct topo_prefix *p, bool host_bits_ok,
		      const char **why);
int topo_parse_mac(const char *s, uint8_t mac[6], const char **why);
bool topo_is_elem(const xmlNode *n, const char *name);
/* topo_parse_mip6.c: an mn's <mip6> (appendix C client). */
void topo_parse_mip6(struct topo_pctx *c, struct topo_mip6 *m, xmlNode *x);
/* topo_parse_link.c: a new timeline event (its patch slot cleared). */
struct topo_event *topo_new_event(struct topo_pctx *c, xmlNode *x);
/* topo_parse_session.c: <session> in <timeline>, and its check once every
 * node is known (the MAG, the MN interface's MAC). */
void topo_parse_session(struct topo_pctx *c, xmlNode *x);
void topo_check_sessions(struct topo_pctx *c);
/* topo_parse_prefix_event.c: <prefix> in <timeline> (section 2.2). */
void topo_parse_prefix_event(struct topo_pctx *c, xmlNode *x);
void topo_check_prefix_events(struct topo_pctx *c);
/* topo_check_wiring.c: MAG -> LMA, LMA <mag> list, MN MACs, flow ports. */
void topo_check_wiring(struct topo_pctx *c);

/* Element parsers (topo_parse_*.c). */
void topo_parse_node(struct topo_pctx *c, xmlNode *x);
void topo_parse_pmip(struct topo_pctx *c, struct topo_node *node, xmlNode *x);
/* topo_check_auth.c: an lma's <mag> keys against the mags' own. */
void topo_check_auth(struct topo_pctx *c);
/* topo_parse_auth.c: auth-spi/auth-key of a mag <pmip> or an lma <mag>. */
void topo_parse_auth(struct topo_pctx *c, xmlNode *x, struct topo_auth *a);
/* topo_parse_flow_policy.c: <flow-policy> of an lma or mn <pmip>. */
void topo_parse_flow_policy(struct topo_pctx *c, struct topo_node *node, xmlNode *x);
/* topo_parse_congestion.c: an lma's <congestion>, and its checks once every
 * link is known. */
void topo_parse_congestion(struct topo_pctx *c, struct topo_node *node, xmlNode *x);
void topo_check_congestion(struct topo_pctx *c);
/* The timeline's <flow-rule>, and its check once the nodes are known. */
void topo_parse_flow_rule_event(struct topo_pctx *c, xmlNode *x);
void topo_check_flow_rule_events(struct topo_pctx *c);
void topo_parse_link(struct topo_pctx *c, xmlNode *x);
void topo_parse_timeline(struct topo_pctx *c, xmlNode *x);
/* topo_parse_daemon.c: <daemon-stop>/<daemon-start> beyond the common
 * event attributes, and whether their node has a daemon. */
void topo_parse_daemon_event(struct topo_pctx *c, struct topo_event *e, xmlNode *x);
bool topo_daemon_event_ok(struct topo_pctx *c, const struct topo_event *e,
			  const struct topo_node *n);
void topo_parse_flow(struct topo_pctx *c, xmlNode *x);
void topo_parse_expect(struct topo_pctx *c, xmlNode *x);

/* Impairments: read the attributes of <impair>/<gilbert-elliott>. */
void topo_patch_read_impair(struct topo_pctx *c, xmlNode *x, struct topo_patch *p);
void topo_patch_read_ge(struct topo_pctx *c, xmlNode *x, struct topo_patch *p);
void topo_patch_apply(struct link_params *dst, const struct topo_patch *p);

/* Access technology types (RFC 5213 8.5, IANA): name <-> number. */
int topo_att_parse(const char *s, uint8_t *att);
const char *topo_att_name(uint8_t att);

/* Passes over the parsed model, all errors reported (topo_check.c,
 * topo_timeline.c). */
void topo_check(struct topo_pctx *c);
void topo_timeline(struct topo_pctx *c);

void topo_pctx_free(struct topo_pctx *c);

#endif
