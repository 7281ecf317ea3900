/* capture.c: pcap captures on bridges and vifs, see capture.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#include "capture.h"
#include "counters.h"
#include "log.h"

struct cap {
	pcap_t		*p;
	int		 fd;
	char		 ifname[CONF_IFNAMSIZ];
	enum cap_mode	 mode;
	uint32_t	 domid, devid;
	struct mig	*m;
	int		 busy;	/* inside pcap_dispatch() */
	int		 dead;	/* closed while busy: freed after */
};

static struct cap	*caps[CAP_MAX];
uint64_t		 cap_last_ts_us;	/* CLOCK_REALTIME of the frame */
static int		 ncaps;

/* CAP_ALL: no filter; CAP_ANNOUNCE: announcements only. */
static int
cap_set_mode(struct cap *c, enum cap_mode mode, char *err, size_t errlen)
{
	struct bpf_program	 prog = { 0, NULL };
	const char		*filter;

	filter = mode == CAP_ANNOUNCE ? CAP_ANNOUNCE_FILTER : "";
	if (pcap_compile(c->p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) != 0 ||
	    pcap_setfilter(c->p, &prog) != 0) {
		snprintf(err, errlen, "%s", pcap_geterr(c->p));
		if (prog.bf_insns != NULL)
			pcap_freecode(&prog);
		return -1;
	}
	pcap_freecode(&prog);
	c->mode = mode;
	return 0;
}

static struct cap *
cap_open(const char *ifname, enum cap_mode mode)
{
	char			 err[PCAP_ERRBUF_SIZE] = "";
	struct cap		*c;

	if (ncaps >= CAP_MAX) {
		cnt_drop("capture_table_full", "%s not captured", ifname);
		return NULL;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	snprintf(c->ifname, sizeof(c->ifname), "%s", ifname);
	if ((c->p = pcap_create(ifname, err)) == NULL)
		goto fail;
	if (pcap_set_snaplen(c->p, CAP_SNAPLEN) != 0 ||
	    pcap_set_promisc(c->p, 0) != 0 ||
	    pcap_set_immediate_mode(c->p, 1) != 0 ||
	    pcap_set_buffer_size(c->p, CAP_VIF_BUFFER) != 0)
		goto fail_p;
	if (pcap_activate(c->p) < 0)
		goto fail_p;
	/* Frames the guest sends come in by its vif. */
	if (pcap_setdirection(c->p, PCAP_D_IN) != 0)
		goto fail_p;
	if (pcap_datalink(c->p) != DLT_EN10MB) {
		snprintf(err, sizeof(err), "not Ethernet");
		goto fail;
	}
	c->mode = CAP_ALL;
	if (mode != CAP_ALL && cap_set_mode(c, mode, err, sizeof(err)) == -1)
		goto fail;
	if (pcap_setnonblock(c->p, 1, err) != 0)
		goto fail;
	if ((c->fd = pcap_get_selectable_fd(c->p)) == -1) {
		snprintf(err, sizeof(err), "no selectable fd");
		goto fail;
	}
	caps[ncaps++] = c;
	return c;
fail_p:
	snprintf(err, sizeof(err), "%s", pcap_geterr(c->p));
fail:
	cnt_drop("capture_open_failed", "capture on %s: %s", ifname, err);
	if (c->p != NULL)
		pcap_close(c->p);
	free(c);
	return NULL;
}

static void
cap_close(struct cap *c)
{
	int	i;

	for (i = 0; i < ncaps; i++)
		if (caps[i] == c) {
			caps[i] = caps[--ncaps];
			break;
		}
	if (c->busy) {
		c->dead = 1;
		pcap_breakloop(c->p);
		return;
	}
	pcap_close(c->p);
	free(c);
}

void
mig_vif_capture(struct mig *m, struct domain *d, struct vif *v,
    enum cap_mode mode)
{
	struct cap	*c = v->cap;
	char		 err[PCAP_ERRBUF_SIZE];

	if (mode == CAP_OFF) {
		if (c != NULL) {
			log_debug("stop capturing on %s", v->ifname);
			cap_close(c);
		}
		v->cap = NULL;
		return;
	}
	if (c != NULL) {
		if (c->mode != mode && cap_set_mode(c, mode, err,
		    sizeof(err)) == -1) {
			/* closed: mig_retry_captures() opens it again */
			cnt_drop("capture_filter_failed", "%s: %s", v->ifname,
			    err);
			cap_close(c);
			v->cap = NULL;
		}
		return;
	}
	if ((c = cap_open(v->ifname, mode)) == NULL) {
		cnt_inc("capture_vif_failed");
		return;
	}
	c->m = m;
	c->domid = d->domid;
	c->devid = v->devid;
	v->cap = c;
	if (mode == CAP_ALL)
		log_debug("capturing every frame on %s until %s arrives",
		    v->ifname, d->name);
	else
		log_debug("capturing announcements on %s (%s)", v->ifname,
		    d->name);
}

int
cap_is_all(const struct vif *v)
{
	return v->cap != NULL && ((struct cap *)v->cap)->mode == CAP_ALL;
}

int
cap_pollfds(struct pollfd *pfd, struct cap **out, int max)
{
	int	i, n = 0;

	for (i = 0; i < ncaps && n < max; i++) {
		pfd[n].fd = caps[i]->fd;
		pfd[n].events = POLLIN;
		pfd[n].revents = 0;
		out[n++] = caps[i];
	}
	return n;
}

static void
on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct cap	*c = (struct cap *)user;
	struct domain	*d = NULL;
	struct vif	*v = NULL;

	if (c->dead)
		return;
	/* The port the frame came in by is the guest it is charged to. */
	d = dom_find(&c->m->doms, c->domid);
	v = d ? dom_vif(d, c->devid, 0) : NULL;
	if (v == NULL || v->cap != c)
		return;
	cap_last_ts_us = (uint64_t)h->ts.tv_sec * 1000000 +
	    (uint64_t)h->ts.tv_usec;
	mig_frame(c->m, c->ifname, d, v, bytes, h->caplen);
}

void
cap_dispatch(struct mig *m, struct cap *c)
{
	int	i, alive = 0, n;

	/* An earlier handler in this loop turn may have closed it. */
	for (i = 0; i < ncaps; i++)
		if (caps[i] == c)
			alive = 1;
	if (!alive)
		return;
	c->busy = 1;
	n = pcap_dispatch(c->p, 64, on_packet, (u_char *)c);
	c->busy = 0;
	if (c->dead) {
		pcap_close(c->p);
		free(c);
		return;
	}
	if (n == PCAP_ERROR) {
		log_warnx("capture on %s: %s", c->ifname, pcap_geterr(c->p));
		cnt_inc("capture_errors");
	}
}

void
cap_close_all(void)
{
	while (ncaps > 0)
		cap_close(caps[0]);
}

int
cap_count(void)
{
	return ncaps;
}
