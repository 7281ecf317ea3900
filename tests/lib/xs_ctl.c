/*
 * xs_ctl: the xenstore domain calls no xenstore-* CLI makes (tests only).
 *
 * Usage: xs_ctl introduce DOMID [GFN [PORT]]   xs_introduce_domain()
 *        xs_ctl release DOMID                  xs_release_domain()
 *        xs_ctl resume DOMID                   xs_resume_domain()
 *        xs_ctl is-introduced DOMID            exit 0 if yes, 1 if no
 *        xs_ctl domain-path DOMID              xs_get_domain_path()
 *        xs_ctl tx < SCRIPT                    one transaction, as libxl
 *                                              does (retried on EAGAIN)
 * SCRIPT lines (blank lines and # comments skipped):
 *        rm PATH                 xs_rm (a missing PATH is not an error)
 *        mkdir PATH              xs_mkdir
 *        write PATH VALUE...     xs_write; VALUE is the rest of the line
 *                                (may be empty)
 *        chmod PATH PERM...      xs_set_permissions; PERM is n|r|w|b and a
 *                                domid, the first one names the owner
 *                                (as xenstore-chmod: n0 r5)
 * Environment: XENSTORED_PATH, the daemon socket (libxenstore reads it).
 * Exit: 0 done, 1 the daemon said no (errno printed), 2 usage.
 * xenstored ignores GFN (default 0); PORT (default 1) must be > 0.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xenstore.h>

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: xs_ctl introduce DOMID [GFN [PORT]] | "
	    "release DOMID | resume DOMID | is-introduced DOMID | "
	    "domain-path DOMID | tx < SCRIPT\n");
	exit(2);
}

static unsigned long
num(const char *s, unsigned long max)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno != 0 || *s == '\0' || *end != '\0' || v > max) {
		fprintf(stderr, "xs_ctl: bad number '%s'\n", s);
		exit(2);
	}
	return v;
}

static int
fail(const char *what, unsigned int domid)
{
	fprintf(stderr, "xs_ctl: %s %u: %s\n", what, domid, strerror(errno));
	return 1;
}

#define TX_MAX_LINES	512
#define TX_MAX_PERMS	16

static int
tx_perms(struct xs_handle *xsh, xs_transaction_t t, char *path, char *args)
{
	struct xs_permissions perms[TX_MAX_PERMS];
	unsigned int n = 0;
	char *tok, *save;

	for (tok = strtok_r(args, " \t", &save); tok != NULL;
	    tok = strtok_r(NULL, " \t", &save)) {
		if (n == TX_MAX_PERMS)
			return -1;
		switch (tok[0]) {
		case 'n': perms[n].perms = XS_PERM_NONE; break;
		case 'r': perms[n].perms = XS_PERM_READ; break;
		case 'w': perms[n].perms = XS_PERM_WRITE; break;
		case 'b': perms[n].perms = XS_PERM_READ | XS_PERM_WRITE; break;
		default:
			fprintf(stderr, "xs_ctl: bad permission '%s'\n", tok);
			errno = EINVAL;
			return -1;
		}
		perms[n++].id = (unsigned int)num(tok + 1, 0xffff);
	}
	if (n == 0 || !xs_set_permissions(xsh, t, path, perms, n))
		return -1;
	return 0;
}

/* One script line; 0 or -1 with errno.  line is modified. */
static int
tx_line(struct xs_handle *xsh, xs_transaction_t t, char *line)
{
	char *op, *path, *rest;

	op = line + strspn(line, " \t");
	if (*op == '\0' || *op == '#')
		return 0;
	path = op + strcspn(op, " \t");
	if (*path == '\0') {
		errno = EINVAL;
		return -1;
	}
	*path++ = '\0';
	path += strspn(path, " \t");
	rest = path + strcspn(path, " \t");
	if (*rest != '\0')
		*rest++ = '\0';
	if (strcmp(op, "rm") == 0)
		return xs_rm(xsh, t, path) || errno == ENOENT ? 0 : -1;
	if (strcmp(op, "mkdir") == 0)
		return xs_mkdir(xsh, t, path) ? 0 : -1;
	if (strcmp(op, "write") == 0)
		return xs_write(xsh, t, path, rest, strlen(rest)) ? 0 : -1;
	if (strcmp(op, "chmod") == 0)
		return tx_perms(xsh, t, path, rest);
	fprintf(stderr, "xs_ctl: unknown operation '%s'\n", op);
	errno = EINVAL;
	return -1;
}

static int
run_tx(struct xs_handle *xsh)
{
	char *lines[TX_MAX_LINES], *copy = NULL, buf[4096];
	size_t n = 0, i, len;
	xs_transaction_t t;
	int rc = 1;

	while (n < TX_MAX_LINES && fgets(buf, sizeof(buf), stdin) != NULL) {
		len = strcspn(buf, "\n");
		buf[len] = '\0';
		if ((lines[n] = strdup(buf)) == NULL)
			goto out;
		n++;
	}
	for (;;) {
		t = xs_transaction_start(xsh);
		if (t == XBT_NULL) {
			fprintf(stderr, "xs_ctl: transaction start: %s\n",
			    strerror(errno));
			goto out;
		}
		for (i = 0; i < n; i++) {
			free(copy);
			if ((copy = strdup(lines[i])) == NULL ||
			    tx_line(xsh, t, copy) == -1) {
				fprintf(stderr, "xs_ctl: tx: '%s': %s\n",
				    lines[i], strerror(errno));
				xs_transaction_end(xsh, t, true);
				goto out;
			}
		}
		if (xs_transaction_end(xsh, t, false))
			break;
		if (errno != EAGAIN) {
			fprintf(stderr, "xs_ctl: transaction end: %s\n",
			    strerror(errno));
			goto out;
		}
	}
	rc = 0;
 out:
	free(copy);
	for (i = 0; i < n; i++)
		free(lines[i]);
	return rc;
}

static int
run(struct xs_handle *xsh, int argc, char **argv)
{
	unsigned int domid = (unsigned int)num(argv[2], 0x7fef);
	unsigned long gfn = 0, port = 1;
	char *path;

	if (strcmp(argv[1], "introduce") == 0) {
		if (argc > 3)
			gfn = num(argv[3], ~0UL);
		if (argc > 4)
			port = num(argv[4], 0xffffffffUL);
		if (argc > 5)
			usage();
		if (!xs_introduce_domain(xsh, domid, gfn, (unsigned int)port))
			return fail("introduce", domid);
		return 0;
	}
	if (argc != 3)
		usage();
	if (strcmp(argv[1], "release") == 0)
		return xs_release_domain(xsh, domid) ? 0 :
		    fail("release", domid);
	if (strcmp(argv[1], "resume") == 0)
		return xs_resume_domain(xsh, domid) ? 0 :
		    fail("resume", domid);
	if (strcmp(argv[1], "is-introduced") == 0)
		return xs_is_domain_introduced(xsh, domid) ? 0 : 1;
	if (strcmp(argv[1], "domain-path") == 0) {
		path = xs_get_domain_path(xsh, domid);
		if (path == NULL)
			return fail("domain-path", domid);
		printf("%s\n", path);
		free(path);
		return 0;
	}
	usage();
}

int
main(int argc, char **argv)
{
	struct xs_handle *xsh;
	int rc;

	if (argc < 2 || (argc < 3 && strcmp(argv[1], "tx") != 0))
		usage();
	xsh = xs_open(0);
	if (xsh == NULL) {
		fprintf(stderr, "xs_ctl: cannot connect to xenstored: %s\n",
		    strerror(errno));
		return 1;
	}
	rc = strcmp(argv[1], "tx") == 0 ? (argc == 2 ? run_tx(xsh) : 2)
	    : run(xsh, argc, argv);
	xs_close(xsh);
	return rc;
}
