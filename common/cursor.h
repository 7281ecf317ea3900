/*
 * cursor.h: bounds-checked reading and writing of wire formats.
 *
 * A struct cur is a read window {p, len} over a received buffer.  Every
 * get_* call fails (returns -1) when fewer bytes remain than it needs and
 * then leaves the cursor untouched, so a decoder can never read past the
 * end of what it was given.  A sub-structure (an EID record, an LCAF) is
 * cut out with cur_sub() as a child cursor of exactly its announced length,
 * so its parser cannot read past it either.  Multi-byte integers are in
 * network byte order.
 *
 * A struct wbuf is a write window over a caller-owned buffer.  put_* calls
 * never write out of bounds: on overflow they set w->err and do nothing.
 * Encoders add up the results and check once, or just test wbuf_ok().
 */
#ifndef MIG_CURSOR_H
#define MIG_CURSOR_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct cur {
	const uint8_t	*p;
	size_t		 len;
};

static inline struct cur
cur_make(const void *p, size_t len)
{
	struct cur c = { (const uint8_t *)p, len };
	return c;
}

static inline size_t cur_left(const struct cur *c) { return c->len; }

/* The getters and cur_skip are inline, defined below the byte-order
 * helpers (a call each was half of a Map-Server refresh's decode). */
static inline int cur_get_u8(struct cur *, uint8_t *);
static inline int cur_get_u16(struct cur *, uint16_t *);
static inline int cur_get_u32(struct cur *, uint32_t *);
static inline int cur_get_u64(struct cur *, uint64_t *);
static inline int cur_get_bytes(struct cur *, void *, size_t);
static inline int cur_skip(struct cur *, size_t);
/* Cut the next n bytes out as *sub and advance past them. */
int	cur_sub(struct cur *, size_t n, struct cur *sub);
/* Look without consuming. */
int	cur_peek_u8(const struct cur *, uint8_t *);
int	cur_peek_u16(const struct cur *, uint16_t *);

struct wbuf {
	uint8_t	*p;
	size_t	 cap;
	size_t	 len;
	int	 err;	/* sticky: set by the first write that did not fit */
};

static inline struct wbuf
wbuf_make(void *p, size_t cap)
{
	struct wbuf w = { (uint8_t *)p, cap, 0, 0 };
	return w;
}

static inline int wbuf_ok(const struct wbuf *w) { return w->err == 0; }

int	put_u8(struct wbuf *, uint8_t);
int	put_u16(struct wbuf *, uint16_t);
int	put_u32(struct wbuf *, uint32_t);
int	put_u64(struct wbuf *, uint64_t);
int	put_bytes(struct wbuf *, const void *, size_t);
int	put_zero(struct wbuf *, size_t);
/* Overwrite already-written bytes at offset off (length fields, counts). */
int	put_u8_at(struct wbuf *, size_t off, uint8_t);
int	put_u16_at(struct wbuf *, size_t off, uint16_t);

/* Unaligned big-endian helpers for code that already checked the length. */
static inline uint16_t
rd_be16(const uint8_t *p)
{
	return (uint16_t)((unsigned)p[0] << 8 | p[1]);
}

static inline uint32_t
rd_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static inline void
wr_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void
wr_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static inline int
cur_get_bytes(struct cur *c, void *out, size_t n)
{
	if (c->len < n)
		return -1;
	if (n > 0 && out != NULL)
		memcpy(out, c->p, n);
	c->p += n;
	c->len -= n;
	return 0;
}

static inline int
cur_skip(struct cur *c, size_t n)
{
	return cur_get_bytes(c, NULL, n);
}

static inline int
cur_get_u8(struct cur *c, uint8_t *v)
{
	if (c->len < 1)
		return -1;
	*v = c->p[0];
	c->p++;
	c->len--;
	return 0;
}

static inline int
cur_get_u16(struct cur *c, uint16_t *v)
{
	if (c->len < 2)
		return -1;
	*v = rd_be16(c->p);
	c->p += 2;
	c->len -= 2;
	return 0;
}

static inline int
cur_get_u32(struct cur *c, uint32_t *v)
{
	if (c->len < 4)
		return -1;
	*v = rd_be32(c->p);
	c->p += 4;
	c->len -= 4;
	return 0;
}

static inline int
cur_get_u64(struct cur *c, uint64_t *v)
{
	if (c->len < 8)
		return -1;
	*v = (uint64_t)rd_be32(c->p) << 32 | rd_be32(c->p + 4);
	c->p += 8;
	c->len -= 8;
	return 0;
}

#endif
