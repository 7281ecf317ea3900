/*
 * privdrop.c: issue 16, finding 5.  Once xtrd has opened what needs root
 * (UDP 4342 and the Map-Register sockets, the API socket, the TUN, the
 * netlink socket, the ARP/ND packet sockets, the sysctls, SCHED_RR), it
 * runs as its own user (xtrd.conf `user`, default "xtrd"; -u USER) with
 * what the data plane still does at run time and nothing else:
 *   - CAP_NET_ADMIN, with a data plane only: routes and neighbour entries
 *     through rtnetlink (dp_routes.c) and the TUN's MTU change as the map-cache
 *     and the path MTU change;
 *   - no CAP_NET_RAW: the packet sockets of proxy ARP/ND (dp_proxy.c) are
 *     open before the drop and sending on an open socket needs none;
 *   - an empty bounding set otherwise, no ambient capabilities,
 *     PR_SET_NO_NEW_PRIVS, and setuid(0) failing afterwards.
 * The control plane alone (no data plane) keeps no capability at all.
 * state_dir becomes the user's (it writes the nonce floor there).
 *
 * Where the user cannot be used xtrd says why in one line and stays uid 0,
 * still with only the capabilities above and no_new_privs:
 *   - `user = ""` or "root";
 *   - the default user "xtrd" does not exist (useradd --system
 *     --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin
 *     xtrd); a user named in the configuration or with -u that does not
 *     exist stops the start instead.
 * SIGHUP's reload then reads xtrd.conf as that user: give it read access
 * (group xtrd, mode 0640) or restart instead.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/capability.h>

#include "log.h"
#include "privdrop.h"
#include "xtr/dp/dp.h"
#include "xtr/xtrd.h"

/* xtrd -n and the start: a named user and the socket's group exist, or
 * "path:line: message 'name'".  The number of errors. */
int
xtr_check_names(const char *path, const struct xtr_conf *c, FILE *errf)
{
	struct cfg_parser	cp = { path, 0, errf };
	struct cfg_line		l;
	const char		*u = c->user;

	memset(&l, 0, sizeof(l));
	if (c->user_set && u[0] != '\0' && strcmp(u, "root") != 0 &&
	    getpwnam(u) == NULL) {
		l.lineno = c->user_line;
		cfg_error(&cp, &l, u, "no such user (useradd --system "
		    "--no-create-home --shell /usr/sbin/nologin):");
	}
	if (c->control_socket_group[0] != '\0' &&
	    getgrnam(c->control_socket_group) == NULL) {
		l.lineno = c->group_line;
		cfg_error(&cp, &l, c->control_socket_group, "no such group:");
	}
	return cp.errors;
}

/*
 * control_socket_group: the API socket (made 0600 root by api_start) is
 * given that group and mode 0660, so that its members (migrated's user)
 * may connect; nobody else may.  Before the drop (chown needs root).
 */
void
xtr_socket_share(struct xtrd *x)
{
	const char	*g = x->conf->control_socket_group;
	struct group	*gr;

	if (g[0] == '\0')
		return;
	if ((gr = getgrnam(g)) == NULL)
		fatalx("control_socket_group: no group '%s'", g);
	if (chown(x->conf->control_socket, (uid_t)-1, gr->gr_gid) == -1 ||
	    chmod(x->conf->control_socket, 0660) == -1)
		fatal("control_socket_group %s: %s", g,
		    x->conf->control_socket);
	log_info("API socket %s: group %s, mode 0660",
	    x->conf->control_socket, g);
}

void
xtr_privdrop(struct xtrd *x, const char *user, bool named)
{
	struct passwd	*pw = NULL;
	uint64_t	 keep = dp_enabled(x) ? 1ULL << CAP_NET_ADMIN : 0;
	const char	*capname = keep ? "cap_net_admin" : "none";
	char		 why[300] = "";
	const char	*step = "";

	if (geteuid() != 0) {
		log_info("not started as root: no privileges to drop");
		return;
	}
	if (user[0] == '\0' || strcmp(user, "root") == 0)
		snprintf(why, sizeof(why), "user = \"%s\"", user);
	else if ((pw = getpwnam(user)) == NULL) {
		if (named)
			fatalx("no user '%s' (xtrd.conf user, or -u)", user);
		snprintf(why, sizeof(why), "no user '%s': create it with "
		    "useradd --system --no-create-home --home-dir /nonexistent "
		    "--shell /usr/sbin/nologin %s", user, user);
	} else if (pw->pw_uid == 0) {
		snprintf(why, sizeof(why), "user '%s' is uid 0", user);
		pw = NULL;
	}
	if (pw != NULL && x->conf->state_dir[0] != '\0' &&
	    chown(x->conf->state_dir, pw->pw_uid, pw->pw_gid) == -1 &&
	    errno != ENOENT)
		log_warn("chown %s", x->conf->state_dir);
	/* xtrd.state's (xtrd_state.c), the same without state_dir */
	if (pw != NULL && chown(x->conf->own_state_dir, pw->pw_uid,
	    pw->pw_gid) == -1 && errno != ENOENT)
		log_warn("chown %s", x->conf->own_state_dir);
	if (priv_drop(pw, keep, &step) == -1)
		fatal("dropping privileges to %s: %s", pw != NULL ? user : "uid 0",
		    step);
	if (pw != NULL)
		log_info("running as user %s (uid %u gid %u), capabilities: %s, "
		    "no_new_privs", user, (unsigned)pw->pw_uid,
		    (unsigned)pw->pw_gid, capname);
	else
		log_warnx("staying uid 0 (%s), capabilities: %s, no_new_privs",
		    why, capname);
}
