/*
 * tg_records.c - the receiver's per-packet record file (CSV, format in
 * tg.h): written line by line by the receiver, read back whole by the
 * report. Pure stdio on a FILE the caller opened; no sockets, no clocks.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "tg.h"

int tg_records_write_header(FILE *f)
{
	return fputs(TG_RECORDS_HEADER "\n", f) < 0 ? -1 : 0;
}

int tg_records_write(FILE *f, const struct tg_arrival *a)
{
	int r = fprintf(f, "%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu32 "\n",
			a->seq, a->send_ns, a->recv_ns, a->iface);
	return r < 0 ? -1 : 0;
}

/* One unsigned decimal field ending in `end`; advances *s past it. */
static int parse_field(const char **s, char end, uint64_t *v)
{
	char *e;
	if (**s < '0' || **s > '9')
		return -1;
	errno = 0;
	unsigned long long x = strtoull(*s, &e, 10);
	if (errno || *e != end)
		return -1;
	*v = x;
	*s = e + (end ? 1 : 0);
	return 0;
}

static int parse_line(const char *s, struct tg_arrival *a)
{
	uint64_t ifx;
	if (parse_field(&s, ',', &a->seq) || parse_field(&s, ',', &a->send_ns) ||
	    parse_field(&s, ',', &a->recv_ns) || parse_field(&s, '\0', &ifx) ||
	    ifx > UINT32_MAX)
		return -1;
	a->iface = (uint32_t)ifx;
	return 0;
}

static int push(struct tg_arrival **v, size_t *n, size_t *cap,
		const struct tg_arrival *a)
{
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 1024;
		struct tg_arrival *nv = realloc(*v, c * sizeof **v);
		if (!nv)
			return -1;
		*v = nv;
		*cap = c;
	}
	(*v)[(*n)++] = *a;
	return 0;
}

int tg_records_read(FILE *f, struct tg_arrival **out, size_t *n,
		    const char **why)
{
	static char msg[96];
	char line[256];
	struct tg_arrival *v = NULL, a;
	size_t cnt = 0, cap = 0;
	unsigned lineno = 0;

	while (fgets(line, sizeof line, f)) {
		lineno++;
		size_t len = strlen(line);
		if (len && line[len - 1] == '\n')
			line[--len] = '\0';
		else if (!feof(f))
			goto bad;       /* longer than any valid record */
		if (len == 0 || line[0] == '#' || strcmp(line, TG_RECORDS_HEADER) == 0)
			continue;
		if (parse_line(line, &a) < 0)
			goto bad;
		if (push(&v, &cnt, &cap, &a) < 0) {
			free(v);
			*why = "out of memory";
			return -1;
		}
	}
	*out = v;
	*n = cnt;
	return 0;
bad:
	free(v);
	snprintf(msg, sizeof msg, "record line %u: expected %s", lineno,
		 TG_RECORDS_HEADER);
	*why = msg;
	return -1;
}

int tg_records_path(const char *summary_path, char *buf, size_t len)
{
	size_t n = strlen(summary_path);
	const char *ext = ".json";
	if (n >= 5 && strcmp(summary_path + n - 5, ext) == 0)
		n -= 5;
	int r = snprintf(buf, len, "%.*s.csv", (int)n, summary_path);
	return r < 0 || (size_t)r >= len ? -1 : 0;
}
