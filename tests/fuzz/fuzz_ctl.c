/*
 * fuzz_ctl.c - libFuzzer harness for the daemons' control commands: the
 * input, cut at its first newline as the control socket does, is one
 * command line for lmad (lma_ctl_handle) and for magd (mag_ctl_handle),
 * both holding one registered MN (the MAG's PBU, the LMA's PBA, exchanged
 * in memory). Every answer must be a NUL-terminated JSON document that fits
 * the buffer; anything else, or any bad access (ASan), aborts.
 */
#include <arpa/inet.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "lma/lma.h"
#include "lma/lma_ctl.h"
#include "mag/mag.h"
#include "mag/mag_ctl.h"

#define LINE_MAX_ 4096          /* NIO_CTL_LINE_MAX */
#define ANSWER_MAX 65536        /* NIO_CTL_ANSWER_MAX */
#define SEC 1000000000ULL

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t LL[6] = { 2, 0, 0, 0, 0xaa, 1 };
static struct lma_config lcfg;
static struct mag_cfg mcfg;
static struct in6_addr lmaa_, pcoa_;
static struct lma_policy pol;
static struct mag_acts macts;
static struct lma_actions lacts;
static char out[ANSWER_MAX];

static void configure(void)
{
	inet_pton(AF_INET6, "2001:db8:1::1", &lmaa_);
	inet_pton(AF_INET6, "2001:db8:1::2", &pcoa_);
	lma_config_init(&lcfg);
	lcfg.lmaa = lmaa_;
	lcfg.mags = &pcoa_;
	lcfg.n_mags = 1;
	inet_pton(AF_INET6, "2001:db8:100::", &lcfg.pool.prefix);
	lcfg.pool.len = 48;
	lcfg.pool_plen = 64;
	strcpy(pol.mn_id, "mn1@pmipemu.example");
	lcfg.policies = &pol;
	lcfg.n_policies = 1;
	mag_cfg_defaults(&mcfg);
	mcfg.lmaa = lmaa_;
	mcfg.proxy_coa = pcoa_;
	mcfg.lifetime_s = 100;
	mcfg.use_timestamps = false;
	mcfg.n_access = 1;
	strcpy(mcfg.access[0].name, "eth1");
	mcfg.access[0].ifindex = 3;
	mcfg.access[0].att = MH_ATT_WLAN;
	mcfg.n_profile = 1;
	strcpy(mcfg.profile[0].mn_id, "mn1@pmipemu.example");
	memcpy(mcfg.profile[0].ll_id, LL, 6);
}

/* The MAG registers the MN at the LMA: PBU and PBA carried in memory. */
static void register_mn(struct mag *m, struct lma *l)
{
	const char *why = NULL;

	mag_acts_reset(&macts);
	if (mag_mn_attach(m, 3, LL, SEC, &macts, &why) < 0 || macts.n_pbu != 1)
		abort();
	lma_actions_clear(&lacts);
	lma_input_pbu(l, &pcoa_, &macts.pbu[0], SEC, 0, &lacts);
	for (size_t i = 0; i < lacts.n; i++)
		if (lacts.v[i].type == LMA_ACT_SEND_PBA) {
			mag_acts_reset(&macts);
			mag_input_pba(m, &lmaa_, &lacts.v[i].pba.msg, SEC, &macts);
		}
}

static void check_answer(void)
{
	size_t n = strnlen(out, sizeof(out));
	json_object *o;

	if (n == sizeof(out) || !(o = json_tokener_parse(out)))
		abort();
	json_object_put(o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	static char line[LINE_MAX_ + 1];
	struct lma_io_stats st = { .mh_received = 3 };
	const char *why = NULL;
	size_t n = 0;

	if (!ready) {
		configure();
		lma_actions_init(&lacts);
		ready = 1;
	}
	while (n < size && n < LINE_MAX_ && data[n] != '\n')
		n++;
	memcpy(line, data, n);
	line[n] = '\0';
	struct lma *l = lma_new(&lcfg, &why);
	struct mag *m = mag_new(&mcfg, &why);

	if (!l || !m)
		abort();
	register_mn(m, l);
	lma_ctl_count_malformed(&st, "checksum");
	memset(out, 0xff, sizeof(out));
	lma_actions_clear(&lacts);
	if (lma_ctl_prefix(l, line, 2 * SEC, &lacts, out, sizeof(out)) == 0 &&
	    lma_flow_ctl(l, line, out, sizeof(out), &lacts) == 0)
		lma_ctl_handle(l, &st, 2 * SEC, line, out, sizeof(out));
	check_answer();
	memset(out, 0xff, sizeof(out));
	mag_acts_reset(&macts);
	mag_ctl_handle(m, line, 2 * SEC, &macts, out, sizeof(out));
	check_answer();
	mag_free(m);
	lma_free(l);
	return 0;
}
