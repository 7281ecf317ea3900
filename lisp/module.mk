# lisp/: the LISP wire-format codec (RFC 9300 data header, RFC 9301 control
# messages, RFC 8060 Instance-ID LCAF).  Linked as build/liblisp.a; programs
# linking it must list libcrypto in <name>_PKGS.
LIBS += lisp
lisp_SRCS := lisp/err.c lisp/nonce.c lisp/addr.c lisp/record.c \
	lisp/map_request.c lisp/map_reply.c lisp/map_register.c lisp/ecm.c \
	lisp/data_hdr.c lisp/auth.c
lisp_PKGS := libcrypto
