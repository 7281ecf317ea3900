/*
 * ratelim.h: rate limiters for the control plane.
 *
 * struct ratelim: at most one event per key per interval.  RFC 9301 §5.3:
 * "Map-Requests MUST be rate limited to 1 per second per EID-Prefix";
 * §6.1: "Both the SMR sender and the SMR responder MUST rate limit these
 * messages"; §5.4: "Map-Replies MUST be rate limited".  Keys longer than
 * RL_KEYMAX bytes are cut: callers pack theirs (smr.c).
 * Fixed-size table with short linear probing: an entry older than the
 * interval is free again, so memory is bounded whatever arrives.  When
 * every probed slot holds a fresh key (a flood of distinct keys), the
 * oldest of them is evicted and the new key allowed: a full table must
 * not deny the keys the flood did not send (issue 15 finding 9).
 *
 * struct tbucket: a token bucket for an aggregate limit (all SMRs, log
 * lines).
 *
 * struct tbtab: a token bucket per key (SMRs per source), the same
 * bounded table; a new key takes an empty slot or evicts the least
 * recently used one, and starts with a full bucket.
 */
#ifndef XTR_RATELIM_H
#define XTR_RATELIM_H

#include <stddef.h>
#include <stdint.h>

#define RL_KEYMAX	40

struct ratelim;

struct ratelim	*rl_new(size_t cap, uint64_t interval_ms);
void		 rl_free(struct ratelim *);
/* 1 if the event for key may happen now (and records it), 0 if not. */
int		 rl_allow(struct ratelim *, const void *key, size_t klen,
		    uint64_t now_ms);
/* Forget key (a reply came: the next request may go at once). */
void		 rl_forget(struct ratelim *, const void *key, size_t klen);
/* Keys evicted by a full probe window so far. */
uint64_t	 rl_evicted(const struct ratelim *);

struct tbucket {
	uint32_t	rate;		/* tokens per second */
	uint32_t	burst;
	uint64_t	tokens_milli;	/* tokens * 1000 */
	uint64_t	last_ms;
};

void	tb_init(struct tbucket *, uint32_t rate, uint32_t burst, uint64_t now);
int	tb_take(struct tbucket *, uint64_t now_ms);	/* 1 ok, 0 empty */

struct tbtab;

struct tbtab	*tbt_new(size_t cap, uint32_t rate, uint32_t burst);
void		 tbt_free(struct tbtab *);
/* A token from key's bucket: 1 ok, 0 empty. */
int		 tbt_take(struct tbtab *, const void *key, size_t klen,
		    uint64_t now_ms);
uint64_t	 tbt_evicted(const struct tbtab *);

#endif
