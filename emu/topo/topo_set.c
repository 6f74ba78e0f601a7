/*
 * topo_set.c - `--set PATH/@ATTR=VALUE`: a topology attribute overridden
 * from the command line, so that a baseline (fast handover off, another
 * loss) needs no second file.
 *
 * The override is written into the parsed document before the XSD and the
 * semantic checks run: an overridden value is judged exactly as if the file
 * said it, and its errors name the element's line and the attribute. PATH
 * is an XPath 1.0 location evaluated from <topology>; an unquoted word after
 * '=' inside [...] is taken as a string (link[@name=wlan]).
 * Must not: print, or leave the document half-changed on a bad override
 * (every element is found before any is written).
 */
#include "topo_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xpath.h>

/* Where the path's element part ends ("/@" outside brackets and quotes)
 * and where VALUE starts (the first '=' outside them after that). */
static int topo_set_split(const char *s, size_t *at, size_t *eq)
{
	int depth = 0;
	char quote = 0;

	*at = *eq = 0;
	for (size_t i = 0; s[i]; i++) {
		char ch = s[i];
		if (quote) {
			quote = ch == quote ? 0 : quote;
		} else if (ch == '\'' || ch == '"') {
			quote = ch;
		} else if (ch == '[') {
			depth++;
		} else if (ch == ']') {
			depth--;
		} else if (depth == 0 && ch == '@' && (i == 0 || s[i - 1] == '/')) {
			*at = i;
		} else if (depth == 0 && ch == '=' && *at) {
			*eq = i;
			return 0;
		} else if (depth == 0 && ch == '=' && i == 0) {
			return -1;
		}
	}
	/* "@seed=1": the attribute of <topology> itself */
	if (s[0] == '@' && *at == 0) {
		const char *e = strchr(s, '=');
		if (!e)
			return -1;
		*eq = (size_t)(e - s);
		return 0;
	}
	return -1;
}

static int topo_set_word_char(char ch)
{
	return isalnum((unsigned char)ch) || ch == '_' || ch == '-' || ch == '.' ||
	       ch == ':' || ch == '@' || ch == '%';
}

/* The element part as XPath: [@a=word] becomes [@a='word'] unless the word
 * is a number, a quoted string or starts another expression. */
static char *topo_set_xpath(const char *p, size_t len)
{
	char *x = malloc(len * 3 + 16);
	size_t n = 0;
	int depth = 0;

	if (!x)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		char ch = p[i];
		x[n++] = ch;
		depth += ch == '[' ? 1 : ch == ']' ? -1 : 0;
		if (ch == '\'' || ch == '"') {
			const char *e = memchr(p + i + 1, ch, len - i - 1);
			size_t k = e ? (size_t)(e - p) : len - 1;
			memcpy(x + n, p + i + 1, k - i);
			n += k - i;
			i = k;
			continue;
		}
		if (ch != '=' || depth == 0 || i + 1 >= len)
			continue;
		size_t k = i + 1;
		while (k < len && topo_set_word_char(p[k]))
			k++;
		if (k == i + 1 || strspn(p + i + 1, "0123456789.") >= k - i - 1 ||
		    p[i + 1] == '@')
			continue;
		x[n++] = '\'';
		memcpy(x + n, p + i + 1, k - i - 1);
		n += k - i - 1;
		x[n++] = '\'';
		i = k - 1;
	}
	x[n] = '\0';
	return x;
}

/* libxml2 would print a bad path's error itself; the caller words its own. */
static void topo_set_quiet(void *data, xmlErrorPtr err)
{
	(void)data;
	(void)err;
}

static void topo_set_quiet_generic(void *data, const char *fmt, ...)
{
	(void)data;
	(void)fmt;
}

/* The elements PATH selects, NULL with an error if none or not elements. */
static xmlNodeSet *topo_set_find(xmlXPathContext *xc, const char *xpath,
				 xmlXPathObject **obj, char *why, size_t len)
{
	xmlSetStructuredErrorFunc(NULL, topo_set_quiet);
	xmlSetGenericErrorFunc(NULL, topo_set_quiet_generic);
	*obj = xmlXPathEvalExpression((const xmlChar *)xpath, xc);
	xmlSetGenericErrorFunc(NULL, NULL);
	xmlSetStructuredErrorFunc(NULL, NULL);
	if (!*obj) {
		snprintf(why, len, "'%s' is not a path (XPath 1.0)", xpath);
		return NULL;
	}
	xmlNodeSet *ns = (*obj)->type == XPATH_NODESET ? (*obj)->nodesetval : NULL;
	if (!ns || ns->nodeNr == 0) {
		snprintf(why, len, "'%s' matches no element of the topology", xpath);
		return NULL;
	}
	for (int i = 0; i < ns->nodeNr; i++) {
		if (ns->nodeTab[i]->type != XML_ELEMENT_NODE) {
			snprintf(why, len, "'%s' selects something other than elements "
				 "(end the path with /@ATTRIBUTE=VALUE)", xpath);
			return NULL;
		}
	}
	return ns;
}

int topo_set_apply(xmlDoc *doc, const char *set, char *why, size_t len)
{
	size_t at, eq;
	xmlNode *root = xmlDocGetRootElement(doc);

	if (topo_set_split(set, &at, &eq) < 0 || eq <= at + 1) {
		snprintf(why, len, "'%s' is not PATH/@ATTRIBUTE=VALUE", set);
		return -1;
	}
	char attr[64];
	size_t an = eq - at - 1;
	if (an >= sizeof attr || strspn(set + at + 1, "abcdefghijklmnopqrstuvwxyz"
					"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") < an) {
		snprintf(why, len, "'%.*s' is not an attribute name", (int)an, set + at + 1);
		return -1;
	}
	memcpy(attr, set + at + 1, an);
	attr[an] = '\0';
	char *xpath = at ? topo_set_xpath(set, at - 1) : strdup(".");
	xmlXPathContext *xc = xmlXPathNewContext(doc);
	xmlXPathObject *obj = NULL;
	int rc = -1;

	if (xpath && xc && root) {
		xc->node = root;
		xmlNodeSet *ns = topo_set_find(xc, xpath, &obj, why, len);
		for (int i = 0; ns && i < ns->nodeNr; i++)
			xmlSetProp(ns->nodeTab[i], (const xmlChar *)attr,
				   (const xmlChar *)(set + eq + 1));
		rc = ns ? 0 : -1;
	} else {
		snprintf(why, len, "out of memory");
	}
	xmlXPathFreeObject(obj);
	xmlXPathFreeContext(xc);
	free(xpath);
	return rc;
}
