/*
 * junit_file.c - merges the runs of `pmipemu test` into one JUnit file
 * (junit_file.h). A run's junit.xml is our own format (report_junit.c):
 * its <testsuite> elements are copied as text, the counts read from their
 * attributes for the <testsuites> totals.
 */
#include <stdlib.h>
#include <string.h>

#include "junit_file.h"
#include "report/report.h"

#define RUN_JUNIT_MAX (4u << 20)

int junit_file_open(struct junit_file *j)
{
	memset(j, 0, sizeof *j);
	j->f = open_memstream(&j->buf, &j->len);
	return j->f ? 0 : -1;
}

static char *read_all(const char *path)
{
	FILE *f = fopen(path, "r");
	char *b = f ? malloc(RUN_JUNIT_MAX + 1) : NULL;
	size_t n = 0;
	if (b)
		n = fread(b, 1, RUN_JUNIT_MAX, f);
	if (f)
		fclose(f);
	if (b)
		b[n] = '\0';
	return b;
}

/* Sum of attr="N" over every <testsuite ...> start tag in s. */
static int sum_attr(const char *s, const char *attr)
{
	char key[32];
	int sum = 0;
	snprintf(key, sizeof key, " %s=\"", attr);
	for (const char *p = strstr(s, "<testsuite "); p; p = strstr(p + 1, "<testsuite ")) {
		const char *end = strchr(p, '>'), *a = strstr(p, key);
		if (a && end && a < end)
			sum += atoi(a + strlen(key));
	}
	return sum;
}

void junit_file_add_run(struct junit_file *j, const char *topo_file, const char *run_junit)
{
	char *s = read_all(run_junit);
	const char *a = s ? strstr(s, "<testsuite ") : NULL;
	const char *b = s ? strstr(s, "</testsuites>") : NULL;
	if (!a || !b || b < a) {
		junit_file_add_error(j, topo_file, "run",
				     "the run wrote no junit.xml (it did not run to its report)");
		free(s);
		return;
	}
	j->tests += sum_attr(a, "tests");
	j->failures += sum_attr(a, "failures");
	j->errors += sum_attr(a, "errors");
	fwrite(a, 1, (size_t)(b - a), j->f);
	free(s);
}

void junit_file_add_error(struct junit_file *j, const char *topo_file, const char *what,
			  const char *why)
{
	char file[600], w[64], msg[1200];
	report_xml_escape(topo_file, file, sizeof file);
	report_xml_escape(what, w, sizeof w);
	report_xml_escape(why, msg, sizeof msg);
	fprintf(j->f, "  <testsuite name=\"%s\" tests=\"1\" failures=\"0\" errors=\"1\" time=\"0\">\n"
		"    <testcase classname=\"%s\" name=\"%s\" time=\"0\">\n"
		"      <error message=\"%s\" type=\"%s\"/>\n    </testcase>\n  </testsuite>\n",
		file, file, w, msg, w);
	j->tests++;
	j->errors++;
}

int junit_file_close(struct junit_file *j, const char *path)
{
	int rc = -1;
	fclose(j->f);
	FILE *out = fopen(path, "w");
	if (out) {
		fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
			"<testsuites tests=\"%d\" failures=\"%d\" errors=\"%d\">\n",
			j->tests, j->failures, j->errors);
		fwrite(j->buf, 1, j->len, out);
		fprintf(out, "</testsuites>\n");
		rc = fclose(out) == 0 ? 0 : -1;
	}
	free(j->buf);
	memset(j, 0, sizeof *j);
	return rc;
}
