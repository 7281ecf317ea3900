/* err.c: names of the LISP decoder refusal reasons, and the type peek. */
#include "lisp.h"

static const char *const lerr_names[LERR__COUNT] = {
	[LERR_OK]		= "ok",
	[LERR_TRUNCATED]	= "truncated",
	[LERR_BAD_TYPE]		= "bad-type",
	[LERR_BAD_AFI]		= "bad-afi",
	[LERR_LCAF_OVERRUN]	= "lcaf-overrun",
	[LERR_LCAF_TYPE]	= "lcaf-type",
	[LERR_BAD_PLEN]		= "bad-plen",
	[LERR_TOO_MANY_RECORDS]	= "too-many-records",
	[LERR_TOO_MANY_LOCATORS] = "too-many-locators",
	[LERR_TOO_MANY_ITR_RLOCS] = "too-many-itr-rlocs",
	[LERR_NO_RECORDS]	= "no-records",
	[LERR_TRAILING]		= "trailing",
	[LERR_AUTH_LEN]		= "auth-len",
	[LERR_AUTH_ALG]		= "auth-alg",
	[LERR_AUTH_FAIL]	= "auth-fail",
	[LERR_BAD_INNER]	= "bad-inner",
	[LERR_BAD_FLAGS]	= "bad-flags",
	[LERR_SEC_AD]		= "lispsec-ad",
	[LERR_SEC_ALG]		= "lispsec-alg",
	[LERR_SEC_UNWRAP]	= "lispsec-unwrap",
	[LERR_SEC_EID_HMAC]	= "lispsec-eid-hmac",
	[LERR_SEC_PKT_HMAC]	= "lispsec-pkt-hmac",
	[LERR_SEC_MISSING]	= "lispsec-missing",
	[LERR_SEC_SCOPE]	= "lispsec-scope",
};

const char *
lisp_err_name(enum lisp_err e)
{
	if ((unsigned)e >= LERR__COUNT || lerr_names[e] == NULL)
		return "unknown";
	return lerr_names[e];
}

/* RFC 9301 §5.1: the type is the high nibble of the first byte. */
int
lisp_msg_type(const uint8_t *p, size_t len)
{
	if (p == NULL || len == 0)
		return -1;
	return p[0] >> 4;
}
