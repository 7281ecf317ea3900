/*
 * itr_subscribe.c: publish/subscribe (RFC 9437), ITR side.  With
 * `subscribe = yes`, every Map-Request an ITR sends through the mapping
 * system sets the I bit (xTR-ID and Site-ID appended after the records)
 * and the N bit of its EID record (RFC 9437 §4); the Map-Server then sends
 * a Map-Notify, authenticated with the key the xTR registers with,
 * whenever that mapping changes, and the ITR installs it (etr_register.c
 * hands such Notifies to itr_install()).  Map-Server side:
 * xtr/ms/pubsub.c.
 */
#include <string.h>

#include "xtr/cp/cp.h"
#include "xtr/xtrd.h"

ssize_t
pubsub_add(struct xtrd *x, uint8_t *p, size_t len, size_t cap,
    const struct ipprefix *eid)
{
	static struct lisp_map_request	req;
	uint8_t				i;

	(void)eid;
	/* our own request: decode it, add the RFC 9437 §4 fields, encode */
	if (lisp_decode_map_request(p, len, &req, NULL) == -1)
		return -1;
	req.subscribe = true;
	for (i = 0; i < req.nrec; i++)
		req.rec[i].notify = true;
	memcpy(req.xtr_id, x->xtr_id, LISP_XTR_ID_LEN);
	req.site_id = x->conf->site_id;
	return lisp_encode_map_request(&req, p, cap);
}
