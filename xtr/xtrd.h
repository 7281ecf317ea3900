/*
 * xtrd.h: the daemon's state, reached by every room (docs/ARCHITECTURE.md).
 * One poll loop (xtrd.c) owns the UDP 4342 sockets (IPv4, IPv6), the API
 * server and the timer heap; every handler runs in that loop, so nothing
 * here is locked.
 *
 * This header belongs to xtr/ (below every room): it declares what the
 * rooms share (the configuration, the timers, the map-cache, the control
 * sockets' send queue in xtr_net.c) and no room's functions.  A room's
 * functions are in its own header: xtr/cp/cp.h (ETR, ITR, SMR),
 * xtr/ms/ms.h (Map-Server, Map-Resolver), xtr/dp/dp.h (data plane),
 * xtr/api/api.h (the API).
 */
#ifndef XTR_XTRD_H
#define XTR_XTRD_H

#include <stdbool.h>
#include <stdint.h>

#include "addr.h"
#include "config.h"
#include "counters.h"
#include "lisp.h"
#include "lpm.h"
#include "map_cache.h"
#include "nonce_seq.h"
#include "ratelim.h"
#include "timeline.h"
#include "timer.h"

struct api;
struct dp;
struct etr_state;
struct itr_state;
struct ms_state;
struct udp_batch;
struct xst;
struct xtrd_rx;

struct xtrd {
	struct xtr_conf	*conf;
	const char	*conf_path;
	int		 fd4, fd6;	/* UDP 4342 */
	int		 efd4, efd6;	/* the ETR's Map-Registers: random port */
	struct timer_heap timers;
	struct api	*api;
	uint64_t	 start_ms;
	uint8_t		 xtr_id[LISP_XTR_ID_LEN];
	struct nonce_seq nseq;		/* Map-Register and Map-Notify nonces
					 * (nonce_seq.c) */
	struct udp_batch *tx;		/* xtr_net.c */
	struct ipaddr	 rx_dst;	/* where the datagram in hand came to */
	struct dp	*dp;		/* the data plane (xtr/dp/dp_int.h),
					 * NULL while it is off */
	struct xtrd_rx	*rx;		/* xtrd.c: the receive batch */
	struct xst	*xst;		/* xtrd_state.c: what survives */

	struct map_cache *mc;		/* the ITR writes, the data plane
					 * reads */
	struct etr_state *etr;		/* xtr/cp/cp.h */
	struct itr_state *itr;		/* xtr/cp/cp.h: with the SMR's and
					 * the RLOC-probes' */

	/* MS / MR: the Map-Server's tables, guards, journal (xtr/ms/ms_int.h) */
	struct ms_state	*ms;
};

/* xtr_send() from the ETR's random-port socket (RFC 9301 §5.6). */
int	xtr_send_reg(struct xtrd *, const struct ipaddr *, uint16_t port,
	    const void *, size_t);

/* xtr_net.c: xtr_send() queues (0, or -1 when it cannot); the loop sends
 * the queue with one sendmmsg() per turn, xtr_flush() at once. */
int	xtr_net_init(struct xtrd *);
void	xtr_net_fini(struct xtrd *);
int	xtr_send(struct xtrd *, const struct ipaddr *, uint16_t port,
	    const void *, size_t);
void	xtr_flush(struct xtrd *);
/* The first of our RLOCs in family af, or NULL. */
const struct ipaddr *xtr_rloc(const struct xtrd *, int af);
void	xtr_hexid(const uint8_t *id, char *out);	/* out: 33 bytes */

/* xtrd_state.c (issue 16, finding 8): the xTR-ID (*have_id) and away
 * entries of the last run, read before the drop; the away entries given
 * back after dp_init; written on change (xst_tick) and at the stop. */
void	xst_load(struct xtrd *, bool *have_id);
void	xst_restore(struct xtrd *);
void	xst_tick(struct xtrd *);
void	xst_save(struct xtrd *);
/* privdrop.c: run as user from here on (named: given, not the default) */
void	xtr_privdrop(struct xtrd *, const char *user, bool named);
/* privdrop.c: the named user and group exist (file:line errors) */
int	xtr_check_names(const char *path, const struct xtr_conf *, FILE *);
/* privdrop.c: control_socket_group on the API socket (0660) */
void	xtr_socket_share(struct xtrd *);

#endif
