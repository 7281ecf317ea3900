/*
 * openlisp_import.c: openlisp-import, reads an OpenLISP control-plane
 * configuration (thesis Figures 7.1/7.2, see openlisp.h) and prints the
 * equivalent xtrd.conf.
 *
 * usage: openlisp-import [-nv] [-o output] [file]
 *   -n         check the file only, print nothing (exit 0 if it is valid)
 *   -v         with -n: print the file back in OpenLISP's format, normalised
 *   -o output  write xtrd.conf there (through a temporary file and rename)
 *   file       the OpenLISP configuration; standard input when absent or "-"
 * Exit status: 0 success, 1 errors in the file, 2 usage or I/O error.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "openlisp.h"
#include "openlisp_emit.h"

static __attribute__((__noreturn__)) void
usage(void)
{
	fprintf(stderr, "usage: openlisp-import [-nv] [-o output] [file]\n");
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
write_output(const char *path, const struct ol_config *oc, const char *src)
{
	char	*tmp = NULL;
	FILE	*f;
	int	 rc = -1;

	if (path == NULL) {
		ol_emit_xtrd(stdout, oc, src);
		return fflush(stdout) == 0 && !ferror(stdout) ? 0 : -1;
	}
	if (asprintf(&tmp, "%s.tmpXXXXXX", path) == -1)
		return -1;
	{
		int fd = mkstemp(tmp);

		if (fd == -1 || (f = fdopen(fd, "w")) == NULL) {
			if (fd != -1)
				close(fd);
			goto out;
		}
	}
	ol_emit_xtrd(f, oc, src);
	if (fflush(f) != 0 || ferror(f) || fsync(fileno(f)) != 0) {
		fclose(f);
		unlink(tmp);
		goto out;
	}
	if (fclose(f) != 0 || rename(tmp, path) != 0) {
		unlink(tmp);
		goto out;
	}
	rc = 0;
out:
	free(tmp);
	return rc;
}

int
main(int argc, char **argv)
{
	struct cfg_parser	 cp = { NULL, 0, NULL };
	struct ol_config	 oc;
	const char		*out = NULL, *in = "-";
	int			 ch, check = 0, verbose = 0, r, rc = 2;

	while ((ch = getopt(argc, argv, "hno:v")) != -1) {
		switch (ch) {
		case 'n':
			check = 1;
			break;
		case 'o':
			out = optarg;
			break;
		case 'v':
			verbose = 1;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc > 1 || (verbose && !check) || (check && out != NULL))
		usage();
	if (argc == 1)
		in = argv[0];

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
	if (ol_finish(&cp, &oc) != 0) {
		fprintf(stderr, "openlisp-import: %s: %d error%s, nothing "
		    "written\n", cp.file, cp.errors,
		    cp.errors == 1 ? "" : "s");
		rc = 1;
		goto out;
	}
	if (oc.n == 0) {
		fprintf(stderr, "openlisp-import: %s: no EID prefix in the "
		    "file, nothing written\n", cp.file);
		rc = 1;
		goto out;
	}
	if (check) {
		if (verbose)
			ol_print(stdout, &oc);
		rc = 0;
		goto out;
	}
	if (ol_emit_check(stderr, &oc, cp.file) != 0) {
		fprintf(stderr, "openlisp-import: %s: cannot be expressed in "
		    "xtrd.conf, nothing written\n", cp.file);
		rc = 1;
		goto out;
	}
	if (write_output(out, &oc, cp.file) == -1) {
		fprintf(stderr, "openlisp-import: %s: %s\n",
		    out ? out : "(stdout)", strerror(errno));
		goto out;
	}
	rc = 0;
out:
	ol_free(&oc);
	return rc;
}
