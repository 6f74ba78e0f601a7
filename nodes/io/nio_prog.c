/*
 * nio_prog.c - what every pmipemu program answers the same way: --help and
 * --version (issue 14: `--help` on every program, one version for all).
 *
 * Owns: those two arguments. Must not: parse anything else; each program
 * keeps its own options and its usage text.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/nio.h"

#ifndef PMIPEMU_VERSION
#define PMIPEMU_VERSION "0.1"
#endif

const char *nio_prog_version(void)
{
	return PMIPEMU_VERSION;
}

void nio_prog_std_args(int argc, char **argv, const char *prog, const char *usage)
{
	if (argc != 2)
		return;
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(usage, stdout);
		exit(0);
	}
	if (!strcmp(argv[1], "--version")) {
		printf("%s %s\n", prog, PMIPEMU_VERSION);
		exit(0);
	}
}
