/*
 * dyn_state.c: the addresses guests claimed in dynamic ranges survive a
 * restart of migrated.  They are not in xenstore nor in migrated.conf, so
 * they are kept in a small file next to our socket (<socket dir>/state/
 * dynamic-eids, a directory the user we run as owns; read from <socket
 * dir>/dynamic-eids when only the old place has one), one line per guest:  <domid> <uuid|-> <addr>...
 * rewritten atomically on every change (temporary file, fsync, rename,
 * fsync of the directory: a crash leaves the old file or the new one,
 * never an empty one) and read
 * once at start-up, after the table was rebuilt from xenstore.  A line is
 * applied only to the same domid with the same UUID, and each address
 * only if the policy still allows it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "counters.h"
#include "eid_policy.h"
#include "log.h"
#include "migrated.h"

/* <socket dir>/state: ours, writable by the user we run as (privdrop.c) */
void
mig_state_dir(const struct mig *m, char *buf, size_t len)
{
	const char	*slash = strrchr(m->conf.socket, '/');
	int		 n = slash ? (int)(slash - m->conf.socket) : 0;

	if (slash == NULL)
		snprintf(buf, len, "state");
	else
		snprintf(buf, len, "%.*s/state", n, m->conf.socket);
}

static void
state_path(const struct mig *m, char *buf, size_t len)
{
	char	dir[CONF_PATH_MAX + 8];

	mig_state_dir(m, dir, sizeof(dir));
	snprintf(buf, len, "%s/dynamic-eids", dir);
}

/* Where versions before the privilege drop kept it: <socket dir>/ */
static void
old_state_path(const struct mig *m, char *buf, size_t len)
{
	const char	*slash = strrchr(m->conf.socket, '/');
	int		 n = slash ? (int)(slash - m->conf.socket) : 0;

	snprintf(buf, len, "%.*s/dynamic-eids", n, m->conf.socket);
}

/* The rename is durable once the directory that holds it is. */
static void
sync_dir(const char *path)
{
	char	dir[CONF_PATH_MAX + 32];
	char	*slash;
	int	fd;

	snprintf(dir, sizeof(dir), "%s", path);
	if ((slash = strrchr(dir, '/')) == NULL)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		log_warn("%s", dir);
		return;
	}
	if (fsync(fd) == -1)
		log_warn("fsync %s", dir);
	close(fd);
}

void
mig_dyn_save(struct mig *m)
{
	char	path[CONF_PATH_MAX + 32], tmp[CONF_PATH_MAX + 40];
	char	buf[IPADDR_STRLEN];
	FILE	*f;
	int	i, k;

	state_path(m, path, sizeof(path));
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if ((f = fopen(tmp, "w")) == NULL) {
		log_warn("%s", tmp);
		return;
	}
	for (i = 0; i < m->doms.n; i++) {
		const struct domain *d = m->doms.d[i];

		if (d->ndyn == 0)
			continue;
		fprintf(f, "%u %s", d->domid, d->uuid[0] ? d->uuid : "-");
		for (k = 0; k < d->ndyn; k++)
			fprintf(f, " %s", ipaddr_fmt(&d->dyn[k], buf,
			    sizeof(buf)));
		fprintf(f, "\n");
	}
	if (fflush(f) != 0 || fsync(fileno(f)) == -1) {
		log_warn("%s", tmp);
		fclose(f);
		unlink(tmp);
		return;
	}
	if (fclose(f) != 0 || rename(tmp, path) == -1) {
		log_warn("%s", path);
		unlink(tmp);
		return;
	}
	sync_dir(path);
}

static void
apply(struct mig *m, struct domain *d, char *rest)
{
	const struct conf_vm	*vm = eid_policy_vm(&m->conf, d->name, d->uuid);
	struct ipaddr		 a;
	char			*tok;
	int			 i, ok;

	while ((tok = strsep(&rest, " \t\n")) != NULL) {
		if (*tok == '\0')
			continue;
		if (ipaddr_parse(tok, &a) == -1) {
			mcnt_drop(&m->mcnt, "state_bad_line", "bad address "
			    "'%.40s'", tok);
			continue;
		}
		/* Still inside a range of one of its bridges? */
		for (ok = 0, i = 0; i < DOM_MAXVIF && !ok; i++)
			if (d->vifs[i].used && eid_policy_addr(&m->conf, vm,
			    d->vifs[i].bridge, &a, NULL, NULL) ==
			    EID_OK_DYNAMIC)
				ok = 1;
		if (!ok) {
			mcnt_drop(&m->mcnt, "state_eid_refused", "%s no longer "
			    "allowed for %s", tok, d->name);
			continue;
		}
		if (dom_add_dyn(d, &a) == 1)
			log_info("%s keeps %s (claimed before the restart)",
			    d->name, tok);
	}
}

int
mig_dyn_load(struct mig *m)
{
	char		 path[CONF_PATH_MAX + 32], line[1024], *p, *s_id, *s_uuid;
	struct domain	*d;
	unsigned long	 domid;
	FILE		*f;
	int		 n = 0;

	state_path(m, path, sizeof(path));
	if ((f = fopen(path, "r")) == NULL && errno == ENOENT) {
		old_state_path(m, path, sizeof(path));
		f = fopen(path, "r");
	}
	if (f == NULL)
		return errno == ENOENT ? 0 : -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		p = line;
		s_id = strsep(&p, " ");
		s_uuid = strsep(&p, " ");
		if (s_id == NULL || s_uuid == NULL || p == NULL) {
			mcnt_drop(&m->mcnt, "state_bad_line", "%s: short line",
			    path);
			continue;
		}
		domid = strtoul(s_id, NULL, 10);
		if ((d = dom_find(&m->doms, (uint32_t)domid)) == NULL ||
		    strcmp(s_uuid, d->uuid[0] ? d->uuid : "-") != 0)
			continue;	/* that guest is gone */
		apply(m, d, p);
		n++;
	}
	fclose(f);
	return n;
}
