/*
 * compare.h - `pmipemu compare RUN_A RUN_B`: two runs side by side.
 */
#ifndef PMIPEMU_COMPARE_H
#define PMIPEMU_COMPARE_H

/* argv[1], argv[2]: run folders. 0, or 2 on bad input. */
int compare_main(int argc, char **argv);

#endif
