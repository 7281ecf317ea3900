/*
 * itr_scope.h: which records of a Map-Reply the ITR believes, and for
 * what prefix (issue 15 finding 3).  Pure: no state, unit-tested.
 *
 * RFC 9301 §5.5: "A Map-Reply returns an EID-Prefix with a mask length
 * that is less than or equal to the EID being requested", so a record
 * less specific than the request is normal (a /24 site answering for one
 * of its hosts).  But whoever answers (any ETR the Map-Server forwards
 * to) can claim any less-specific, 10.0.0.0/8 for a /32, and take the
 * traffic of every site inside it.  Without LISP-SEC the ITR cannot know
 * who owns what; it knows only what it asked and what it holds:
 *
 *  - a record inside the request (equal or more specific) is installed;
 *  - a record about something else (another family, a disjoint prefix)
 *    is refused;
 *  - a less-specific record is installed as it is only when it is no
 *    wider than the configured floor (map_reply_min_plen4/6: /16, /32)
 *    and covers nothing the ITR knows to be someone else's (our own
 *    database, or a cached mapping to other RLOCs); otherwise it is
 *    installed for the requested prefix alone (narrowed: what the reply
 *    did answer is believed, what it claimed beyond is not).  A negative
 *    record (no RLOCs) is spared the floor: RFC 9301 §8.4 has the
 *    Map-Resolver answer non-EID space with the least-specific prefix it
 *    can, it sends traffic to our proxy-ETRs, never to its sender, and
 *    narrowing it would cost a Map-Request per non-LISP destination.
 *
 * LISP-SEC (RFC 9303) extends this through `auth`: when the Map-Server's
 * EID-prefix authorization was verified, a record inside the authorized
 * prefix is installed whatever its width, and one outside it refused
 * (RFC 9303 §6.7 is the lispsec work's to cite and enforce).
 */
#ifndef XTR_CP_ITR_SCOPE_H
#define XTR_CP_ITR_SCOPE_H

#include <stdbool.h>
#include <stdint.h>

#include "addr.h"

enum itr_scope {
	ITR_SCOPE_INSTALL = 0,	/* for the record's own prefix */
	ITR_SCOPE_NARROW,	/* for the requested prefix only */
	ITR_SCOPE_REFUSE,	/* not about what was asked */
};

struct itr_scope_conf {
	uint8_t		min_plen4;	/* widest unauthenticated record */
	uint8_t		min_plen6;
};

/*
 * Record prefix r (negative: no RLOCs) answering request q.  auth: the EID-prefix LISP-SEC
 * authorized (NULL without LISP-SEC).  covers_known: r covers an EID
 * prefix the ITR knows belongs elsewhere (the caller looks: our database,
 * the map-cache); only asked for when r is less specific than q.
 */
enum itr_scope itr_record_scope(const struct ipprefix *q,
	    const struct ipprefix *r, bool negative, const struct ipprefix *auth,
	    const struct itr_scope_conf *,
	    bool (*covers_known)(const struct ipprefix *r, void *), void *arg);
const char	*itr_scope_name(enum itr_scope);

struct xtrd;
struct lisp_record;
/* itr_resolve.c: does the ITR accept record r (prefix rp) answering
 * request q, and for which prefix?  It asks itr_record_scope() with what
 * the ITR knows (our database, the map-cache).  auth: the EID-prefix
 * LISP-SEC (RFC 9303) authorized for this record (lispsec_cp.c:
 * sec_itr_auth_prefix), NULL without LISP-SEC. */
enum itr_scope	 itr_accepts(struct xtrd *, const struct ipprefix *q,
		    const struct lisp_record *r, const struct ipprefix *rp,
		    const struct ipprefix *auth);

#endif
