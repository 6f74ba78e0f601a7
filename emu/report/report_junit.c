/*
 * report_junit.c - junit.xml for CI: one testsuite per topology, one
 * testcase per expectation, a <failure message="..."> saying which and by
 * how much. Written by hand with report_xml_escape: the format is tiny.
 * Case names carry the <expect>'s line, so that two checks of one target
 * ("exec before" three times) stay apart in a CI server's list.
 */
#include <stdio.h>

#include "report.h"

static void write_case(FILE *f, const struct report *r, const struct report_expect *e)
{
	char name[200], msg[600], cls[100];
	char raw[200];
	report_fmt(raw, sizeof raw, "%s %s (line %d)", topo_expect_kind_name(e->kind),
		   e->target, e->line ? e->line : (int)(e - r->expects) + 1);
	report_xml_escape(raw, name, sizeof name);
	report_xml_escape(r->topo->name, cls, sizeof cls);
	fprintf(f, "    <testcase classname=\"%s\" name=\"%s\" time=\"0\"", cls, name);
	if (e->pass) {
		fprintf(f, "/>\n");
		return;
	}
	report_xml_escape(e->message, msg, sizeof msg);
	fprintf(f, ">\n      <failure message=\"%s\" type=\"%s\">", msg,
		topo_expect_kind_name(e->kind));
	report_fmt(raw, sizeof raw, "measured %s, bound %s (%s:%d)", e->measured_s,
		   e->bound_s, r->topo->file, e->line);
	report_xml_escape(raw, name, sizeof name);
	fprintf(f, "%s</failure>\n    </testcase>\n", name);
}

void report_junit_suite(const struct report *r, FILE *f)
{
	char name[100], file[600];
	report_xml_escape(r->topo->name, name, sizeof name);
	report_xml_escape(r->topo->file, file, sizeof file);
	fprintf(f, "  <testsuite name=\"%s\" tests=\"%zu\" failures=\"%d\" errors=\"0\""
		" time=\"%.3f\">\n", name, r->n_expects, report_failed_count(r),
		(double)r->duration_ns / 1e9);
	fprintf(f, "    <properties>\n      <property name=\"seed\" value=\"%llu\"/>\n"
		"      <property name=\"file\" value=\"%s\"/>\n    </properties>\n",
		(unsigned long long)r->seed, file);
	for (size_t i = 0; i < r->n_expects; i++)
		write_case(f, r, &r->expects[i]);
	fprintf(f, "  </testsuite>\n");
}

int report_write_junit(const struct report *r, const char *path)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n");
	report_junit_suite(r, f);
	fprintf(f, "</testsuites>\n");
	return fclose(f) == 0 ? 0 : -1;
}
