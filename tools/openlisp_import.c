/*
 * openlisp_import.c: openlisp-import, reads an OpenLISP control-plane
 * configuration (thesis Figures 7.1/7.2, see openlisp.h) and prints the
 * equivalent xtrd.conf (see openlisp_emit.h).  The output is parsed again
 * with xtrd's own parser (xtr/config.c) before it is written.
 *
 * usage: openlisp-import [-nv] [-a alg] [-o output] [-p pxtr]... [-r mr]...
 *            [file]
 *   -a alg     Map-Register authentication: hmac-sha1 (default, what
 *              OpenLISP used) or hmac-sha256
 *   -n         check the file only, print nothing (exit 0 if it is valid)
 *   -v         with -n: print the file back in OpenLISP's format, normalised
 *   -o output  write xtrd.conf there, mode 0600, through a temporary file
 *              and rename
 *   -p pxtr    add a proxy-ITR (proxy_itrs, where SMRs also go); repeatable
 *   -r mr      add a Map-Resolver (map_resolvers); repeatable
 *   file       the OpenLISP configuration; standard input when absent or "-"
 * Exit status: 0 success, 1 errors in the file, 2 usage or I/O error.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lisp.h"
#include "xtr/config.h"
#include "openlisp.h"
#include "openlisp_emit.h"

static __attribute__((__noreturn__)) void
usage(void)
{
	fprintf(stderr, "usage: openlisp-import [-nv] [-a alg] [-o output] "
	    "[-p pxtr]... [-r mr]... [file]\n");
	exit(2);
}

static int
read_stdin(struct cfg_parser *cp, struct ol_config *oc)
{
	char	*buf = NULL, *nb;
	size_t	 len = 0, cap = 0, n;
	int	 rc;

	for (;;) {
		if (len == cap) {
			cap = cap ? cap * 2 : 65536;
			if ((nb = realloc(buf, cap)) == NULL) {
				free(buf);
				return -1;
			}
			buf = nb;
		}
		n = fread(buf + len, 1, cap - len, stdin);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(stdin)) {
		free(buf);
		return -1;
	}
	rc = cfg_read_text(cp, buf, len, ol_line, oc);
	free(buf);
	return rc;
}

static int
add_addr(const char *s, struct ipaddr *arr, int *n)
{
	if (*n == OL_EMIT_MAXADDR || ipaddr_parse(s, &arr[*n]) == -1) {
		fprintf(stderr, "openlisp-import: bad or too many addresses "
		    "'%s'\n", s);
		return -1;
	}
	(*n)++;
	return 0;
}

/* Print to memory, then have xtrd's parser read it back. */
static char *
render(const struct ol_config *oc, const struct ol_emit_opts *o,
    const char *src, size_t *len)
{
	char		*text = NULL;
	FILE		*f;
	struct xtr_conf	*xc;
	int		 r;

	if ((f = open_memstream(&text, len)) == NULL)
		return NULL;
	ol_emit_xtrd(f, oc, o, src);
	if (fclose(f) != 0 || (xc = malloc(sizeof(*xc))) == NULL) {
		free(text);
		return NULL;
	}
	r = xc_load_text("(imported xtrd.conf)", text, *len, xc, stderr);
	free(xc);
	if (r != 0) {
		fprintf(stderr, "openlisp-import: internal error: xtrd's "
		    "parser rejects the output\n");
		free(text);
		errno = EINVAL;
		return NULL;
	}
	return text;
}

static int
write_file(const char *path, const char *text, size_t len)
{
	char	*tmp = NULL;
	int	 fd = -1, rc = -1;

	if (asprintf(&tmp, "%s.tmpXXXXXX", path) == -1)
		return -1;
	if ((fd = mkstemp(tmp)) == -1)	/* mode 0600: keys in clear */
		goto out;
	if (write(fd, text, len) != (ssize_t)len || fsync(fd) != 0 ||
	    close(fd) != 0) {
		fd = -1;
		unlink(tmp);
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) != 0) {
		unlink(tmp);
		goto out;
	}
	rc = 0;
out:
	if (fd != -1)
		close(fd);
	free(tmp);
	return rc;
}

static int
parse_opts(int argc, char **argv, struct ol_emit_opts *o, int *check,
    int *verbose, const char **out)
{
	int	ch;

	while ((ch = getopt(argc, argv, "a:hno:p:r:v")) != -1) {
		switch (ch) {
		case 'a':
			if (strcmp(optarg, "hmac-sha1") == 0)
				o->alg = LISP_AUTH_HMAC_SHA1;
			else if (strcmp(optarg, "hmac-sha256") == 0)
				o->alg = LISP_AUTH_HMAC_SHA256;
			else
				usage();
			break;
		case 'n':
			*check = 1;
			break;
		case 'o':
			*out = optarg;
			break;
		case 'p':
			if (add_addr(optarg, o->pxtr, &o->npxtr) == -1)
				usage();
			break;
		case 'r':
			if (add_addr(optarg, o->mr, &o->nmr) == -1)
				usage();
			break;
		case 'v':
			*verbose = 1;
			break;
		default:
			usage();
		}
	}
	if (argc - optind > 1 || (*verbose && !*check) ||
	    (*check && *out != NULL))
		usage();
	return optind;
}

int
main(int argc, char **argv)
{
	struct cfg_parser	 cp = { NULL, 0, NULL };
	struct ol_config	 oc;
	struct ol_emit_opts	 o;
	const char		*out = NULL, *in = "-";
	char			*text = NULL;
	size_t			 len = 0;
	int			 check = 0, verbose = 0, r, rc = 2;

	ol_emit_defaults(&o);
	r = parse_opts(argc, argv, &o, &check, &verbose, &out);
	if (r < argc)
		in = argv[r];
	ol_init(&oc);
	if (strcmp(in, "-") == 0) {
		cp.file = "(stdin)";
		r = read_stdin(&cp, &oc);
	} else
		r = cfg_read_file(&cp, in, ol_line, &oc);
	if (r == -1 && cp.errors == 0) {
		fprintf(stderr, "openlisp-import: %s: %s\n", in,
		    strerror(errno));
		goto out;
	}
	rc = 1;
	if (ol_finish(&cp, &oc) != 0) {
		fprintf(stderr, "openlisp-import: %s: %d error%s, nothing "
		    "written\n", cp.file, cp.errors,
		    cp.errors == 1 ? "" : "s");
		goto out;
	}
	if (oc.n == 0) {
		fprintf(stderr, "openlisp-import: %s: no EID prefix in the "
		    "file, nothing written\n", cp.file);
		goto out;
	}
	if (check) {
		if (verbose)
			ol_print(stdout, &oc);
		rc = 0;
		goto out;
	}
	if (ol_emit_check(stderr, &oc, &o, cp.file) != 0) {
		fprintf(stderr, "openlisp-import: %s: cannot be expressed in "
		    "xtrd.conf, nothing written\n", cp.file);
		goto out;
	}
	if ((text = render(&oc, &o, cp.file, &len)) == NULL)
		goto out;
	rc = 2;
	if (out == NULL) {
		if (fwrite(text, 1, len, stdout) != len || fflush(stdout) != 0)
			fprintf(stderr, "openlisp-import: (stdout): %s\n",
			    strerror(errno));
		else
			rc = 0;
	} else if (write_file(out, text, len) == -1)
		fprintf(stderr, "openlisp-import: %s: %s\n", out,
		    strerror(errno));
	else
		rc = 0;
out:
	free(text);
	ol_free(&oc);
	return rc;
}
