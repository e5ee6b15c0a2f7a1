/*
 * kstubs.c - host implementation of the kernel.h services used by the
 * kernel's pure code. See kstubs.h.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "kernel.h"
#include "format.h"
#include "kstubs.h"

char kstub_log[KSTUB_LOG_MAX];
bool kstub_log_overflowed;
static size_t log_len;

void kstub_log_clear(void)
{
	log_len = 0;
	kstub_log[0] = '\0';
	kstub_log_overflowed = false;
}

int kstub_log_count_line(const char *line)
{
	size_t n = strlen(line);
	int count = 0;
	for (const char *p = kstub_log; *p; ) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		if (len == n && !memcmp(p, line, n))
			count++;
		p += len + (nl ? 1 : 0);
	}
	return count;
}

void console_write(const char *s, size_t len)
{
	size_t room = KSTUB_LOG_MAX - 1 - log_len;
	if (len > room) {
		len = room;
		kstub_log_overflowed = true;
	}
	memcpy(kstub_log + log_len, s, len);
	log_len += len;
	kstub_log[log_len] = '\0';
}

void kvprintf(const char *fmt, va_list ap)
{
	char line[1024];
	int n = fmt_vsnprintf(line, sizeof line, fmt, ap);
	if (n >= (int)sizeof line) {
		n = sizeof line - 1;
		kstub_log_overflowed = true;
	}
	console_write(line, (size_t)n);
}

void kprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
}

void panic(const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	fmt_vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	/* Fails the running test (or satisfies expect_assert_failure). */
	mock_assert(0, msg, __FILE__, __LINE__);
	abort();
}

void strlcpy_k(char *dst, const char *src, size_t size)
{
	if (size == 0)
		return;
	size_t n = strnlen(src, size - 1);
	memcpy(dst, src, n);
	dst[n] = '\0';
}
