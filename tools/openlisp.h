/*
 * openlisp.h: OpenLISP's control-plane configuration, as given in the
 * thesis "Virtual Machine Migration in a LISP network" (appendix, section
 * 7.1, Figures 7.1 and 7.2), parsed into blocks so that openlisp-import can
 * print them again in xtrd's format.
 *
 * The format is a sequence of blocks, optionally grouped under a line that
 * reads IPV4 or IPV6:
 *
 *   <RLOC count N> <key> <EID prefix> <prefix length> <Map-Server count M>
 *       <Map-Server 1> ... <Map-Server M> <TTL> [<flag>]
 *   <RLOC 1> <priority> <weight> <local/self>
 *   ...
 *   <RLOC N> <priority> <weight> <local/self>
 *
 * Figure 7.2 writes one more header field after the TTL ("60 0") than
 * Figure 7.1 names; the thesis never says what it means, so it is kept as
 * "flag" (0 or 1) and otherwise ignored.  The example EID prefix
 * 132.227.62.242/24 has host bits set: it is masked, with a warning.
 */
#ifndef MIG_OPENLISP_H
#define MIG_OPENLISP_H

#include <stdint.h>
#include <stdio.h>

#include "addr.h"
#include "cfgline.h"

#define OL_MAXRLOC	32	/* RLOC lines per block */
#define OL_MAXMS	8	/* Map-Servers per block */
#define OL_MAXKEY	128	/* shared key, characters */
#define OL_MAXTTL	(24u * 60u * 365u)	/* minutes: one year */

struct ol_rloc {
	struct ipaddr	addr;
	uint8_t		priority;
	uint8_t		weight;
	uint8_t		local;		/* the [Local/Self] column, 0 or 1 */
	int		lineno;
};

struct ol_block {
	int		lineno;		/* header line */
	int		section_af;	/* AF_INET/AF_INET6 from IPV4/IPV6, or 0 */
	char		key[OL_MAXKEY + 1];
	struct ipprefix	eid;		/* masked */
	unsigned	nms;
	struct ipaddr	ms[OL_MAXMS];
	unsigned long	ttl;		/* minutes */
	int		has_flag;
	unsigned	flag;
	unsigned	want;		/* RLOC count from the header */
	unsigned	nrloc;
	struct ol_rloc	rloc[OL_MAXRLOC];
};

struct ol_config {
	struct ol_block	*blocks;
	size_t		 n, cap;
	int		 section_af;	/* current IPV4/IPV6 section, or 0 */
	int		 lastline;
	int		 resync;	/* skipping a bad block's RLOC lines */
	int		 warnings;
};

void	ol_init(struct ol_config *);
/* cfg_read_file/cfg_read_text callback; arg is the struct ol_config. */
int	ol_line(struct cfg_parser *, struct cfg_line *, void *arg);
/* After the last line: reports a block still waiting for RLOC lines.
 * Returns the parser's total error count. */
int	ol_finish(struct cfg_parser *, struct ol_config *);
void	ol_free(struct ol_config *);
/* Print the configuration back in OpenLISP's own format, normalised. */
void	ol_print(FILE *, const struct ol_config *);

#endif
