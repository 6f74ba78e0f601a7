/*
 * netns.h - network namespaces held as file descriptors.
 *
 * Owns: creating a node's namespace, entering and leaving it, writing its
 * sysctls, bringing lo up. Namespaces are never bind-mounted: the fd that
 * pmipemu holds (and the processes inside) keep them alive, so a killed run
 * leaves none behind. Must not: know about topologies.
 */
#ifndef PMIPEMU_NETNS_H
#define PMIPEMU_NETNS_H

#include <stdbool.h>

/* Open the caller's current namespace (to come back to). -1 on error. */
int netns_open_current(void);
/* Create a fresh namespace and return an fd on it; the caller stays in its
 * own namespace (origin_fd). lo is brought up. -1 with errno on error. */
int netns_create(int origin_fd);
/* Enter ns_fd (this thread). 0 or -1. */
int netns_enter(int ns_fd);
/* Write a sysctl of the namespace the caller is in ("net.ipv6.conf.all.x"). */
int netns_sysctl(const char *key, const char *value);
/* Set an interface of the current namespace up (or down). */
int netns_link_up(const char *ifname, bool up);

#endif
