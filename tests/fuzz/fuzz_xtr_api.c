/* fuzz_xtr_api.c: libFuzzer harness for the control API's request body
 * checks (xtr/api_json.c): any bytes are either a JSON object whose
 * fields are all allowed and well-typed, or refused; never a crash. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xtr/api/api_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static const char *const allowed[] = { "eid", "priority", "weight",
	    "ttl", "moved_to", "map_resolver", "timeout_ms", "eids", "cancel",
	    "arrived", "until", NULL };
	static struct ipprefix	 list[256];
	struct req	 rq;
	struct ipprefix	 p;
	enum dp_expect_op op;
	int		 n;
	json_object	*o;
	char		 err[128];
	uint32_t	 u;

	memset(&rq, 0, sizeof(rq));
	if ((rq.body = malloc(len + 1)) == NULL)
		return 0;
	memcpy(rq.body, data, len);
	rq.body[len] = '\0';
	rq.len = len;
	if ((o = parse_body(&rq, allowed, err, sizeof(err))) != NULL) {
		(void)get_prefix(o, "eid", &p, err, sizeof(err));
		(void)get_uint(o, "priority", 255, &u, err, sizeof(err));
		(void)get_uint(o, "ttl", UINT32_MAX, &u, err, sizeof(err));
		(void)get_prefix_list(o, "eids", list, 256, &n, err,
		    sizeof(err));
		(void)get_expect_op(o, &op, err, sizeof(err));
		json_object_put(o);
	}
	free(rq.body);
	return 0;
}
