/*
 * test_mh_vectors.c - the stored wire vectors of tests/data/mh decode to
 * their fixtures, and the fixtures encode to the same octets.
 */
#include <criterion/criterion.h>
#include <stdio.h>

#include "mh_testlib.h"

static size_t load(const char *name, uint8_t *buf, size_t cap)
{
	char path[256];
	FILE *f;
	size_t n;

	snprintf(path, sizeof path, "tests/data/mh/%s", name);
	f = fopen(path, "rb");
	cr_assert_not_null(f, "%s (run from the top of the tree)", path);
	n = fread(buf, 1, cap, f);
	fclose(f);
	return n;
}

static void check_vector(const char *name, const struct mh_msg *want)
{
	struct in6_addr s = tl_addr("2001:db8:a::1"), d = tl_addr("2001:db8:b::1");
	uint8_t file[2048], enc[2048];
	struct mh_msg got;
	const char *why = NULL;
	size_t n = load(name, file, sizeof file);
	int m;

	cr_assert_eq(mh_decode(file, n, &s, &d, &got, &why), 0, "%s: %s",
		     name, why);
	cr_assert(mh_msg_equal(&got, want), "%s decodes to its fixture", name);
	m = mh_encode(want, &s, &d, enc, sizeof enc, &why);
	cr_assert_eq((size_t)m, n);
	cr_assert_eq(memcmp(enc, file, n), 0, "%s: encoding changed", name);
}

Test(mh_vectors, pbu_full_vector)
{
	struct mh_msg m;

	tl_pbu_full(&m);
	check_vector("pbu_full.bin", &m);
}

Test(mh_vectors, pba_full_vector)
{
	struct mh_msg m;

	tl_pbu_full(&m);
	m.type = MH_TYPE_BA;
	m.status = 155;
	m.ba_flags = MH_BA_P;
	check_vector("pba_full.bin", &m);
}

Test(mh_vectors, pbu_multi_vector)
{
	struct mh_msg m;

	tl_pbu_multi(&m);
	check_vector("pbu_multi.bin", &m);
}

Test(mh_vectors, heartbeat_vector)
{
	struct mh_msg m;

	mh_msg_init(&m, MH_TYPE_HEARTBEAT);
	m.hb_seq = 77;
	check_vector("hb_request.bin", &m);
}
