/*
 * mn_mip6_io.h - mnd's shell for the client Mobile IPv6 function
 * (mn_mip6.c; problem statement appendix C). See mn_mip6_io.c.
 */
#ifndef PMIPEMU_MN_MIP6_IO_H
#define PMIPEMU_MN_MIP6_IO_H

#include "mn_mip6.h"

struct ev_loop;
struct mn_mip6_io;

/* Opens mip0 (home address), the tunnel and MIPv6 sockets, the address
 * monitor of cfg->iface; NULL with *why (errno kept) after undoing. */
struct mn_mip6_io *mn_mip6_io_start(struct ev_loop *loop, const struct mn_mip6_cfg *cfg,
				    const char *node, const char **why);
/* Removes the rule and route, closes all (mip0 goes with its fd). */
void mn_mip6_io_stop(struct mn_mip6_io *io);
const struct mn_mip6 *mn_mip6_io_client(const struct mn_mip6_io *io);

#endif
