# tools/: operator tools that are neither daemon nor control client.
# openlisp-import: OpenLISP configuration (thesis Figures 7.1/7.2) to
# xtrd.conf.
BIN_PROGS += openlisp-import
openlisp-import_SRCS := tools/openlisp_import.c tools/openlisp_parse.c \
	tools/openlisp_emit.c
openlisp-import_LIBS := common

FUZZ_TARGETS += fuzz_openlisp
fuzz_openlisp_SRCS := tests/fuzz/fuzz_openlisp.c tools/openlisp_parse.c \
	tools/openlisp_emit.c common/cfgline.c common/log.c common/addr.c
