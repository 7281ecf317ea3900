/* ratelim.c: per-key interval limiter and token bucket, see ratelim.h. */
#include <stdlib.h>
#include <string.h>

#include "ratelim.h"

#define RL_PROBE	8

struct rl_slot {
	uint64_t	last_ms;	/* 0 = empty */
	uint8_t		klen;
	uint8_t		key[RL_KEYMAX];
};

struct ratelim {
	size_t		 cap;		/* power of two */
	uint64_t	 interval;
	uint64_t	 evicted;
	struct rl_slot	*slot;
};

/* The slot array both tables use: the capacity rounded up to a power of
 * two (at least 16) in *c, zeroed; NULL when out of memory. */
static void *
slots_alloc(size_t cap, size_t size, size_t *c)
{
	*c = 16;
	while (*c < cap)
		*c <<= 1;
	return calloc(*c, size);
}

struct ratelim *
rl_new(size_t cap, uint64_t interval_ms)
{
	struct ratelim	*rl;

	if ((rl = calloc(1, sizeof(*rl))) == NULL)
		return NULL;
	if ((rl->slot = slots_alloc(cap, sizeof(*rl->slot), &rl->cap)) ==
	    NULL) {
		free(rl);
		return NULL;
	}
	rl->interval = interval_ms;
	return rl;
}

void
rl_free(struct ratelim *rl)
{
	if (rl == NULL)
		return;
	free(rl->slot);
	free(rl);
}

static uint32_t
fnv1a(const uint8_t *p, size_t n)
{
	uint32_t h = 2166136261u;

	while (n--) {
		h ^= *p++;
		h *= 16777619u;
	}
	return h;
}

static int
same(const struct rl_slot *s, const void *key, size_t klen)
{
	return s->last_ms != 0 && s->klen == klen &&
	    memcmp(s->key, key, klen) == 0;
}

int
rl_allow(struct ratelim *rl, const void *key, size_t klen, uint64_t now_ms)
{
	struct rl_slot	*free_slot = NULL, *oldest = NULL;
	uint32_t	 h;
	size_t		 i;

	if (klen > RL_KEYMAX)
		klen = RL_KEYMAX;
	if (now_ms == 0)
		now_ms = 1;
	h = fnv1a(key, klen);
	for (i = 0; i < RL_PROBE; i++) {
		struct rl_slot *s = &rl->slot[(h + i) & (rl->cap - 1)];

		if (same(s, key, klen)) {
			if (now_ms - s->last_ms < rl->interval)
				return 0;
			s->last_ms = now_ms;
			return 1;
		}
		if (free_slot == NULL && (s->last_ms == 0 ||
		    now_ms - s->last_ms >= rl->interval))
			free_slot = s;
		if (oldest == NULL || s->last_ms < oldest->last_ms)
			oldest = s;
	}
	/* every probed slot holds a fresh key (a flood of distinct keys):
	 * the oldest makes room.  Refusing instead would let the flood deny
	 * every key it did not send (issue 15 finding 9); an evicted key
	 * only loses its memory, at worst one extra event, and aggregate
	 * limits (struct tbucket) bound the total. */
	if (free_slot == NULL) {
		free_slot = oldest;
		rl->evicted++;
	}
	free_slot->last_ms = now_ms;
	free_slot->klen = (uint8_t)klen;
	memset(free_slot->key, 0, sizeof(free_slot->key));
	memcpy(free_slot->key, key, klen);
	return 1;
}

uint64_t
rl_evicted(const struct ratelim *rl)
{
	return rl->evicted;
}

void
rl_forget(struct ratelim *rl, const void *key, size_t klen)
{
	uint32_t	h;
	size_t		i;

	if (klen > RL_KEYMAX)
		klen = RL_KEYMAX;
	h = fnv1a(key, klen);
	for (i = 0; i < RL_PROBE; i++) {
		struct rl_slot *s = &rl->slot[(h + i) & (rl->cap - 1)];

		if (same(s, key, klen))
			s->last_ms = 0;
	}
}

void
tb_init(struct tbucket *tb, uint32_t rate, uint32_t burst, uint64_t now)
{
	tb->rate = rate;
	tb->burst = burst;
	tb->tokens_milli = (uint64_t)burst * 1000;
	tb->last_ms = now;
}

int
tb_take(struct tbucket *tb, uint64_t now_ms)
{
	uint64_t	max = (uint64_t)tb->burst * 1000;

	if (now_ms > tb->last_ms) {
		tb->tokens_milli += (now_ms - tb->last_ms) * tb->rate;
		if (tb->tokens_milli > max)
			tb->tokens_milli = max;
		tb->last_ms = now_ms;
	}
	if (tb->tokens_milli < 1000)
		return 0;
	tb->tokens_milli -= 1000;
	return 1;
}

/* Per-key token buckets (struct tbtab). */
struct tb_slot {
	struct tbucket	tb;		/* tb.last_ms 0 = empty */
	uint8_t		klen;
	uint8_t		key[RL_KEYMAX];
};

struct tbtab {
	size_t		 cap;		/* power of two */
	uint32_t	 rate, burst;
	uint64_t	 evicted;
	struct tb_slot	*slot;
};

struct tbtab *
tbt_new(size_t cap, uint32_t rate, uint32_t burst)
{
	struct tbtab	*t;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	if ((t->slot = slots_alloc(cap, sizeof(*t->slot), &t->cap)) == NULL) {
		free(t);
		return NULL;
	}
	t->rate = rate;
	t->burst = burst;
	return t;
}

void
tbt_free(struct tbtab *t)
{
	if (t == NULL)
		return;
	free(t->slot);
	free(t);
}

int
tbt_take(struct tbtab *t, const void *key, size_t klen, uint64_t now_ms)
{
	struct tb_slot	*s, *pick = NULL;
	uint32_t	 h;
	size_t		 i;

	if (klen > RL_KEYMAX)
		klen = RL_KEYMAX;
	if (now_ms == 0)
		now_ms = 1;
	h = fnv1a(key, klen);
	for (i = 0; i < RL_PROBE; i++) {
		s = &t->slot[(h + i) & (t->cap - 1)];
		if (s->tb.last_ms != 0 && s->klen == klen &&
		    memcmp(s->key, key, klen) == 0)
			return tb_take(&s->tb, now_ms);
		/* empty first, else the least recently used */
		if (pick == NULL || (pick->tb.last_ms != 0 &&
		    s->tb.last_ms < pick->tb.last_ms))
			pick = s;
	}
	if (pick->tb.last_ms != 0)
		t->evicted++;
	/* a key seen first (or again after its slot went): a full bucket */
	tb_init(&pick->tb, t->rate, t->burst, now_ms);
	pick->klen = (uint8_t)klen;
	memset(pick->key, 0, sizeof(pick->key));
	memcpy(pick->key, key, klen);
	return tb_take(&pick->tb, now_ms);
}

uint64_t
tbt_evicted(const struct tbtab *t)
{
	return t->evicted;
}
