/*
 * trapframe.h - the registers saved on a thread's kernel stack on every
 * entry to the kernel (exception, interrupt or system call).
 *
 * entry.S pushes them in exactly this order (ss first, r15 last), so the
 * struct reads upwards from the final stack pointer. The byte offsets are
 * part of the contract with entry.S and are checked below.
 */
#ifndef ARCH_TRAPFRAME_H
#define ARCH_TRAPFRAME_H

#define TF_R15     0
#define TF_RAX     112
#define TF_TRAPNO  120
#define TF_ERR     128
#define TF_RIP     136
#define TF_CS      144
#define TF_RFLAGS  152
#define TF_RSP     160
#define TF_SS      168
#define TF_SIZE    176

/* Vectors. 0..31 are CPU exceptions; the PIC is remapped to 32..47;
 * the local APIC delivers the MSIs from 48 up (lapic.c): 48..61 the
 * drivers' devices (one per bound device: kernel/device.c), 62 the
 * IOMMU's fault event, 63 the local APIC's spurious vector (its low four
 * bits must be ones on older CPUs). */
#define T_DE   0   /* divide error */
#define T_DB   1
#define T_NMI  2
#define T_BP   3
#define T_OF   4
#define T_BR   5
#define T_UD   6   /* invalid opcode */
#define T_NM   7
#define T_DF   8   /* double fault */
#define T_TS   10
#define T_NP   11
#define T_SS   12
#define T_GP   13  /* general protection */
#define T_PF   14  /* page fault */
#define T_MF   16
#define T_AC   17
#define T_MC   18
#define T_XM   19  /* SIMD floating point */
#define T_IRQ0 32
#define T_DEV0 48        /* the devices' MSIs, T_DEV_COUNT of them (device.c) */
#define T_DEV_COUNT 14
#define T_IOMMU_FAULT 62 /* the IOMMU's fault event (an MSI, vtd_fault.c) */
#define T_SPURIOUS 63    /* the local APIC's spurious vector (low nibble 1111) */
#define T_NVEC 64
#define T_SYSCALL 256 /* not a vector: marks frames built by the syscall entry */

/* Segment selectors (gdt.c builds the table in this order). */
#define SEL_KCODE 0x08
#define SEL_KDATA 0x10
#define SEL_UDATA (0x18 | 3)
#define SEL_UCODE (0x20 | 3)
#define SEL_TSS   0x28

#ifndef __ASSEMBLY__
#include <stdint.h>
#include <stddef.h>

_Static_assert(T_DEV0 + T_DEV_COUNT <= T_IOMMU_FAULT, "device vectors end below the IOMMU's");

struct trapframe {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t trapno, err;
	uint64_t rip, cs, rflags, rsp, ss;   /* pushed by the CPU (or by syscall entry) */
};

_Static_assert(offsetof(struct trapframe, rax) == TF_RAX, "TF_RAX");
_Static_assert(offsetof(struct trapframe, trapno) == TF_TRAPNO, "TF_TRAPNO");
_Static_assert(offsetof(struct trapframe, err) == TF_ERR, "TF_ERR");
_Static_assert(offsetof(struct trapframe, rip) == TF_RIP, "TF_RIP");
_Static_assert(offsetof(struct trapframe, rsp) == TF_RSP, "TF_RSP");
_Static_assert(sizeof(struct trapframe) == TF_SIZE, "TF_SIZE");

static inline int tf_from_user(const struct trapframe *tf) { return (tf->cs & 3) == 3; }

/* A fresh user-mode frame: interrupts on (RFLAGS.IF, bit 9; bit 1 is
 * always set), everything else zero. */
static inline void tf_init_user(struct trapframe *tf, uint64_t entry, uint64_t stack)
{
	*tf = (struct trapframe){
		.rip = entry, .cs = SEL_UCODE, .rflags = 0x202, .rsp = stack, .ss = SEL_UDATA,
	};
}
#endif

#endif
