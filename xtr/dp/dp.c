/*
 * dp.c: the data plane's ops table and the wrappers the control plane
 * calls.  One backend today, dp_tun_ops: a TUN device for the site side,
 * UDP 4341 sockets for the RLOC side, all in xtrd's poll loop.  The
 * wrappers do nothing while `data_plane` is off.
 */
#include <errno.h>
#include <json-c/json.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "dp_int.h"
#include "mono.h"
#include "xtr/xtrd.h"

#define DP_TICK_MS	100

static const char *const cnt_names[DPC__COUNT] = {
#define DP_CNT_NAME(n) #n,
	DP_COUNTERS(DP_CNT_NAME)
#undef DP_CNT_NAME
};

void
dp_drop(struct dp *d, enum dp_cnt c, const char *fmt, ...)
{
	va_list	ap;

	d->cnt[c]++;
	va_start(ap, fmt);
	droplog_debug_v(&d->droplog[c], d->now_ms, cnt_names[c], fmt,
	    ap);
	va_end(ap);
}

void
dp_alert(struct dp *d, enum dp_cnt c, const char *fmt, ...)
{
	va_list	ap;
	char	buf[256];

	d->cnt[c]++;
	if (d->now_ms - d->logged_ms[c] < 10000 && d->logged_ms[c])
		return;
	d->logged_ms[c] = d->now_ms ? d->now_ms : 1;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	log_warnx("dp %s: %s (%llu so far)", cnt_names[c], buf,
	    (unsigned long long)d->cnt[c]);
}

static void
tick(void *arg)
{
	struct dp	*d = arg;

	d->now_ms = mono_ms();
	dp_queue_tick(d);
	dp_away_tick(d);
	dp_hold_tick(d);
	timer_set(&d->x->timers, &d->tick, d->now_ms + DP_TICK_MS);
}

static void
site_route(const struct ipprefix *eid, void *arg)
{
	struct dp	*d = arg;

	dp_route_set(&d->nl, eid, d->site_ifindex);
}

static void
site_routes(struct dp *d)
{
	if (d->site_ifindex == 0)
		return;
	d->up.local_eids(d->up.ctx, site_route, d);
}

static int
tun_init(struct xtrd *x, const struct dp_upcalls *up)
{
	struct dp	*d = x->dp;
	const struct dp_conf *c = &x->conf->dp;
	char		 path[128];
	int		 i;

	d->x = x;
	d->up = *up;
	d->c = c;
	d->tun_fd = d->udp4 = d->udp6 = -1;
	d->proxy.pfd = d->proxy.afd = -1;
	/* calloc: the pages of the receive buffers are touched only when
	 * a batch that large comes */
	if ((d->bufs = calloc(1, sizeof(*d->bufs))) == NULL) {
		log_warn("data plane buffers");
		return -1;
	}
	d->lsb = x->conf->nrloc >= 32 ? 0xffffffffu :
	    (1u << x->conf->nrloc) - 1;		/* every RLOC of ours up */
	if (getrandom(&d->rnd, sizeof(d->rnd), 0) != sizeof(d->rnd) ||
	    d->rnd == 0)
		d->rnd = 0x9e3779b9u;
	if (dp_nl_open(&d->nl) == -1) {
		log_warn("rtnetlink");
		return -1;
	}
	d->tun_mtu = dp_conf_tun_mtu(c);
	d->udp_gso = c->offload;
	if ((d->tun_fd = dp_tun_open(c->tun_name, d->tun_mtu, c->offload,
	    &d->tun_ifindex, &d->vnet)) == -1) {
		log_warn("TUN %s", c->tun_name);
		return -1;
	}
	/* The forwarding runs in this process: on a host shared with busy
	 * guests (or the bench's emulators) it waits for the CPU, and the
	 * packets with it.  rt_priority puts the loop in SCHED_RR; it
	 * sleeps in poll() whenever there is nothing to forward. */
	if (c->rt_priority != 0) {
		struct sched_param sp = { .sched_priority = (int)c->rt_priority };

		if (sched_setscheduler(0, SCHED_RR, &sp) == -1)
			log_warn("rt_priority %u", c->rt_priority);
	}
	/* a router: forward, and take back what we write into the TUN */
	dp_sysctl("/proc/sys/net/ipv4/ip_forward", "1");
	dp_sysctl("/proc/sys/net/ipv6/conf/all/forwarding", "1");
	snprintf(path, sizeof(path), "/proc/sys/net/ipv4/conf/%s/rp_filter",
	    c->tun_name);
	dp_sysctl(path, "0");
	snprintf(path, sizeof(path), "/proc/sys/net/ipv4/conf/%s/"
	    "accept_local", c->tun_name);
	dp_sysctl(path, "1");
	if (xtr_rloc(x, AF_INET) != NULL &&
	    (d->udp4 = dp_udp_open(d, AF_INET, xtr_rloc(x, AF_INET))) == -1)
		log_warn("UDP %d over IPv4", LISP_DATA_PORT);
	if (xtr_rloc(x, AF_INET6) != NULL &&
	    (d->udp6 = dp_udp_open(d, AF_INET6, xtr_rloc(x, AF_INET6))) == -1)
		log_warn("UDP %d over IPv6", LISP_DATA_PORT);
	if (d->udp4 == -1 && d->udp6 == -1)
		return -1;
	if (dp_queue_init(d) == -1 || dp_proxy_init(d) == -1)
		return -1;
	for (i = 0; i < c->neid_space; i++)
		dp_route_set(&d->nl, &c->eid_space[i], d->tun_ifindex);
	site_routes(d);
	timer_init(&d->tick, tick, d);
	timer_set(&x->timers, &d->tick, mono_ms() + DP_TICK_MS);
	dp_hold_init(d);
	log_info("data plane: %s mtu %u%s, %d EID-space prefix%s, site %s%s",
	    c->tun_name, d->tun_mtu, d->vnet ? " offloads" : "", c->neid_space,
	    c->neid_space == 1 ? "" : "es",
	    c->site_if[0] ? c->site_if : "-", c->pxtr ? ", PxTR" : "");
	return 0;
}

static void
tun_fini(struct xtrd *x)
{
	struct dp	*d = x->dp;

	timer_cancel(&x->timers, &d->tick);
	dp_tx_flush(d);
	dp_routes_flush(&d->nl);
	dp_addrs_flush(&d->nl);
	dp_proxy_fini(d);
	dp_queue_free(d);
	dp_away_free(d);
	dp_hold_free(d);
	dp_nl_close(&d->nl);
	if (d->tun_fd != -1)
		close(d->tun_fd);
	if (d->udp4 != -1)
		close(d->udp4);
	if (d->udp6 != -1)
		close(d->udp6);
	d->tun_fd = d->udp4 = d->udp6 = -1;
	free(d->bufs);
	d->bufs = NULL;
}

static int
tun_pollfds(struct dp *d, struct pollfd *p, int max)
{
	int	fds[5] = { d->tun_fd, d->udp4, d->udp6,
		    dp_proxy_fd(d, AF_INET6), dp_proxy_fd(d, AF_INET) };
	int	i;

	for (i = 0; i < 5 && i < max; i++) {
		p[i].fd = fds[i];
		p[i].events = POLLIN;
		p[i].revents = 0;
	}
	return i;
}

static void
tun_run(struct dp *d, const struct pollfd *p, int n)
{
	int	i;

	/* ETR side first: replies drain before new requests are read */
	for (i = 1; i < n && i < 3; i++)
		if (p[i].fd != -1 && (p[i].revents & POLLIN))
			dp_udp_input(d, p[i].fd);
	if (n > 0 && p[0].fd != -1 && (p[0].revents & POLLIN))
		dp_tun_input(d);
	for (i = 3; i < n && i < 5; i++)
		if (p[i].fd != -1 && (p[i].revents & POLLIN)) {
			dp_proxy_input(d);	/* ND and ARP */
			break;
		}
}

static void
tun_eid_added(struct dp *d, const struct ipprefix *p)
{
	char	a[IPPREFIX_STRLEN];

	dp_away_del(d, p);		/* it came back */
	if (d->site_ifindex != 0) {
		dp_route_set(&d->nl, p, d->site_ifindex);
		/* a host EID arriving (a migrated guest): resolve it from
		 * the gateway now, which also tells it the gateway
		 * (dp_routes.c) */
		if (p->plen == ipaddr_maxplen(p->addr.af) &&
		    dp_neigh_use(&d->nl, d->site_ifindex, &p->addr) == -1)
			log_debug("neighbour %s: %s", ipprefix_fmt(p, a,
			    sizeof(a)), strerror(errno));
	}
	d->now_ms = mono_ms();
	dp_hold_release(d, p);	/* an expected guest arrived */
}

static void
tun_eid_removed(struct dp *d, const struct ipprefix *p)
{
	if (d->site_ifindex == 0)
		return;
	/* a host EID that left: our site reaches it through LISP now */
	if (p->plen == ipaddr_maxplen(p->addr.af))
		dp_route_set(&d->nl, p, d->tun_ifindex);
	else
		dp_route_unset(&d->nl, p);
}

static void
tun_mapping_installed(struct dp *d, const struct ipprefix *p)
{
	dp_queue_flush(d, p);
}

static int
tun_away_add(struct dp *d, const struct ipprefix *eid,
    const struct ipaddr *rloc, int n, bool confirmed)
{
	return dp_away_set(d, eid, rloc, n, confirmed);
}

const struct dp_ops dp_tun_ops = {
	.name			= "tun",
	.init			= tun_init,
	.fini			= tun_fini,
	.pollfds		= tun_pollfds,
	.run			= tun_run,
	.eid_added		= tun_eid_added,
	.eid_removed		= tun_eid_removed,
	.mapping_installed	= tun_mapping_installed,
	.away_add		= tun_away_add,
};

/* --- wrappers -------------------------------------------------------------- */

/* The data plane's state, one struct dp: x->dp while it runs, handed to
 * its files as their argument; NULL while `data_plane` is off. */
int
dp_init(struct xtrd *x, const struct dp_upcalls *up)
{
	struct dp	*d;

	if (!x->conf->dp.enabled)
		return 0;
	/* calloc: the tables' pages are touched only as they fill */
	if ((d = calloc(1, sizeof(*d))) == NULL) {
		log_warn("data plane");
		return -1;
	}
	d->ops = &dp_tun_ops;
	x->dp = d;
	if (d->ops->init(x, up) == -1) {
		dp_fini(x);
		return -1;
	}
	return 0;
}

void
dp_fini(struct xtrd *x)
{
	if (x->dp == NULL)
		return;
	x->dp->ops->fini(x);
	free(x->dp);
	x->dp = NULL;
}

bool
dp_enabled(const struct xtrd *x)
{
	return x->dp != NULL;
}

int
dp_pollfds(struct xtrd *x, struct pollfd *p, int max)
{
	return x->dp != NULL ? x->dp->ops->pollfds(x->dp, p, max) : 0;
}

void
dp_run(struct xtrd *x, const struct pollfd *p, int n)
{
	if (x->dp != NULL)
		x->dp->ops->run(x->dp, p, n);
}

void
dp_eid_added(struct xtrd *x, const struct ipprefix *p)
{
	if (x->dp != NULL)
		x->dp->ops->eid_added(x->dp, p);
}

void
dp_eid_removed(struct xtrd *x, const struct ipprefix *p)
{
	if (x->dp != NULL)
		x->dp->ops->eid_removed(x->dp, p);
}

void
dp_mapping_installed(struct xtrd *x, const struct ipprefix *p)
{
	if (x->dp != NULL)
		x->dp->ops->mapping_installed(x->dp, p);
}

int
dp_away_add(struct xtrd *x, const struct ipprefix *p,
    const struct ipaddr *rloc, int n)
{
	if (x->dp == NULL || !x->conf->away_entries)
		return 0;
	return x->dp->ops->away_add(x->dp, p, rloc, n, false);
}

int
dp_expect(struct xtrd *x, const struct ipprefix *p, enum dp_expect_op op)
{
	if (x->dp == NULL)
		return 0;
	return dp_hold_expect(x->dp, p, op);
}

void
dp_moved(struct xtrd *x, const struct lisp_record *r)
{
	struct ipaddr	rloc[LISP_MAX_LOCATORS];
	struct ipprefix	p;
	int		i, n = 0;

	if (x->dp == NULL || !x->conf->away_entries)
		return;
	p.addr = r->eid.ip;
	p.plen = r->eid_plen;
	ipprefix_mask(&p);
	for (i = 0; i < r->nloc; i++)
		if (r->loc[i].priority != 255 && r->loc[i].reachable)
			rloc[n++] = r->loc[i].rloc.ip;
	if (n > 0)
		(void)x->dp->ops->away_add(x->dp, &p, rloc, n, true);
}

int
dp_away_each(struct xtrd *x, int (*cb)(const struct dp_away_view *, void *),
    void *arg)
{
	if (x->dp == NULL)
		return 0;
	return dp_away_walk(x->dp, cb, arg);
}

int
dp_away_put_back(struct xtrd *x, const struct ipprefix *eid,
    const struct ipaddr *rloc, int n, uint64_t idle_ms)
{
	if (x->dp == NULL || !x->conf->away_entries)
		return 0;
	return dp_away_restore(x->dp, eid, rloc, n, idle_ms);
}

void
dp_counters_json(struct xtrd *x, void *obj)
{
	json_object	*o = obj;
	char		 name[64];
	int		 i;

	if (x->dp == NULL)
		return;
	for (i = 0; i < DPC__COUNT; i++) {
		snprintf(name, sizeof(name), "dp_%s", cnt_names[i]);
		json_object_object_add(o, name,
		    json_object_new_int64((int64_t)x->dp->cnt[i]));
	}
}
