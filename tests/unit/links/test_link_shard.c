/*
 * Sharding of the link engine over worker threads (link_io.c,
 * link_worker_io.c): frames of one link and direction stay in order, and a
 * seed drops the same frames whatever the number of workers. Ports are
 * socket pairs (link_rig.h): no root needed.
 */
#include "link_rig.h"

#define N_LINKS 5
#define N_SEQ   120
#define MS      1000000ULL

struct seen {
	int n[N_LINKS][2];
	unsigned last[N_LINKS][2];
	bool out_of_order;
	bool got[N_LINKS][2][N_SEQ];
};

static void on_frame(int link, int dir, unsigned seq, void *ctx)
{
	struct seen *s = ctx;

	cr_assert(link < N_LINKS && dir < 2 && seq < N_SEQ, "stray frame %d %d %u", link, dir, seq);
	if (s->n[link][dir] && seq <= s->last[link][dir])
		s->out_of_order = true;
	s->last[link][dir] = seq;
	s->n[link][dir]++;
	s->got[link][dir][seq] = true;
}

/* Bursts of `burst` frames on every link and direction, drained between
 * bursts (so that no socket queue ever fills: only the link drops). */
static void run(unsigned threads, uint64_t seed, const struct link_params *p,
		int burst, struct seen *s)
{
	struct link_engine_opts o = { .seed = seed, .threads = threads };
	struct rig r;

	memset(s, 0, sizeof(*s));
	rig_open(&r, &o, N_LINKS, p);
	cr_assert_eq(link_engine_threads(r.e), threads);
	for (int seq = 0; seq < N_SEQ; seq += burst) {
		for (int k = seq; k < seq + burst && k < N_SEQ; k++)
			for (int i = 0; i < N_LINKS; i++)
				for (int d = 0; d < 2; d++)
					rig_send(&r, i, d, (unsigned)k);
		rig_drain(&r, on_frame, s);
	}
	for (int i = 0; i < N_LINKS; i++)
		for (int d = 0; d < 2; d++) {
			struct link_counters c;

			link_engine_counters(r.e, i, (enum link_dir_id)d, &c);
			cr_assert_eq(c.delivered, (uint64_t)s->n[i][d], "link %d dir %d", i, d);
			cr_assert_eq(c.drop_tx + c.drop_queue + c.drop_down, 0);
		}
	rig_free(&r);
}

Test(link_shard, frames_keep_their_order_per_link_and_direction_with_1_and_3_workers,
     .timeout = 60)
{
	/* jitter as large as the delay: only the FIFO rule keeps the order */
	struct link_params p = { .delay_ns = 2 * MS, .jitter_ns = 2 * MS };
	struct seen s;

	for (unsigned t = 1; t <= 3; t += 2) {
		run(t, 7, &p, 8, &s);
		cr_assert(!s.out_of_order, "%u workers: a frame overtook another", t);
		for (int i = 0; i < N_LINKS; i++)
			for (int d = 0; d < 2; d++)
				cr_assert_eq(s.n[i][d], N_SEQ, "%u workers, link %d dir %d: %d frames",
					     t, i, d, s.n[i][d]);
	}
}

static int differences(const struct seen *a, const struct seen *b)
{
	int n = 0;

	for (int i = 0; i < N_LINKS; i++)
		for (int d = 0; d < 2; d++)
			for (int k = 0; k < N_SEQ; k++)
				n += a->got[i][d][k] != b->got[i][d][k];
	return n;
}

Test(link_shard, same_seed_drops_the_same_frames_with_1_2_and_4_workers, .timeout = 60)
{
	struct link_params p = { .loss_model = LINK_LOSS_BERNOULLI, .loss = 0.3,
				 .jitter_ns = 100000, .delay_ns = 100000 };
	static struct seen one, two, four, other_seed;
	int lost = 0;

	run(1, 42, &p, 4, &one);
	run(2, 42, &p, 4, &two);
	run(4, 42, &p, 4, &four);
	for (int i = 0; i < N_LINKS; i++)
		for (int d = 0; d < 2; d++)
			lost += N_SEQ - one.n[i][d];
	cr_assert(lost > N_LINKS * 2 * N_SEQ / 5 && lost < N_LINKS * 2 * N_SEQ * 2 / 5,
		  "lost %d of %d at p = 0.3", lost, N_LINKS * 2 * N_SEQ);
	cr_assert_eq(differences(&one, &two), 0, "1 and 2 workers dropped different frames");
	cr_assert_eq(differences(&one, &four), 0, "1 and 4 workers dropped different frames");
	/* and the seed matters: another one drops other frames */
	run(2, 43, &p, 4, &other_seed);
	cr_assert_gt(differences(&one, &other_seed), 0);
}

Test(link_shard, default_is_one_worker_per_core)
{
	struct link_engine *e = link_engine_new(&(struct link_engine_opts){ .seed = 1 });
	long cores = sysconf(_SC_NPROCESSORS_ONLN);

	cr_assert_not_null(e);
	cr_assert_eq(link_engine_threads(e), (unsigned)(cores > LINK_THREADS_MAX ? LINK_THREADS_MAX : cores));
	link_engine_free(e);
}
