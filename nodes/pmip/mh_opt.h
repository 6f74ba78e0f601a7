/*
 * mh_opt.h - internal interface between mh.c (messages) and mh_opt.c
 * (the mobility option table). Not for engines: they use mh.h.
 */
#ifndef PMIPEMU_MH_OPT_H
#define PMIPEMU_MH_OPT_H

#include "mh.h"

/* Walk the options in mh[off..end) (offsets from the start of the Mobility
 * Header, which alignment is relative to), filling m. */
int mh_opts_decode(const uint8_t *mh, size_t off, size_t end,
		   struct mh_msg *m, const char **why);

/* Append m's options at mh[*off..cap), in the documented order, each
 * aligned as its RFC says. */
int mh_opts_encode(const struct mh_msg *m, uint8_t *mh, size_t cap,
		   size_t *off, const char **why);

/* Pad with Pad1/PadN so that *off = x*n + y (RFC 6275 6.2.1). */
int mh_pad_to(uint8_t *mh, size_t cap, size_t *off, unsigned x, unsigned y,
	      const char **why);

#endif
