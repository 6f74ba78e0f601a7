/*
 * bce.c - the binding cache: mobile nodes, mobility sessions, the deadline
 * heap and the memory count (see bce.h for the model).
 *
 * Must not: decide anything about the protocol, read clocks, allocate
 * outside bce_alloc() (so that bce_mem_bytes() stays true).
 */
#include "bce_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

const char *bce_state_name(enum bce_state s)
{
	switch (s) {
	case BCE_STATE_REGISTERED: return "BCE_STATE_REGISTERED";
	case BCE_STATE_DEREGISTERED: return "BCE_STATE_DEREGISTERED";
	}
	return "BCE_STATE_UNKNOWN";
}

const char *bce_kind_name(enum bce_kind k)
{
	switch (k) {
	case BCE_KIND_PROXY: return "proxy";
	case BCE_KIND_HOME: return "home";
	}
	return "unknown";
}

void *bce_alloc(struct bce_cache *bc, size_t n)
{
	void *p = calloc(1, n);

	if (p)
		bc->mem_bytes += n;
	return p;
}

void bce_release(struct bce_cache *bc, void *p, size_t n)
{
	if (!p)
		return;
	bc->mem_bytes -= n;
	free(p);
}

int bce_ptrs_push(struct bce_cache *bc, void ***v, uint8_t *n, uint8_t *cap,
		  void **inl, uint8_t max, void *x)
{
	if (*n >= max) {
		errno = ENOSPC;
		return -1;
	}
	if (*n == *cap) {
		uint8_t ncap = *cap * 2 > max ? max : *cap * 2;
		void **nv = bce_alloc(bc, ncap * sizeof(void *));

		if (!nv) {
			errno = ENOMEM;
			return -1;
		}
		memcpy(nv, *v, *n * sizeof(void *));
		if (*v != inl)
			bce_release(bc, *v, *cap * sizeof(void *));
		*v = nv;
		*cap = ncap;
	}
	(*v)[(*n)++] = x;
	return 0;
}

void bce_ptrs_fini(struct bce_cache *bc, void **v, uint8_t cap, void **inl)
{
	if (v != inl)
		bce_release(bc, v, cap * sizeof(void *));
}

struct bce_cache *bce_new(const struct hash_key *hash_seed)
{
	struct bce_cache *bc = calloc(1, sizeof(*bc));

	if (!bc)
		return NULL;
	bc->key = *hash_seed;
	bc->mem_bytes = sizeof(*bc);
	hash_init(&bc->mns, &bc->mem_bytes);
	hash_init(&bc->sessions, &bc->mem_bytes);
	hash_init(&bc->prefixes, &bc->mem_bytes);
	bc->next_id = 1;
	return bc;
}

/* Free every node of a table without unlinking one by one: the whole cache
 * goes, so no invariant needs keeping on the way. */
static void free_all(struct hash_table *t, void (*fini)(struct hash_node *))
{
	for (size_t i = 0; i < t->n_bucket; i++) {
		struct hash_node *n = t->bucket[i], *next;

		for (; n; n = next) {
			next = n->next;
			fini(n);
		}
	}
}

static void fini_session(struct hash_node *n)
{
	struct bce_session *s = (struct bce_session *)n;

	if (s->prefix != s->prefix_inline)
		free(s->prefix);
	free(s->service);
	free(s);
}

static void fini_prefix(struct hash_node *n)
{
	struct bce_prefix *x = (struct bce_prefix *)n;

	if (x->route != x->route_inline)
		free(x->route);
	free(x);
}

static void fini_mn(struct hash_node *n)
{
	free(n);
}

void bce_free(struct bce_cache *bc)
{
	if (!bc)
		return;
	free_all(&bc->sessions, fini_session);
	free_all(&bc->prefixes, fini_prefix);
	free_all(&bc->mns, fini_mn);
	hash_fini(&bc->mns);
	hash_fini(&bc->sessions);
	hash_fini(&bc->prefixes);
	free(bc->heap);
	free(bc);
}

/* ---- keys ------------------------------------------------------------------ */

static uint64_t mn_hash(const struct bce_cache *bc, const uint8_t *id, size_t len)
{
	return hash_siphash24(&bc->key, id, len);
}

/* The session key as bytes: length-prefixed fields so that no two keys
 * serialize alike. The BID is left out (see bce.h). */
static uint64_t session_hash(const struct bce_cache *bc, const struct bce_key *k)
{
	uint8_t buf[1 + MH_MN_ID_MAX + 1 + MH_LL_ID_MAX + 1 + 1 + MH_SERVICE_MAX];
	size_t n = 0;

	buf[n++] = k->mn_id_len;
	memcpy(buf + n, k->mn_id, k->mn_id_len);
	n += k->mn_id_len;
	buf[n++] = k->ll_id_len;
	if (k->ll_id_len)
		memcpy(buf + n, k->ll_id, k->ll_id_len);
	n += k->ll_id_len;
	buf[n++] = k->att;
	buf[n++] = k->service_len;
	if (k->service_len)
		memcpy(buf + n, k->service, k->service_len);
	n += k->service_len;
	return hash_siphash24(&bc->key, buf, n);
}

static bool key_valid(const struct bce_key *k)
{
	return k->mn_id_len > 0 && k->ll_id_len <= MH_LL_ID_MAX &&
	       (k->ll_id_len == 0 || k->ll_id) && (k->service_len == 0 || k->service);
}

static bool session_matches(const struct bce_session *s, const struct bce_key *k)
{
	return s->mn->id_len == k->mn_id_len &&
	       memcmp(s->mn->id, k->mn_id, k->mn_id_len) == 0 &&
	       s->ll_id_len == k->ll_id_len &&
	       (k->ll_id_len == 0 || memcmp(s->ll_id, k->ll_id, k->ll_id_len) == 0) &&
	       s->att == k->att && bce_session_service_is(s, k->service, k->service_len) &&
	       (k->any_bid || s->bid == k->bid);
}

bool bce_session_service_is(const struct bce_session *s, const uint8_t *svc, size_t len)
{
	return s->service_len == len && (len == 0 || memcmp(s->service, svc, len) == 0);
}

struct bce_mn *bce_find_mn(const struct bce_cache *bc, const uint8_t *id, size_t len)
{
	uint64_t h = mn_hash(bc, id, len);

	for (struct hash_node *n = hash_chain(&bc->mns, h); n; n = n->next) {
		struct bce_mn *m = (struct bce_mn *)n;

		if (n->hash == h && m->id_len == len && memcmp(m->id, id, len) == 0)
			return m;
	}
	return NULL;
}

struct bce_session *bce_find_session(const struct bce_cache *bc, const struct bce_key *k)
{
	if (!key_valid(k))
		return NULL;
	uint64_t h = session_hash(bc, k);

	for (struct hash_node *n = hash_chain(&bc->sessions, h); n; n = n->next) {
		struct bce_session *s = (struct bce_session *)n;

		if (n->hash == h && session_matches(s, k))
			return s;
	}
	return NULL;
}

/* ---- sessions ---------------------------------------------------------------- */

static struct bce_mn *mn_get(struct bce_cache *bc, const struct bce_key *k)
{
	struct bce_mn *m = bce_find_mn(bc, k->mn_id, k->mn_id_len);

	if (m)
		return m;
	m = bce_alloc(bc, sizeof(*m) + k->mn_id_len);
	if (!m)
		return NULL;
	m->id_len = k->mn_id_len;
	memcpy(m->id, k->mn_id, k->mn_id_len);
	m->hn.hash = mn_hash(bc, k->mn_id, k->mn_id_len);
	if (hash_insert(&bc->mns, &m->hn) < 0) {
		bce_release(bc, m, sizeof(*m) + m->id_len);
		return NULL;
	}
	return m;
}

static void mn_put(struct bce_cache *bc, struct bce_mn *m)
{
	if (m->n_session > 0)
		return;
	hash_remove(&bc->mns, &m->hn);
	bce_release(bc, m, sizeof(*m) + m->id_len);
}

struct bce_session *bce_session_add(struct bce_cache *bc, const struct bce_key *k)
{
	if (!key_valid(k)) {
		errno = EINVAL;
		return NULL;
	}
	struct bce_key exact = *k;

	exact.any_bid = false;
	if (bce_find_session(bc, &exact)) {
		errno = EEXIST;
		return NULL;
	}
	struct bce_mn *m = mn_get(bc, k);
	struct bce_session *s = m ? bce_alloc(bc, sizeof(*s)) : NULL;

	if (!s) {
		if (m)
			mn_put(bc, m);
		errno = ENOMEM;
		return NULL;
	}
	s->mn = m;
	s->id = bc->next_id++;
	s->ll_id_len = k->ll_id_len;
	if (k->ll_id_len)
		memcpy(s->ll_id, k->ll_id, k->ll_id_len);
	s->att = k->att;
	if (k->service_len && !(s->service = bce_alloc(bc, k->service_len))) {
		bce_release(bc, s, sizeof(*s));
		mn_put(bc, m);
		errno = ENOMEM;
		return NULL;
	}
	s->service_len = k->service_len;
	if (k->service_len)
		memcpy(s->service, k->service, k->service_len);
	s->bid = k->bid;
	s->state = BCE_STATE_REGISTERED;
	s->fresh = true;
	s->deadline_ns = BCE_NO_DEADLINE;
	s->heap_idx = SIZE_MAX;
	s->prefix = s->prefix_inline;
	s->cap_prefix = 2;
	s->hn.hash = session_hash(bc, k);
	if (hash_insert(&bc->sessions, &s->hn) < 0) {
		bce_release(bc, s->service, s->service_len);
		bce_release(bc, s, sizeof(*s));
		mn_put(bc, m);
		errno = ENOMEM;
		return NULL;
	}
	s->mn_next = m->sessions;
	m->sessions = s;
	m->n_session++;
	return s;
}

static void mn_unlink(struct bce_mn *m, struct bce_session *s)
{
	for (struct bce_session **pp = &m->sessions; *pp; pp = &(*pp)->mn_next) {
		if (*pp == s) {
			*pp = s->mn_next;
			m->n_session--;
			return;
		}
	}
}

/* A dormant route is a pointer from a prefix of the same MN: clear it. */
static void dormant_forget(struct bce_session *s)
{
	for (struct bce_session *t = s->mn->sessions; t; t = t->mn_next) {
		for (uint8_t i = 0; i < t->n_prefix; i++) {
			if (t->prefix[i]->dormant == s) {
				t->prefix[i]->dormant = NULL;
				t->prefix[i]->dormant_active = false;
			}
		}
	}
}

void bce_session_del(struct bce_cache *bc, struct bce_session *s)
{
	dormant_forget(s);
	while (s->n_prefix > 0)
		bce_prefix_unbind(bc, s, s->prefix[s->n_prefix - 1]);
	bce_ptrs_fini(bc, (void **)s->prefix, s->cap_prefix, (void **)s->prefix_inline);
	bce_set_deadline(bc, s, BCE_NO_DEADLINE);
	hash_remove(&bc->sessions, &s->hn);
	mn_unlink(s->mn, s);
	mn_put(bc, s->mn);
	bce_release(bc, s->service, s->service_len);
	bce_release(bc, s, sizeof(*s));
}

/* ---- deadline heap ------------------------------------------------------------ */

static void heap_swap(struct bce_cache *bc, size_t a, size_t b)
{
	struct bce_heap_ent t = bc->heap[a];

	bc->heap[a] = bc->heap[b];
	bc->heap[b] = t;
	bc->heap[a].s->heap_idx = a;
	bc->heap[b].s->heap_idx = b;
}

static void heap_up(struct bce_cache *bc, size_t i)
{
	while (i > 0 && bc->heap[(i - 1) / 2].deadline_ns > bc->heap[i].deadline_ns) {
		heap_swap(bc, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
}

static void heap_down(struct bce_cache *bc, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;

		if (l < bc->n_heap && bc->heap[l].deadline_ns < bc->heap[m].deadline_ns)
			m = l;
		if (r < bc->n_heap && bc->heap[r].deadline_ns < bc->heap[m].deadline_ns)
			m = r;
		if (m == i)
			return;
		heap_swap(bc, i, m);
		i = m;
	}
}

static void heap_remove(struct bce_cache *bc, struct bce_session *s)
{
	size_t i = s->heap_idx;

	s->heap_idx = SIZE_MAX;
	if (i != --bc->n_heap) {
		bc->heap[i] = bc->heap[bc->n_heap];
		bc->heap[i].s->heap_idx = i;
		heap_up(bc, i);
		heap_down(bc, i);
	}
}

static int heap_reserve(struct bce_cache *bc)
{
	if (bc->n_heap < bc->cap_heap)
		return 0;
	size_t ncap = bc->cap_heap ? bc->cap_heap * 2 : 64;
	struct bce_heap_ent *h = realloc(bc->heap, ncap * sizeof(*h));

	if (!h)
		return -1;
	bc->mem_bytes += (ncap - bc->cap_heap) * sizeof(*h);
	bc->heap = h;
	bc->cap_heap = ncap;
	return 0;
}

/* Out of memory for the heap array is not reported: the session then keeps
 * no deadline, which the engine sees in bce_next_deadline(). It cannot happen
 * for a session already in the heap. */
void bce_set_deadline(struct bce_cache *bc, struct bce_session *s, uint64_t deadline_ns)
{
	if (s->heap_idx != SIZE_MAX)
		heap_remove(bc, s);
	s->deadline_ns = deadline_ns;
	if (deadline_ns == BCE_NO_DEADLINE || heap_reserve(bc) < 0) {
		s->deadline_ns = BCE_NO_DEADLINE;
		return;
	}
	s->heap_idx = bc->n_heap;
	bc->heap[bc->n_heap].deadline_ns = deadline_ns;
	bc->heap[bc->n_heap++].s = s;
	heap_up(bc, s->heap_idx);
}

uint64_t bce_next_deadline(const struct bce_cache *bc)
{
	return bc->n_heap ? bc->heap[0].deadline_ns : BCE_NO_DEADLINE;
}

struct bce_session *bce_expired(const struct bce_cache *bc, uint64_t now_ns)
{
	if (bc->n_heap && bc->heap[0].deadline_ns <= now_ns)
		return bc->heap[0].s;
	return NULL;
}

/* ---- walking, counting ---------------------------------------------------------- */

void bce_foreach_session(const struct bce_cache *bc, bce_session_cb cb, void *arg)
{
	for (size_t i = 0; i < bc->sessions.n_bucket; i++)
		for (struct hash_node *n = bc->sessions.bucket[i]; n; n = n->next)
			cb(arg, (const struct bce_session *)n);
}

size_t bce_foreach_session_from(const struct bce_cache *bc, size_t bucket, size_t max,
				bce_session_cb cb, void *arg)
{
	size_t seen = 0;

	for (; bucket < bc->sessions.n_bucket && seen < max; bucket++)
		for (struct hash_node *n = bc->sessions.bucket[bucket]; n; n = n->next, seen++)
			cb(arg, (const struct bce_session *)n);
	return bucket;
}

size_t bce_session_buckets(const struct bce_cache *bc) { return bc->sessions.n_bucket; }
size_t bce_n_sessions(const struct bce_cache *bc) { return bc->sessions.n_item; }
size_t bce_n_mns(const struct bce_cache *bc) { return bc->mns.n_item; }
size_t bce_n_prefixes(const struct bce_cache *bc) { return bc->prefixes.n_item; }
size_t bce_mem_bytes(const struct bce_cache *bc) { return bc->mem_bytes; }
