/*
 * fpu.c - FPU/SSE state for user threads.
 *
 * newlib and gcc use SSE in user programs, so the kernel turns SSE on
 * (CR4.OSFXSR, CR4.OSXMMEXCPT, CR0.MP, clear CR0.EM) and keeps a 512-byte
 * FXSAVE area per thread. The state is saved and restored eagerly on every
 * context switch: simple, and the cost is two instructions. The kernel
 * itself is compiled with -mgeneral-regs-only and never touches it.
 */
#include "kernel.h"
#include "arch/x86_64/arch.h"
#include "arch/x86_64/x86.h"

void fpu_init(void)
{
	write_cr0((read_cr0() & ~(uint64_t)(CR0_EM | CR0_TS)) | CR0_MP);
	write_cr4(read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);
	__asm__ volatile("fninit");
}

void fpu_save(void *area)
{
	__asm__ volatile("fxsave64 (%0)" :: "r"(area) : "memory");
}

void fpu_restore(const void *area)
{
	__asm__ volatile("fxrstor64 (%0)" :: "r"(area) : "memory");
}

/* The state a new thread starts with: x87 control word 0x37f (all
 * exceptions masked, extended precision) and MXCSR 0x1f80 (all SSE
 * exceptions masked, round to nearest), as after FNINIT and reset. */
void fpu_state_init(void *area)
{
	uint8_t *a = area;
	memset(a, 0, FPU_STATE_SIZE);
	a[0] = 0x7f;
	a[1] = 0x03;
	a[24] = 0x80;
	a[25] = 0x1f;
}
