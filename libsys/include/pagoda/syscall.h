/*
 * pagoda/syscall.h - the system call ABI (the one definition).
 *
 * Calling convention (x86_64 `syscall` instruction):
 *   rax = system call number, arguments in rdi, rsi, rdx, r10, r8, r9;
 *   result in rax: >= 0 on success, -ERR_x (pagoda/error.h) on failure.
 *   rcx and r11 are clobbered (the CPU uses them); every other register,
 *   including the FPU/SSE state, is preserved.
 * Every pointer argument is checked against the caller's page tables
 * before anything happens: an unmapped, kernel or read-only (for output)
 * buffer gets -ERR_FAULT and no partial effect. An unknown number gets
 * -ERR_NOSYS.
 */
#ifndef PAGODA_SYSCALL_H
#define PAGODA_SYSCALL_H

/* Timer ticks per second as seen by SYS_UPTIME. */
#define PAGODA_TICK_HZ 100

/* Longest console write accepted in one call (bytes). */
#define PAGODA_WRITE_MAX (1u << 20)

enum pagoda_syscall {
	/* SYS_NULL(): does nothing, returns 0. The cost floor of a system call. */
	SYS_NULL    = 0,
	/* SYS_EXIT(int status): ends the calling process. Does not return. */
	SYS_EXIT    = 1,
	/* SYS_WRITE(const void *buf, size_t len): writes to the console.
	 * Returns len. Errors: ERR_FAULT (buf not readable), ERR_INVAL
	 * (len > PAGODA_WRITE_MAX). */
	SYS_WRITE   = 2,
	/* SYS_GETPID(): the caller's process id (>= 1). */
	SYS_GETPID  = 3,
	/* SYS_YIELD(): gives up the rest of the time slice. Returns 0. */
	SYS_YIELD   = 4,
	/* SYS_UPTIME(): timer ticks since boot (PAGODA_TICK_HZ per second). */
	SYS_UPTIME  = 5,
	SYS__COUNT
};

#endif
