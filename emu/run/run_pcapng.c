/*
 * run_pcapng.c - RUN/run.pcapng: every endpoint capture of a run merged
 * into one file, one named interface per NODE-IFACE.pcap, frames in time
 * order, so one Wireshark window shows a packet cross the whole network.
 *
 * Written after teardown, when the link engine has closed its captures.
 * The timestamps are the captures' own (CLOCK_REALTIME ns, the clock of
 * report.json's start_unix_ns); the section header's comment repeats
 * start_unix_ns so the file alone says where run time 0 is. pcapng block
 * layout: the pcapng specification (draft-ietf-opsawg-pcapng), SHB, IDB
 * with if_name and if_tsresol 9, EPB. Must not: change the .pcap files.
 */
#include "run.h"

#include <dirent.h>
#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PCAPNG_SHB 0x0A0D0D0Au
#define PCAPNG_IDB 1u
#define PCAPNG_EPB 6u
#define PCAPNG_OPT_END 0
#define PCAPNG_OPT_COMMENT 1
#define PCAPNG_SHB_USERAPPL 4
#define PCAPNG_IF_NAME 2
#define PCAPNG_IF_TSRESOL 9
#define RUN_PCAPNG_MAX_IN 1000          /* open captures at once (fds) */

struct pcapng_in {
	pcap_t *p;
	char name[256];
	struct pcap_pkthdr *h;
	const u_char *data;
	uint64_t ts;                    /* ns of the frame at hand */
};

static uint32_t pad4(size_t n)
{
	return (uint32_t)((n + 3) & ~(size_t)3);
}

static void put_opt(FILE *f, uint16_t code, const void *v, size_t len)
{
	static const uint8_t zero[4];
	uint16_t hdr[2] = { code, (uint16_t)len };

	fwrite(hdr, sizeof hdr, 1, f);
	fwrite(v, 1, len, f);
	fwrite(zero, 1, pad4(len) - len, f);
}

static size_t opt_size(size_t len)
{
	return 4 + pad4(len);
}

static void put_shb(FILE *f, const char *comment)
{
	const char *appl = "pmipemu";
	uint32_t len = (uint32_t)(28 + opt_size(strlen(appl)) + opt_size(strlen(comment)) + 4);
	uint32_t head[3] = { PCAPNG_SHB, len, 0x1A2B3C4Du };
	uint16_t ver[2] = { 1, 0 };
	int64_t section_len = -1;       /* not given */
	uint32_t end = 0;

	fwrite(head, sizeof head, 1, f);
	fwrite(ver, sizeof ver, 1, f);
	fwrite(&section_len, sizeof section_len, 1, f);
	put_opt(f, PCAPNG_SHB_USERAPPL, appl, strlen(appl));
	put_opt(f, PCAPNG_OPT_COMMENT, comment, strlen(comment));
	fwrite(&end, 4, 1, f);
	fwrite(&len, 4, 1, f);
}

static void put_idb(FILE *f, const struct pcapng_in *in)
{
	uint8_t resol = 9;              /* 10^-9 s */
	size_t nl = strlen(in->name);
	uint32_t len = (uint32_t)(20 + opt_size(nl) + opt_size(1) + 4);
	uint32_t head[2] = { PCAPNG_IDB, len };
	uint16_t lt[2] = { (uint16_t)pcap_datalink(in->p), 0 };
	uint32_t snap = (uint32_t)pcap_snapshot(in->p), end = 0;

	fwrite(head, sizeof head, 1, f);
	fwrite(lt, sizeof lt, 1, f);
	fwrite(&snap, 4, 1, f);
	put_opt(f, PCAPNG_IF_NAME, in->name, nl);
	put_opt(f, PCAPNG_IF_TSRESOL, &resol, 1);
	fwrite(&end, 4, 1, f);
	fwrite(&len, 4, 1, f);
}

static void put_epb(FILE *f, uint32_t ifid, const struct pcapng_in *in)
{
	static const uint8_t zero[4];
	uint32_t cap = in->h->caplen;
	uint32_t len = 32 + pad4(cap);
	uint32_t b[7] = { PCAPNG_EPB, len, ifid, (uint32_t)(in->ts >> 32),
			  (uint32_t)in->ts, cap, in->h->len };

	fwrite(b, sizeof b, 1, f);
	fwrite(in->data, 1, cap, f);
	fwrite(zero, 1, pad4(cap) - cap, f);
	fwrite(&len, 4, 1, f);
}

/* The next frame of one capture; 0 at its end (or a truncated tail: what
 * a killed run's last flush left is merged up to there). */
static int next_frame(struct pcapng_in *in)
{
	if (pcap_next_ex(in->p, &in->h, &in->data) != 1)
		return 0;
	/* Opened at nanosecond precision: tv_usec holds nanoseconds. */
	in->ts = (uint64_t)in->h->ts.tv_sec * 1000000000ull + (uint64_t)in->h->ts.tv_usec;
	return 1;
}

/* Min-heap of capture indices by (ts, index): the merge takes the earliest
 * frame, equal instants in capture order, so the output is deterministic. */
static int heap_less(const struct pcapng_in *in, size_t a, size_t b)
{
	return in[a].ts < in[b].ts || (in[a].ts == in[b].ts && a < b);
}

static void heap_down(const struct pcapng_in *in, size_t *h, size_t n, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, m = i;
		if (l < n && heap_less(in, h[l], h[m]))
			m = l;
		if (l + 1 < n && heap_less(in, h[l + 1], h[m]))
			m = l + 1;
		if (m == i)
			return;
		size_t t = h[i];
		h[i] = h[m];
		h[m] = t;
		i = m;
	}
}

static void merge(FILE *f, struct pcapng_in *in, size_t n)
{
	size_t *h = calloc(n + 1, sizeof(*h)), k = 0;

	if (!h)
		return;
	for (size_t i = 0; i < n; i++)
		if (next_frame(&in[i]))
			h[k++] = i;
	for (size_t i = k; i-- > 0;)
		heap_down(in, h, k, i);
	while (k) {
		size_t i = h[0];
		put_epb(f, (uint32_t)i, &in[i]);
		if (!next_frame(&in[i]))
			h[0] = h[--k];
		heap_down(in, h, k, 0);
	}
	free(h);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct pcapng_in *)a)->name, ((const struct pcapng_in *)b)->name);
}

/* Every NODE-IFACE.pcap of dir (the first max; *left counts the rest),
 * opened, sorted by name. */
static size_t open_captures(const char *dir, struct pcapng_in *in, size_t max, size_t *left)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;
	char path[4096], err[PCAP_ERRBUF_SIZE];

	if (!d)
		return 0;
	*left = 0;
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name);
		if (l < 6 || l - 5 >= sizeof in->name || strcmp(e->d_name + l - 5, ".pcap"))
			continue;
		if (n == max) {
			(*left)++;
			continue;
		}
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		in[n].p = pcap_open_offline_with_tstamp_precision(path,
							 PCAP_TSTAMP_PRECISION_NANO, err);
		if (!in[n].p)
			continue;
		memcpy(in[n].name, e->d_name, l - 5);
		in[n].name[l - 5] = '\0';
		n++;
	}
	closedir(d);
	qsort(in, n, sizeof(*in), by_name);
	return n;
}

int run_pcapng_write(const char *dir, int64_t start_unix_ns, const char **why)
{
	struct pcapng_in *in = calloc(RUN_PCAPNG_MAX_IN, sizeof(*in));
	char path[4096], comment[128];
	size_t n, left;
	int rc = -1;

	*why = "out of memory";
	if (!in)
		return -1;
	n = open_captures(dir, in, RUN_PCAPNG_MAX_IN, &left);
	snprintf(path, sizeof path, "%s/run.pcapng", dir);
	FILE *f = n ? fopen(path, "we") : NULL;
	*why = n ? strerror(errno) : "no capture to merge";
	if (f) {
		snprintf(comment, sizeof comment, "pmipemu run start_unix_ns=%lld",
			 (long long)start_unix_ns);
		put_shb(f, comment);
		for (size_t i = 0; i < n; i++)
			put_idb(f, &in[i]);
		merge(f, in, n);
		rc = fclose(f) == 0 && !left ? 0 : -1;
		*why = rc ? left ? "partial: more endpoints than it merges (1000)" : "write error" : NULL;
	}
	for (size_t i = 0; i < n; i++)
		pcap_close(in[i].p);
	free(in);
	return rc;
}
