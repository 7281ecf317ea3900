/*
 * capture.h: what the guests send, in the poll loop.  A frame is the
 * guest's whose vif it came in by, never the guest's whose MAC it claims:
 * a guest can send any source MAC into the bridge, but not through
 * another guest's vif.
 *   port socket:   one AF_PACKET socket bound to no interface (ETH_P_ALL),
 *                  kernel filter CAP_ANNOUNCE_FILTER (ARP, RARP, ICMPv6
 *                  neighbour advertisements); each frame comes with the
 *                  interface it came in by (sll_ifindex): a frame that
 *                  entered by a guest's vif is that guest's; the same
 *                  frame seen again on the bridge or leaving by another
 *                  port (PACKET_OUTGOING) is not looked at.  Opened once,
 *                  before the privilege drop, and sees a vif from the
 *                  moment it exists: no announcement waits for a capture
 *                  to open.
 *   vif capture:   libpcap on vif<domid>.<devid> (PCAP_D_IN), no filter,
 *                  from the moment the vif is connected until the guest
 *                  has arrived: its first frame of any kind counts.
 * The bridges themselves are not captured: a frame seen there has lost the
 * port it entered by.
 */
#ifndef MIG_CAPTURE_H
#define MIG_CAPTURE_H

#include <poll.h>

#include "migrated.h"

#define CAP_SNAPLEN	256
#define CAP_ANNOUNCE_FILTER \
	"arp or rarp or (icmp6 and ip6[40] == 136) or " \
	"(vlan and (arp or rarp or (icmp6 and ip6[40] == 136)))"
#define CAP_MAX		64
#define CAP_VIF_BUFFER	(1 << 18)
#define CAP_PORT_RCVBUF	(1 << 20)

/* Capture timestamp (CLOCK_REALTIME, µs) of the frame being handled. */
extern uint64_t cap_last_ts_us;

/* Fill pollfds (at most max); caps[i] is the capture behind pfd[i]. */
int	cap_pollfds(struct pollfd *, struct cap **, int max);
void	cap_dispatch(struct mig *, struct cap *);
void	cap_close_all(void);
int	cap_count(void);
/* The port socket (before the privilege drop); -1 if it cannot open. */
int	cap_open_ports(struct mig *);
/* 1 when announcements are taken from the port socket. */
int	cap_ports_open(void);
/* Open or close the every-frame capture on a guest's vif. */
void	mig_vif_capture(struct mig *, struct domain *, struct vif *, int on);

#endif
