/*
 * report_uplink.c - for a flow sent by a node with several interfaces (an
 * MN's uplink), which interface each packet left by: read from the
 * sender's own captures (RUN/NODE-IFACE.pcap), where trafgen's payload
 * (tg.h: magic, flow hash, sequence) names the packet. The receiver's
 * arrival interface says nothing of it (issue 14: the CN has one). Reads
 * files only.
 */
#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

#define ETH_LEN 14
#define IP6_LEN 40
#define UDP_LEN 8

/* Sequence number of frame p if it is a packet of the flow (hash). */
static bool frame_seq(const uint8_t *p, size_t n, uint32_t hash, uint64_t *seq)
{
	struct tg_payload tp;
	const char *why;
	if (n < ETH_LEN + IP6_LEN + UDP_LEN + TG_HDR_LEN || p[12] != 0x86 || p[13] != 0xdd ||
	    p[ETH_LEN + 6] != 17)
		return false;
	const uint8_t *pl = p + ETH_LEN + IP6_LEN + UDP_LEN;
	if (tg_payload_decode(pl, n - (size_t)(pl - p), &tp, &why) < 0 || tp.flow_hash != hash)
		return false;
	*seq = tp.seq;
	return true;
}

/* Marks in by_seq[0..n) the index k of every sequence seen in the capture. */
static void read_capture(const char *path, uint32_t hash, uint8_t *by_seq, uint64_t n, uint8_t k)
{
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *d;
	uint64_t seq;
	pcap_t *pc = pcap_open_offline(path, err);
	if (!pc)
		return;
	while (pcap_next_ex(pc, &h, &d) == 1)
		if (frame_seq(d, h->caplen, hash, &seq) && seq < n)
			by_seq[seq] = k;
	pcap_close(pc);
}

int report_load_uplink(struct report_flow *f, const struct topology *t, const char *run_dir)
{
	const struct topo_flow *tf = topo_find_flow(t, f->id);
	const struct topo_node *from = tf ? topo_find_node(t, tf->from) : NULL;
	char path[TOPO_PATH_MAX * 3];
	if (!from || from->n_ifaces < 2 || !f->has_send || !f->st.sent || !f->n_arr)
		return 0;
	uint64_t n = f->st.sent;
	uint8_t *by_seq = malloc(n);
	f->out_iface = malloc(f->n_arr);
	if (!by_seq || !f->out_iface) {
		free(by_seq);
		return -1;
	}
	memset(by_seq, 0xff, n);
	for (size_t i = 0; i < from->n_ifaces && f->n_out_ifaces < TG_IFACE_MAX; i++) {
		snprintf(path, sizeof path, "%s/%s-%s.pcap", run_dir, from->name, from->ifaces[i].name);
		report_fmt(f->out_ifnames[f->n_out_ifaces], REPORT_IFNAME_MAX, "%s:%s",
			   from->name, from->ifaces[i].name);     /* may cut: a label */
		read_capture(path, tg_flow_hash(f->id), by_seq, n, (uint8_t)f->n_out_ifaces++);
	}
	bool any = false;
	for (size_t i = 0; i < f->n_arr; i++) {
		f->out_iface[i] = f->arr[i].seq < n ? by_seq[f->arr[i].seq] : 0xff;
		any |= f->out_iface[i] != 0xff;
	}
	free(by_seq);
	if (!any) {             /* no capture named a packet: nothing to show */
		free(f->out_iface);
		f->out_iface = NULL;
		f->n_out_ifaces = 0;
	}
	return 0;
}
