/*
 * link_tap.h - TAP devices inside network namespaces (I/O).
 *
 * Owns: creating a TAP in a namespace, its MAC, MTU, offloads, carrier,
 * administrative state. Must not: relay frames (link_io.c) or configure
 * addresses (emu/).
 */
#ifndef PMIPEMU_LINK_TAP_H
#define PMIPEMU_LINK_TAP_H

#include <stdbool.h>
#include <stdint.h>

#define LINK_TAP_MTU_DEFAULT 1500

/*
 * Create TAP `name` in the namespace netns_fd (-1: the caller's), with
 * IFF_TAP|IFF_NO_PI, offloads off (a read is one frame), MAC if mac is not
 * NULL, MTU (0: 1500). The caller's namespace is restored before return,
 * also on failure. Returns a non-blocking, close-on-exec fd, or -1 with
 * *why (errno kept). Closing the fd removes the device.
 */
int link_tap_open(const char *name, int netns_fd, const uint8_t *mac,
		  uint32_t mtu, const char **why);

/* Carrier on/off (TUNSETCARRIER): what the node sees as L2 up/down. */
int link_tap_set_carrier(int tap_fd, bool on);

/* Administrative up/down of the device `name` in netns_fd (-1: caller's). */
int link_tap_set_up(const char *name, int netns_fd, bool up, const char **why);

#endif
