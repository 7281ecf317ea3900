/*
 * cfgline.h: the line tokenizer under every config parser (xtrd.conf,
 * migrated.conf, the OpenLISP importer), after wireguard-tools' config.c.
 *
 * A line is split into tokens: runs of non-blank characters, 'single' or
 * "double" quoted strings (quotes removed, no escapes), and the one-character
 * tokens = , [ ] outside quotes.  '#' outside quotes starts a comment.  So
 * both Xen's `key = "value"` / `key = [ 'a', 'b' ]` and `key value value`
 * forms come out as plain token lists.
 *
 * Errors are reported as "file:line: message 'token'" and counted.
 */
#ifndef MIG_CFGLINE_H
#define MIG_CFGLINE_H

#include <stdio.h>

#include "log.h"

#define CFG_MAXTOK	64
#define CFG_MAXLINE	4096

struct cfg_line {
	const char	*file;
	int		 lineno;
	int		 ntok;
	char		*tok[CFG_MAXTOK];
	int		 quoted[CFG_MAXTOK];	/* token came from quotes */
	char		 buf[CFG_MAXLINE];
};

struct cfg_parser {
	const char	*file;
	int		 errors;
	FILE		*errf;		/* where errors go; stderr if NULL */
};

/* Split one line.  0 ok (ntok may be 0 for blank/comment lines), -1 on an
 * unterminated quote, too many tokens or an over-long line (reported). */
int	cfg_split(struct cfg_parser *, struct cfg_line *, int lineno,
	    const char *text);
/* Read a file line by line and call cb for every non-empty line.  Returns
 * the number of errors (reported by the tokenizer or by cb through
 * cfg_error), or -1 if the file cannot be opened. */
int	cfg_read_file(struct cfg_parser *, const char *path,
	    int (*cb)(struct cfg_parser *, struct cfg_line *, void *), void *);
/* Same over an in-memory text (fuzzing, tests). */
int	cfg_read_text(struct cfg_parser *, const char *text, size_t len,
	    int (*cb)(struct cfg_parser *, struct cfg_line *, void *), void *);
/* "file:line: message 'tok'"; tok may be NULL.  Always returns -1. */
int	cfg_error(struct cfg_parser *, const struct cfg_line *,
	    const char *tok, const char *fmt, ...) LOG_ATTR(4, 5);
/* Strict unsigned parse in [min, max]; 0 or -1. */
int	cfg_uint(const char *, unsigned long min, unsigned long max,
	    unsigned long *out);
/* yes/no/true/false/on/off/1/0 */
int	cfg_bool(const char *, int *out);

#endif
