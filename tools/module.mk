# tools/: operator tools that are neither daemon nor control client.
# openlisp-import: OpenLISP configuration (thesis Figures 7.1/7.2) to
# xtrd.conf.  It links xtrd's own config parser (xtr/config.c) to check what
# it prints.
BIN_PROGS += openlisp-import
openlisp-import_SRCS := tools/openlisp_import.c tools/openlisp_parse.c \
	tools/openlisp_emit.c xtr/config.c xtr/config_spec.c xtr/dp_conf.c
openlisp-import_LIBS := common

FUZZ_TARGETS += fuzz_openlisp
fuzz_openlisp_SRCS := tests/fuzz/fuzz_openlisp.c tools/openlisp_parse.c \
	tools/openlisp_emit.c xtr/config.c xtr/config_spec.c xtr/dp_conf.c \
	common/cfgline.c common/cfgkey.c \
	common/log.c common/mac.c \
	common/addr.c
