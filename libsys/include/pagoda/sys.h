/*
 * pagoda/sys.h - system call stubs for user programs (libsys).
 * Each returns what the kernel returns: >= 0, or -ERR_x (pagoda/error.h).
 * The C library's functions (printf, malloc, exit...) are built on these
 * by libsys/src/newlib_glue.c.
 */
#ifndef PAGODA_SYS_H
#define PAGODA_SYS_H

#include <stdint.h>
#include <stddef.h>
#include <pagoda/syscall.h>
#include <pagoda/error.h>

int64_t sys_call6(uint64_t nr, uint64_t a1, uint64_t a2, uint64_t a3,
		  uint64_t a4, uint64_t a5, uint64_t a6);

static inline int64_t sys_null(void) { return sys_call6(SYS_NULL, 0, 0, 0, 0, 0, 0); }
static inline int64_t sys_write(const void *buf, size_t len)
{
	return sys_call6(SYS_WRITE, (uint64_t)(uintptr_t)buf, len, 0, 0, 0, 0);
}
static inline int64_t sys_getpid(void) { return sys_call6(SYS_GETPID, 0, 0, 0, 0, 0, 0); }
static inline int64_t sys_yield(void) { return sys_call6(SYS_YIELD, 0, 0, 0, 0, 0, 0); }
static inline int64_t sys_uptime(void) { return sys_call6(SYS_UPTIME, 0, 0, 0, 0, 0, 0); }
__attribute__((noreturn)) void sys_exit(int status);

#endif
