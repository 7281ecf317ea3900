/*
 * domains.h: the table of guests on this host and the state machine that
 * turns xenstore changes into migration events.
 *
 * What `xl migrate` does (tools/xl/xl_migrate.c), seen from xenstore:
 *   destination: domain appears as "<name>--incoming" (paused) -> renamed
 *                "<name>" just before libxl_domain_unpause -> runs;
 *                on failure the incoming domain is destroyed.
 *   source:      "<name>" -> "<name>--migratedaway" after the memory copy
 *                -> destroyed (@releaseDomain) when the destination said
 *                "go" worked, else renamed back to "<name>" and resumed.
 *
 * States are INCOMING, RUNNING and MIGRATEDAWAY (the name suffix); `owned`
 * says this host has asserted the guest's EIDs to xtrd.  A RUNNING guest
 * that is not owned yet is waiting for its arrival: an announcement, its
 * netfront reaching Connected, or its first frame (dom_arrive()).  With
 * register_at = rename its EIDs are asserted already at the rename
 * (`early`), while the arrival is still awaited and recorded.
 *
 * Pure bookkeeping: each call returns the event the caller acts on.  Unit
 * tests drive it in test_migrated_domains.c.
 */
#ifndef MIG_DOMAINS_H
#define MIG_DOMAINS_H

#include <stdint.h>

#include "addr.h"
#include "config.h"

#define DOM_MAX		1024
#define DOM_MAXVIF	8
#define DOM_MAXDYN	8
#define DOM_MAXMOVED	4
#define DOM_XSNAMELEN	96
#define SUFFIX_INCOMING		"--incoming"
#define SUFFIX_MIGRATEDAWAY	"--migratedaway"

enum dom_state {
	DOM_INCOMING,
	DOM_RUNNING,
	DOM_MIGRATEDAWAY,
};

enum dom_ev {
	DEV_NONE = 0,
	DEV_NEW_INCOMING,	/* a migration towards us began */
	DEV_NEW_RUNNING,	/* a new guest (xl create): wait for arrival */
	DEV_NEW_OWNED,		/* found at start-up: re-assert its EIDs */
	DEV_NEW_MIGRATEDAWAY,	/* found at start-up while leaving */
	DEV_UNPAUSED,		/* --incoming renamed: it runs here now */
	DEV_DEPARTING,		/* renamed --migratedaway */
	DEV_RETURNED,		/* --migratedaway renamed back: aborted */
	DEV_RENAMED,		/* an ordinary rename */
	DEV_DEPARTED,		/* released while migratedaway: it moved */
	DEV_SHUTDOWN,		/* released while running here */
	DEV_ABORTED_IN,		/* released before it ever arrived */
};

enum arrival_reason {
	ARR_NONE = 0,
	ARR_ANNOUNCEMENT,
	ARR_NETFRONT,
	ARR_FIRST_FRAME,
	ARR_STARTUP,
};

struct vif {
	int		used;
	uint32_t	devid;
	char		ifname[CONF_IFNAMSIZ];
	char		bridge[CONF_IFNAMSIZ];
	uint8_t		mac[6];
	int		has_mac;
	int		connected;	/* hotplug-status=connected or hook */
	int		fe_state;	/* frontend XenbusState, -1 unknown */
	int		cap_all;	/* every frame it sends, until arrival */
	unsigned	ifindex;	/* while cap_all */
};

struct domain {
	uint32_t	domid;
	char		xsname[DOM_XSNAMELEN];	/* as in xenstore */
	char		name[DOM_XSNAMELEN];	/* suffix removed */
	char		uuid[40];
	enum dom_state	state;
	int		owned;
	int		early;		/* EIDs asserted at the rename, before
					 * the arrival (register_at = rename) */
	int		was_incoming;
	enum arrival_reason arrival;
	int		tl;			/* timeline id, -1 none */
	struct vif	vifs[DOM_MAXVIF];
	struct ipaddr	dyn[DOM_MAXDYN];	/* dynamic EIDs claimed */
	int		ndyn;
	struct ipaddr	moved_to[DOM_MAXMOVED];	/* from POST /v1/departure */
	int		nmoved;
	int		redirected;	/* EIDs handed to moved_to at suspend */
	int		suspended;	/* redirected at the suspend request,
					 * before any --migratedaway rename */
	int		suspend_seen;	/* since: libxl said shut down */
	uint64_t	suspend_ms;	/* the suspend request, mono_ms */
	int		shutdown_watched; /* control/shutdown's first event
					 * (the watch's own) seen */
	uint64_t	t_seen_us;
	uint64_t	t_name_read_us;	/* name read at an announcement */
};

struct domtab {
	struct domain	*d[DOM_MAX];
	int		 n;
};

/* Strip a migration suffix; returns the state the name implies. */
enum dom_state dom_name_state(const char *xsname, char *base, size_t len);

struct domain	*dom_find(struct domtab *, uint32_t domid);
struct domain	*dom_find_name(struct domtab *, const char *name);
/* The guest whose vif has this MAC (a running one first). */
struct domain	*dom_find_mac(struct domtab *, const uint8_t mac[6],
		    struct vif **);
struct domain	*dom_find_ifname(struct domtab *, const char *,
		    struct vif **);
/*
 * A domain we did not know.  at_startup: we are rebuilding the table after
 * a (re)start, so a running guest is ours already.  *ev gets the event.
 * NULL (errno ENOSPC/ENOMEM) when the table is full.
 */
struct domain	*dom_add(struct domtab *, uint32_t domid, const char *xsname,
		    int at_startup, enum dom_ev *ev);
enum dom_ev	 dom_rename(struct domain *, const char *xsname);
/* Called when it is gone; the caller acts on the event, then dom_free(). */
enum dom_ev	 dom_release(struct domain *);
void		 dom_free(struct domtab *, struct domain *);
/* 1 if this call is the arrival (RUNNING and not owned yet), else 0. */
int		 dom_arrive(struct domain *, enum arrival_reason);
int		 dom_awaiting(const struct domain *);
/* 1 if xtrd should hold its EIDs from here: arrived, or asserted early. */
int		 dom_asserted(const struct domain *);
struct vif	*dom_vif(struct domain *, uint32_t devid, int create);
int		 dom_add_dyn(struct domain *, const struct ipaddr *);
int		 dom_has_dyn(const struct domain *, const struct ipaddr *);

const char	*dom_state_name(enum dom_state);
const char	*dom_ev_name(enum dom_ev);
const char	*arrival_name(enum arrival_reason);

#endif
