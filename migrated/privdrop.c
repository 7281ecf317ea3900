/*
 * privdrop.c: after the privileged things are open (the port socket,
 * xenstore, the API socket, libxl), migrated runs as its own user
 * (migrated.conf `user`, default "migrated") with no capability at all
 * (the port socket sees every vif, present and future: capture.h), an
 * empty bounding set, no ambient capabilities and no_new_privs.  Every
 * guest frame and xenstore value is handled after the drop.
 *
 * Where the user cannot be used, migrated says why in one line and stays
 * uid 0, still without capabilities and with no_new_privs:
 *   - `user = ""` or "root";
 *   - no such user (useradd --system --no-create-home --home-dir
 *     /nonexistent --shell /usr/sbin/nologin migrated);
 *   - the user could not reach xtrd's socket (mode 0600 root, or a
 *     directory it may not enter): tested in a child that drops first.
 * The dynamic-eids file lives in <socket dir>/state/, made here and given
 * to the user.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/capability.h>

#include "log.h"
#include "privdrop.h"
#include "migrated.h"

/* Could pw connect to xtrd's socket?  Asked of a child that becomes pw. */
static int
reaches(const struct passwd *pw, const char *sock)
{
	char	 dir[CONF_PATH_MAX], *slash;
	pid_t	 pid;
	int	 st;

	snprintf(dir, sizeof(dir), "%s", sock);
	if ((slash = strrchr(dir, '/')) != NULL && slash != dir)
		*slash = '\0';
	if ((pid = fork()) == -1)
		return 1;	/* cannot tell: try */
	if (pid == 0) {
		if (priv_become(pw) == -1)
			_exit(2);
		/* the socket, or (xtrd not up yet) its directory */
		if (access(sock, W_OK) == 0)
			_exit(0);
		_exit(errno == ENOENT && access(dir, X_OK | R_OK) == 0 ? 0 : 1);
	}
	while (waitpid(pid, &st, 0) == -1)
		if (errno != EINTR)
			return 1;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/* <socket dir>/state, 0700, the user's (our own directory only). */
static void
state_dir_for(struct mig *m, const struct passwd *pw)
{
	char	path[CONF_PATH_MAX + 32];

	mig_state_dir(m, path, sizeof(path));
	if (mkdir(path, 0700) == -1 && errno != EEXIST) {
		log_warn("%s", path);
		return;
	}
	if (pw != NULL && chown(path, pw->pw_uid, pw->pw_gid) == -1)
		log_warn("chown %s", path);
}

/*
 * Before any thread (libxenstore's reader) exists: who to become, and
 * whether that user reaches xtrd (a child is forked to find out).
 */
void
mig_privdrop_prepare(struct mig *m)
{
	struct mig_drop	*dr = &m->drop;
	struct passwd	*pw;
	const char	*u = m->conf.user;

	dr->ok = 0;
	if (geteuid() != 0)
		snprintf(dr->why, sizeof(dr->why), "not started as root");
	else if (u[0] == '\0' || strcmp(u, "root") == 0)
		snprintf(dr->why, sizeof(dr->why), "user = \"%s\" in the "
		    "configuration", u);
	else if ((pw = getpwnam(u)) == NULL)
		snprintf(dr->why, sizeof(dr->why), "no user '%s': create it "
		    "with useradd --system --no-create-home --home-dir "
		    "/nonexistent --shell /usr/sbin/nologin %s", u, u);
	else if (pw->pw_uid == 0)
		snprintf(dr->why, sizeof(dr->why), "user '%s' is uid 0", u);
	else {
		snprintf(dr->name, sizeof(dr->name), "%s", u);
		dr->pw = *pw;
		dr->pw.pw_name = dr->name;
		if (!reaches(&dr->pw, m->conf.xtrd_socket))
			snprintf(dr->why, sizeof(dr->why), "user '%s' could "
			    "not reach xtrd's socket %s: give it the socket's "
			    "group (migrated(8))", u, m->conf.xtrd_socket);
		else
			dr->ok = 1;
	}
}

int
mig_privdrop(struct mig *m)
{
	const struct passwd	*pw = m->drop.ok ? &m->drop.pw : NULL;
	const char		*step = "";

	if (geteuid() != 0) {
		log_info("not started as root: no privileges to drop");
		state_dir_for(m, NULL);
		return 0;
	}
	state_dir_for(m, pw);
	if (priv_drop(pw, 0, &step) == -1)
		fatal("dropping privileges: %s", step);
	if (pw != NULL)
		log_info("running as user %s (uid %u gid %u), no capabilities, "
		    "no_new_privs", pw->pw_name,
		    (unsigned)pw->pw_uid, (unsigned)pw->pw_gid);
	else
		log_warnx("staying uid 0 (%s), no capabilities, no_new_privs",
		    m->drop.why);
	return 0;
}
