/*
 * migrated.h: the daemon's state and the calls between its parts.
 *
 *   xs_watch.c  xenstore -> mig_domain_*(), mig_vif_*(), mig_fe_state()
 *   capture.c   port socket -> mig_frame()
 *   api.c       our API  -> mig_vif_hook(), mig_departure(), json_out.c
 *   the mover   decides (domains.c, eid_policy.c) and tells xtrd
 *               (xtr_client.c); records timelines (timeline.c); its files
 *               and the calls between them are listed in mover.h:
 *               lifecycle.c, arrival.c, departure.c, claim.c, jobs.c,
 *               xtrd_events.c, xtrd_health.c
 *   migrated.c  main(), the poll loop, signals
 */
#ifndef MIG_MIGRATED_H
#define MIG_MIGRATED_H

#include <stdint.h>

#include <pwd.h>

#include "announce.h"
#include "config.h"
#include "counters.h"
#include "domains.h"
#include "hv.h"
#include "timeline.h"

struct xs_handle;
struct xtrc;
struct api;
struct sock_filter;

#define MIG_MAXJOBS	512
#define MIG_EVENTS_WAIT_MS 20000	/* xtrd holds GET /v1/timeline this long */
#define MIG_MAXRLOC	8
#define MIG_DCHECK_MAX	64
#define MIG_BADVIF_MAX	256
#define MIG_PENDING_MAX	64

/*
 * Each part's state, a member of struct mig: a function that touches it
 * takes the struct mig * (or the part) it is in.
 */

/* jobs.c: one job per EID update at xtrd (mover.h) */
enum job_stage { J_FREE, J_ADD_SENT, J_WAIT_NOTIFY, J_SMR_SENT, J_REMOVE_SENT };

struct job {
	struct mig	*m;		/* its callbacks' way back */
	enum job_stage	stage;
	uint32_t	domid;
	int		tl;
	int		smr;		/* a move: SMR after the notify */
	struct ipaddr	eid;
	uint64_t	deadline_ms;
	uint64_t	t_sent_us;	/* database/add written to xtrd */
	uint64_t	early_ms;	/* registered before add_done ran */
};

/* xtrd_events.c: the GET /v1/timeline?wait= held at xtrd */
struct mig_events {
	int		busy;		/* our held GET /v1/timeline */
	uint64_t	since;		/* xtrd's last event seq seen */
	uint64_t	at;		/* not before (ms) */
	uint64_t	sent_ms;
};

/* dyn_check.c: a dynamic claim whose question to the mapping system is
 * out */
struct dcheck {
	struct mig	*m;		/* its callback's way back */
	int		used;
	uint32_t	domid;
	char		uuid[40];
	char		name[DOM_XSNAMELEN];
	char		bridge[CONF_IFNAMSIZ];
	int		was_incoming;
	struct ipaddr	a;
};

/* capture.c: the port socket; ann_insns is CAP_ANNOUNCE_FILTER
 * compiled, last_ts_us the capture time (CLOCK_REALTIME) of the frame
 * being handled */
struct mig_capture {
	int			 port_fd;	/* -1: not open */
	struct sock_filter	*ann_insns;
	unsigned		 ann_len;
	uint64_t		 last_ts_us;
};

/* xs_watch.c: bad vif values reported once; vifs touched by one batch
 * of watch events, read once each */
struct mig_xsw {
	struct {
		uint32_t	domid, devid;
		unsigned	what;
		uint32_t	hash;
	}		badvif[MIG_BADVIF_MAX];
	unsigned	nbadvif;
	struct {
		uint32_t	domid, devid;
	}		pending[MIG_PENDING_MAX];
	int		npending;
};

/* privdrop.c: who to become, found before any thread exists */
struct mig_drop {
	struct passwd	pw;		/* copy: getpwnam's is static */
	char		name[CONF_NAMELEN + 1];
	int		ok;
	char		why[400];
};

struct mig {
	struct mig_conf		 conf;
	struct domtab		 doms;
	struct xs_handle	*xs;
	struct hv		 hv;
	struct xtrc		*xtr;	/* database add/remove, SMR: in order */
	struct xtrc		*xtrmon; /* status, database polls: never in the way */
	struct xtrc		*xtrq;	/* lig: who holds a dynamic EID (dyn_check.c) */
	struct xtrc		*xtrev;	/* xtrd's events, a held request (xtrd_events.c) */
	struct ipaddr		 xtrd_rlocs[MIG_MAXRLOC];	/* its status */
	int			 nxtrd_rlocs;
	int			 xtrd_vm_uuid;	/* keeps a VM UUID per EID */
	struct api		*api;
	/* xtrd health */
	int			 xtrd_up;
	uint64_t		 xtrd_uptime_ms;
	uint64_t		 next_heartbeat_ms;
	int			 heartbeat_busy;
	uint64_t		 started_ms;
	/* the parts' state */
	struct mcnt		 mcnt;		/* counters.c */
	struct mtl		 mtl;		/* timeline.c */
	struct job		 jobs[MIG_MAXJOBS];
	struct mig_events	 ev;
	uint64_t		 next_resume_check_ms;	/* departure.c */
	struct dcheck		 checks[MIG_DCHECK_MAX];
	struct mig_capture	 cap;
	struct mig_xsw		 xsw;
	struct mig_drop		 drop;
};

/* lifecycle.c, departure.c: events in */
void	mig_domain_seen(struct mig *, uint32_t domid, const char *xsname,
	    int at_startup);
void	mig_domain_renamed(struct mig *, struct domain *, const char *xsname);
void	mig_domain_gone(struct mig *, struct domain *);
/* The toolstack asked the guest to suspend (control/shutdown =
 * "suspend") or it is shut down for it (libxl's shutdown state): with a
 * departure announced, hand its EIDs to the destination now (issue 18). */
void	mig_domain_suspended(struct mig *, struct domain *, const char *how);
/* A domain redirected at the suspend runs here again without having
 * been renamed away (the migration failed before the rename). */
void	mig_domain_resumed(struct mig *, struct domain *);

struct vif_info {
	const char	*mac;		/* text, NULL if missing */
	const char	*bridge;
	const char	*ifname;	/* NULL: vif<domid>.<devid> */
	int		 connected;	/* hotplug-status=connected / online */
};
/* arrival.c: a guest's vifs, frames and netfront */
void	mig_vif_update(struct mig *, struct domain *, uint32_t devid,
	    const struct vif_info *);
void	mig_vif_removed(struct mig *, struct domain *, uint32_t devid);
void	mig_retry_captures(struct mig *);
void	mig_fe_state(struct mig *, struct domain *, uint32_t devid, int state);
/* A frame that came in by a guest's vif (capture.c). */
void	mig_frame(struct mig *, const char *ifname, struct domain *,
	    struct vif *, const uint8_t *, size_t);
/* departure.c: POST /v1/departure */
int	mig_departure(struct mig *, const char *name,
	    const struct ipaddr *rlocs, int n);
/* xtrd_health.c: periodic work; returns ms until the next deadline. */
int	mig_tick(struct mig *, uint64_t now_ms);
/* Re-assert every EID this host owns (start-up, xtrd restart). */
void	mig_reassert(struct mig *, const char *why);
/* claim.c: the EIDs of a guest (static + dynamic claims); the count. */
int	mig_eids(struct mig *, const struct domain *, struct ipaddr *, int max);
/* jobs.c: forget the jobs in flight */
void	mig_shutdown(struct mig *);

/* dyn_state.c: dynamic claims kept across restarts, in mig_state_dir() */
void	mig_dyn_save(struct mig *);
int	mig_dyn_load(struct mig *);
void	mig_state_dir(const struct mig *, char *, size_t);

/* dyn_check.c: ask the mapping system before a dynamic claim */
void	mig_dyn_check(struct mig *, const struct domain *, const char *bridge,
	    const struct ipaddr *);
int	mig_dyn_checking(const struct mig *, const struct domain *,
	    const struct ipaddr *, int *pending);
/* claim.c: the answer allows it */
void	mig_dyn_confirmed(struct mig *, uint32_t domid, const char *uuid,
	    const char *bridge, const struct ipaddr *);

/* privdrop.c: run as conf.user with CAP_NET_RAW only, no_new_privs */
void	mig_privdrop_prepare(struct mig *);
int	mig_privdrop(struct mig *);

#endif
