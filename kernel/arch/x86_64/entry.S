/*
 * entry.S - every way into and out of the kernel, and the context switch.
 *
 *   vector_N      one stub per IDT vector: pushes a zero error code when
 *                 the CPU did not push one, then the vector number, then
 *                 joins trap_common.
 *   trap_common   saves the general registers (struct trapframe), calls
 *                 trap(tf), and falls into trap_return.
 *   trap_return   restores a trapframe and leaves with iretq. New threads
 *                 start here too (proc.c builds their first frame).
 *   syscall_entry the `syscall` instruction lands here with interrupts off
 *                 (FMASK clears IF), user rsp live, rcx = user rip and
 *                 r11 = user rflags. It switches to the thread's kernel
 *                 stack, builds the same struct trapframe, calls
 *                 syscall_dispatch(tf) and returns with sysretq.
 *   swtch         saves callee-saved registers on the old kernel stack,
 *                 switches stacks, restores the new thread's.
 *
 * Uniprocessor: the syscall entry finds the kernel stack in the global
 * cpu_kstack_top (updated by the scheduler with TSS.rsp0) rather than via
 * swapgs and a per-CPU area.
 */
#include "arch/x86_64/trapframe.h"
#include "arch/x86_64/context.h"

	.altmacro               /* lets VECTOR %i pass the value of i */

	.macro PUSH_REGS
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	.endm

	.macro POP_REGS
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
	.endm

	/* Exceptions that push an error code: 8, 10-14, 17, 21, 29, 30. */
	.macro VECTOR n
	.align 16
vector_\n:
	.if (\n == 8) || (\n >= 10 && \n <= 14) || (\n == 17) || (\n == 21) || (\n == 29) || (\n == 30)
	.else
	pushq $0
	.endif
	pushq $\n
	jmp trap_common
	.endm

	.text
	.set i, 0
	.rept T_NVEC
	VECTOR %i
	.set i, i + 1
	.endr

	/* Table of stub addresses for idt.c. */
	.section .rodata
	.align 8
	.globl trap_vectors
trap_vectors:
	.macro VECTOR_ADDR n
	.quad vector_\n
	.endm
	.set i, 0
	.rept T_NVEC
	VECTOR_ADDR %i
	.set i, i + 1
	.endr

	.text
trap_common:
	PUSH_REGS
	cld
	movq %rsp, %rdi
	call trap
	.globl trap_return
trap_return:
	POP_REGS
	addq $16, %rsp                  /* trapno, err */
	iretq

	.globl syscall_entry
syscall_entry:
	movq %rsp, cpu_user_rsp(%rip)
	movq cpu_kstack_top(%rip), %rsp
	pushq $SEL_UDATA                /* ss */
	pushq cpu_user_rsp(%rip)        /* rsp */
	pushq %r11                      /* rflags */
	pushq $SEL_UCODE                /* cs */
	pushq %rcx                      /* rip */
	pushq $0                        /* err */
	pushq $T_SYSCALL                /* trapno */
	PUSH_REGS
	cld
	movq %rsp, %rdi
	call syscall_dispatch
	POP_REGS
	addq $16, %rsp
	popq %rcx                       /* rip */
	addq $8, %rsp                   /* cs */
	popq %r11                       /* rflags */
	popq %rsp                       /* user rsp; interrupts stay off until sysret */
	sysretq

	/* void swtch(struct context **save, struct context *load)
	 * The pushes below build a struct context (context.h): CTX_SIZE
	 * bytes from the saved rsp, the call's return address at CTX_RIP. */
	.globl swtch
swtch:
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	.if CTX_RIP != 6 * 8 || CTX_SIZE != CTX_RIP + 8
	.error "struct context does not match swtch's pushes"
	.endif
	movq %rsp, (%rdi)
	movq %rsi, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret

	.bss
	.align 8
	.globl cpu_kstack_top, cpu_user_rsp
cpu_kstack_top: .quad 0
cpu_user_rsp:   .quad 0

	.section .note.GNU-stack, "", @progbits
