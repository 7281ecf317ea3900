/*
 * xtrd_state.h: the text of xtrd.state (issue 16, finding 8; written and
 * read by xtr/xtrd_state.c), parsed apart so that it has a fuzz target
 * (tests/fuzz/fuzz_xtrd_state.c).
 */
#ifndef XTR_XTRD_STATE_H
#define XTR_XTRD_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include "addr.h"
#include "xtr/config.h"

#define XST_LINE	512

struct xst_away {
	struct ipprefix	eid;
	int		nrloc;
	struct ipaddr	rloc[XC_MAX_RLOC];
	uint64_t	expires_ms;	/* wall clock */
};

/* The file's text (NUL-terminated): the xTR-ID into id (*have_id), each
 * away entry to away_cb.  The number of lines skipped, or -1 when the
 * first line is not "xtrd-state 1". */
int	xst_parse(const char *text, uint8_t *id, bool *have_id,
	    void (*away_cb)(const struct xst_away *, void *), void *arg);

#endif
