/*
 * mag_ctl.h - magd's control commands (show bul, show stats, handoff, help)
 * answered as JSON. Pure: the shell reads the line and carries out acts.
 */
#ifndef PMIPEMU_MAG_CTL_H
#define PMIPEMU_MAG_CTL_H

#include <stddef.h>
#include <stdint.h>

#include "mag.h"

/* Answer line into out (NUL-terminated JSON, cap bytes); a handoff appends
 * its actions to acts. Unknown commands get {"error": "..."}. */
void mag_ctl_handle(struct mag *m, const char *line, uint64_t now_ns,
		    struct mag_acts *acts, char *out, size_t cap);

#endif
