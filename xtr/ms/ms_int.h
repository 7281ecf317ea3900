/*
 * ms_int.h: what the Map-Server's own files share (ms_register.c, the
 * guards of ms_guard.c, the move consent of ms_consent.c); nothing outside
 * xtr/ms/ includes it.
 */
#ifndef XTR_MS_INT_H
#define XTR_MS_INT_H

#include <stdio.h>

#include "xtr/xtrd.h"
#include "xtr/ms/ms.h"

/* apply a record: 0 unchanged, 1 changed, MS_APPLY_REFUSED refused or
 * waiting (no Map-Notify), -1 out of memory */
#define MS_APPLY_REFUSED	2

/* ms_register.c */
int	ms_apply_at(struct xtrd *, int site, const struct lisp_map_register *,
	    const struct lisp_record *, const struct ipaddr *src,
	    uint16_t sport);
/* Free e if nothing holds it any more (registrations, subscribers, a
 * pending move); 1 if freed. */
int	ms_eid_gc(struct xtrd *, struct ms_eid *);

/* ms_guard.c: RFC 9301 §5.6 nonces, caps (issue 15 findings 1, 7) */
int	ms_nonce_check(struct xtrd *, const uint8_t *id, int site,
	    uint8_t key_id, uint64_t nonce, const struct ipaddr *src);
void	ms_nonce_dump(struct xtrd *, FILE *);
void	ms_reg_count(struct xtrd *, const struct ms_reg *, int d);
int	ms_reg_cap(struct xtrd *, int site, const struct ipprefix *,
	    int *cover, enum cnt *why);
uint32_t ms_site_nreg(int site);
int	ms_site_by_name(struct xtrd *, const char *);
void	ms_guard_free(void);

/* ms_consent.c: move authorization (move_consent) */
bool	ms_rec_released(const struct lisp_record *);
struct ms_reg *ms_move_blocker(struct xtrd *, struct ms_eid *,
	    const uint8_t *xtr_id, bool merge, const struct lisp_record *,
	    uint64_t now, uint64_t *until);
void	ms_pending_set(struct xtrd *, struct ms_eid *, int site,
	    const struct lisp_map_register *, const uint8_t *xtr_id,
	    const struct lisp_record *, const struct ipaddr *src,
	    uint16_t sport, uint64_t until);
int	ms_pending_try(struct xtrd *, struct ms_eid *);
/* The pending move of e, if xtr_id's (its taker gave up), or any (e is
 * freed): dropped. */
void	ms_pending_drop(struct xtrd *, struct ms_eid *, const uint8_t *xtr_id);
const uint8_t *ms_pending_xtr_id(const struct ms_eid *);

#endif
