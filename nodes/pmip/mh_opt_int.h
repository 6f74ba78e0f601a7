/*
 * mh_opt_int.h - what the mobility option table (mh_opt.c) and its decoders
 * (mh_opt_dec.c) and encoders (mh_opt_enc.c) share. Must not: be included
 * outside nodes/pmip/mh_opt*.c.
 */
#ifndef PMIPEMU_MH_OPT_INT_H
#define PMIPEMU_MH_OPT_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "mh_opt.h"

/* A message being decoded: per-session options go to its last group; a
 * BID option opens the next (mh.h "Combined PBU"). */
struct mh_dec_ctx {
	struct mh_msg *m;
	bool seen_bid;
};

/* Decoders: d[0..len) is the option data (after Type and Length); 0, or -1
 * with *why. Encoders: write the data into d (255 octets), return its
 * length or -1; idx selects one HNP or flow of the group or message. */
int mh_opt_dec_mn_id(struct mh_dec_ctx *c, const uint8_t *d, uint8_t len,
		 const char **why);
int mh_opt_dec_hnp(struct mh_dec_ctx *c, const uint8_t *d, uint8_t len,
		 const char **why);
int mh_opt_dec_hi(struct mh_dec_ctx *c, const uint8_t *d, uint8_t len,
		 const char **why);
int mh_opt_dec_att(struct mh_dec_ctx *c, const uint8_t *d, uint8_t len,
		 const char **why);
int mh_opt_dec_mn_ll_id(struct mh_dec_ctx *c, const uint8_t *d, uint8_t len,
		 const char **why);
int mh_opt_dec_ll_addr(struct mh_dec_ctx *c, const uint8_t *d, uint8_t len,
		 const char **why);
int mh_opt_dec_timestamp(struct mh_dec_ctx *c, const uint8_t *d, uint8_t len,
		 const char **why);
int mh_opt_dec_service(struct mh_dec_ctx *c, const uint8_t *d, uint8_t len,
		 const char **why);
int mh_opt_dec_restart_counter(struct mh_dec_ctx *c, const uint8_t *d, uint8_t len,
		 const char **why);
int mh_opt_dec_alt_coa(struct mh_dec_ctx *c, const uint8_t *d, uint8_t len,
		 const char **why);
int mh_opt_dec_bid(struct mh_dec_ctx *c, const uint8_t *d, uint8_t len,
		 const char **why);
int mh_opt_dec_flow_id(struct mh_dec_ctx *c, const uint8_t *d, uint8_t len,
		 const char **why);
int mh_opt_dec_flow_summary(struct mh_dec_ctx *c, const uint8_t *d, uint8_t len,
		 const char **why);
int mh_opt_enc_flow_id(const struct mh_msg *m, const struct mh_group *g,
		 unsigned idx, uint8_t *d, const char **why);
int mh_opt_enc_flow_summary(const struct mh_msg *m, const struct mh_group *g,
		 unsigned idx, uint8_t *d, const char **why);
int mh_opt_enc_mn_id(const struct mh_msg *m, const struct mh_group *g,
		 unsigned idx, uint8_t *d, const char **why);
int mh_opt_enc_hnp(const struct mh_msg *m, const struct mh_group *g,
		 unsigned idx, uint8_t *d, const char **why);
int mh_opt_enc_hi(const struct mh_msg *m, const struct mh_group *g,
		 unsigned idx, uint8_t *d, const char **why);
int mh_opt_enc_att(const struct mh_msg *m, const struct mh_group *g,
		 unsigned idx, uint8_t *d, const char **why);
int mh_opt_enc_mn_ll_id(const struct mh_msg *m, const struct mh_group *g,
		 unsigned idx, uint8_t *d, const char **why);
int mh_opt_enc_ll_addr(const struct mh_msg *m, const struct mh_group *g,
		 unsigned idx, uint8_t *d, const char **why);
int mh_opt_enc_timestamp(const struct mh_msg *m, const struct mh_group *g,
		 unsigned idx, uint8_t *d, const char **why);
int mh_opt_enc_restart_counter(const struct mh_msg *m, const struct mh_group *g,
		 unsigned idx, uint8_t *d, const char **why);
int mh_opt_enc_alt_coa(const struct mh_msg *m, const struct mh_group *g,
		 unsigned idx, uint8_t *d, const char **why);
int mh_opt_enc_service(const struct mh_msg *m, const struct mh_group *g,
		 unsigned idx, uint8_t *d, const char **why);
int mh_opt_enc_bid(const struct mh_msg *m, const struct mh_group *g,
		 unsigned idx, uint8_t *d, const char **why);

#endif
