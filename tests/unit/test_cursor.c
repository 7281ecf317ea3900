/* test_cursor.c: the bounds-checked cursor never reads or writes past. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "cursor.h"

static void
test_get_all_widths(void **state)
{
	const uint8_t	 b[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };
	struct cur	 c = cur_make(b, sizeof(b));
	uint8_t		 v8;
	uint16_t	 v16;
	uint32_t	 v32;
	uint64_t	 v64;

	(void)state;
	assert_int_equal(cur_get_u8(&c, &v8), 0);
	assert_int_equal(v8, 1);
	assert_int_equal(cur_get_u16(&c, &v16), 0);
	assert_int_equal(v16, 0x0203);
	assert_int_equal(cur_get_u32(&c, &v32), 0);
	assert_int_equal(v32, 0x04050607);
	assert_int_equal(cur_get_u64(&c, &v64), 0);
	assert_true(v64 == 0x08090a0b0c0d0e0full);
	assert_int_equal(cur_left(&c), 0);
	assert_int_equal(cur_get_u8(&c, &v8), -1);
}

static void
test_short_reads_leave_cursor(void **state)
{
	const uint8_t	 b[3] = { 0xaa, 0xbb, 0xcc };
	struct cur	 c = cur_make(b, sizeof(b));
	uint32_t	 v32 = 7;
	uint64_t	 v64 = 7;
	uint8_t		 out[4];

	(void)state;
	assert_int_equal(cur_get_u32(&c, &v32), -1);
	assert_int_equal(v32, 7);
	assert_int_equal(cur_get_u64(&c, &v64), -1);
	assert_int_equal(cur_get_bytes(&c, out, 4), -1);
	assert_int_equal(cur_left(&c), 3);
	assert_int_equal(cur_skip(&c, 4), -1);
	assert_int_equal(cur_skip(&c, 3), 0);
	assert_int_equal(cur_left(&c), 0);
}

static void
test_sub_is_fenced(void **state)
{
	const uint8_t	 b[] = { 0, 1, 2, 3, 4, 5 };
	struct cur	 c = cur_make(b, sizeof(b)), sub;
	uint32_t	 v32;
	uint16_t	 v16;

	(void)state;
	assert_int_equal(cur_sub(&c, 7, &sub), -1);
	assert_int_equal(cur_sub(&c, 2, &sub), 0);
	assert_int_equal(cur_left(&c), 4);
	/* the child cannot read into its parent's remaining bytes */
	assert_int_equal(cur_get_u32(&sub, &v32), -1);
	assert_int_equal(cur_peek_u16(&sub, &v16), 0);
	assert_int_equal(v16, 0x0001);
	assert_int_equal(cur_get_u16(&sub, &v16), 0);
	assert_int_equal(cur_left(&sub), 0);
}

static void
test_wbuf_overflow_is_sticky(void **state)
{
	uint8_t		buf[5];
	struct wbuf	w = wbuf_make(buf, sizeof(buf));
	int		errs = 0;

	(void)state;
	errs += put_u16(&w, 0x1234);
	errs += put_u16(&w, 0x5678);
	assert_int_equal(errs, 0);
	errs += put_u16(&w, 0x9abc);	/* does not fit */
	assert_int_equal(errs, -1);
	assert_false(wbuf_ok(&w));
	assert_int_equal(w.len, 4);
	/* once failed, even a fitting write is refused */
	assert_int_equal(put_u8(&w, 1), -1);
	assert_int_equal(w.len, 4);
	assert_memory_equal(buf, "\x12\x34\x56\x78", 4);
}

static void
test_wbuf_patch(void **state)
{
	uint8_t		buf[8];
	struct wbuf	w = wbuf_make(buf, sizeof(buf));

	(void)state;
	put_u32(&w, 0);
	put_u64(&w, 0);		/* too long: 12 > 8 */
	assert_false(wbuf_ok(&w));
	w = wbuf_make(buf, sizeof(buf));
	put_u32(&w, 0);
	assert_int_equal(put_u16_at(&w, 2, 0xbeef), 0);
	assert_int_equal(put_u16_at(&w, 3, 0xbeef), -1);	/* past len */
	w.err = 0;
	assert_int_equal(put_u8_at(&w, 0, 0x42), 0);
	assert_memory_equal(buf, "\x42\x00\xbe\xef", 4);
	assert_int_equal(put_zero(&w, 4), 0);
	assert_int_equal(w.len, 8);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_get_all_widths),
		cmocka_unit_test(test_short_reads_leave_cursor),
		cmocka_unit_test(test_sub_is_fenced),
		cmocka_unit_test(test_wbuf_overflow_is_sticky),
		cmocka_unit_test(test_wbuf_patch),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
