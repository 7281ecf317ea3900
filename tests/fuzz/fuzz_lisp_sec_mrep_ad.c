/*
 * fuzz_lisp_sec_mrep_ad.c: libFuzzer harness for a Map-Reply with its
 * LISP-SEC Authentication Data (RFC 9303 §6.2): the Map-Reply decoder
 * finds the AD after the records, the AD decoder and the whole check
 * (EID HMAC, MS-OTK, PKT HMAC) run on it without reading outside the
 * input, and a record's authorization is asked of the EID-AD.  Then the
 * round trip: the EID-AD signed again with a known ITR-OTK and the reply
 * signed with the MS-OTK derived from it must verify.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lispsec.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
roundtrip(const uint8_t *data, size_t off, const struct lisp_sec_mrep_ad *ad)
{
	static const uint8_t		otk[LISP_SEC_OTK_LEN] = { 7 };
	static uint8_t			eid[LISP_MAX_MSG], out[LISP_MAX_MSG];
	struct lisp_sec_mrep_ad		ad2;
	enum lisp_err			why = LERR_OK;
	uint8_t				ms[LISP_SEC_OTK_LEN];
	ssize_t				n;

	memcpy(eid, ad->eid.raw, ad->eid.raw_len);
	memcpy(out, data, off);
	if (lisp_sec_hmac(ad->eid.hmac_id, otk, sizeof(otk), eid,
	    ad->eid.raw_len, ad->eid.hmac_off, eid + ad->eid.hmac_off) == -1 ||
	    lisp_sec_kdf(ad->eid.kdf_id, otk, ms) == -1 ||
	    (n = lisp_sec_sign_map_reply(out, off, sizeof(out), eid,
	    ad->eid.raw_len, ad->pkt_hmac_id, ms)) < 0 ||
	    lisp_sec_verify_map_reply(out, (size_t)n, off, otk, 0, 0, &ad2,
	    &why) == -1)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static const uint8_t		otk[LISP_SEC_OTK_LEN];
	static struct lisp_map_reply	m;
	struct lisp_sec_mrep_ad		ad;
	enum lisp_err			why = LERR_OK;
	uint8_t				i;

	if (lisp_decode_map_reply(data, len, &m, &why) == -1 ||
	    !m.security)
		return 0;
	if (m.sec_ad_off > len)
		abort();
	if (lisp_sec_decode_mrep_ad(data + m.sec_ad_off, len - m.sec_ad_off,
	    &ad, &why) == -1) {
		if (why == LERR_OK || why >= LERR__COUNT)
			abort();
		return 0;
	}
	if (ad.eid.raw < data + m.sec_ad_off ||
	    ad.eid.raw + ad.eid.raw_len > data + len ||
	    m.sec_ad_off + ad.pkt_hmac_off + lisp_sec_hmac_len(ad.pkt_hmac_id)
	    != len)
		abort();
	why = LERR_OK;
	if (lisp_sec_verify_map_reply(data, len, m.sec_ad_off, otk, 0, 0,
	    &ad, &why) == -1 && (why == LERR_OK || why >= LERR__COUNT))
		abort();
	for (i = 0; i < m.nrec; i++)
		(void)lisp_sec_authorized(&ad.eid, &m.rec[i].eid,
		    m.rec[i].eid_plen);
	if (ad.eid.kdf_id == LISP_SEC_KDF_HKDF_SHA1_128 ||
	    ad.eid.kdf_id == LISP_SEC_KDF_HKDF_SHA256)
		roundtrip(data, m.sec_ad_off, &ad);
	return 0;
}
