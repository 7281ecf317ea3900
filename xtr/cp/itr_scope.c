/* itr_scope.c: a Map-Reply record's scope, see itr_scope.h. */
#include <stddef.h>

#include "xtr/cp/itr_scope.h"

enum itr_scope
itr_record_scope(const struct ipprefix *q, const struct ipprefix *r,
    bool negative, const struct ipprefix *auth, const struct itr_scope_conf *c,
    bool (*covers_known)(const struct ipprefix *, void *), void *arg)
{
	uint8_t	floor;

	if (r->addr.af != q->addr.af)
		return ITR_SCOPE_REFUSE;
	/* RFC 9303: inside the Map-Server's authorization, or nothing */
	if (auth != NULL)
		return auth->addr.af == r->addr.af &&
		    ipprefix_covers(auth, r) ? ITR_SCOPE_INSTALL :
		    ITR_SCOPE_REFUSE;
	if (ipprefix_covers(q, r))
		return ITR_SCOPE_INSTALL;	/* what was asked, or inside */
	if (!ipprefix_covers(r, q))
		return ITR_SCOPE_REFUSE;	/* another prefix */
	floor = r->addr.af == AF_INET ? c->min_plen4 : c->min_plen6;
	if (r->plen < floor && !negative)
		return ITR_SCOPE_NARROW;
	if (covers_known != NULL && covers_known(r, arg))
		return ITR_SCOPE_NARROW;
	return ITR_SCOPE_INSTALL;
}

const char *
itr_scope_name(enum itr_scope s)
{
	switch (s) {
	case ITR_SCOPE_INSTALL:
		return "install";
	case ITR_SCOPE_NARROW:
		return "narrow";
	case ITR_SCOPE_REFUSE:
		return "refuse";
	}
	return "?";
}
