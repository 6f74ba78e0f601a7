/*
 * topo_load.c - reading a topology: the file, the XML parse, XSD validation
 * (errors with their line), the walk over <topology>, then the semantic
 * checks and the timeline pass.
 *
 * All errors of all stages are collected: XSD and semantic problems come out
 * together. Must not: print, exit, or keep libxml2's global error handler
 * installed after returning.
 */
#include "topo_int.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/xmlschemas.h>

#include "units.h"

struct topo_xml_sink {
	struct topo_errors *errs;
	const char *file;           /* the name messages carry */
};

/* libxml2 ends its messages with a newline; ours do not. */
static void topo_xml_error(void *data, xmlErrorPtr err)
{
	struct topo_xml_sink *s = data;
	struct topo_loc loc = { s->file, err->line };
	char msg[512];
	size_t n;

	snprintf(msg, sizeof(msg), "%s", err->message ? err->message : "XML error");
	for (char *p = msg; (p = strchr(p, '\n'));)
		*p = ' ';       /* one error, one line */
	n = strlen(msg);
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	topo_errors_add(s->errs, &loc, "%s", msg);
}

static void topo_validate(struct topology *t, xmlDoc *doc, struct topo_errors *errs)
{
	const char *xsd = topo_xsd_path();
	struct topo_xml_sink xs = { errs, xsd }, ds = { errs, t->file };
	xmlSchemaParserCtxt *pc = xmlSchemaNewParserCtxt(xsd);
	xmlSchema *schema = NULL;
	xmlSchemaValidCtxt *vc;

	if (access(xsd, R_OK) != 0) {
		xmlSchemaFreeParserCtxt(pc);
		pc = NULL;      /* libxml2 would print its own I/O warning */
	}
	if (pc) {
		xmlSchemaSetParserStructuredErrors(pc, topo_xml_error, &xs);
		schema = xmlSchemaParse(pc);
		xmlSchemaFreeParserCtxt(pc);
	}
	if (!schema) {
		struct topo_loc l = { t->file, 0 };
		topo_errors_add(errs, &l, "cannot load the schema %s (set PMIPEMU_XSD)", xsd);
		return;
	}
	vc = xmlSchemaNewValidCtxt(schema);
	if (vc) {
		xmlSchemaSetValidStructuredErrors(vc, topo_xml_error, &ds);
		xmlSchemaValidateDoc(vc, doc);
		xmlSchemaFreeValidCtxt(vc);
	}
	xmlSchemaFree(schema);
}

static void topo_parse_root(struct topo_pctx *c, xmlNode *root)
{
	struct topology *t = c->t;
	const char *seed;

	t->loc = topo_p_loc(c, root);
	t->seed = 1;
	topo_p_name(c, root, "name", t->name, TOPO_NAME_MAX - 1);
	seed = topo_p_attr(c, root, "seed");
	if (seed)
		t->seed = strtoull(seed, NULL, 10);     /* xs:unsignedLong */
	topo_p_time(c, root, "duration", &t->duration_ns);
	for (xmlNode *k = root->children; k; k = k->next) {
		if (topo_is_elem(k, "node"))
			topo_parse_node(c, k);
		else if (topo_is_elem(k, "link"))
			topo_parse_link(c, k);
		else if (topo_is_elem(k, "flow"))
			topo_parse_flow(c, k);
		else if (topo_is_elem(k, "timeline"))
			topo_parse_timeline(c, k);
		else if (topo_is_elem(k, "expect"))
			topo_parse_expect(c, k);
	}
}

/* The line of a "FILE:LINE: ..." message about `file`, else 0. */
static long topo_msg_line(const char *msg, const char *file)
{
	size_t n = strlen(file);

	if (strncmp(msg, file, n) || msg[n] != ':')
		return 0;
	return strtol(msg + n + 1, NULL, 10);
}

/* Report in file order, whichever stage found the problem (stable). */
static void topo_sort_errors(struct topo_errors *e, size_t from, const char *file)
{
	for (size_t i = from + 1; i < e->n; i++) {
		char *m = e->msgs[i];
		long line = topo_msg_line(m, file);
		size_t j = i;

		for (; j > from && topo_msg_line(e->msgs[j - 1], file) > line; j--)
			e->msgs[j] = e->msgs[j - 1];
		e->msgs[j] = m;
	}
}

void topo_pctx_free(struct topo_pctx *c)
{
	for (size_t i = 0; i < c->n_strs; i++)
		xmlFree(c->strs[i]);
	free(c->strs);
	free(c->ev_patch);
	c->strs = NULL;
	c->ev_patch = NULL;
}

/* The overrides, in order; all are tried, each bad one is an error. */
static int topo_load_sets(struct topology *t, xmlDoc *doc, const char *const *sets,
			  size_t n_sets, struct topo_errors *errs)
{
	struct topo_loc l = { t->file, 0 };
	char why[512];
	int bad = 0;

	for (size_t i = 0; i < n_sets; i++) {
		if (topo_set_apply(doc, sets[i], why, sizeof why) < 0) {
			topo_errors_add(errs, &l, "--set %s: %s", sets[i], why);
			bad = 1;
		}
	}
	/* kept, so that the report says what the run was (report.json) */
	if (!bad && n_sets && !(t->sets = calloc(n_sets, sizeof(*t->sets)))) {
		topo_errors_add(errs, &l, "--set: out of memory");
		return -1;
	}
	for (size_t i = 0; !bad && i < n_sets; i++) {
		if (!(t->sets[i] = strdup(sets[i]))) {
			topo_errors_add(errs, &l, "--set: out of memory");
			return -1;
		}
		t->n_sets = i + 1;
	}
	return bad ? -1 : 0;
}

static struct topology *topo_load_mem_set(const char *buf, size_t len, const char *name,
					  const char *const *sets, size_t n_sets,
					  struct topo_errors *errs)
{
	struct topology *t = calloc(1, sizeof(*t));
	struct topo_pctx c = { .t = t, .errs = errs };
	struct topo_xml_sink ds = { errs, NULL };
	size_t errs_before = errs->n;
	xmlDoc *doc;
	xmlNode *root;

	if (!t) {
		topo_errors_add(errs, NULL, "%s: out of memory", name);
		return NULL;
	}
	snprintf(t->file, sizeof(t->file), "%s", name);
	ds.file = t->file;
	if (len > TOPO_FILE_MAX) {
		struct topo_loc l = { t->file, 0 };
		topo_errors_add(errs, &l, "file too large: more than %u MiB",
				TOPO_FILE_MAX >> 20);
		free(t);
		return NULL;
	}
	xmlSetStructuredErrorFunc(&ds, topo_xml_error);
	doc = xmlReadMemory(buf, (int)len, t->file, NULL,
			    XML_PARSE_NONET | XML_PARSE_BIG_LINES);
	xmlSetStructuredErrorFunc(NULL, NULL);
	if (!doc) {
		if (errs->n == errs_before) {   /* libxml2 is silent on empty input */
			struct topo_loc l = { t->file, 0 };
			topo_errors_add(errs, &l, "not an XML document");
		}
		free(t);
		return NULL;
	}
	if (topo_load_sets(t, doc, sets, n_sets, errs) < 0) {
		xmlFreeDoc(doc);
		topo_free(t);
		return NULL;
	}
	topo_validate(t, doc, errs);
	root = xmlDocGetRootElement(doc);
	if (root && topo_is_elem(root, "topology")) {
		topo_parse_root(&c, root);
		topo_check(&c);
		topo_timeline(&c);
	}
	topo_pctx_free(&c);
	xmlFreeDoc(doc);
	topo_sort_errors(errs, errs_before, t->file);
	if (errs->n > errs_before || !root) {
		topo_free(t);
		return NULL;
	}
	return t;
}

struct topology *topo_load_mem(const char *buf, size_t len, const char *name,
			       struct topo_errors *errs)
{
	return topo_load_mem_set(buf, len, name, NULL, 0, errs);
}

struct topology *topo_load(const char *path, struct topo_errors *errs)
{
	return topo_load_set(path, NULL, 0, errs);
}

struct topology *topo_load_set(const char *path, const char *const *sets, size_t n_sets,
			       struct topo_errors *errs)
{
	struct topology *t;
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0, got;

	if (!f) {
		topo_errors_add(errs, NULL, "%s: %s", path, strerror(errno));
		return NULL;
	}
	do {
		if (len == cap) {
			char *nb = realloc(buf, cap ? cap * 2 : 65536);
			if (!nb) {
				free(buf);
				fclose(f);
				topo_errors_add(errs, NULL, "%s: out of memory", path);
				return NULL;
			}
			buf = nb;
			cap = cap ? cap * 2 : 65536;
		}
		got = fread(buf + len, 1, cap - len, f);
		len += got;
	} while (got > 0 && len <= TOPO_FILE_MAX);  /* one byte more says "too large" */
	if (ferror(f)) {
		topo_errors_add(errs, NULL, "%s: read error", path);
		free(buf);
		fclose(f);
		return NULL;
	}
	fclose(f);
	t = topo_load_mem_set(buf, len, path, sets, n_sets, errs);
	free(buf);
	return t;
}
