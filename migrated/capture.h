/*
 * capture.h: libpcap in immediate mode, non-blocking, in the poll loop,
 * one capture per vif (vif<domid>.<devid>, the guest's side of the
 * bridge, frames it sends only: PCAP_D_IN).  A frame is the guest's
 * whose vif it came in by, never the guest whose MAC it claims: a guest
 * can send any source MAC into the bridge, but not through another
 * guest's vif.  Two modes:
 *   CAP_ALL        no filter, from the moment the vif is connected until
 *                  the guest has arrived: its first frame of any kind
 *                  counts;
 *   CAP_ANNOUNCE   filter CAP_ANNOUNCE_FILTER (ARP, RARP, ICMPv6
 *                  neighbour advertisements) once it has arrived: later
 *                  claims of dynamic EIDs, a return after an aborted
 *                  migration.
 * The bridges themselves are not captured: a frame seen there has lost
 * the port it entered by.
 */
#ifndef MIG_CAPTURE_H
#define MIG_CAPTURE_H

#include <poll.h>

#include "migrated.h"

#define CAP_SNAPLEN	256
#define CAP_ANNOUNCE_FILTER \
	"arp or rarp or (icmp6 and ip6[40] == 136) or " \
	"(vlan and (arp or rarp or (icmp6 and ip6[40] == 136)))"
#define CAP_MAX		1024	/* DOM_MAXVIF per guest, many guests */
#define CAP_VIF_BUFFER	(1 << 16)	/* announcements are rare and small */

enum cap_mode {
	CAP_OFF = 0,
	CAP_ALL,
	CAP_ANNOUNCE,
};

/* Capture timestamp (CLOCK_REALTIME, µs) of the frame being handled. */
extern uint64_t cap_last_ts_us;

/* Fill pollfds (at most max); caps[i] is the capture behind pfd[i]. */
int	cap_pollfds(struct pollfd *, struct cap **, int max);
void	cap_dispatch(struct mig *, struct cap *);
void	cap_close_all(void);
int	cap_count(void);
/* Open, re-filter or close the capture on a guest's vif. */
void	mig_vif_capture(struct mig *, struct domain *, struct vif *,
	    enum cap_mode);
/* 1 while the vif's capture takes every frame (before the arrival). */
int	cap_is_all(const struct vif *);

#endif
