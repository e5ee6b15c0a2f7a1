/*
 * kstubs.h - the host environment for the kernel's pure code (format.c,
 * bootinfo.c, bootopt.c): the kernel.h console functions, panic and
 * strlcpy_k, for the host unit tests.
 *
 * kprintf(), kvprintf() and console_write() append to one capture buffer
 * (formatted by the kernel's own fmt_vsnprintf), so a test can assert the
 * exact messages the code printed. panic() fails the running cmocka test
 * through mock_assert(), with the panic message as the failed expression.
 */
#ifndef KSTUBS_H
#define KSTUBS_H

#include <stdbool.h>
#include <stddef.h>

#define KSTUB_LOG_MAX 16384

/* Everything printed since the last kstub_log_clear(), NUL-terminated. */
extern char kstub_log[KSTUB_LOG_MAX];
/* Set when output did not fit in kstub_log (a test should then fail). */
extern bool kstub_log_overflowed;

void kstub_log_clear(void);
/* Number of times `line` occurs in the log as a whole line. */
int kstub_log_count_line(const char *line);

#endif
