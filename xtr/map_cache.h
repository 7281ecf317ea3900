/*
 * map_cache.h: the ITR's EID-to-RLOC map-cache (RFC 9301 §6, RFC 9300 §6).
 * Longest-prefix match per (instance-ID, family) on top of lpm.h, TTL
 * expiry on the monotonic clock, negative entries with their action.
 * Must hold 1 M prefixes.  Entries are copied in; pointers returned stay
 * valid until the next update/remove/expire of that entry.  An entry is
 * stored with its nrloc RLOCs only: in a returned entry, rloc[] past nrloc
 * holds junk (copying *e whole is fine, reading those slots is not).
 */
#ifndef XTR_MAP_CACHE_H
#define XTR_MAP_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "lisp.h"

struct mc_rloc {
	struct ipaddr	addr;
	uint8_t		priority;	/* 255: unusable for unicast */
	uint8_t		weight;
	uint8_t		mpriority;
	uint8_t		mweight;
	bool		up;		/* R bit / locator-status-bits */
};

struct mc_entry {
	uint32_t	iid;
	struct ipprefix	eid;
	bool		negative;	/* negative Map-Reply: no RLOCs */
	uint8_t		action;		/* enum lisp_action when negative */
	uint16_t	map_version;
	uint32_t	ttl_min;	/* TTL as received, minutes */
	uint64_t	expires_ms;	/* monotonic; 0 = never */
	uint64_t	installed_ms;
	uint8_t		nrloc;
	struct mc_rloc	rloc[LISP_MAX_LOCATORS];
};

struct map_cache;

struct map_cache *mc_new(void);
void		 mc_free(struct map_cache *);
/* Insert or replace the entry for (e->iid, e->eid).  0 or -1. */
int		 mc_update(struct map_cache *, const struct mc_entry *e);
int		 mc_remove(struct map_cache *, uint32_t iid,
		    const struct ipprefix *);
/* Longest match for dst that has not expired at now_ms, or NULL. */
const struct mc_entry *mc_lookup(const struct map_cache *, uint32_t iid,
		    const struct ipaddr *dst, uint64_t now_ms);
const struct mc_entry *mc_exact(const struct map_cache *, uint32_t iid,
		    const struct ipprefix *);
/* Remove every entry expired at now_ms; returns how many.  Cost is
 * proportional to the number removed (plus log n), not to the table. */
size_t		 mc_expire(struct map_cache *, uint64_t now_ms);
/* Earliest expiry among entries (monotonic ms), 0 if none expire. */
uint64_t	 mc_next_expiry(const struct map_cache *);
size_t		 mc_count(const struct map_cache *);
int		 mc_walk(const struct map_cache *,
		    int (*cb)(const struct mc_entry *, void *), void *arg);
/* Visit the entries p covers (p itself and its more-specifics). */
int		 mc_walk_covered(const struct map_cache *, uint32_t iid,
		    const struct ipprefix *p,
		    int (*cb)(const struct mc_entry *, void *), void *arg);
/* RFC 9300 §6: among up RLOCs of the best (lowest) priority < 255, pick by
 * weight using flow_hash, so one flow stays on one RLOC.  NULL if none. */
const struct mc_rloc *mc_select_rloc(const struct mc_entry *,
		    uint32_t flow_hash);
/* The same choice among the RLOCs usable() accepts as well (the data plane:
 * those of a family it has a socket for).  One function and one hash for
 * every path, so a flow maps to one RLOC whichever path asks. */
const struct mc_rloc *mc_select_rloc_if(const struct mc_entry *,
		    uint32_t flow_hash,
		    bool (*usable)(const struct mc_rloc *, void *), void *arg);

/*
 * The distinct RLOCs of all entries (what an SMR fan-out needs), kept
 * incrementally: a hash of RLOC address -> number of entries' locators
 * naming it, updated on every insert, replace, remove and expiry.  Off
 * until mc_rlocs_enable() (one O(n) walk); then mc_rlocs_walk() costs
 * O(distinct RLOCs), not O(entries).  Expired entries not yet removed by
 * mc_expire() still count.  mc_rlocs_enable: 0, or -1 (ENOMEM; tracking
 * stays off).  mc_rlocs_count: distinct RLOCs, or SIZE_MAX when off.
 */
int		 mc_rlocs_enable(struct map_cache *);
size_t		 mc_rlocs_count(const struct map_cache *);
int		 mc_rlocs_walk(const struct map_cache *,
		    int (*cb)(const struct ipaddr *, uint32_t refs, void *),
		    void *arg);

#endif
