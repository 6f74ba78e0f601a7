/*
 * topo_write.c - one node of a topology written as a standalone topology
 * file (same schema), the configuration a daemon (lmad, magd, mnd) reads.
 *
 * Written: <topology name seed>, the node, its interfaces and addresses,
 * and its <pmip>. Not written: links, routes, sysctls, processes, flows,
 * the timeline, expectations, an lma's <congestion> rules: pmipemu applies
 * those, the daemon does not need them, and links would name nodes absent
 * from the file.
 * Must not: log; libxml2's text writer does the escaping.
 */
#include "topo_int.h"

#include <arpa/inet.h>
#include <stdio.h>

#include <libxml/xmlwriter.h>

#include "units.h"

#define W(x) ((const xmlChar *)(x))

static int topo_w_attr(xmlTextWriter *w, const char *name, const char *val)
{
	return xmlTextWriterWriteAttribute(w, W(name), W(val)) < 0 ? -1 : 0;
}

static int topo_w_addr(xmlTextWriter *w, const char *name, const struct in6_addr *a)
{
	char buf[INET6_ADDRSTRLEN];

	inet_ntop(AF_INET6, a, buf, sizeof(buf));
	return topo_w_attr(w, name, buf);
}

static const char *topo_fmt_prefix(const struct topo_prefix *p, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(AF_INET6, &p->addr, a, sizeof(a));
	snprintf(buf, len, "%s/%u", a, p->len);
	return buf;
}

static const char *topo_fmt_mac(const uint8_t m[6], char *buf, size_t len)
{
	snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3],
		 m[4], m[5]);
	return buf;
}

static int topo_w_iface(xmlTextWriter *w, const struct topo_iface *f)
{
	char buf[64];
	int rc = 0;

	rc |= xmlTextWriterStartElement(w, W("interface")) < 0;
	rc |= topo_w_attr(w, "name", f->name);
	if (f->has_mac)
		rc |= topo_w_attr(w, "mac", topo_fmt_mac(f->mac, buf, sizeof(buf)));
	if (f->mtu) {
		snprintf(buf, sizeof(buf), "%u", f->mtu);
		rc |= topo_w_attr(w, "mtu", buf);
	}
	for (size_t i = 0; i < f->n_addrs; i++)
		rc |= xmlTextWriterWriteElement(w, W("address"),
				W(topo_fmt_prefix(&f->addrs[i], buf, sizeof(buf)))) < 0;
	rc |= xmlTextWriterEndElement(w) < 0;
	return rc ? -1 : 0;
}

static int topo_w_mn(xmlTextWriter *w, const struct topo_mn_policy *m)
{
	char buf[64];
	int rc = 0;

	rc |= xmlTextWriterStartElement(w, W("mn")) < 0;
	rc |= topo_w_attr(w, "id", m->mn_id);
	if (m->has_ll_id)
		rc |= topo_w_attr(w, "ll-id", topo_fmt_mac(m->ll_id, buf, sizeof(buf)));
	if (m->att) {
		const char *name = topo_att_name(m->att);
		snprintf(buf, sizeof(buf), "%u", m->att);
		rc |= topo_w_attr(w, "att", name ? name : buf);
	}
	if (m->iface[0])
		rc |= topo_w_attr(w, "iface", m->iface);
	if (m->service[0])
		rc |= topo_w_attr(w, "service", m->service);
	for (size_t i = 0; i < m->n_hnps; i++)
		rc |= xmlTextWriterWriteElement(w, W("hnp"),
				W(topo_fmt_prefix(&m->hnps[i], buf, sizeof(buf)))) < 0;
	rc |= xmlTextWriterEndElement(w) < 0;
	return rc ? -1 : 0;
}

/* Attributes by node kind, as topo_parse_pmip.c reads them. */
/* auth-spi and auth-key (hex), when the key is set. */
static int topo_w_auth(xmlTextWriter *w, const struct topo_auth *a)
{
	char buf[2 * TOPO_AUTH_KEY_MAX + 1];
	int rc = 0;

	if (!a->present)
		return 0;
	snprintf(buf, sizeof(buf), "%u", a->spi);
	rc |= topo_w_attr(w, "auth-spi", buf);
	for (unsigned i = 0; i < a->len; i++)
		snprintf(buf + 2 * i, 3, "%02x", a->key[i]);
	rc |= topo_w_attr(w, "auth-key", buf);
	return rc;
}

static int topo_w_pmip_attrs(xmlTextWriter *w, const struct topo_node *n)
{
	const struct topo_pmip *p = &n->pmip;
	char buf[32];
	int rc = 0;

	if (n->kind == TOPO_NODE_LMA)
		rc |= topo_w_addr(w, "address", &p->lma_addr);
	if (n->kind == TOPO_NODE_MAG) {
		rc |= topo_w_addr(w, "address", &p->mag_addr);
		rc |= topo_w_addr(w, "lma", &p->lma_addr);
		snprintf(buf, sizeof(buf), "%us", p->lifetime_s);
		rc |= topo_w_attr(w, "lifetime", buf);
		rc |= topo_w_auth(w, &p->auth);
	}
	if (n->kind != TOPO_NODE_MN) {
		rc |= topo_w_attr(w, "timestamps", p->use_timestamps ? "on" : "off");
		rc |= topo_w_attr(w, "multi-session-pbu", p->multi_session_pbu ? "on" : "off");
		rc |= topo_w_attr(w, "revocation", p->revocation ? "on" : "off");
		if (n->kind == TOPO_NODE_LMA) {
			rc |= topo_w_attr(w, "prefix-update", p->prefix_update ? "on" : "off");
			rc |= topo_w_attr(w, "home-agent", p->home_agent ? "on" : "off");
			rc |= topo_w_attr(w, "bids", p->bids ? "on" : "off");
		}
		if (p->heartbeat_ns) {
			snprintf(buf, sizeof(buf), "%llums",
				 (unsigned long long)(p->heartbeat_ns / 1000000));
			rc |= topo_w_attr(w, "heartbeat", buf);
			snprintf(buf, sizeof(buf), "%u", p->heartbeat_missed);
			rc |= topo_w_attr(w, "heartbeat-missed", buf);
		}
	}
	rc |= topo_w_attr(w, "fast-handover", p->fast_handover ? "on" : "off");
	if (n->kind == TOPO_NODE_LMA || n->kind == TOPO_NODE_MN)
		rc |= topo_w_attr(w, "fast-handover-return",
				  p->fast_handover_return ? "on" : "off");
	return rc ? -1 : 0;
}

static int topo_w_pmip(xmlTextWriter *w, const struct topo_node *n)
{
	const struct topo_pmip *p = &n->pmip;
	char buf[64];
	int rc = 0;

	rc |= xmlTextWriterStartElement(w, W("pmip")) < 0;
	rc |= topo_w_pmip_attrs(w, n);
	if (n->kind == TOPO_NODE_LMA && (p->pool.len || !IN6_IS_ADDR_UNSPECIFIED(&p->pool.addr))) {
		rc |= xmlTextWriterStartElement(w, W("pool")) < 0;
		rc |= topo_w_attr(w, "prefix", topo_fmt_prefix(&p->pool, buf, sizeof(buf)));
		snprintf(buf, sizeof(buf), "%u", p->pool_plen);
		rc |= topo_w_attr(w, "length", buf);
		rc |= xmlTextWriterEndElement(w) < 0;
	}
	for (size_t i = 0; i < p->n_mags; i++) {
		rc |= xmlTextWriterStartElement(w, W("mag")) < 0;
		rc |= topo_w_addr(w, "address", &p->mags[i]);
		if (i < p->n_mag_auths)
			rc |= topo_w_auth(w, &p->mag_auths[i]);
		rc |= xmlTextWriterEndElement(w) < 0;
	}
	for (size_t i = 0; i < p->n_access; i++) {
		rc |= xmlTextWriterStartElement(w, W("access")) < 0;
		rc |= topo_w_attr(w, "iface", p->access_iface[i]);
		rc |= xmlTextWriterEndElement(w) < 0;
	}
	for (size_t i = 0; i < p->n_mns; i++)
		rc |= topo_w_mn(w, &p->mns[i]);
	if (p->mip6.present) {          /* appendix C client */
		rc |= xmlTextWriterStartElement(w, W("mip6")) < 0;
		rc |= topo_w_attr(w, "iface", p->mip6.iface);
		rc |= topo_w_addr(w, "ha", &p->mip6.ha);
		rc |= topo_w_addr(w, "hoa", &p->mip6.hoa);
		if (p->mip6.mn_id[0])
			rc |= topo_w_attr(w, "mn-id", p->mip6.mn_id);
		snprintf(buf, sizeof(buf), "%u", p->mip6.bid);
		rc |= topo_w_attr(w, "bid", buf);
		snprintf(buf, sizeof(buf), "%us", p->mip6.lifetime_s);
		rc |= topo_w_attr(w, "lifetime", buf);
		rc |= xmlTextWriterEndElement(w) < 0;
	}
	if (p->n_flows) {
		rc |= xmlTextWriterStartElement(w, W("flow-policy")) < 0;
		for (size_t i = 0; i < p->n_flows; i++)
			rc |= xmlTextWriterWriteElement(w, W("flow"), W(p->flows[i].text)) < 0;
		rc |= xmlTextWriterEndElement(w) < 0;
	}
	rc |= xmlTextWriterEndElement(w) < 0;
	return rc ? -1 : 0;
}

static int topo_w_doc(xmlTextWriter *w, const struct topology *t, const struct topo_node *n)
{
	char buf[32];
	int rc = 0;

	xmlTextWriterSetIndent(w, 1);
	xmlTextWriterSetIndentString(w, W("  "));
	rc |= xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL) < 0;
	rc |= xmlTextWriterStartElement(w, W("topology")) < 0;
	rc |= topo_w_attr(w, "name", t->name);
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)t->seed);
	rc |= topo_w_attr(w, "seed", buf);
	rc |= xmlTextWriterStartElement(w, W("node")) < 0;
	rc |= topo_w_attr(w, "name", n->name);
	rc |= topo_w_attr(w, "kind", topo_node_kind_name(n->kind));
	rc |= topo_w_attr(w, "forwarding", n->forwarding ? "on" : "off");
	for (size_t i = 0; i < n->n_ifaces; i++)
		rc |= topo_w_iface(w, &n->ifaces[i]);
	if (n->pmip.present)
		rc |= topo_w_pmip(w, n);
	rc |= xmlTextWriterEndDocument(w) < 0;     /* closes node, topology */
	return rc ? -1 : 0;
}

/* Written to memory first: libxml2 would print its own message on an
 * unwritable path, and a half-written config must not be left behind. */
int topo_write_node(const struct topology *t, const struct topo_node *n,
		    const char *path)
{
	xmlBuffer *buf = xmlBufferCreate();
	xmlTextWriter *w = buf ? xmlNewTextWriterMemory(buf, 0) : NULL;
	FILE *f;
	int rc;

	if (!w) {
		xmlBufferFree(buf);
		return -1;
	}
	rc = topo_w_doc(w, t, n);
	xmlFreeTextWriter(w);       /* flushes into buf */
	if (rc == 0 && (f = fopen(path, "w"))) {
		size_t len = (size_t)xmlBufferLength(buf);
		if (fwrite(xmlBufferContent(buf), 1, len, f) != len)
			rc = -1;
		if (fclose(f) != 0)
			rc = -1;
		if (rc < 0)
			remove(path);
	} else {
		rc = -1;
	}
	xmlBufferFree(buf);
	return rc;
}
