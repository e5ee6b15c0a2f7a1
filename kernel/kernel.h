/*
 * kernel.h - what every kernel file needs: the console, panic, and the
 * freestanding string functions gcc may call on its own.
 */
#ifndef KERNEL_KERNEL_H
#define KERNEL_KERNEL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <string.h>
#include <pagoda/types.h>
#include <pagoda/error.h>

#define PAGODA_VERSION "0.1"
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* console.c */
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void kvprintf(const char *fmt, va_list ap);
void console_write(const char *s, size_t len);
__attribute__((noreturn, format(printf, 1, 2)))
void panic(const char *fmt, ...);

/* lib.c: the <string.h> subset (kernel/include/string.h) plus this */
void strlcpy_k(char *dst, const char *src, size_t size);

#endif
