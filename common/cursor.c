/* cursor.c: bounds-checked reading and writing, see cursor.h. */
#include <string.h>

#include "cursor.h"

int
cur_sub(struct cur *c, size_t n, struct cur *sub)
{
	if (c->len < n)
		return -1;
	sub->p = c->p;
	sub->len = n;
	c->p += n;
	c->len -= n;
	return 0;
}

int
cur_peek_u8(const struct cur *c, uint8_t *v)
{
	if (c->len < 1)
		return -1;
	*v = c->p[0];
	return 0;
}

int
cur_peek_u16(const struct cur *c, uint16_t *v)
{
	if (c->len < 2)
		return -1;
	*v = rd_be16(c->p);
	return 0;
}

static int
wbuf_room(struct wbuf *w, size_t n)
{
	if (w->err || w->cap - w->len < n) {
		w->err = 1;
		return -1;
	}
	return 0;
}

int
put_bytes(struct wbuf *w, const void *src, size_t n)
{
	if (wbuf_room(w, n) == -1)
		return -1;
	if (n > 0)
		memcpy(w->p + w->len, src, n);
	w->len += n;
	return 0;
}

int
put_zero(struct wbuf *w, size_t n)
{
	if (wbuf_room(w, n) == -1)
		return -1;
	memset(w->p + w->len, 0, n);
	w->len += n;
	return 0;
}

int
put_u8(struct wbuf *w, uint8_t v)
{
	return put_bytes(w, &v, 1);
}

int
put_u16(struct wbuf *w, uint16_t v)
{
	uint8_t b[2];

	wr_be16(b, v);
	return put_bytes(w, b, 2);
}

int
put_u32(struct wbuf *w, uint32_t v)
{
	uint8_t b[4];

	wr_be32(b, v);
	return put_bytes(w, b, 4);
}

int
put_u64(struct wbuf *w, uint64_t v)
{
	uint8_t b[8];

	wr_be32(b, (uint32_t)(v >> 32));
	wr_be32(b + 4, (uint32_t)v);
	return put_bytes(w, b, 8);
}

int
put_u8_at(struct wbuf *w, size_t off, uint8_t v)
{
	if (off >= w->len) {
		w->err = 1;
		return -1;
	}
	w->p[off] = v;
	return 0;
}

int
put_u16_at(struct wbuf *w, size_t off, uint16_t v)
{
	if (off > w->len || w->len - off < 2) {
		w->err = 1;
		return -1;
	}
	wr_be16(w->p + off, v);
	return 0;
}
