/* xs_watch.c: xenstore watches and reads, see xs_watch.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xenstore.h>

#include "counters.h"
#include "log.h"
#include "xs_watch.h"

#define BACKEND_VIF	"/local/domain/0/backend/vif"
#define DOMID_MAX	0x7fef	/* below DOMID_FIRST_RESERVED */

int
xsw_open(struct mig *m)
{
	if ((m->xs = xs_open(0)) == NULL)
		return -1;
	if (!xs_watch(m->xs, "@introduceDomain", "I") ||
	    !xs_watch(m->xs, "@releaseDomain", "R") ||
	    !xs_watch(m->xs, BACKEND_VIF, "B")) {
		xs_close(m->xs);
		m->xs = NULL;
		return -1;
	}
	return 0;
}

int
xsw_fd(struct mig *m)
{
	return xs_fileno(m->xs);
}

int
xsw_alive(struct mig *m)
{
	unsigned int	 len;
	char		*v;

	/* libxenstore's reader thread stops quietly when xenstored goes
	 * away: ask something to find out. */
	if ((v = xs_read(m->xs, XBT_NULL, "/local/domain/0/domid", &len)) !=
	    NULL) {
		free(v);
		return 1;
	}
	return errno == ENOENT || errno == EACCES;
}

void
xsw_close(struct mig *m)
{
	if (m->xs != NULL)
		xs_close(m->xs);
	m->xs = NULL;
}

/* Strict decimal in [0, max]. */
static int
parse_num(const char *s, unsigned long max, uint32_t *out)
{
	unsigned long	 v = 0;
	const char	*p;

	if (*s == '\0' || (s[0] == '0' && s[1] != '\0'))
		return -1;
	for (p = s; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (unsigned long)(*p - '0');
		if (v > max)
			return -1;
	}
	*out = (uint32_t)v;
	return 0;
}

/*
 * A bad vif value is reported (counted, logged) once, not at every watch
 * event its directory fires: remember what was last reported per vif.
 */
static int
first_report(struct mig *m, uint32_t domid, uint32_t devid, unsigned what,
    const char *v)
{
	struct mig_xsw	*x = &m->xsw;
	uint32_t	 h = 2166136261u;
	unsigned	 i;

	for (; v != NULL && *v != '\0'; v++)
		h = (h ^ (uint8_t)*v) * 16777619u;
	for (i = 0; i < x->nbadvif && i < MIG_BADVIF_MAX; i++)
		if (x->badvif[i].domid == domid &&
		    x->badvif[i].devid == devid && x->badvif[i].what == what) {
			if (x->badvif[i].hash == h)
				return 0;
			x->badvif[i].hash = h;
			return 1;
		}
	i = x->nbadvif++ % MIG_BADVIF_MAX;
	x->badvif[i].domid = domid;
	x->badvif[i].devid = devid;
	x->badvif[i].what = what;
	x->badvif[i].hash = h;
	return 1;
}

/*
 * Read a value: NULL with errno ENOENT when absent; a value that is too
 * long or holds a NUL byte is counted and treated as absent (EINVAL).
 */
static char *
xread(struct mig *m, const char *path)
{
	unsigned int	 len;
	char		*v;

	if ((v = xs_read(m->xs, XBT_NULL, path, &len)) == NULL)
		return NULL;
	if (len > XSW_MAXVAL) {
		char	lb[16];
		uint32_t ph = 2166136261u;
		const char *q;

		for (q = path; *q != '\0'; q++)
			ph = (ph ^ (uint8_t)*q) * 16777619u;
		snprintf(lb, sizeof(lb), "%u", len);
		if (first_report(m, ph, 0, 6, lb))
			mcnt_drop(&m->mcnt, "xs_value_too_long", "%s: %u bytes",
			    path, len);
		free(v);
		errno = EINVAL;
		return NULL;
	}
	if (memchr(v, '\0', len) != NULL) {
		mcnt_drop(&m->mcnt, "xs_value_nul", "%s holds a NUL byte",
		    path);
		free(v);
		errno = EINVAL;
		return NULL;
	}
	return v;
}

static void
watch_domain(struct mig *m, uint32_t domid, int on)
{
	char	path[64], tok[16];

	snprintf(path, sizeof(path), "/local/domain/%u/name", domid);
	snprintf(tok, sizeof(tok), "n%u", domid);
	if (on ? !xs_watch(m->xs, path, tok) : !xs_unwatch(m->xs, path, tok))
		log_warn("xs_%swatch %s", on ? "" : "un", path);
	snprintf(path, sizeof(path), "/local/domain/%u/device/vif", domid);
	snprintf(tok, sizeof(tok), "f%u", domid);
	if (on ? !xs_watch(m->xs, path, tok) : !xs_unwatch(m->xs, path, tok))
		log_warn("xs_%swatch %s", on ? "" : "un", path);
	/* the toolstack's suspend request (libxl__domain_pvcontrol_write) */
	snprintf(path, sizeof(path), "/local/domain/%u/control/shutdown",
	    domid);
	snprintf(tok, sizeof(tok), "s%u", domid);
	if (on ? !xs_watch(m->xs, path, tok) : !xs_unwatch(m->xs, path, tok))
		log_warn("xs_%swatch %s", on ? "" : "un", path);
}

/*
 * control/shutdown changed: "suspend" is the toolstack asking the guest
 * to suspend (xl migrate's last round: libxl_dom_suspend.c,
 * domain_suspend_callback_common).  The guest acks by writing "" within
 * milliseconds, so the value may be gone when this reads it; the
 * @releaseDomain that follows the guest's suspend (on_release: shut down
 * while it exists) catches that case where the hypervisor backend can
 * tell.
 */
static void
on_shutdown(struct mig *m, uint32_t domid)
{
	struct domain	*d = dom_find(&m->doms, domid);
	char		 path[64], *v;
	unsigned int	 len;

	if (d == NULL)
		return;
	snprintf(path, sizeof(path), "/local/domain/%u/control/shutdown",
	    domid);
	v = xs_read(m->xs, XBT_NULL, path, &len);
	if (v != NULL && len == 7 && memcmp(v, "suspend", 7) == 0)
		mig_domain_suspended(m, d, "control/shutdown = suspend");
	else if (v != NULL && len == 0 && d->shutdown_watched)
		/* "" after the watch's first event: the guest acked a
		 * request already (a migrating guest's is the suspend;
		 * mig_domain_suspended acts only with a departure) */
		mig_domain_suspended(m, d, "control/shutdown acked");
	d->shutdown_watched = 1;
	free(v);
}

static int
domain_exists(struct mig *m, uint32_t domid)
{
	struct hv_info	hi;

	if (hv_info(&m->hv, domid, &hi) == -1)
		return 1;	/* cannot tell: keep it */
	return hi.exists;
}

static void
gone(struct mig *m, struct domain *d)
{
	watch_domain(m, d->domid, 0);
	mig_domain_gone(m, d);
}

static void	read_fe_state(struct mig *, struct domain *, uint32_t);

/*
 * A vif backend's values, read from base: 1 if one is bad (counted and
 * logged once per vif and value, first_report()), else 0.  Missing ones
 * are bad only once hotplug says connected.
 */
static int
vif_bad(struct mig *m, const char *base, uint32_t domid, uint32_t devid,
    const struct vif_info *vi)
{
	const char	*mac = vi->mac, *br = vi->bridge, *ifn = vi->ifname;
	uint8_t		 macb[6];
	int		 bad = 0;

	if (mac != NULL && mac_parse(mac, macb) == -1) {
		if (first_report(m, domid, devid, 1, mac))
			mcnt_drop(&m->mcnt, "xs_vif_bad_mac", "%s/mac = "
			    "'%.40s'", base, mac);
		bad = 1;
	} else if (mac == NULL && vi->connected) {
		if (first_report(m, domid, devid, 2, ""))
			mcnt_drop(&m->mcnt, "xs_vif_missing_mac", "%s has no "
			    "usable mac", base);
		bad = 1;
	}
	if (br != NULL && conf_bridge_find(&m->conf, br) == NULL) {
		/* Not one of ours: not an error, but counted. */
		if (first_report(m, domid, devid, 3, br))
			mcnt_drop(&m->mcnt, "xs_vif_unknown_bridge", "%s on "
			    "bridge '%.40s' is not watched", base, br);
		bad = 1;
	} else if (br == NULL && vi->connected) {
		if (first_report(m, domid, devid, 4, ""))
			mcnt_drop(&m->mcnt, "xs_vif_missing_bridge", "%s has "
			    "no usable bridge", base);
		bad = 1;
	}
	if (ifn != NULL && (strlen(ifn) >= CONF_IFNAMSIZ ||
	    strchr(ifn, '/') != NULL || ifn[0] == '\0')) {
		if (first_report(m, domid, devid, 5, ifn))
			mcnt_drop(&m->mcnt, "xs_vif_bad_vifname", "%s/vifname "
			    "= '%.40s'", base, ifn);
		bad = 1;
	}
	return bad;
}

/* /local/domain/0/backend/vif/<domid>/<devid>: (re)read it whole. */
static void
read_vif(struct mig *m, uint32_t domid, uint32_t devid)
{
	struct domain		*d = dom_find(&m->doms, domid);
	struct vif		*v;
	struct vif_info		 vi;
	char			 base[96], path[128], *dir = NULL;
	char			*mac = NULL, *br = NULL, *hs = NULL, *ifn = NULL;

	if (d == NULL)
		return;		/* picked up when the domain is */
	snprintf(base, sizeof(base), BACKEND_VIF "/%u/%u", domid, devid);
	if ((dir = xs_read(m->xs, XBT_NULL, base, NULL)) == NULL) {
		if (errno == ENOENT)
			mig_vif_removed(m, d, devid);
		return;
	}
	free(dir);
	v = dom_vif(d, devid, 0);
	snprintf(path, sizeof(path), "%s/mac", base);
	mac = xread(m, path);
	snprintf(path, sizeof(path), "%s/bridge", base);
	br = xread(m, path);
	snprintf(path, sizeof(path), "%s/hotplug-status", base);
	hs = xread(m, path);
	snprintf(path, sizeof(path), "%s/vifname", base);
	ifn = xread(m, path);
	memset(&vi, 0, sizeof(vi));
	vi.connected = hs != NULL && strcmp(hs, "connected") == 0;
	vi.mac = mac;
	vi.bridge = br;
	vi.ifname = ifn;
	if (vif_bad(m, base, domid, devid, &vi)) {
		if (v != NULL)
			mig_vif_removed(m, d, devid);
		goto out;
	}
	mig_vif_update(m, d, devid, &vi);
	/* New: the frontend state written before it is read now (only a
	 * backend vif makes a slot, see on_frontend()). */
	if (v == NULL && dom_find(&m->doms, domid) == d &&
	    dom_vif(d, devid, 0) != NULL)
		read_fe_state(m, d, devid);
out:
	free(mac);
	free(br);
	free(hs);
	free(ifn);
}

static void
scan_vifs(struct mig *m, uint32_t domid)
{
	char		 path[64], **ents;
	unsigned int	 n, i;
	uint32_t	 devid;

	snprintf(path, sizeof(path), BACKEND_VIF "/%u", domid);
	if ((ents = xs_directory(m->xs, XBT_NULL, path, &n)) == NULL)
		return;
	for (i = 0; i < n; i++) {
		if (parse_num(ents[i], 0x7fffffff, &devid) == -1) {
			mcnt_drop(&m->mcnt, "xs_bad_path", "%s/%.40s", path,
			    ents[i]);
			continue;
		}
		read_vif(m, domid, devid);
	}
	free(ents);
}

static void
read_fe_state(struct mig *m, struct domain *d, uint32_t devid)
{
	char		 path[96], *v;
	uint32_t	 st;

	snprintf(path, sizeof(path), "/local/domain/%u/device/vif/%u/state",
	    d->domid, devid);
	if ((v = xread(m, path)) == NULL)
		return;
	if (parse_num(v, 8, &st) == -1)
		mcnt_drop(&m->mcnt, "xs_bad_fe_state", "%s = '%.40s'", path, v);
	else
		mig_fe_state(m, d, devid, (int)st);
	free(v);
}

/*
 * The frontend directory is the guest's own (libxl gives it the domain as
 * owner): what it holds is a hint about a vif the backend directory made,
 * never a reason to track one.  Only the vifs we know are read, so the
 * work is bounded by DOM_MAXVIF whatever the guest writes there.
 */
static void
scan_fe(struct mig *m, struct domain *d)
{
	uint32_t	devids[DOM_MAXVIF];
	int		i, n = 0;

	for (i = 0; i < DOM_MAXVIF; i++)
		if (d->vifs[i].used)
			devids[n++] = d->vifs[i].devid;
	for (i = 0; i < n && dom_find(&m->doms, d->domid) == d; i++)
		read_fe_state(m, d, devids[i]);
}

/*
 * /local/domain/<domid>/name: NULL when absent (errno ENOENT) or unusable
 * (empty or too long: counted, errno EINVAL).
 */
static char *
read_name(struct mig *m, uint32_t domid)
{
	char	path[64], *name;

	snprintf(path, sizeof(path), "/local/domain/%u/name", domid);
	if ((name = xread(m, path)) == NULL)
		return NULL;
	if (name[0] == '\0' || strlen(name) >= DOM_XSNAMELEN) {
		mcnt_drop(&m->mcnt, "xs_bad_domain_name", "%s = '%.40s'", path,
		    name);
		free(name);
		errno = EINVAL;
		return NULL;
	}
	return name;
}

static void
add_domain(struct mig *m, uint32_t domid, int at_startup)
{
	struct domain	*d;
	char		*name;

	/* A dying domain keeps its xenstore directory for a while (libxl
	 * mode knows it is dying): do not track it again once gone(). */
	if (!domain_exists(m, domid))
		return;
	if ((name = read_name(m, domid)) == NULL)
		return;		/* not fully made yet: its name watch... */
	mig_domain_seen(m, domid, name, at_startup);
	free(name);
	if ((d = dom_find(&m->doms, domid)) == NULL)
		return;
	watch_domain(m, domid, 1);
	scan_vifs(m, domid);
	if ((d = dom_find(&m->doms, domid)) != NULL)
		scan_fe(m, d);
}

void
xsw_scan(struct mig *m, int at_startup)
{
	char		**ents;
	unsigned int	  n, i;
	uint32_t	  domid;
	int		  k;

	if ((ents = xs_directory(m->xs, XBT_NULL, "/local/domain", &n)) ==
	    NULL) {
		log_warn("xs_directory /local/domain");
		return;
	}
	for (i = 0; i < n; i++) {
		if (parse_num(ents[i], DOMID_MAX, &domid) == -1) {
			mcnt_drop(&m->mcnt, "xs_bad_path",
			    "/local/domain/%.40s", ents[i]);
			continue;
		}
		if (domid == 0 || dom_find(&m->doms, domid) != NULL)
			continue;
		add_domain(m, domid, at_startup);
	}
	free(ents);
	/* Domains we know that xenstore no longer has. */
	struct hv_info	hi;

	for (k = m->doms.n - 1; k >= 0; k--) {
		struct domain *d = m->doms.d[k];

		memset(&hi, 0, sizeof(hi));
		hi.shutdown = -1;
		if (hv_info(&m->hv, d->domid, &hi) == 0 && !hi.exists) {
			gone(m, d);
			continue;
		}
		/* shut down but there: suspended (libxl's state) */
		if (hi.exists && hi.shutdown == 1)
			mig_domain_suspended(m, d, "domain shut down "
			    "(suspended)");
	}
}

static void
on_release(struct mig *m)
{
	struct hv_info	hi;
	int		k;

	for (k = m->doms.n - 1; k >= 0; k--) {
		struct domain *d = m->doms.d[k];

		if (!domain_exists(m, d->domid))
			gone(m, d);
		/* asked to suspend and now shut down: running again
		 * later is a resume here (departure.c, mig_suspended_tick) */
		else if (d->suspended && hv_info(&m->hv, d->domid, &hi) == 0 &&
		    hi.exists && hi.shutdown == 1)
			d->suspend_seen = 1;
	}
}

static void
on_name(struct mig *m, uint32_t domid)
{
	struct domain	*d = dom_find(&m->doms, domid);
	char		*name;

	if (d == NULL) {
		add_domain(m, domid, 0);
		return;
	}
	if ((name = read_name(m, domid)) == NULL) {
		if (errno == ENOENT && !domain_exists(m, domid))
			gone(m, d);
		return;
	}
	mig_domain_renamed(m, d, name);
	free(name);
}

int
xsw_read_name(struct mig *m, struct domain *d)
{
	char	*name;

	if ((name = read_name(m, d->domid)) == NULL)
		return -1;	/* gone or bad: its watch event handles it */
	mig_domain_renamed(m, d, name);
	free(name);
	return 0;
}

/* Backend vifs touched by one batch of watch events, read once each. */
static void
defer_vif(struct mig *m, uint32_t domid, uint32_t devid)
{
	struct mig_xsw	*x = &m->xsw;
	int		 i;

	for (i = 0; i < x->npending; i++)
		if (x->pending[i].domid == domid &&
		    x->pending[i].devid == devid)
			return;
	if (x->npending >= MIG_PENDING_MAX) {
		read_vif(m, domid, devid);
		return;
	}
	x->pending[x->npending].domid = domid;
	x->pending[x->npending++].devid = devid;
}

/* BACKEND_VIF[/<domid>[/<devid>[/...]]] */
static void
on_backend(struct mig *m, const char *path)
{
	char		 buf[256], *p, *s1, *s2;
	uint32_t	 domid, devid;
	struct domain	*d;

	if (strlen(path) >= sizeof(buf))
		return;
	snprintf(buf, sizeof(buf), "%s", path + strlen(BACKEND_VIF));
	if (buf[0] == '\0') {
		for (int k = 0; k < m->doms.n; k++)
			scan_vifs(m, m->doms.d[k]->domid);
		return;
	}
	p = buf + 1;
	s1 = strsep(&p, "/");
	if (parse_num(s1, DOMID_MAX, &domid) == -1) {
		mcnt_drop(&m->mcnt, "xs_bad_path", "%.80s", path);
		return;
	}
	if (p == NULL) {
		scan_vifs(m, domid);
		if ((d = dom_find(&m->doms, domid)) != NULL)
			for (int i = 0; i < DOM_MAXVIF; i++)
				if (d->vifs[i].used)
					read_vif(m, domid, d->vifs[i].devid);
		return;
	}
	s2 = strsep(&p, "/");
	if (parse_num(s2, 0x7fffffff, &devid) == -1) {
		if (first_report(m, domid, 0, 7, s2))
			mcnt_drop(&m->mcnt, "xs_bad_path", "%.80s", path);
		return;
	}
	defer_vif(m, domid, devid);
}

/* /local/domain/<id>/device/vif[/<devid>[/state]] */
static void
on_frontend(struct mig *m, uint32_t domid, const char *path)
{
	struct domain	*d = dom_find(&m->doms, domid);
	char		 prefix[64];
	const char	*p;
	uint32_t	 devid;
	char		 num[16];
	size_t		 n;

	if (d == NULL)
		return;
	snprintf(prefix, sizeof(prefix), "/local/domain/%u/device/vif/",
	    domid);
	if (strncmp(path, prefix, strlen(prefix)) != 0) {
		scan_fe(m, d);
		return;
	}
	p = path + strlen(prefix);
	n = strcspn(p, "/");
	if (n == 0 || n >= sizeof(num))
		return;
	memcpy(num, p, n);
	num[n] = '\0';
	if (parse_num(num, 0x7fffffff, &devid) == -1)
		return;
	if (p[n] != '\0' && strcmp(p + n, "/state") != 0)
		return;
	/* A devid the backend directory never made: the guest's own
	 * invention, counted once per devid, no state created. */
	if (dom_vif(d, devid, 0) == NULL) {
		char	 bpath[96], *dir;

		/* Made in the same transaction as its backend directory,
		 * whose watch event is read at the end of this batch: that
		 * read takes the frontend state too (read_vif()). */
		snprintf(bpath, sizeof(bpath), BACKEND_VIF "/%u/%u", domid,
		    devid);
		if ((dir = xs_read(m->xs, XBT_NULL, bpath, NULL)) != NULL) {
			free(dir);
			defer_vif(m, domid, devid);
			return;
		}
		if (first_report(m, domid, devid, 8, ""))
			mcnt_drop(&m->mcnt, "xs_fe_unknown_vif", "%.80s: no "
			    "backend vif %u for domain %u: ignored", path,
			    devid, domid);
		return;
	}
	read_fe_state(m, d, devid);
}

void
xsw_dispatch(struct mig *m)
{
	char		**vec;
	unsigned int	  n;
	uint32_t	  domid;
	const char	 *path, *tok;

	while ((vec = xs_check_watch(m->xs)) != NULL) {
		path = vec[XS_WATCH_PATH];
		tok = vec[XS_WATCH_TOKEN];
		n = 0;
		if (strcmp(tok, "I") == 0)
			xsw_scan(m, 0);
		else if (strcmp(tok, "R") == 0)
			on_release(m);
		else if (strcmp(tok, "B") == 0)
			on_backend(m, path);
		else if ((tok[0] == 'n' || tok[0] == 'f' || tok[0] == 's') &&
		    parse_num(tok + 1, DOMID_MAX, &domid) == 0) {
			if (tok[0] == 'n')
				on_name(m, domid);
			else if (tok[0] == 's')
				on_shutdown(m, domid);
			else
				on_frontend(m, domid, path);
		}
		(void)n;
		free(vec);
	}
	if (errno != EAGAIN)
		log_warn("xs_check_watch");
	for (int i = 0; i < m->xsw.npending; i++)
		read_vif(m, m->xsw.pending[i].domid, m->xsw.pending[i].devid);
	m->xsw.npending = 0;
}
