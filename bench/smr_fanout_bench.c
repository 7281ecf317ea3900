/*
 * smr_fanout_bench.c: what an SMR fan-out (xtr/smr.c) costs with a large
 * map-cache: finding the distinct RLOCs to solicit.
 *
 * Usage: smr_fanout_bench [-n prefixes] [-r rlocs] [-k rounds]
 *
 * n IPv4 /32 prefixes (default 1 M), each with two locators drawn from r
 * distinct RLOCs (default 1000).  Measured in the same run (CPU time):
 *   old walk   what smr_send() did before: mc_walk() over every entry,
 *              each locator checked against the targets found so far
 *   walk only  mc_walk() touching each locator, no dedup: the floor of any
 *              approach that walks the cache
 *   set        mc_rlocs_walk(): the incrementally kept distinct-RLOC set
 * plus the price of keeping the set: mc_update() rate with tracking off
 * and on, and the one-time mc_rlocs_enable() walk.  Every variant must
 * find the same r RLOCs (checked).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "addr.h"
#include "bench/benchutil.h"
#include "xtr/map_cache.h"

#define MAX_TARGETS	4096	/* as xtr/smr.c */

struct targets {
	struct ipaddr	a[MAX_TARGETS];
	int		n;
	uint64_t	touched;
};

static int
old_collect(const struct mc_entry *e, void *arg)
{
	struct targets	*t = arg;
	int		 i, j;

	for (i = 0; i < e->nrloc; i++) {
		for (j = 0; j < t->n; j++)
			if (ipaddr_cmp(&t->a[j], &e->rloc[i].addr) == 0)
				break;
		if (j == t->n && t->n < MAX_TARGETS)
			t->a[t->n++] = e->rloc[i].addr;
	}
	return 0;
}

static int
touch(const struct mc_entry *e, void *arg)
{
	struct targets	*t = arg;
	int		 i;

	for (i = 0; i < e->nrloc; i++)
		t->touched += e->rloc[i].addr.a[3];
	return 0;
}

static int
set_collect(const struct ipaddr *a, uint32_t refs, void *arg)
{
	struct targets	*t = arg;

	(void)refs;
	if (t->n < MAX_TARGETS)
		t->a[t->n++] = *a;
	return 0;
}

static void
fill(struct map_cache *mc, size_t n, unsigned nr, size_t from)
{
	struct mc_entry	e;
	size_t		i;
	int		j;

	memset(&e, 0, sizeof(e));
	e.eid.addr.af = AF_INET;
	e.eid.plen = 32;
	e.nrloc = 2;
	for (i = from; i < from + n; i++) {
		e.eid.addr.a[0] = 10;
		e.eid.addr.a[1] = (uint8_t)(i >> 16);
		e.eid.addr.a[2] = (uint8_t)(i >> 8);
		e.eid.addr.a[3] = (uint8_t)i;
		for (j = 0; j < 2; j++) {
			unsigned r = (unsigned)(rnd() % nr);

			e.rloc[j].addr.af = AF_INET;
			e.rloc[j].addr.a[0] = 198;
			e.rloc[j].addr.a[1] = 18;
			e.rloc[j].addr.a[2] = (uint8_t)(r >> 8);
			e.rloc[j].addr.a[3] = (uint8_t)r;
			e.rloc[j].priority = 1;
			e.rloc[j].weight = 50;
			e.rloc[j].up = true;
		}
		if (mc_update(mc, &e) == -1) {
			perror("mc_update");
			exit(1);
		}
	}
}

int
main(int argc, char **argv)
{
	static struct targets	 t;
	struct map_cache	*off, *on;
	size_t			 n = 1000000, i;
	unsigned		 nr = 1000, k = 200;
	double			 t0, ins_off, ins_on, enable, old, walk, set;
	int			 ch;

	while ((ch = getopt(argc, argv, "n:r:k:")) != -1) {
		switch (ch) {
		case 'n': n = strtoul(optarg, NULL, 10); break;
		case 'r': nr = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'k': k = (unsigned)strtoul(optarg, NULL, 10); break;
		default:
			fprintf(stderr, "usage: smr_fanout_bench [-n prefixes] "
			    "[-r rlocs] [-k rounds]\n");
			return 2;
		}
	}
	if (n < 1 || n > 16000000 || nr < 1 || nr > MAX_TARGETS || k < 1)
		return 2;
	off = mc_new();
	on = mc_new();
	if (off == NULL || on == NULL || mc_rlocs_enable(on) == -1)
		return 1;
	/* the same prefixes and RLOCs into both caches */
	t0 = now_s();
	fill(off, n, nr, 0);
	ins_off = now_s() - t0;
	rng = 0x9E3779B97F4A7C15ULL;
	t0 = now_s();
	fill(on, n, nr, 0);
	ins_on = now_s() - t0;
	/* enabling on a full cache: the one walk */
	t0 = now_s();
	if (mc_rlocs_enable(off) == -1)
		return 1;
	enable = now_s() - t0;

	t.n = 0;
	t0 = now_s();
	mc_walk(on, old_collect, &t);
	old = now_s() - t0;
	if (t.n != (int)mc_rlocs_count(on)) {
		fprintf(stderr, "old walk found %d RLOCs, the set %zu\n", t.n,
		    mc_rlocs_count(on));
		return 1;
	}
	t0 = now_s();
	mc_walk(on, touch, &t);
	walk = now_s() - t0;
	t0 = now_s();
	for (i = 0; i < k; i++) {
		t.n = 0;
		mc_rlocs_walk(on, set_collect, &t);
	}
	set = (now_s() - t0) / k;
	if (t.n != (int)mc_rlocs_count(on) ||
	    mc_rlocs_count(on) != mc_rlocs_count(off)) {
		fprintf(stderr, "set walk found %d RLOCs of %zu\n", t.n,
		    mc_rlocs_count(on));
		return 1;
	}
	printf("%zu /32 prefixes, 2 locators each over %zu distinct RLOCs, "
	    "CPU time\n", mc_count(on), mc_rlocs_count(on));
	printf("%-34s %10.3f ms\n", "fan-out, old walk + dedup", old * 1e3);
	printf("%-34s %10.3f ms\n", "fan-out, walk only (floor)", walk * 1e3);
	printf("%-34s %10.3f ms  (mean of %u)\n", "fan-out, RLOC set", set * 1e3,
	    k);
	printf("%-34s %10.0fx old walk, %.0fx walk only\n", "ratio",
	    old / set, walk / set);
	printf("%-34s %10.2f M/s off, %.2f M/s on (time %+.0f %%)\n",
	    "mc_update rate, tracking", n / ins_off / 1e6, n / ins_on / 1e6,
	    (ins_on / ins_off - 1) * 100);
	printf("%-34s %10.3f ms (once)\n", "mc_rlocs_enable on a full cache",
	    enable * 1e3);
	mc_free(off);
	mc_free(on);
	return t.touched == 42 ? 3 : 0;	/* keep touch() */
}
