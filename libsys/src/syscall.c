/*
 * syscall.c - the `syscall` instruction for plain system calls.
 * Registers as in pagoda/syscall.h: rax = number, rdi, rsi, rdx, r10,
 * r8, r9 (and r12 for the one seven-argument call) = arguments; rax =
 * result; rcx and r11 are clobbered. IPC, which uses more registers,
 * is in ipc.c.
 */
#include <pagoda/sys.h>

int64_t sys_call7(uint64_t nr, uint64_t a1, uint64_t a2, uint64_t a3,
		  uint64_t a4, uint64_t a5, uint64_t a6, uint64_t a7)
{
	register uint64_t r10 __asm__("r10") = a4;
	register uint64_t r8 __asm__("r8") = a5;
	register uint64_t r9 __asm__("r9") = a6;
	register uint64_t r12 __asm__("r12") = a7;
	int64_t ret;
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a1), "S"(a2), "d"(a3), "r"(r10), "r"(r8), "r"(r9), "r"(r12)
			 : "rcx", "r11", "memory");
	return ret;
}

int64_t sys_call6(uint64_t nr, uint64_t a1, uint64_t a2, uint64_t a3,
		  uint64_t a4, uint64_t a5, uint64_t a6)
{
	return sys_call7(nr, a1, a2, a3, a4, a5, a6, 0);
}

void sys_exit(int status)
{
	sys_call6(SYS_EXIT, (uint64_t)status, 0, 0, 0, 0, 0);
	for (;;)
		;       /* not reached: the kernel never returns from SYS_EXIT */
}
