/*
 * graph.h - `pmipemu graph FILE`: the topology as a Graphviz graph.
 */
#ifndef PMIPEMU_GRAPH_H
#define PMIPEMU_GRAPH_H

#include <stdio.h>

struct topology;

/* The DOT text: one node per topology node (name, kind), one edge per link
 * (name, end interfaces, each direction's impairments). */
void graph_write_dot(const struct topology *t, FILE *f);
/* argv[0] = "graph". 0, or 2 on bad input or a failed dot. */
int graph_main(int argc, char **argv);

#endif
