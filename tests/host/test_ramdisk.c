/*
 * test_ramdisk.c - the ramdisk's request handler (servers/ramdisk/
 * ramdisk.c, unchanged) driven with fake messages over fake storage and a
 * fake transfer window: what it answers, and that a refused request
 * changes nothing - neither the storage nor the window.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include <pagoda/blk.h>
#include <pagoda/mm.h>
#include "ramdisk.h"

#define PAGES 16
#define PG 4096

static uint8_t storage[PAGES * PG], window[BLK_WINDOW_PAGES * PG];
static uint8_t storage_copy[sizeof storage], window_copy[sizeof window];
static struct ramdisk rd;

static const struct ipc_from from_mm = { .pid = MM_PID, .handle = 77 };

static int setup(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof storage; i++)
		storage[i] = (uint8_t)(i * 13 + 1);
	for (size_t i = 0; i < sizeof window; i++)
		window[i] = (uint8_t)(i * 7 + 5);
	rd = (struct ramdisk){ storage, PAGES, window, 0 };
	memcpy(storage_copy, storage, sizeof storage);
	memcpy(window_copy, window, sizeof window);
	return 0;
}

static struct ipc_msg msg(int64_t tag, uint64_t w0, uint64_t w1, uint64_t w2)
{
	return (struct ipc_msg){ .tag = tag, .w = { w0, w1, w2 } };
}

/* The reply tag to m from `from`; asserts that it is answered. */
static int64_t ask(struct ipc_msg m, const struct ipc_from *from, struct ipc_msg *reply)
{
	struct ipc_msg r;
	assert_int_equal(ramdisk_handle(&rd, &m, from, reply ? reply : &r), 1);
	return (reply ? reply : &r)->tag;
}

static void assert_unchanged(void)
{
	assert_memory_equal(storage, storage_copy, sizeof storage);
	assert_memory_equal(window, window_copy, sizeof window);
}

static void info_reports_the_size_and_the_window(void **state)
{
	(void)state;
	struct ipc_msg r;
	assert_int_equal(ask(msg(BLK_INFO, 0, 0, 0), &from_mm, &r), 0);
	assert_int_equal(r.w[0], PAGES);
	assert_int_equal(r.w[1], BLK_WINDOW_VA);
	assert_int_equal(r.w[2], BLK_WINDOW_PAGES);
	assert_int_equal(ask(msg(BLK_INFO, 1, 0, 0), &from_mm, NULL), -ERR_INVAL);
}

static void read_after_write_returns_the_bytes_written(void **state)
{
	(void)state;
	memset(window + 2 * PG, 0xa5, PG);
	memset(window + 3 * PG, 0x3c, PG);
	assert_int_equal(ask(msg(BLK_WRITE, 9, 2, 2), &from_mm, NULL), 0);   /* slots 9, 10 */
	memset(window, 0, sizeof window);
	assert_int_equal(ask(msg(BLK_READ, 10, 0, 1), &from_mm, NULL), 0);
	assert_int_equal(ask(msg(BLK_READ, 9, 5, 1), &from_mm, NULL), 0);
	for (int i = 0; i < PG; i++) {
		assert_int_equal(window[i], 0x3c);
		assert_int_equal(window[5 * PG + i], 0xa5);
	}
	/* the neighbouring slots kept their bytes */
	assert_memory_equal(storage + 8 * PG, storage_copy + 8 * PG, PG);
	assert_memory_equal(storage + 11 * PG, storage_copy + 11 * PG, PG);
}

static void the_last_slot_and_the_last_window_page_work(void **state)
{
	(void)state;
	assert_int_equal(ask(msg(BLK_WRITE, PAGES - 1, BLK_WINDOW_PAGES - 1, 1), &from_mm, NULL), 0);
	assert_memory_equal(storage + (PAGES - 1) * PG, window + (BLK_WINDOW_PAGES - 1) * PG, PG);
	assert_int_equal(ask(msg(BLK_READ, 0, 0, BLK_WINDOW_PAGES), &from_mm, NULL), 0);
	assert_memory_equal(window, storage, BLK_WINDOW_PAGES * PG);
}

static void a_request_from_anyone_but_mm_is_refused_and_changes_nothing(void **state)
{
	(void)state;
	const struct ipc_from prog = { .pid = 3, .handle = 78 };
	assert_int_equal(ask(msg(BLK_WRITE, 0, 0, 1), &prog, NULL), -ERR_PERM);
	assert_int_equal(ask(msg(BLK_READ, 0, 0, 1), &prog, NULL), -ERR_PERM);
	assert_int_equal(ask(msg(BLK_INFO, 0, 0, 0), &prog, NULL), -ERR_PERM);
	assert_int_equal(ask(msg(99, 0, 0, 0), &prog, NULL), -ERR_PERM);   /* before ERR_NOSYS */
	assert_unchanged();
}

static void a_slot_past_the_end_is_refused_and_changes_nothing(void **state)
{
	(void)state;
	assert_int_equal(ask(msg(BLK_WRITE, PAGES, 0, 1), &from_mm, NULL), -ERR_INVAL);
	assert_int_equal(ask(msg(BLK_READ, PAGES, 0, 1), &from_mm, NULL), -ERR_INVAL);
	assert_int_equal(ask(msg(BLK_WRITE, PAGES - 1, 0, 2), &from_mm, NULL), -ERR_INVAL);
	assert_int_equal(ask(msg(BLK_READ, UINT64_MAX, 0, 2), &from_mm, NULL), -ERR_INVAL);
	assert_int_equal(ask(msg(BLK_WRITE, UINT64_MAX / PG + 1, 0, 1), &from_mm, NULL), -ERR_INVAL);
	assert_unchanged();
}

static void a_bad_window_page_or_count_is_refused_and_changes_nothing(void **state)
{
	(void)state;
	assert_int_equal(ask(msg(BLK_READ, 0, BLK_WINDOW_PAGES, 1), &from_mm, NULL), -ERR_INVAL);
	assert_int_equal(ask(msg(BLK_WRITE, 0, BLK_WINDOW_PAGES - 1, 2), &from_mm, NULL), -ERR_INVAL);
	assert_int_equal(ask(msg(BLK_READ, 0, UINT64_MAX, 2), &from_mm, NULL), -ERR_INVAL);
	assert_int_equal(ask(msg(BLK_READ, 0, 0, 0), &from_mm, NULL), -ERR_INVAL);
	assert_int_equal(ask(msg(BLK_WRITE, 0, 0, BLK_WINDOW_PAGES + 1), &from_mm, NULL), -ERR_INVAL);
	assert_int_equal(ask(msg(BLK_WRITE, 0, 0, UINT64_MAX), &from_mm, NULL), -ERR_INVAL);
	assert_unchanged();
}

static void unused_words_must_be_zero(void **state)
{
	(void)state;
	for (int w = 3; w < IPC_WORDS; w++) {
		struct ipc_msg m = msg(BLK_WRITE, 0, 0, 1);
		m.w[w] = 1;
		assert_int_equal(ask(m, &from_mm, NULL), -ERR_INVAL);
	}
	assert_unchanged();
}

static void an_unknown_tag_gets_err_nosys_and_changes_nothing(void **state)
{
	(void)state;
	static const int64_t tags[] = { 0, BLK__REQUESTS, 1000, -1, IPC_TAG_KERNEL - 1 };
	for (size_t i = 0; i < sizeof tags / sizeof tags[0]; i++)
		assert_int_equal(ask(msg(tags[i], 0, 0, 1), &from_mm, NULL), -ERR_NOSYS);
	assert_unchanged();
}

static void a_request_sent_without_a_reply_handle_is_not_executed(void **state)
{
	(void)state;
	const struct ipc_from sent = { .pid = MM_PID, .handle = IPC_NO_REPLY };
	struct ipc_msg m = msg(BLK_WRITE, 0, 0, 1), r;
	assert_int_equal(ramdisk_handle(&rd, &m, &sent, &r), 0);
	m = msg(BLK_READ, 0, 0, 1);
	assert_int_equal(ramdisk_handle(&rd, &m, &sent, &r), 0);
	assert_unchanged();
	assert_int_equal(rd.requests, 0);
}

static void a_notification_from_the_kernel_is_not_answered(void **state)
{
	(void)state;
	const struct ipc_from kernel = { .pid = PID_KERNEL, .handle = IPC_NO_REPLY };
	struct ipc_msg m = msg(MSG_NOTIFY, 1, 0, 0), r;
	assert_int_equal(ramdisk_handle(&rd, &m, &kernel, &r), 0);
	assert_unchanged();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(info_reports_the_size_and_the_window, setup),
		cmocka_unit_test_setup(read_after_write_returns_the_bytes_written, setup),
		cmocka_unit_test_setup(the_last_slot_and_the_last_window_page_work, setup),
		cmocka_unit_test_setup(a_request_from_anyone_but_mm_is_refused_and_changes_nothing, setup),
		cmocka_unit_test_setup(a_slot_past_the_end_is_refused_and_changes_nothing, setup),
		cmocka_unit_test_setup(a_bad_window_page_or_count_is_refused_and_changes_nothing, setup),
		cmocka_unit_test_setup(unused_words_must_be_zero, setup),
		cmocka_unit_test_setup(an_unknown_tag_gets_err_nosys_and_changes_nothing, setup),
		cmocka_unit_test_setup(a_request_sent_without_a_reply_handle_is_not_executed, setup),
		cmocka_unit_test_setup(a_notification_from_the_kernel_is_not_answered, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
