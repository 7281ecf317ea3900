/*
 * etr_move.c: an EID of our database leaves (POST /v1/database/remove,
 * migrated's withdraw_eid() at a move): withdrawn, or handed over to the
 * site it moved to.  The policy is the ETR's; the API handler only parses
 * the request and calls etr_db_leave().
 *
 * Where the data plane keeps away entries (away_entries = yes, dp_away.c),
 * the EID's stray packets are redirected to the RLOCs it moved to, and the
 * Map-Server registration is handed over (etr_db_handoff(): left in place
 * until the new site's registration replaces it and the Map-Server's
 * mobility Map-Notify, draft-ietf-lisp-eid-mobility, confirms the move;
 * withdrawn after DP_AWAY_SMR_WAIT_MS without one).  A move whose
 * destination is not known yet (moved_to [], a plain xl migrate) is handed
 * over the same way, and the mobility Map-Notify then makes the away entry
 * (dp_moved()).  Without away entries (no data plane, away_entries = no)
 * the registration is withdrawn at once (etr_db_remove(), TTL 0).
 *
 * The away entries themselves are the data plane's alone: GET
 * /v1/database reads them with dp_away_each().
 */
#include <errno.h>

#include "xtr/cp/cp.h"
#include "xtr/dp/dp.h"
#include "xtr/xtrd.h"

int
etr_db_leave(struct xtrd *x, const struct ipprefix *eid,
    const struct ipaddr *moved_to, int n)
{
	bool	moved = moved_to != NULL, kept, handoff;

	if (etr_db_find(x, eid) == NULL) {
		errno = ENOENT;
		return -1;
	}
	if (!moved)
		n = 0;
	/* an away entry only where the data plane keeps one (not with
	 * away_entries = no, nor without a data plane): then the Map-Server
	 * registration is handed over, not withdrawn at once */
	kept = n > 0 && dp_away_add(x, eid, moved_to, n) == 1;
	/* moved_to [] (a plain xl migrate: moved, the destination not
	 * known yet): handed over too where away entries are kept, never
	 * refreshed again; the Map-Server's mobility Map-Notify names the
	 * destination and makes the away entry (dp_moved) */
	handoff = kept || (moved && n == 0 && dp_enabled(x) &&
	    x->conf->away_entries);
	if ((handoff ? etr_db_handoff(x, eid, DP_AWAY_SMR_WAIT_MS) :
	    etr_db_remove(x, eid, !moved)) == -1)
		return -1;
	if (kept)
		tl_add("away-entry", eid, &moved_to[0], "%d RLOCs", n);
	else if (n > 0)
		/* where it went is still worth a line: the operator (and the
		 * wrapper) see the hand-over even where nothing redirects */
		tl_add("moved-away", eid, &moved_to[0], "%d RLOCs, withdrawn: "
		    "no away entry (%s)", n, dp_enabled(x) ?
		    "away_entries = no" : "no data plane");
	return kept ? 1 : 0;
}

/*
 * A guest's EIDs leave at once (POST /v1/database/remove "eids", issue
 * 18): every away entry first (one dp_away_add() each: what stops the
 * delivery to a guest that no longer takes it), then the hand-overs
 * (etr_db_leave() finds each entry made and sends the Map-Registers), so
 * that the last EID's away entry does not wait for the others' round
 * trips.  rc[i]: etr_db_leave()'s answer for eids[i].
 */
void
etr_db_leave_all(struct xtrd *x, const struct ipprefix *eids, int n,
    const struct ipaddr *moved_to, int nrloc, int *rc)
{
	int	i;

	for (i = 0; moved_to != NULL && nrloc > 0 && i < n; i++)
		(void)dp_away_add(x, &eids[i], moved_to, nrloc);
	for (i = 0; i < n; i++)
		rc[i] = etr_db_leave(x, &eids[i], moved_to, nrloc);
}
