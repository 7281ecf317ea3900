/*
 * test_lpm.c: the longest-prefix-match table against hand-made cases and,
 * with random prefixes, against a brute-force reference.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "addr.h"
#include "xtr/lpm.h"

static struct ipprefix
P(const char *s)
{
	struct ipprefix	p;

	assert_int_equal(ipprefix_parse(s, &p), 0);
	return p;
}

static struct ipaddr
A(const char *s)
{
	struct ipaddr	a;

	assert_int_equal(ipaddr_parse(s, &a), 0);
	return a;
}

#define V(n)	((void *)(uintptr_t)(n))

static void
expect_lookup(struct lpm *t, const char *addr, const char *want, void *val)
{
	struct ipaddr	a = A(addr);
	struct ipprefix	m;
	char		buf[IPPREFIX_STRLEN];
	void		*v;

	v = lpm_lookup(t, &a, &m);
	assert_ptr_equal(v, val);
	if (want != NULL)
		assert_string_equal(ipprefix_fmt(&m, buf, sizeof(buf)), want);
}

static void
test_basic_v4(void **state)
{
	struct lpm	*t;
	struct ipprefix	 p;
	void		*old;

	(void)state;
	assert_non_null(t = lpm_new(AF_INET));
	expect_lookup(t, "10.1.2.3", NULL, NULL);
	p = P("10.0.0.0/8");
	assert_int_equal(lpm_insert(t, &p, V(1), &old), 0);
	assert_null(old);
	p = P("10.1.0.0/16");
	assert_int_equal(lpm_insert(t, &p, V(2), NULL), 0);
	p = P("10.1.2.3/32");
	assert_int_equal(lpm_insert(t, &p, V(3), NULL), 0);
	p = P("0.0.0.0/0");
	assert_int_equal(lpm_insert(t, &p, V(4), NULL), 0);
	assert_int_equal(lpm_count(t), 4);
	expect_lookup(t, "10.1.2.3", "10.1.2.3/32", V(3));
	expect_lookup(t, "10.1.2.4", "10.1.0.0/16", V(2));
	expect_lookup(t, "10.2.0.1", "10.0.0.0/8", V(1));
	expect_lookup(t, "192.0.2.1", "0.0.0.0/0", V(4));
	/* Replace. */
	p = P("10.1.0.0/16");
	assert_int_equal(lpm_insert(t, &p, V(5), &old), 0);
	assert_ptr_equal(old, V(2));
	assert_int_equal(lpm_count(t), 4);
	assert_ptr_equal(lpm_exact(t, &p), V(5));
	/* Glue-only prefixes are not entries. */
	p = P("10.1.0.0/24");
	assert_null(lpm_exact(t, &p));
	assert_null(lpm_remove(t, &p));
	/* lookup_prefix */
	{
		struct ipprefix	q = P("10.1.2.0/24"), m;
		char		buf[IPPREFIX_STRLEN];

		assert_ptr_equal(lpm_lookup_prefix(t, &q, &m), V(5));
		assert_string_equal(ipprefix_fmt(&m, buf, sizeof(buf)),
		    "10.1.0.0/16");
		q = P("10.1.0.0/16");
		assert_ptr_equal(lpm_lookup_prefix(t, &q, &m), V(5));
		q = P("10.0.0.0/7");
		assert_ptr_equal(lpm_lookup_prefix(t, &q, &m), V(4));
	}
	/* Remove. */
	p = P("10.1.0.0/16");
	assert_ptr_equal(lpm_remove(t, &p), V(5));
	assert_null(lpm_remove(t, &p));
	expect_lookup(t, "10.1.2.4", "10.0.0.0/8", V(1));
	expect_lookup(t, "10.1.2.3", "10.1.2.3/32", V(3));
	p = P("0.0.0.0/0");
	assert_ptr_equal(lpm_remove(t, &p), V(4));
	expect_lookup(t, "192.0.2.1", NULL, NULL);
	assert_int_equal(lpm_count(t), 2);
	lpm_free(t, NULL);
}

static void
test_basic_v6(void **state)
{
	struct lpm	*t;
	struct ipprefix	 p;

	(void)state;
	assert_non_null(t = lpm_new(AF_INET6));
	p = P("2001:db8::/32");
	assert_int_equal(lpm_insert(t, &p, V(1), NULL), 0);
	p = P("2001:db8:0:1::/64");
	assert_int_equal(lpm_insert(t, &p, V(2), NULL), 0);
	p = P("2001:db8:0:1::1/128");
	assert_int_equal(lpm_insert(t, &p, V(3), NULL), 0);
	p = P("2001:db8:0:1:8000::/65");
	assert_int_equal(lpm_insert(t, &p, V(4), NULL), 0);
	p = P("::/0");
	assert_int_equal(lpm_insert(t, &p, V(5), NULL), 0);
	expect_lookup(t, "2001:db8:0:1::1", "2001:db8:0:1::1/128", V(3));
	expect_lookup(t, "2001:db8:0:1::2", "2001:db8:0:1::/64", V(2));
	expect_lookup(t, "2001:db8:0:1:8000::1", "2001:db8:0:1:8000::/65",
	    V(4));
	expect_lookup(t, "2001:db8:ffff::", "2001:db8::/32", V(1));
	expect_lookup(t, "fe80::1", "::/0", V(5));
	p = P("2001:db8:0:1::/64");
	assert_ptr_equal(lpm_remove(t, &p), V(2));
	expect_lookup(t, "2001:db8:0:1::2", "2001:db8::/32", V(1));
	lpm_free(t, NULL);
}

static void
test_wrong_family(void **state)
{
	struct lpm	*t;
	struct ipprefix	 p = P("2001:db8::/32");
	struct ipaddr	 a = A("2001:db8::1");

	(void)state;
	assert_null(lpm_new(AF_UNSPEC));
	assert_non_null(t = lpm_new(AF_INET));
	errno = 0;
	assert_int_equal(lpm_insert(t, &p, V(1), NULL), -1);
	assert_int_equal(errno, EINVAL);
	assert_null(lpm_exact(t, &p));
	assert_null(lpm_remove(t, &p));
	assert_null(lpm_lookup(t, &a, NULL));
	assert_int_equal(lpm_count(t), 0);
	/* Host bits are ignored: the prefix is masked. */
	p = P("10.0.0.0/8");
	p.addr.a[3] = 1;
	assert_int_equal(lpm_insert(t, &p, V(1), NULL), 0);
	p = P("10.0.0.0/8");
	assert_ptr_equal(lpm_exact(t, &p), V(1));
	lpm_free(t, NULL);
}

/* --- random differential test ------------------------------------------ */

static uint64_t rng_state;

static uint64_t
rnd(void)
{
	uint64_t	x = rng_state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	rng_state = x;
	return x * 0x2545F4914F6CDD1DULL;
}

struct ref {
	struct ipprefix	p;
	uintptr_t	val;
	int		live;
};

#define NBASE	32

struct world {
	int		 af;
	int		 maxplen;
	struct ipaddr	 base[NBASE];
	struct ref	*ref;
	size_t		 nref, cap;
};

static void
rnd_addr(struct world *w, struct ipaddr *a)
{
	size_t	i, len = ipaddr_len(w->af);
	int	keep;

	/* A base address with the bits after a random point scrambled, so
	 * that prefixes nest and share long common parts. */
	*a = w->base[rnd() % NBASE];
	keep = (int)(rnd() % (size_t)(w->maxplen + 1));
	for (i = 0; i < len; i++) {
		int	bit0 = (int)i * 8;
		uint8_t	r = (uint8_t)rnd();

		if (keep <= bit0)
			a->a[i] = r;
		else if (keep < bit0 + 8)
			a->a[i] = (uint8_t)((a->a[i] & (0xff << (bit0 + 8 - keep))) |
			    (r & (0xff >> (keep - bit0))));
	}
}

static void
rnd_prefix(struct world *w, struct ipprefix *p)
{
	unsigned	r = (unsigned)(rnd() % 100);

	rnd_addr(w, &p->addr);
	if (r < 2)
		p->plen = 0;
	else if (r < 12)
		p->plen = (uint8_t)w->maxplen;
	else if (r < 30)
		p->plen = (uint8_t)(rnd() % 17);	/* above the top level */
	else
		p->plen = (uint8_t)(rnd() % (uint64_t)(w->maxplen + 1));
	ipprefix_mask(p);
}

static struct ref *
ref_find(struct world *w, const struct ipprefix *p)
{
	size_t	i;

	for (i = 0; i < w->nref; i++)
		if (w->ref[i].live && ipprefix_cmp(&w->ref[i].p, p) == 0)
			return &w->ref[i];
	return NULL;
}

static struct ref *
ref_lookup(struct world *w, const struct ipaddr *a, int maxplen)
{
	struct ref	*best = NULL;
	size_t		 i;

	for (i = 0; i < w->nref; i++) {
		struct ref	*r = &w->ref[i];

		if (r->live && r->p.plen <= maxplen &&
		    ipprefix_contains_addr(&r->p, a) &&
		    (best == NULL || r->p.plen > best->p.plen))
			best = r;
	}
	return best;
}

static void
ref_compact(struct world *w)
{
	size_t	i, j = 0;

	for (i = 0; i < w->nref; i++)
		if (w->ref[i].live)
			w->ref[j++] = w->ref[i];
	w->nref = j;
}

static int
cmp_ref(const void *x, const void *y)
{
	const struct ref	*a = x, *b = y;

	return ipprefix_cmp(&a->p, &b->p);
}

struct collect {
	struct ipprefix	*p;
	uintptr_t	*v;
	size_t		 n, cap;
	size_t		 stop_at;
};

static int
collect_cb(const struct ipprefix *p, void *val, void *arg)
{
	struct collect	*c = arg;

	assert_true(c->n < c->cap);
	c->p[c->n] = *p;
	c->v[c->n] = (uintptr_t)val;
	c->n++;
	if (c->stop_at != 0 && c->n == c->stop_at)
		return 42;
	return 0;
}

static void
check_walk(struct lpm *t, struct world *w)
{
	struct collect	c;
	size_t		i;

	ref_compact(w);
	qsort(w->ref, w->nref, sizeof(*w->ref), cmp_ref);
	memset(&c, 0, sizeof(c));
	c.cap = w->nref + 1;
	c.p = calloc(c.cap, sizeof(*c.p));
	c.v = calloc(c.cap, sizeof(*c.v));
	assert_int_equal(lpm_walk(t, collect_cb, &c), 0);
	assert_int_equal(c.n, w->nref);
	for (i = 0; i < c.n; i++) {
		assert_int_equal(ipprefix_cmp(&c.p[i], &w->ref[i].p), 0);
		assert_int_equal(c.v[i], w->ref[i].val);
	}
	free(c.p);
	free(c.v);
}

static void
check_covered(struct lpm *t, struct world *w, const struct ipprefix *q)
{
	struct collect	c;
	size_t		i, j = 0;

	memset(&c, 0, sizeof(c));
	c.cap = w->nref + 1;
	c.p = calloc(c.cap, sizeof(*c.p));
	c.v = calloc(c.cap, sizeof(*c.v));
	assert_int_equal(lpm_walk_covered(t, q, collect_cb, &c), 0);
	/* w->ref is sorted and compact (check_walk ran first). */
	for (i = 0; i < w->nref; i++) {
		if (!ipprefix_covers(q, &w->ref[i].p))
			continue;
		assert_true(j < c.n);
		assert_int_equal(ipprefix_cmp(&c.p[j], &w->ref[i].p), 0);
		assert_int_equal(c.v[j], w->ref[i].val);
		j++;
	}
	assert_int_equal(j, c.n);
	free(c.p);
	free(c.v);
}

static void
check_queries(struct lpm *t, struct world *w, int nq)
{
	int	i;

	for (i = 0; i < nq; i++) {
		struct ipaddr	 a;
		struct ipprefix	 m, q;
		struct ref	*r;
		void		*v;

		rnd_addr(w, &a);
		r = ref_lookup(w, &a, w->maxplen);
		memset(&m, 0xa5, sizeof(m));
		v = lpm_lookup(t, &a, &m);
		if (r == NULL) {
			assert_null(v);
		} else {
			assert_int_equal((uintptr_t)v, r->val);
			assert_int_equal(ipprefix_cmp(&m, &r->p), 0);
		}
		/* lookup_prefix on a random prefix of a */
		q.addr = a;
		q.plen = (uint8_t)(rnd() % (uint64_t)(w->maxplen + 1));
		ipprefix_mask(&q);
		r = ref_lookup(w, &a, q.plen);
		v = lpm_lookup_prefix(t, &q, &m);
		if (r == NULL) {
			assert_null(v);
		} else {
			assert_int_equal((uintptr_t)v, r->val);
			assert_int_equal(ipprefix_cmp(&m, &r->p), 0);
		}
		r = ref_find(w, &q);
		assert_int_equal((uintptr_t)lpm_exact(t, &q),
		    r != NULL ? r->val : 0);
	}
}

static size_t	freed;

static void
count_free(void *v)
{
	(void)v;
	freed++;
}

static void
differential(int af, uint64_t seed, size_t ninsert, int nq)
{
	struct world	 w;
	struct lpm	*t;
	size_t		 i, live = 0;
	uintptr_t	 nextval = 1;
	int		 round;

	memset(&w, 0, sizeof(w));
	rng_state = seed;
	w.af = af;
	w.maxplen = ipaddr_maxplen(af);
	for (i = 0; i < NBASE; i++) {
		w.base[i].af = (uint8_t)af;
		for (size_t j = 0; j < ipaddr_len(af); j++)
			w.base[i].a[j] = (uint8_t)rnd();
	}
	w.cap = ninsert * 3 + 16;
	w.ref = calloc(w.cap, sizeof(*w.ref));
	assert_non_null(t = lpm_new(af));

	for (round = 0; round < 3; round++) {
		/* Grow. */
		for (i = 0; i < ninsert; i++) {
			struct ipprefix	 p;
			struct ref	*r;
			void		*old;

			rnd_prefix(&w, &p);
			r = ref_find(&w, &p);
			assert_int_equal(lpm_insert(t, &p, V(nextval), &old), 0);
			if (r != NULL) {
				assert_int_equal((uintptr_t)old, r->val);
				r->val = nextval;
			} else {
				assert_null(old);
				assert_true(w.nref < w.cap);
				w.ref[w.nref].p = p;
				w.ref[w.nref].val = nextval;
				w.ref[w.nref].live = 1;
				w.nref++;
				live++;
			}
			nextval++;
		}
		assert_int_equal(lpm_count(t), live);
		check_queries(t, &w, nq);
		check_walk(t, &w);
		for (i = 0; i < 20; i++) {
			struct ipprefix	q;

			rnd_prefix(&w, &q);
			check_covered(t, &w, &q);
		}
		/* Shrink: remove about half, and some absent prefixes. */
		for (i = 0; i < w.nref; i++) {
			struct ipprefix	q;

			if (rnd() % 2 == 0) {
				assert_int_equal(
				    (uintptr_t)lpm_remove(t, &w.ref[i].p),
				    w.ref[i].val);
				w.ref[i].live = 0;
				live--;
			}
			rnd_prefix(&w, &q);
			if (ref_find(&w, &q) == NULL)
				assert_null(lpm_remove(t, &q));
		}
		assert_int_equal(lpm_count(t), live);
		check_queries(t, &w, nq);
		check_walk(t, &w);
	}
	/* Remove some more; lpm_free hands the rest to the callback. */
	for (i = 0; i < w.nref / 2; i++)
		assert_int_equal((uintptr_t)lpm_remove(t, &w.ref[i].p),
		    w.ref[i].val);
	live -= i;
	check_queries(t, &w, 0);
	freed = 0;
	lpm_free(t, count_free);
	assert_int_equal(freed, live);
	free(w.ref);
}

static void
test_random_v4_small(void **state)
{
	uint64_t	s;

	(void)state;
	for (s = 1; s <= 8; s++)
		differential(AF_INET, 0x1234567ULL * s, 200, 300);
}

static void
test_random_v6_small(void **state)
{
	uint64_t	s;

	(void)state;
	for (s = 1; s <= 8; s++)
		differential(AF_INET6, 0x7654321ULL * s, 200, 300);
}

/* Large enough for the direct-indexed top level to be built. */
static void
test_random_v4_large(void **state)
{
	(void)state;
	differential(AF_INET, 42, 6000, 1500);
}

static void
test_random_v6_large(void **state)
{
	(void)state;
	differential(AF_INET6, 4242, 6000, 1500);
}

/* Dense short IPv4 prefixes: every /0../16 change rewrites top slots. */
static void
test_random_v4_short(void **state)
{
	struct lpm	*t;
	struct ipprefix	 p[8000];
	size_t		 i, j;

	(void)state;
	rng_state = 99;
	assert_non_null(t = lpm_new(AF_INET));
	for (i = 0; i < 8000; i++) {
		p[i].addr.af = AF_INET;
		memset(p[i].addr.a, 0, sizeof(p[i].addr.a));
		p[i].addr.a[0] = (uint8_t)rnd();
		p[i].addr.a[1] = (uint8_t)rnd();
		p[i].addr.a[2] = (uint8_t)rnd();
		p[i].plen = (uint8_t)(i < 5000 ? 20 : rnd() % 17);
		ipprefix_mask(&p[i]);
		assert_int_equal(lpm_insert(t, &p[i], &p[i], NULL), 0);
	}
	for (j = 0; j < 2000; j++) {
		struct ipaddr	 a;
		struct ipprefix	*best = NULL;

		a.af = AF_INET;
		memset(a.a, 0, sizeof(a.a));
		a.a[0] = (uint8_t)rnd();
		a.a[1] = (uint8_t)rnd();
		a.a[2] = (uint8_t)rnd();
		a.a[3] = (uint8_t)rnd();
		for (i = 0; i < 8000; i++)
			if (ipprefix_contains_addr(&p[i], &a) &&
			    (best == NULL || p[i].plen > best->plen))
				best = &p[i];
		/* Duplicates: the last insert of a prefix wins. */
		if (best != NULL) {
			struct ipprefix	m;

			assert_non_null(lpm_lookup(t, &a, &m));
			assert_int_equal(ipprefix_cmp(&m, best), 0);
		} else {
			assert_null(lpm_lookup(t, &a, NULL));
		}
	}
	lpm_free(t, NULL);
}

/* Past 256 K prefixes the top level grows to 20 bits: check lookups there
 * against a sorted array of (plen, address) probed from /32 down. */
static int
cmp_u64(const void *x, const void *y)
{
	uint64_t	a = *(const uint64_t *)x, b = *(const uint64_t *)y;

	return a < b ? -1 : a > b;
}

static void
big_check(struct lpm *t, const uint64_t *set, size_t n, int nq)
{
	int	q, l;

	for (q = 0; q < nq; q++) {
		uint32_t	 a32 = (uint32_t)rnd();
		struct ipaddr	 a;
		struct ipprefix	 m;
		void		*v;
		int		 want = -1;

		if (q % 2 == 0)	/* near an inserted prefix */
			a32 = (uint32_t)set[rnd() % n] ^ (uint32_t)(rnd() & 0xff);
		for (l = 32; l >= 0 && want < 0; l--) {
			uint64_t	k = (uint64_t)l << 32 |
			    (l == 0 ? 0 : a32 & (0xffffffffU << (32 - l)));

			if (bsearch(&k, set, n, sizeof(*set), cmp_u64) != NULL)
				want = l;
		}
		memset(&a, 0, sizeof(a));
		a.af = AF_INET;
		a.a[0] = (uint8_t)(a32 >> 24);
		a.a[1] = (uint8_t)(a32 >> 16);
		a.a[2] = (uint8_t)(a32 >> 8);
		a.a[3] = (uint8_t)a32;
		v = lpm_lookup(t, &a, &m);
		if (want < 0) {
			assert_null(v);
		} else {
			assert_non_null(v);
			assert_int_equal(m.plen, want);
		}
	}
}

static void
test_random_v4_big(void **state)
{
	uint64_t	*set;
	size_t		 n = 300000, i, j;
	struct lpm	*t;

	(void)state;
	rng_state = 777;
	set = calloc(n, sizeof(*set));
	assert_non_null(t = lpm_new(AF_INET));
	for (i = 0; i < n; i++) {
		uint32_t	a32 = (uint32_t)rnd();
		unsigned	l = (unsigned)(rnd() % 100) < 3 ?
		    (unsigned)(rnd() % 20) : 16 + (unsigned)(rnd() % 17);
		struct ipprefix	p;

		a32 = l == 0 ? 0 : a32 & (0xffffffffU << (32 - l));
		set[i] = (uint64_t)l << 32 | a32;
		memset(&p, 0, sizeof(p));
		p.addr.af = AF_INET;
		p.addr.a[0] = (uint8_t)(a32 >> 24);
		p.addr.a[1] = (uint8_t)(a32 >> 16);
		p.addr.a[2] = (uint8_t)(a32 >> 8);
		p.addr.a[3] = (uint8_t)a32;
		p.plen = (uint8_t)l;
		assert_int_equal(lpm_insert(t, &p, &set[i], NULL), 0);
	}
	qsort(set, n, sizeof(*set), cmp_u64);
	for (i = j = 0; i < n; i++)	/* unique */
		if (j == 0 || set[i] != set[j - 1])
			set[j++] = set[i];
	n = j;
	assert_int_equal(lpm_count(t), n);
	big_check(t, set, n, 20000);
	/* Remove every other one and check again. */
	for (i = j = 0; i < n; i++) {
		struct ipprefix	p;
		uint32_t	a32 = (uint32_t)set[i];

		if (i % 2 == 0) {
			set[j++] = set[i];
			continue;
		}
		memset(&p, 0, sizeof(p));
		p.addr.af = AF_INET;
		p.addr.a[0] = (uint8_t)(a32 >> 24);
		p.addr.a[1] = (uint8_t)(a32 >> 16);
		p.addr.a[2] = (uint8_t)(a32 >> 8);
		p.addr.a[3] = (uint8_t)a32;
		p.plen = (uint8_t)(set[i] >> 32);
		assert_non_null(lpm_remove(t, &p));
	}
	n = j;
	assert_int_equal(lpm_count(t), n);
	big_check(t, set, n, 20000);
	lpm_free(t, NULL);
	free(set);
}

static void
test_walk_stop(void **state)
{
	struct lpm	*t;
	struct collect	 c;
	struct ipprefix	 p, q;
	const char	*pfx[] = { "10.0.0.0/8", "10.0.0.0/16", "10.0.0.128/25",
	    "10.1.0.0/16", "10.1.2.0/24", "11.0.0.0/8", "0.0.0.0/0" };
	const char	*want[] = { "0.0.0.0/0", "10.0.0.0/8", "10.0.0.0/16",
	    "10.0.0.128/25", "10.1.0.0/16", "10.1.2.0/24", "11.0.0.0/8" };
	char		 buf[IPPREFIX_STRLEN];
	size_t		 i;

	(void)state;
	assert_non_null(t = lpm_new(AF_INET));
	for (i = 0; i < sizeof(pfx) / sizeof(pfx[0]); i++) {
		p = P(pfx[i]);
		assert_int_equal(lpm_insert(t, &p, V(i + 1), NULL), 0);
	}
	memset(&c, 0, sizeof(c));
	c.cap = 16;
	c.p = calloc(c.cap, sizeof(*c.p));
	c.v = calloc(c.cap, sizeof(*c.v));
	assert_int_equal(lpm_walk(t, collect_cb, &c), 0);
	assert_int_equal(c.n, 7);
	for (i = 0; i < c.n; i++)
		assert_string_equal(ipprefix_fmt(&c.p[i], buf, sizeof(buf)),
		    want[i]);
	/* A non-zero return stops the walk and is passed through. */
	c.n = 0;
	c.stop_at = 3;
	assert_int_equal(lpm_walk(t, collect_cb, &c), 42);
	assert_int_equal(c.n, 3);
	/* walk_covered: 10.0.0.0/15 covers /16s and the /25 and /24. */
	c.n = 0;
	c.stop_at = 0;
	q = P("10.0.0.0/15");
	assert_int_equal(lpm_walk_covered(t, &q, collect_cb, &c), 0);
	assert_int_equal(c.n, 4);
	assert_string_equal(ipprefix_fmt(&c.p[0], buf, sizeof(buf)),
	    "10.0.0.0/16");
	assert_string_equal(ipprefix_fmt(&c.p[3], buf, sizeof(buf)),
	    "10.1.2.0/24");
	/* p itself is included; a glue point too. */
	c.n = 0;
	q = P("10.1.0.0/16");
	assert_int_equal(lpm_walk_covered(t, &q, collect_cb, &c), 0);
	assert_int_equal(c.n, 2);
	c.n = 0;
	q = P("10.0.0.0/24");
	assert_int_equal(lpm_walk_covered(t, &q, collect_cb, &c), 0);
	assert_int_equal(c.n, 1);
	c.n = 0;
	q = P("12.0.0.0/8");
	assert_int_equal(lpm_walk_covered(t, &q, collect_cb, &c), 0);
	assert_int_equal(c.n, 0);
	c.n = 0;
	q = P("0.0.0.0/0");
	assert_int_equal(lpm_walk_covered(t, &q, collect_cb, &c), 0);
	assert_int_equal(c.n, 7);
	free(c.p);
	free(c.v);
	lpm_free(t, NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic_v4),
		cmocka_unit_test(test_basic_v6),
		cmocka_unit_test(test_wrong_family),
		cmocka_unit_test(test_walk_stop),
		cmocka_unit_test(test_random_v4_small),
		cmocka_unit_test(test_random_v6_small),
		cmocka_unit_test(test_random_v4_large),
		cmocka_unit_test(test_random_v6_large),
		cmocka_unit_test(test_random_v4_short),
		cmocka_unit_test(test_random_v4_big),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
