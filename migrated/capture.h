/*
 * capture.h: what the guests send, in the poll loop, from one AF_PACKET
 * socket bound to no interface (ETH_P_ALL), opened before the privilege
 * drop (the only thing CAP_NET_RAW is needed for).  A frame is the guest's
 * whose vif it came in by (sll_ifindex), never the guest's whose MAC it
 * claims: a guest can send any source MAC into the bridge, but not through
 * another guest's vif.  The same frame passed up on the bridge, or leaving
 * by another port (PACKET_OUTGOING), is not looked at.
 * The kernel filter, rebuilt when the set changes (cap_refilter()):
 *   - every frame that comes in by a vif whose guest has not arrived yet
 *     (vif.cap_all: its first frame of any kind is the arrival), matched
 *     on the interface index (SKF_AD_IFINDEX), at most CAP_MAX_ALL vifs;
 *   - from every port, CAP_ANNOUNCE_FILTER (ARP, RARP, ICMPv6 neighbour
 *     advertisements): later claims, guests already arrived.
 * A vif is seen from the moment it exists: no capture has to open first.
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
#define CAP_MAX_ALL	200	/* vifs awaiting their first frame */
#define CAP_PORT_RCVBUF	(1 << 20)

/* The port socket (before the privilege drop); -1 if it cannot open.
 * Its state is m->cap (migrated.h); m->cap.last_ts_us is the capture
 * timestamp (CLOCK_REALTIME, µs) of the frame being handled. */
int	cap_open_ports(struct mig *);
int	cap_ports_open(const struct mig *);
int	cap_fd(const struct mig *);		/* -1 when not open */
void	cap_dispatch(struct mig *);
void	cap_close_all(struct mig *);
/* The kernel filter again, from the vifs' cap_all (capture.h). */
void	cap_refilter(struct mig *);
/* Take every frame the vif sends (on), or only its announcements. */
void	mig_vif_capture(struct mig *, struct domain *, struct vif *, int on);

#endif
