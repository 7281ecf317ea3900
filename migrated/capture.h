/*
 * capture.h: libpcap in immediate mode, non-blocking, in the poll loop.
 *   bridge capture: every watched bridge, filter CAP_BRIDGE_FILTER
 *                   (ARP, RARP, ICMPv6 neighbour advertisements);
 *                   frames are matched to a vif by source MAC.
 *   vif capture:    vif<domid>.<devid> (the guest's side of the bridge),
 *                   no filter, from the moment the vif is connected until
 *                   the guest has arrived: its first frame of any kind
 *                   counts, and a frame there is surely from that guest.
 */
#ifndef MIG_CAPTURE_H
#define MIG_CAPTURE_H

#include <poll.h>

#include "migrated.h"

#define CAP_SNAPLEN	256
#define CAP_BRIDGE_FILTER \
	"arp or rarp or (icmp6 and ip6[40] == 136) or " \
	"(vlan and (arp or rarp or (icmp6 and ip6[40] == 136)))"
#define CAP_MAX		64

/* Capture timestamp (CLOCK_REALTIME, µs) of the frame being handled. */
extern uint64_t cap_last_ts_us;

struct cap *cap_open_bridge(struct mig *, const char *ifname);
/* Fill pollfds (at most max); caps[i] is the capture behind pfd[i]. */
int	cap_pollfds(struct pollfd *, struct cap **, int max);
void	cap_dispatch(struct mig *, struct cap *);
void	cap_close_all(void);
int	cap_count(void);

#endif
