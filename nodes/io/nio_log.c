/*
 * nio_log.c - daemon log lines on stderr, and a rate limiter for them.
 *
 * Owns: the log line format "PROG: message" written in one write(2) so that
 * lines of processes sharing a stderr do not interleave. Must not: be called
 * from library code (house rule: libraries return errors, io files log).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "nio.h"

#define NIO_LOG_LINE_MAX 1024

void nio_log(const char *prog, const char *fmt, ...)
{
	char line[NIO_LOG_LINE_MAX];
	va_list ap;
	int n, m;

	n = snprintf(line, sizeof line, "%s: ", prog ? prog : "?");
	if (n < 0 || (size_t)n >= sizeof line)
		n = 0;
	va_start(ap, fmt);
	m = vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
	va_end(ap);
	if (m < 0)
		m = 0;
	n += m;
	if ((size_t)n >= sizeof line - 1)
		n = sizeof line - 2;   /* truncated: keep room for the newline */
	line[n++] = '\n';
	/* Nowhere to report a failed write to stderr. */
	if (write(STDERR_FILENO, line, (size_t)n) < 0)
		return;
}

bool nio_ratelimit_ok(struct nio_ratelimit *r, uint64_t now_ns, unsigned long *suppressed)
{
	if (now_ns < r->next_ns) {
		r->suppressed++;
		return false;
	}
	if (suppressed)
		*suppressed = r->suppressed;
	r->suppressed = 0;
	r->next_ns = now_ns + r->interval_ns;
	return true;
}
