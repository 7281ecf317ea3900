/* nonce.c: random 64-bit nonces (RFC 9301 §5.2: "randomly generated"). */
#include <errno.h>
#include <sys/random.h>

#include "lisp.h"

uint64_t
lisp_nonce(void)
{
	uint64_t	v = 0;
	uint8_t		*p = (uint8_t *)&v;
	size_t		got = 0;
	ssize_t		r;

	while (got < sizeof(v)) {
		r = getrandom(p + got, sizeof(v) - got, 0);
		if (r == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		got += (size_t)r;
	}
	return v;
}
