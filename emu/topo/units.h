/*
 * units.h - written-out units of the topology: 10ms, 250us, 2s, 10Mbit, 1%.
 * Pure parsing; each returns 0 or -1 with *why set to a short reason.
 */
#ifndef PMIPEMU_UNITS_H
#define PMIPEMU_UNITS_H

#include <stdint.h>

/* ns, us, ms, s, min; a bare number is an error (units are written out). */
int units_parse_time(const char *s, uint64_t *ns, const char **why);
/* bit, kbit, Mbit, Gbit (SI, per second; "10Mbit" or "10Mbit/s"). */
int units_parse_rate(const char *s, uint64_t *bps, const char **why);
/* "1%", "0.5%", or a fraction "0.01" in [0,1]. */
int units_parse_prob(const char *s, double *p, const char **why);
/* "100p" (packets) or "64KB"/"1500B" (bytes). Exactly one is set. */
int units_parse_limit(const char *s, uint32_t *pkts, uint64_t *bytes, const char **why);
/* "100B", "1500", "1KB" (B may be omitted for sizes). */
int units_parse_size(const char *s, uint64_t *bytes, const char **why);
/* "100pps", "1kpps". */
int units_parse_pps(const char *s, double *pps, const char **why);

/* Format for reports: "10ms", "1.5s". buf of at least 32 bytes. */
const char *units_fmt_time(uint64_t ns, char *buf, unsigned len);

#endif
