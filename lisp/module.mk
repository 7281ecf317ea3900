# lisp/: the LISP wire-format codec (RFC 9300 data header, RFC 9301 control
# messages, RFC 8060 Instance-ID LCAF).  Linked as build/liblisp.a; programs
# linking it must list libcrypto in <name>_PKGS.
LIBS += lisp
lisp_SRCS := lisp/err.c lisp/nonce.c lisp/addr.c lisp/record.c \
	lisp/map_request.c lisp/map_reply.c lisp/map_register.c lisp/ecm.c \
	lisp/data_hdr.c lisp/auth.c lisp/hkdf.c lisp/lispsec.c lisp/lispsec_crypto.c
lisp_PKGS := libcrypto

LISP_TEST_BASE := common/cursor.c common/addr.c common/csum.c lisp/err.c \
	lisp/addr.c

UNIT_TESTS += test_lisp_roundtrip
test_lisp_roundtrip_SRCS := tests/unit/test_lisp_roundtrip.c $(lisp_SRCS) \
	common/cursor.c common/addr.c common/csum.c
test_lisp_roundtrip_PKGS := cmocka libcrypto

# The tshark oracle's input: tests/integ/lisp_tshark.sh
NOINST_PROGS += lisp_pcapgen
lisp_pcapgen_SRCS := tests/tools/lisp_pcapgen.c
lisp_pcapgen_LIBS := lisp common
lisp_pcapgen_PKGS := libpcap libcrypto

UNIT_TESTS += test_lisp_addr
test_lisp_addr_SRCS := tests/unit/test_lisp_addr.c $(LISP_TEST_BASE)
test_lisp_addr_PKGS := cmocka

UNIT_TESTS += test_lisp_map_request
test_lisp_map_request_SRCS := tests/unit/test_lisp_map_request.c \
	$(LISP_TEST_BASE) lisp/record.c lisp/map_request.c
test_lisp_map_request_PKGS := cmocka

UNIT_TESTS += test_lisp_map_reply
test_lisp_map_reply_SRCS := tests/unit/test_lisp_map_reply.c \
	$(LISP_TEST_BASE) lisp/record.c lisp/map_reply.c
test_lisp_map_reply_PKGS := cmocka

UNIT_TESTS += test_lisp_map_register
test_lisp_map_register_SRCS := tests/unit/test_lisp_map_register.c \
	$(LISP_TEST_BASE) lisp/record.c lisp/map_register.c lisp/auth.c \
	lisp/hkdf.c
test_lisp_map_register_PKGS := cmocka libcrypto

UNIT_TESTS += test_lisp_ecm
test_lisp_ecm_SRCS := tests/unit/test_lisp_ecm.c common/cursor.c \
	common/addr.c common/csum.c lisp/err.c lisp/ecm.c lisp/addr.c \
	lisp/lispsec.c
test_lisp_ecm_PKGS := cmocka

UNIT_TESTS += test_lisp_sec
test_lisp_sec_SRCS := tests/unit/test_lisp_sec.c $(LISP_TEST_BASE) \
	lisp/record.c lisp/map_reply.c lisp/ecm.c lisp/lispsec.c \
	lisp/lispsec_crypto.c lisp/hkdf.c
test_lisp_sec_PKGS := cmocka libcrypto

UNIT_TESTS += test_lisp_hkdf
test_lisp_hkdf_SRCS := tests/unit/test_lisp_hkdf.c lisp/hkdf.c
test_lisp_hkdf_PKGS := cmocka libcrypto

UNIT_TESTS += test_lisp_data_hdr test_lisp_misc
test_lisp_data_hdr_SRCS := tests/unit/test_lisp_data_hdr.c common/cursor.c \
	lisp/err.c lisp/data_hdr.c
test_lisp_data_hdr_PKGS := cmocka
test_lisp_misc_SRCS := tests/unit/test_lisp_misc.c lisp/err.c lisp/nonce.c
test_lisp_misc_PKGS := cmocka

# libFuzzer harnesses, one per decoder; seeds in tests/fuzz/corpus/<target>/
# are written by `lisp_pcapgen x.pcap x.json tests/fuzz/corpus`.
LISP_FUZZ := fuzz_lisp_map_request fuzz_lisp_map_reply fuzz_lisp_map_register \
	fuzz_lisp_ecm fuzz_lisp_data_hdr fuzz_lisp_record \
	fuzz_lisp_sec_ecm_ad fuzz_lisp_sec_mrep_ad
FUZZ_TARGETS += $(LISP_FUZZ)
$(foreach t,$(LISP_FUZZ),$(eval $(t)_SRCS := tests/fuzz/$(t).c $(lisp_SRCS) \
	common/cursor.c common/addr.c common/csum.c))
$(foreach t,$(LISP_FUZZ),$(eval $(t)_PKGS := libcrypto))
