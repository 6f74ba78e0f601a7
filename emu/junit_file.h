/*
 * junit_file.h - the one JUnit file of `pmipemu test A.xml B.xml --junit F`:
 * one <testsuite> per topology, copied from each run folder's junit.xml,
 * and an <error> suite for a topology that did not load or did not run, so
 * that a CI server sees every file it was given. Files only.
 */
#ifndef PMIPEMU_JUNIT_FILE_H
#define PMIPEMU_JUNIT_FILE_H

#include <stdio.h>

struct junit_file {
	FILE *f;                        /* the suites, until junit_file_close */
	char *buf;
	size_t len;
	int tests, failures, errors;
};

int junit_file_open(struct junit_file *j);
/* The <testsuite> of RUN_JUNIT (a run folder's junit.xml); an error suite
 * named after topo_file when it is missing or unreadable. */
void junit_file_add_run(struct junit_file *j, const char *topo_file, const char *run_junit);
/* A suite with one <testcase> holding an <error message=why>. */
void junit_file_add_error(struct junit_file *j, const char *topo_file, const char *what,
			  const char *why);
/* Writes the whole file at path; frees j. -1 if it cannot be written. */
int junit_file_close(struct junit_file *j, const char *path);

#endif
