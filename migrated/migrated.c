/*
 * migrated: the Dom0 daemon that moves a Xen guest's LISP EIDs when it
 * migrates.  main() and the one poll loop over: xenstore (xs_fileno), one
 * pcap per guest vif, the API server,
 * the connection to xtrd, and CLOCK_MONOTONIC timers.
 *
 * Usage: migrated [-dnv] [-f file] [-s socket] [-x xtrd-socket]
 *   -d  foreground, log to stderr (else: daemon, syslog)
 *   -v  verbose (twice: debug)
 *   -n  check the configuration and exit (-nv prints it normalised)
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api.h"
#include "capture.h"
#include "counters.h"
#include "crash.h"
#include "log.h"
#include "migrated.h"
#include "mono.h"
#include "sigflags.h"
#include "xs_watch.h"
#include "xtr_client.h"

#define CONF_DEFAULT	"/etc/xen/migrated.conf"

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: migrated [-dnv] [-f file] [-s socket] "
	    "[-x xtrd-socket]\n");
	exit(2);
}

/* SIGHUP: new vm lines and dynamic ranges; sockets and bridges stay. */
static void
do_reload(struct mig *m, const char *path)
{
	struct mig_conf	*nc;
	int		 i, rc;

	if ((nc = calloc(1, sizeof(*nc))) == NULL) {
		log_warn("%s: keeping the old configuration", path);
		return;
	}
	if ((rc = conf_parse_file(path, nc, NULL)) != 0) {
		if (rc == -1)	/* run as conf.user: it must be readable */
			log_warn("%s: cannot read it as uid %u, keeping the "
			    "old configuration", path, (unsigned)getuid());
		else
			log_warnx("%s: errors, keeping the old configuration",
			    path);
		free(nc);
		return;
	}
	m->conf.nvm = nc->nvm;
	memcpy(m->conf.vms, nc->vms, sizeof(nc->vms));
	for (i = 0; i < m->conf.nbridge; i++) {
		const struct conf_bridge *b =
		    conf_bridge_find(nc, m->conf.bridges[i].name);

		m->conf.bridges[i].ndyn = b ? b->ndyn : 0;
		if (b != NULL)
			memcpy(m->conf.bridges[i].dyn, b->dyn, sizeof(b->dyn));
	}
	m->conf.notify_wait_ms = nc->notify_wait_ms;
	m->conf.register_at = nc->register_at;
	log_info("%s reloaded: %d vms", path, nc->nvm);
	free(nc);
	mig_reassert(m, "configuration reloaded");
}

static int
min_timeout(int a, int b)
{
	if (a < 0)
		return b;
	if (b < 0)
		return a;
	return a < b ? a : b;
}

/* migrated's xtrd clients: requests, status/database, ligs, events */
#define NXTRC	4

static void
loop(struct mig *m, const char *confpath)
{
	struct pollfd	 pfd[3 + NXTRC];
	struct xtrc	*xc[NXTRC] = { m->xtr, m->xtrmon, m->xtrq, m->xtrev };
	int		 n, timeout, r, afd, cfd, i, xfd[NXTRC];
	short		 ev;
	uint64_t	 now, next_bridge_try = 0;

	afd = api_fd(m->api);
	while (!sig_quit) {
		if (sig_reload) {
			sig_reload = 0;
			do_reload(m, confpath);
		}
		now = mono_ms();
		if (now >= next_bridge_try) {
			mig_retry_captures(m);
			next_bridge_try = now + 2000;
			/* Without xenstore we are blind: exit, and let the
			 * supervisor restart us (the table is rebuilt). */
			if (!xsw_alive(m))
				fatal("lost the connection to xenstored");
		}
		timeout = mig_tick(m, now);
		for (i = 0; i < NXTRC; i++)
			timeout = min_timeout(timeout, xtrc_tick(xc[i], now));
		timeout = min_timeout(timeout, api_timeout(m->api));
		timeout = min_timeout(timeout, 5000);
		n = 0;
		pfd[n].fd = xsw_fd(m);
		pfd[n++].events = POLLIN;
		pfd[n].fd = afd;
		pfd[n++].events = POLLIN;
		for (i = 0; i < NXTRC; i++) {
			ev = 0;
			xfd[i] = xtrc_pollfd(xc[i], &ev);
			pfd[n].fd = xfd[i];
			pfd[n++].events = ev;
		}
		cfd = cap_fd(m);
		pfd[n].fd = cfd;
		pfd[n++].events = POLLIN;
		for (r = 0; r < n; r++)
			pfd[r].revents = 0;
		r = poll(pfd, (nfds_t)n, timeout);
		if (r == -1) {
			if (errno == EINTR)
				continue;
			fatal("poll");
		}
		/* Captures first: they are the latency that matters. */
		if (cfd != -1 && pfd[2 + NXTRC].revents & (POLLIN | POLLERR))
			cap_dispatch(m);
		if (pfd[0].revents & POLLIN)
			xsw_dispatch(m);
		for (i = 0; i < NXTRC; i++)
			if (xfd[i] != -1 && pfd[2 + i].revents != 0)
				xtrc_io(xc[i], pfd[2 + i].revents);
		if (pfd[1].revents & POLLIN)
			api_run(m->api);
		else if (api_timeout(m->api) == 0)
			api_run(m->api);
	}
}

struct opts {
	const char	*confpath, *sock, *xsock;
	int		 debug, verbose, noaction;
};

static void
parse_args(int argc, char *argv[], struct opts *o)
{
	int	ch;

	while ((ch = getopt(argc, argv, "df:ns:vx:")) != -1) {
		switch (ch) {
		case 'd': o->debug = 1; break;
		case 'f': o->confpath = optarg; break;
		case 'n': o->noaction = 1; break;
		case 's': o->sock = optarg; break;
		case 'v': o->verbose++; break;
		case 'x': o->xsock = optarg; break;
		default: usage();
		}
	}
	if (optind != argc)
		usage();
}

/* The configuration, with -s and -x over its sockets: 0, or 1 (said on
 * stderr why). */
static int
load_conf(struct mig *m, const struct opts *o)
{
	int	rc;

	rc = conf_parse_file(o->confpath, &m->conf, NULL);
	if (rc == -1) {
		fprintf(stderr, "migrated: %s: %s\n", o->confpath,
		    strerror(errno));
		return 1;
	}
	if (rc > 0) {
		fprintf(stderr, "migrated: %s: %d error%s\n", o->confpath, rc,
		    rc == 1 ? "" : "s");
		return 1;
	}
	if (o->sock != NULL)
		snprintf(m->conf.socket, sizeof(m->conf.socket), "%s",
		    o->sock);
	if (o->xsock != NULL)
		snprintf(m->conf.xtrd_socket, sizeof(m->conf.xtrd_socket),
		    "%s", o->xsock);
	return 0;
}

/* Privileged things first: captures, xenstore, the sockets.  Fork into
 * the background before xenstore: xs_watch() starts libxenstore's reader
 * thread, which a child of daemon() would not have (every xs_read() would
 * then wait forever). */
static void
open_all(struct mig *m, int debug)
{
	m->started_ms = mono_ms();
	mig_privdrop_prepare(m);
	/* every guest's announcements, charged to the vif they came in by */
	if (cap_open_ports(m) == -1)
		log_warnx("no port socket: announcements only from the vif "
		    "captures, until each guest arrives");
	if (!debug && daemon(0, 0) == -1)
		fatal("daemon");
	if (xsw_open(m) == -1)
		fatal("xenstore");
	if (hv_open(&m->hv, m->conf.hypervisor, m->xs, &m->mcnt) == -1)
		fatalx("hypervisor = %s: libxl unavailable",
		    m->conf.hypervisor);
	if ((m->api = api_open(m, m->conf.socket)) == NULL)
		fatal("API socket %s", m->conf.socket);
	if ((m->xtr = xtrc_new(m->conf.xtrd_socket)) == NULL ||
	    (m->xtrmon = xtrc_new(m->conf.xtrd_socket)) == NULL ||
	    (m->xtrq = xtrc_new(m->conf.xtrd_socket)) == NULL ||
	    (m->xtrev = xtrc_new(m->conf.xtrd_socket)) == NULL)
		fatal("xtrd socket %s", m->conf.xtrd_socket);
	xtrc_set_io_timeout(m->xtrev, MIG_EVENTS_WAIT_MS + 5000);
	m->xtrd_up = 1;
}

/* As our own user from here: the table rebuilt from xenstore (running
 * guests are ours) and the dynamic claims from before a restart. */
static void
start(struct mig *m)
{
	/* Everything privileged is open: from here on, guest frames and
	 * xenstore values are handled as our own user, no capability. */
	mig_privdrop(m);
	log_info("started: hypervisor %s, %d bridges, %d vms, xtrd %s, API %s",
	    hv_name(&m->hv), m->conf.nbridge, m->conf.nvm,
	    m->conf.xtrd_socket, m->conf.socket);
	xsw_scan(m, 1);
	if (mig_dyn_load(m) > 0)
		mig_reassert(m, "dynamic EIDs from before the restart");
}

static void
close_all(struct mig *m)
{
	api_close(m->api);
	cap_close_all(m);
	while (m->doms.n > 0)
		dom_free(&m->doms, m->doms.d[0]);
	xtrc_free(m->xtr);
	xtrc_free(m->xtrmon);
	xtrc_free(m->xtrq);
	xtrc_free(m->xtrev);
	mig_shutdown(m);
	hv_close(&m->hv);
	xsw_close(m);
}

int
main(int argc, char *argv[])
{
	struct opts	 o = { CONF_DEFAULT, NULL, NULL, 0, 0, 0 };
	struct mig	*m;
	int		 rc;

	parse_args(argc, argv, &o);
	/* large (the tables of every part): not on the stack */
	if ((m = calloc(1, sizeof(*m))) == NULL) {
		fprintf(stderr, "migrated: %s\n", strerror(errno));
		return 1;
	}
	m->cap.port_fd = -1;
	if ((rc = load_conf(m, &o)) != 0 || o.noaction) {
		if (rc == 0 && o.verbose)
			conf_print(stdout, &m->conf);
		else if (rc == 0)
			fprintf(stderr, "configuration OK\n");
		free(m);
		return rc;
	}
	log_init(o.debug, o.verbose > 1, "migrated");
	crash_report_init();
	/* flags only (common/sigflags.c); SA_RESTART: poll() still returns
	 * EINTR at once, libxenstore's and pcap's reads are not failed */
	if (sigflags_install() == -1)
		fatal("sigaction");
	open_all(m, o.debug);
	start(m);
	loop(m, o.confpath);

	log_info("shutting down");
	close_all(m);
	free(m);
	return 0;
}
