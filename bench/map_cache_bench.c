/*
 * map_cache_bench.c: how fast and how big the map-cache is with 1 M prefixes.
 *
 * Usage: map_cache_bench [-n prefixes] [-q lookups] [-s seed]
 *
 * Prefixes are a realistic mix: 70 % IPv4 (mostly /16-/24, a few /8-/15,
 * 5 % host routes) and 30 % IPv6 inside 2000::/3 (mostly /32-/48, 5 % /128
 * host routes).  Lookup keys are half addresses inside a random inserted
 * prefix (hits), half random addresses of the same family (mostly misses
 * or short matches).
 *
 * Baselines, measured in the same run on the same keys:
 *  - "hash LPM": one open-addressing hash table per prefix length present,
 *    probed from the longest length down to the first hit.  It gives the
 *    same answers (the bench checks every one) and is the usual simple way
 *    to do LPM with exact-match hashing, so it is the fair comparison.
 *  - "1 probe": a single exact-match probe per key (the /24 or /48 of the
 *    address), which is not LPM: the floor any LPM structure can hope for,
 *    one random memory access per lookup.
 * Memory is the RSS delta while building, per prefix: for the bare lpm
 * tables and for the whole map-cache (which stores each struct mc_entry
 * whole, 16 RLOC slots included).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "addr.h"
#include "bench/benchutil.h"
#include "xtr/lpm.h"
#include "xtr/map_cache.h"

static long
rss_bytes(void)
{
	FILE	*f = fopen("/proc/self/statm", "r");
	long	 size = 0, res = 0;

	if (f == NULL)
		return 0;
	if (fscanf(f, "%ld %ld", &size, &res) != 2)
		res = 0;
	fclose(f);
	return res * sysconf(_SC_PAGESIZE);
}

/* --- workload ----------------------------------------------------------- */

static void
rnd_bytes(uint8_t *p, size_t n)
{
	uint64_t	r = 0;
	size_t		i;

	for (i = 0; i < n; i++) {
		if (i % 8 == 0)
			r = rnd();
		p[i] = (uint8_t)r;
		r >>= 8;
	}
}

static void
gen_prefix(struct ipprefix *p)
{
	unsigned	r = (unsigned)(rnd() % 100);

	memset(p, 0, sizeof(*p));
	if (rnd() % 10 < 7) {
		p->addr.af = AF_INET;
		rnd_bytes(p->addr.a, 4);
		p->addr.a[0] = (uint8_t)(1 + p->addr.a[0] % 223);
		if (r < 5)
			p->plen = 32;
		else if (r < 8)
			p->plen = (uint8_t)(8 + rnd() % 8);
		else if (r < 55)
			p->plen = 24;
		else
			p->plen = (uint8_t)(16 + rnd() % 8);
	} else {
		p->addr.af = AF_INET6;
		rnd_bytes(p->addr.a, 16);
		p->addr.a[0] = (uint8_t)(0x20 | (p->addr.a[0] & 0x1f));
		if (r < 5)
			p->plen = 128;
		else if (r < 45)
			p->plen = 48;
		else
			p->plen = (uint8_t)(32 + rnd() % 16);
	}
	ipprefix_mask(p);
}

static void
gen_key(const struct ipprefix *pfx, size_t npfx, struct ipaddr *a)
{
	const struct ipprefix	*p;
	size_t			 i, len;

	if (rnd() % 2 == 0) {
		/* A hit: random host bits inside an inserted prefix. */
		p = &pfx[rnd() % npfx];
		*a = p->addr;
		len = ipaddr_len(a->af);
		for (i = 0; i < len; i++) {
			int	fixed = p->plen - (int)i * 8;
			uint8_t	r = (uint8_t)rnd();

			if (fixed <= 0)
				a->a[i] = r;
			else if (fixed < 8)
				a->a[i] |= (uint8_t)(r & (0xff >> fixed));
		}
		return;
	}
	memset(a, 0, sizeof(*a));
	if (rnd() % 10 < 7) {
		a->af = AF_INET;
		rnd_bytes(a->a, 4);
	} else {
		a->af = AF_INET6;
		rnd_bytes(a->a, 16);
		a->a[0] = (uint8_t)(0x20 | (a->a[0] & 0x1f));
	}
}

/* --- baseline: exact-match hash tables ---------------------------------- */

struct hslot {
	uint64_t	k0, k1;
	void		*val;		/* NULL: empty */
};

struct htab {
	struct hslot	*s;
	size_t		 mask;
	size_t		 n;
};

struct hlpm {
	struct htab	 len[2][129];	/* [v6][plen] */
	uint8_t		 lens[2][129];	/* lengths present, longest first */
	int		 nlens[2];
};

static inline uint64_t
hkey(uint64_t k0, uint64_t k1, unsigned plen)
{
	uint64_t	h = k0 ^ (k1 * 0x9E3779B97F4A7C15ULL) ^ plen;

	/* MurmurHash3's fmix64: the key bits are all at the top. */
	h ^= h >> 33;
	h *= 0xFF51AFD7ED558CCDULL;
	h ^= h >> 33;
	h *= 0xC4CEB9FE1A85EC53ULL;
	return h ^ (h >> 33);
}

static void
addr_words(const struct ipaddr *a, uint64_t *k0, uint64_t *k1)
{
	uint64_t	w0 = 0, w1 = 0;
	int		i;

	for (i = 0; i < 8; i++) {
		w0 = w0 << 8 | a->a[i];
		w1 = w1 << 8 | a->a[8 + i];
	}
	*k0 = w0;
	*k1 = w1;
}

static inline void
mask_words(uint64_t *k0, uint64_t *k1, unsigned plen)
{
	if (plen == 0) {
		*k0 = *k1 = 0;
	} else if (plen < 64) {
		*k0 &= ~0ULL << (64 - plen);
		*k1 = 0;
	} else if (plen == 64) {
		*k1 = 0;
	} else if (plen < 128) {
		*k1 &= ~0ULL << (128 - plen);
	}
}

static int
htab_put(struct htab *t, uint64_t k0, uint64_t k1, unsigned plen, void *val)
{
	size_t		 i, cap;
	struct hslot	*old;

	if (t->s == NULL || 2 * (t->n + 1) > t->mask + 1) {
		old = t->s;
		cap = t->s == NULL ? 16 : 2 * (t->mask + 1);
		if ((t->s = calloc(cap, sizeof(*t->s))) == NULL)
			return -1;
		t->n = 0;
		if (old != NULL) {
			size_t	ocap = t->mask + 1;

			t->mask = cap - 1;
			for (i = 0; i < ocap; i++)
				if (old[i].val != NULL)
					htab_put(t, old[i].k0, old[i].k1,
					    plen, old[i].val);
			free(old);
		}
		t->mask = cap - 1;
	}
	for (i = hkey(k0, k1, plen) & t->mask;; i = (i + 1) & t->mask) {
		if (t->s[i].val == NULL) {
			t->s[i].k0 = k0;
			t->s[i].k1 = k1;
			t->s[i].val = val;
			t->n++;
			return 0;
		}
		if (t->s[i].k0 == k0 && t->s[i].k1 == k1) {
			t->s[i].val = val;
			return 0;
		}
	}
}

static inline void *
htab_get(const struct htab *t, uint64_t k0, uint64_t k1, unsigned plen)
{
	size_t	i;

	if (t->s == NULL)
		return NULL;
	for (i = hkey(k0, k1, plen) & t->mask;; i = (i + 1) & t->mask) {
		if (t->s[i].val == NULL)
			return NULL;
		if (t->s[i].k0 == k0 && t->s[i].k1 == k1)
			return t->s[i].val;
	}
}

static void
hlpm_put(struct hlpm *h, const struct ipprefix *p, void *val)
{
	uint64_t	k0, k1;
	int		v6 = p->addr.af == AF_INET6;

	addr_words(&p->addr, &k0, &k1);
	mask_words(&k0, &k1, p->plen);
	if (htab_put(&h->len[v6][p->plen], k0, k1, p->plen, val) == -1) {
		perror("calloc");
		exit(1);
	}
}

static void
hlpm_lens(struct hlpm *h)
{
	int	v6, l;

	for (v6 = 0; v6 < 2; v6++) {
		h->nlens[v6] = 0;
		for (l = 128; l >= 0; l--)
			if (h->len[v6][l].n > 0)
				h->lens[v6][h->nlens[v6]++] = (uint8_t)l;
	}
}

static inline void *
hlpm_lookup(const struct hlpm *h, const struct ipaddr *a)
{
	uint64_t	k0, k1, m0, m1;
	int		v6 = a->af == AF_INET6, i;
	void		*v;

	addr_words(a, &k0, &k1);
	for (i = 0; i < h->nlens[v6]; i++) {
		unsigned	l = h->lens[v6][i];

		m0 = k0;
		m1 = k1;
		mask_words(&m0, &m1, l);
		if ((v = htab_get(&h->len[v6][l], m0, m1, l)) != NULL)
			return v;
	}
	return NULL;
}

/* --- the bench ---------------------------------------------------------- */

struct lookups {
	double	 secs;
	size_t	 hits;
};

static void
report(const char *what, double secs, size_t n, double base)
{
	printf("  %-34s %8.2f M/s  %6.1f ns/op", what, n / secs / 1e6,
	    secs / n * 1e9);
	if (base > 0)
		printf("  x%.2f vs hash LPM", base / secs);
	printf("\n");
}

static void
usage(void)
{
	fprintf(stderr,
	    "usage: map_cache_bench [-n prefixes] [-q lookups] [-s seed]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	struct ipprefix	*pfx;
	struct ipaddr	*key;
	void		**want;
	struct lpm	*lpm[2];
	struct map_cache *mc;
	struct hlpm	*h;
	struct htab	 probe[2];
	size_t		 n = 1000000, nq = 4000000, i, hits, nuniq = 0;
	size_t		 nfam[2] = { 0, 0 }, expired;
	long		 rss0, rss1;
	double		 t0, t1, thash, tlpm, tmc, tprobe;
	uintptr_t	 sink = 0;
	int		 ch;

	while ((ch = getopt(argc, argv, "n:q:s:")) != -1) {
		switch (ch) {
		case 'n':
			n = strtoul(optarg, NULL, 10);
			break;
		case 'q':
			nq = strtoul(optarg, NULL, 10);
			break;
		case 's':
			rng = strtoull(optarg, NULL, 0);
			break;
		default:
			usage();
		}
	}
	if (n == 0 || nq == 0)
		usage();
	pfx = calloc(n, sizeof(*pfx));
	key = calloc(nq, sizeof(*key));
	want = calloc(nq, sizeof(*want));
	h = calloc(1, sizeof(*h));
	if (pfx == NULL || key == NULL || want == NULL || h == NULL) {
		perror("calloc");
		return 1;
	}
	for (i = 0; i < n; i++) {
		gen_prefix(&pfx[i]);
		nfam[pfx[i].addr.af == AF_INET6]++;
	}
	for (i = 0; i < nq; i++)
		gen_key(pfx, n, &key[i]);
	printf("map_cache_bench: %zu prefixes (%zu IPv4, %zu IPv6), "
	    "%zu lookups, sizeof(struct mc_entry) = %zu\n",
	    n, nfam[0], nfam[1], nq, sizeof(struct mc_entry));

	/* Bare lpm tables: insert rate and memory. */
	rss0 = rss_bytes();
	t0 = now_s();
	lpm[0] = lpm_new(AF_INET);
	lpm[1] = lpm_new(AF_INET6);
	for (i = 0; i < n; i++) {
		void	*old;

		if (lpm_insert(lpm[pfx[i].addr.af == AF_INET6], &pfx[i],
		    &pfx[i], &old) == -1) {
			perror("lpm_insert");
			return 1;
		}
		if (old == NULL)
			nuniq++;
	}
	t1 = now_s();
	rss1 = rss_bytes();
	printf("lpm: %zu distinct prefixes, insert %.2f M/s, "
	    "RSS +%.1f MB = %.1f bytes/prefix\n", nuniq,
	    n / (t1 - t0) / 1e6, (rss1 - rss0) / 1e6,
	    (double)(rss1 - rss0) / nuniq);

	/* Baseline tables. */
	for (i = 0; i < n; i++)
		hlpm_put(h, &pfx[i], &pfx[i]);
	hlpm_lens(h);
	memset(probe, 0, sizeof(probe));
	for (i = 0; i < n; i++) {
		uint64_t	k0, k1;
		int		v6 = pfx[i].addr.af == AF_INET6;
		unsigned	l = v6 ? 48 : 24;

		addr_words(&pfx[i].addr, &k0, &k1);
		mask_words(&k0, &k1, l);
		if (htab_put(&probe[v6], k0, k1, l, &pfx[i]) == -1)
			return 1;
	}
	printf("hash LPM baseline: %d IPv4 and %d IPv6 lengths to probe\n",
	    h->nlens[0], h->nlens[1]);

	/* Lookups: baseline first, then lpm, then the map-cache. */
	printf("lookups (%zu keys, half inside an inserted prefix):\n", nq);
	t0 = now_s();
	for (i = 0; i < nq; i++)
		want[i] = hlpm_lookup(h, &key[i]);
	thash = now_s() - t0;
	t0 = now_s();
	for (i = 0; i < nq; i++) {
		uint64_t	k0, k1;
		int		v6 = key[i].af == AF_INET6;
		unsigned	l = v6 ? 48 : 24;

		addr_words(&key[i], &k0, &k1);
		mask_words(&k0, &k1, l);
		sink += (uintptr_t)htab_get(&probe[v6], k0, k1, l);
	}
	tprobe = now_s() - t0;
	t0 = now_s();
	for (i = 0; i < nq; i++)
		sink += (uintptr_t)lpm_lookup(lpm[key[i].af == AF_INET6],
		    &key[i], NULL);
	tlpm = now_s() - t0;
	hits = 0;
	for (i = 0; i < nq; i++) {
		void	*v = lpm_lookup(lpm[key[i].af == AF_INET6], &key[i],
		    NULL);

		if (v != want[i]) {
			char	b[IPADDR_STRLEN];

			fprintf(stderr, "MISMATCH for %s\n",
			    ipaddr_fmt(&key[i], b, sizeof(b)));
			return 1;
		}
		hits += v != NULL;
	}
	report("hash LPM (baseline)", thash, nq, 0);
	report("1 exact probe (floor, not LPM)", tprobe, nq, thash);
	report("lpm_lookup", tlpm, nq, thash);

	/* The map-cache proper: every prefix with a TTL. */
	rss0 = rss_bytes();
	mc = mc_new();
	t0 = now_s();
	for (i = 0; i < n; i++) {
		struct mc_entry	e;

		memset(&e, 0, sizeof(e));
		e.eid = pfx[i];
		e.ttl_min = 1440;
		e.installed_ms = 1;
		e.expires_ms = 1 + 1000 + rnd() % 86400000;
		e.nrloc = 2;
		e.rloc[0].addr.af = AF_INET;
		e.rloc[0].addr.a[0] = 192;
		e.rloc[0].addr.a[2] = 2;
		e.rloc[0].addr.a[3] = 1;
		e.rloc[0].priority = 1;
		e.rloc[0].weight = 50;
		e.rloc[0].up = true;
		e.rloc[1] = e.rloc[0];
		e.rloc[1].addr.a[3] = 2;
		if (mc_update(mc, &e) == -1) {
			perror("mc_update");
			return 1;
		}
	}
	t1 = now_s();
	rss1 = rss_bytes();
	printf("map-cache: %zu entries, mc_update %.2f M/s, RSS +%.1f MB = "
	    "%.1f bytes/entry\n", mc_count(mc), n / (t1 - t0) / 1e6,
	    (rss1 - rss0) / 1e6, (double)(rss1 - rss0) / mc_count(mc));
	t0 = now_s();
	for (i = 0; i < nq; i++) {
		const struct mc_entry	*e = mc_lookup(mc, 0, &key[i], 1);

		sink += (uintptr_t)e;
	}
	tmc = now_s() - t0;
	report("mc_lookup", tmc, nq, thash);
	t0 = now_s();
	for (i = 0; i < nq; i++) {
		const struct mc_entry	*e = mc_lookup(mc, 0, &key[i], 1);

		if (e != NULL)
			sink += (uintptr_t)mc_select_rloc(e, (uint32_t)i);
	}
	report("mc_lookup + mc_select_rloc", now_s() - t0, nq, thash);
	printf("  (%zu of %zu keys matched)\n", hits, nq);

	/* Expiry: the whole day in 1000 steps. */
	t0 = now_s();
	expired = 0;
	for (i = 1; i <= 1000; i++)
		expired += mc_expire(mc, 1 + 1000 + i * 86400);
	t1 = now_s();
	printf("mc_expire: %zu entries in %.3f s = %.2f M/s, %zu left\n",
	    expired, t1 - t0, expired / (t1 - t0) / 1e6, mc_count(mc));

	mc_free(mc);
	lpm_free(lpm[0], NULL);
	lpm_free(lpm[1], NULL);
	for (i = 0; i <= 128; i++) {
		free(h->len[0][i].s);
		free(h->len[1][i].s);
	}
	free(probe[0].s);
	free(probe[1].s);
	free(h);
	free(pfx);
	free(key);
	free(want);
	return sink == 42 ? 3 : 0;
}
