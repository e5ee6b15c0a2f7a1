/*
 * syscall_arch.c - enabling the `syscall` instruction.
 *
 * STAR holds the selectors: `syscall` loads CS = STAR[47:32] (kernel code)
 * and SS = CS + 8; `sysretq` loads CS = STAR[63:48] + 16 and SS =
 * STAR[63:48] + 8, with RPL 3. With STAR[63:48] = 0x10 that gives user
 * SS 0x1b and CS 0x23, which is why gdt.c puts user data before user code.
 * LSTAR is the entry point; FMASK clears IF, DF, TF and AC on entry, so
 * the kernel starts with interrupts off and a known direction flag.
 * The system call ABI itself is in libsys/include/pagoda/syscall.h.
 */
#include "kernel.h"
#include "arch/x86_64/arch.h"
#include "arch/x86_64/x86.h"

void syscall_arch_init(void)
{
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
	wrmsr(MSR_STAR, ((uint64_t)SEL_KDATA << 48) | ((uint64_t)SEL_KCODE << 32));
	wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
	wrmsr(MSR_FMASK, RFLAGS_IF | RFLAGS_DF | RFLAGS_TF | RFLAGS_AC);
}
