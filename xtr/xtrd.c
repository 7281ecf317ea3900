/*
 * xtrd.c: main and the one poll loop.  Reads xtrd.conf, opens UDP 4342
 * (IPv4 and IPv6) and the API socket, then dispatches every LISP control
 * message to the file that does that job.  Signal handlers only set flags
 * (common/sigflags.c).
 */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "log.h"
#include "mono.h"
#include "sigflags.h"
#include "udpsock.h"
#include "xtr/ms/ms_journal.h"
#include "xtr/nonce_seq.h"
#include "xtrd.h"
#include "xtr/api/api.h"
#include "xtr/cp/cp.h"
#include "xtr/dp/dp.h"
#include "xtr/ms/ms.h"

static __attribute__((__noreturn__)) void
usage(void)
{
	fprintf(stderr, "usage: xtrd [-dnv] [-f file] [-u user]\n"
	    "  -d  stay in the foreground, log to stderr\n"
	    "  -f  configuration file (default /etc/xen/xtrd.conf)\n"
	    "  -n  check the configuration and exit; -nv prints it back\n"
	    "  -u  run as this user after the start (default: xtrd.conf's "
	    "user, or xtrd)\n"
	    "  -v  verbose (debug) logging\n");
	exit(1);
}

static int
open_udp(int af, uint16_t port)
{
	int	fd, on = 1;

	if ((fd = udpsock_open(af, NULL, port, UDPSOCK_NONBLOCK)) == -1)
		return -1;
	/* the address a datagram came to (an RLOC-probe's probed locator) */
	if (af == AF_INET)
		setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof(on));
	else
		setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof(on));
	return fd;
}

/* Up to RX_BATCH datagrams per recvmmsg(), RX_ROUNDS rounds per wakeup
 * (256 datagrams, as before, then the other sockets get their turn). */
#define RX_BATCH	32
#define RX_ROUNDS	8

/* The loop's receive batch and the messages decoded from it (x->rx):
 * too large for the stack, allocated at the start. */
struct xtrd_rx {
	uint8_t			buf[RX_BATCH][LISP_MAX_MSG + 1];
	uint8_t			ctl[RX_BATCH][CMSG_SPACE(sizeof(
				    struct in6_pktinfo))];
	struct sockaddr_storage	ss[RX_BATCH];
	struct lisp_map_request	req;		/* rx_map_request */
	struct lisp_map_request	ecm_req;	/* rx_ecm */
	struct sec_sign		sg;		/* rx_ecm: RFC 9303 §6.8 */
};

/* RFC 9301 §5.3: a plain Map-Request is an SMR or asks for our EIDs. */
static void
rx_map_request(struct xtrd *x, const uint8_t *buf, size_t len,
    const struct ipaddr *src, uint16_t sport)
{
	struct lisp_map_request		*req = &x->rx->req;
	enum lisp_err			why = LERR_OK;
	char				a[IPADDR_STRLEN];

	cnt_inc(C_rx_map_request);
	/* the codec decodes RFC 9437's I bit and trailer with the rest */
	if (lisp_decode_map_request(buf, len, req, &why) == -1) {
		cnt_drop_lerr(why, "Map-Request from %s",
		    ipaddr_fmt(src, a, sizeof(a)));
		return;
	}
	if (!(x->conf->roles & ROLE_XTR)) {
		cnt_drop(C_drop_role, "Map-Request from %s: not an xTR",
		    ipaddr_fmt(src, a, sizeof(a)));
		return;
	}
	if (req->smr)
		smr_rx(x, req, src);
	else
		etr_rx_map_request(x, req, src, sport, NULL);
}

/* RFC 9301 §5.8: an ECM carries a Map-Request to a Map-Resolver, or from
 * a Map-Server to the ETR that registered the EID. */
static void
rx_ecm(struct xtrd *x, const uint8_t *buf, size_t len,
    const struct ipaddr *src)
{
	struct lisp_map_request		*req = &x->rx->ecm_req;
	struct lisp_ecm			ecm;
	struct pubsub_req		ps;
	enum lisp_err			why = LERR_OK;
	char				a[IPADDR_STRLEN];

	cnt_inc(C_rx_ecm);
	ipaddr_fmt(src, a, sizeof(a));
	if (lisp_decode_ecm(buf, len, &ecm, &why) == -1) {
		cnt_drop_lerr(why, "ECM from %s", a);
		return;
	}
	if (lisp_msg_type(ecm.payload, ecm.payload_len) != LISP_MAP_REQUEST) {
		cnt_drop(C_drop_ecm_inner, "ECM from %s: inner message is "
		    "not a Map-Request", a);
		return;
	}
	/* RFC 9437 §4: I bit, xTR-ID and Site-ID are decoded with the rest */
	if (lisp_decode_map_request(ecm.payload, ecm.payload_len, req,
	    &why) == -1) {
		cnt_drop_lerr(why, "ECM Map-Request from %s", a);
		return;
	}
	cnt_inc(C_rx_map_request);
	if (x->conf->roles & ROLE_MS) {
		pubsub_parse_n(ecm.payload, ecm.payload_len, req, &ps);
		mr_rx_ecm_request(x, buf, len, &ecm, req, src, &ps);
	} else if (req->smr)
		cnt_drop(C_drop_ecm_inner, "ECM from %s: SMR inside ECM", a);
	else {
		/* RFC 9303 §6.8 */
		if (sec_etr_open(x, &ecm, req, src, a, &x->rx->sg) == -1)
			return;
		etr_rx_map_request(x, req, src, ecm.inner_sport, &x->rx->sg);
	}
}

static void
rx_packet(struct xtrd *x, const uint8_t *buf, size_t len,
    const struct ipaddr *src, uint16_t sport)
{
	char	a[IPADDR_STRLEN];
	int	type = lisp_msg_type(buf, len);
	int	roles = x->conf->roles;

	cnt_inc(C_rx_packets);
	switch (type) {
	case LISP_MAP_REQUEST:
		rx_map_request(x, buf, len, src, sport);
		return;
	case LISP_MAP_REPLY:
		cnt_inc(C_rx_map_reply);
		if (roles & ROLE_XTR) {
			itr_rx_map_reply(x, buf, len, src);
			return;
		}
		break;
	case LISP_MAP_REGISTER:
		cnt_inc(C_rx_map_register);
		if (roles & ROLE_MS) {
			ms_rx_map_register(x, buf, len, src, sport);
			return;
		}
		break;
	case LISP_MAP_NOTIFY:
		cnt_inc(C_rx_map_notify);
		if (roles & ROLE_XTR) {
			etr_rx_map_notify(x, buf, len, src, sport);
			return;
		}
		break;
	case LISP_MAP_NOTIFY_ACK:
		cnt_inc(C_rx_map_notify_ack);
		if (roles & ROLE_MS) {
			ms_rx_map_notify_ack(x, buf, len, src);
			return;
		}
		break;
	case LISP_ECM:
		rx_ecm(x, buf, len, src);
		return;
	default:
		cnt_drop(C_drop_unknown_type, "type %d from %s", type,
		    ipaddr_fmt(src, a, sizeof(a)));
		return;
	}
	cnt_drop(C_drop_role, "type %d from %s: not for our role (%s)", type,
	    ipaddr_fmt(src, a, sizeof(a)), xc_role_name(roles));
}

/* The local address a datagram was sent to (IP_PKTINFO), or AF_UNSPEC. */
static void
rx_dst_of(struct msghdr *mh, struct ipaddr *dst)
{
	struct cmsghdr	*c;

	memset(dst, 0, sizeof(*dst));
	for (c = CMSG_FIRSTHDR(mh); c != NULL; c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo pi;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			dst->af = AF_INET;
			memcpy(&dst->a, &pi.ipi_addr, 4);
		} else if (c->cmsg_level == IPPROTO_IPV6 &&
		    c->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo pi;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			dst->af = AF_INET6;
			memcpy(&dst->a, &pi.ipi6_addr, 16);
		}
	}
}

static void
drain(struct xtrd *x, int fd)
{
	struct xtrd_rx		*rx = x->rx;
	struct mmsghdr		 m[RX_BATCH];
	struct iovec		 iov[RX_BATCH];
	struct ipaddr		 src;
	uint16_t		 sport;
	int			 i, n, round;

	for (round = 0; round < RX_ROUNDS; round++) {
		memset(m, 0, sizeof(m));
		for (i = 0; i < RX_BATCH; i++) {
			iov[i].iov_base = rx->buf[i];
			iov[i].iov_len = sizeof(rx->buf[i]);
			m[i].msg_hdr.msg_name = &rx->ss[i];
			m[i].msg_hdr.msg_namelen = sizeof(rx->ss[i]);
			m[i].msg_hdr.msg_iov = &iov[i];
			m[i].msg_hdr.msg_iovlen = 1;
			m[i].msg_hdr.msg_control = rx->ctl[i];
			m[i].msg_hdr.msg_controllen = sizeof(rx->ctl[i]);
		}
		if ((n = recvmmsg(fd, m, RX_BATCH, MSG_DONTWAIT, NULL)) == -1) {
			if (errno != EAGAIN && errno != EINTR)
				log_warn("recvmmsg");
			return;
		}
		for (i = 0; i < n; i++) {
			if (ipaddr_from_sockaddr((struct sockaddr *)&rx->ss[i],
			    &src, &sport) == -1)
				continue;
			if (m[i].msg_len > LISP_MAX_MSG) {
				cnt_drop_lerr(LERR_TRAILING,
				    "oversized datagram");
				continue;
			}
			rx_dst_of(&m[i].msg_hdr, &x->rx_dst);
			rx_packet(x, rx->buf[i], m[i].msg_len, &src, sport);
		}
		if (n < RX_BATCH)
			return;		/* the socket is empty */
	}
}

static void
do_reload(struct xtrd *x)
{
	struct xtr_conf	*nc;
	struct db_map	*dm, *next;
	int		 i;

	if ((nc = malloc(sizeof(*nc))) == NULL) {
		log_warn("reload");
		return;
	}
	if (xc_load(x->conf_path, nc, NULL) != 0) {
		log_warnx("reload: %s has errors, keeping the old one",
		    x->conf_path);
		free(nc);
		return;
	}
	/* Only the database is reloaded: other keys need a restart. */
	for (dm = x->etr->db; dm != NULL; dm = next) {
		next = dm->next;
		if (dm->from_api || dm->withdrawn)
			continue;
		for (i = 0; i < nc->ndb; i++)
			if (ipprefix_cmp(&nc->db[i].eid, &dm->m.eid) == 0)
				break;
		if (i == nc->ndb)
			etr_db_remove(x, &dm->m.eid, true);
	}
	for (i = 0; i < nc->ndb; i++) {
		dm = etr_db_find(x, &nc->db[i].eid);
		if (dm == NULL || memcmp(&dm->m, &nc->db[i],
		    sizeof(dm->m)) != 0)
			etr_db_add(x, &nc->db[i], false);
	}
	free(nc);
	tl_add("reload", NULL, NULL, "%s", x->conf_path);
}

static void
loop(struct xtrd *x)
{
	struct pollfd	pfd[5 + DP_MAXFD];
	uint64_t	now, next, at;
	int		n, timeout;

	while (!sig_quit) {
		if (sig_reload) {
			sig_reload = 0;
			do_reload(x);
		}
		now = mono_ms();
		next = timer_next(&x->timers);
		if (x->api != NULL && (at = api_timeout_ms(x->api)) < next)
			next = at;
		timeout = next <= now ? 0 : next - now > 1000 ? 1000 :
		    (int)(next - now);
		n = 0;
		pfd[n].fd = x->fd4;
		pfd[n++].events = POLLIN;
		pfd[n].fd = x->fd6;
		pfd[n++].events = POLLIN;
		pfd[n].fd = x->api ? api_fd(x->api) : -1;
		pfd[n++].events = POLLIN;
		pfd[n].fd = x->efd4;
		pfd[n++].events = POLLIN;
		pfd[n].fd = x->efd6;
		pfd[n++].events = POLLIN;
		n += dp_pollfds(x, pfd + n, DP_MAXFD);
		if (poll(pfd, n, timeout) == -1 && errno != EINTR)
			fatal("poll");
		dp_run(x, pfd + 5, n - 5);
		if (x->fd4 != -1 && (pfd[0].revents & POLLIN))
			drain(x, x->fd4);
		if (x->fd6 != -1 && (pfd[1].revents & POLLIN))
			drain(x, x->fd6);
		if (x->efd4 != -1 && (pfd[3].revents & POLLIN))
			drain(x, x->efd4);
		if (x->efd6 != -1 && (pfd[4].revents & POLLIN))
			drain(x, x->efd6);
		if (x->api != NULL)
			api_run(x->api);
		timer_run(&x->timers, mono_ms());
		xtr_flush(x);	/* what all of the above answered */
		xst_tick(x);	/* the away entries changed: on disk */
	}
}

/* xtrd.conf into x->conf: 0, or the exit status (errors on stderr; with
 * -n, what -n asks for, and 0 means exit too: *done). */
static int
load_conf(struct xtrd *x, const char *path, int check, int verbose,
    bool *done)
{
	int	r;

	*done = true;
	if ((x->conf = malloc(sizeof(*x->conf))) == NULL)
		fatal("malloc");
	x->conf_path = path;
	r = xc_load(path, x->conf, stderr);
	if (r == -1) {
		fprintf(stderr, "xtrd: %s: %s\n", path, strerror(errno));
		return 1;
	}
	if (r == 0)
		r = xc_load_token(path, x->conf, stderr);
	if (r == 0)
		r = xtr_check_names(path, x->conf, stderr);
	if (r > 0) {
		fprintf(stderr, "xtrd: %s: %d error%s\n", path, r,
		    r == 1 ? "" : "s");
		return 1;
	}
	if (check) {
		if (verbose)
			xc_print(stdout, x->conf);
		else {
			fprintf(stderr, "configuration OK\n");
			xc_print_auth(stderr, x->conf);
		}
		return 0;
	}
	*done = false;
	return 0;
}

/* The xTR-ID, the control sockets, the API, every room, then the drop of
 * privileges (user: -u, or NULL). */
static void
start(struct xtrd *x, const char *user)
{
	struct dp_upcalls	up;
	bool			have_id;

	if (xtr_net_init(x) == -1)
		fatal("malloc");
	x->start_ms = mono_ms();
	/* the xTR-ID of the last run: no new identity (and orphaned
	 * subscriptions at the Map-Server) for a restart */
	xst_load(x, &have_id);
	if (x->conf->xtr_id_set)
		memcpy(x->xtr_id, x->conf->xtr_id, sizeof(x->xtr_id));
	else if (x->conf->state_dir[0] != '\0' &&
	    state_xtr_id(x->conf->state_dir, x->xtr_id) == 0)
		;	/* the one of our earlier runs (RFC 9301 §5.6) */
	else if (!have_id && getrandom(x->xtr_id, sizeof(x->xtr_id), 0) !=
	    (ssize_t)sizeof(x->xtr_id))
		fatal("getrandom");
	if ((x->rx = calloc(1, sizeof(*x->rx))) == NULL)
		fatal("receive buffers");
	if ((x->fd4 = open_udp(AF_INET, LISP_CONTROL_PORT)) == -1)
		log_warn("UDP %d over IPv4", LISP_CONTROL_PORT);
	if ((x->fd6 = open_udp(AF_INET6, LISP_CONTROL_PORT)) == -1)
		log_warn("UDP %d over IPv6", LISP_CONTROL_PORT);
	if (x->fd4 == -1 && x->fd6 == -1)
		fatalx("no control socket");
	/* the ETR's Map-Registers leave from a random port (xtr_send_reg) */
	if ((x->conf->roles & ROLE_XTR) && x->conf->nms > 0) {
		if (x->fd4 != -1 && (x->efd4 = open_udp(AF_INET, 0)) == -1)
			log_warn("UDP source port for Map-Registers (IPv4)");
		if (x->fd6 != -1 && (x->efd6 = open_udp(AF_INET6, 0)) == -1)
			log_warn("UDP source port for Map-Registers (IPv6)");
	}
	if ((x->api = api_start(x, x->conf->control_socket)) == NULL)
		fatalx("cannot start the API on %s", x->conf->control_socket);
	xtr_socket_share(x);
	if (nonce_seq_init(&x->nseq, x->conf->state_dir) == -1 ||
	    itr_init(x) == -1 || ms_init(x) == -1 || msj_open(x) == -1 ||
	    etr_init(x) == -1)
		fatal("init");
	cp_dp_upcalls(x, &up);
	if (dp_init(x, &up) == -1)
		fatalx("cannot start the data plane");
	xst_restore(x);
	/* everything that needs root is open: issue 16, finding 5 */
	xtr_privdrop(x, user != NULL ? user : x->conf->user,
	    user != NULL || x->conf->user_set);
	log_info("started: role %s, %d database mapping%s, %d map-server%s",
	    xc_role_name(x->conf->roles), x->conf->ndb,
	    x->conf->ndb == 1 ? "" : "s", x->conf->nms,
	    x->conf->nms == 1 ? "" : "s");
	tl_add("start", NULL, NULL, "role %s", xc_role_name(x->conf->roles));
	xtr_flush(x);		/* what the inits sent */
}

static void
stop(struct xtrd *x)
{
	/*
	 * Issue 16, finding 8: a stop keeps our registrations on purpose: no
	 * withdrawal, no hand-over.  xtrd restarts (an upgrade, a crash)
	 * while the Dom0's guests keep running, and withdrawing their EIDs
	 * would cut them off until the new xtrd registers again; the
	 * xTR-ID and the away entries go to xtrd.state for that next run.
	 * If no xtrd comes back, the Map-Server drops the registrations
	 * after registration_timeout (RFC 9301 §8.2: three minutes), which
	 * is also what a crash leaves.  To withdraw on purpose (a Dom0 taken
	 * out of service with no guests), remove the mappings through the
	 * API first (migrated does for each guest that leaves).
	 */
	log_info("shutting down (registrations kept until the Map-Server's "
	    "timeout)");
	xst_save(x);
	free(x->xst);
	x->xst = NULL;
	api_stop(x->api);
	dp_fini(x);
	etr_free(x);
	itr_free(x);
	msj_close(x);
	ms_free(x);
	timer_heap_free(&x->timers);
	xtr_flush(x);		/* before the sockets close */
	if (x->fd4 != -1)
		close(x->fd4);
	if (x->fd6 != -1)
		close(x->fd6);
	if (x->efd4 != -1)
		close(x->efd4);
	if (x->efd6 != -1)
		close(x->efd6);
	xtr_net_fini(x);
	free(x->rx);
	x->rx = NULL;
	free(x->conf);
}

int
main(int argc, char **argv)
{
	struct xtrd	 xs;
	struct xtrd	*x = &xs;
	const char	*path = "/etc/xen/xtrd.conf";
	const char	*user = NULL;
	bool		 done;
	int		 ch, fg = 0, check = 0, verbose = 0, r;

	while ((ch = getopt(argc, argv, "df:nu:v")) != -1) {
		switch (ch) {
		case 'u': user = optarg; break;
		case 'd': fg = 1; break;
		case 'f': path = optarg; break;
		case 'n': check = 1; break;
		case 'v': verbose++; break;
		default: usage();
		}
	}
	if (optind != argc)
		usage();
	memset(x, 0, sizeof(*x));
	x->fd4 = x->fd6 = x->efd4 = x->efd6 = -1;
	if ((r = load_conf(x, path, check, verbose, &done)) != 0 || done)
		return r;
	log_init(fg, verbose, "xtrd");
	if (!fg && daemon(0, 0) == -1)
		fatal("daemon");
	if (sigflags_install() == -1)
		fatal("sigaction");
	start(x, user);
	loop(x);
	stop(x);
	return 0;
}
