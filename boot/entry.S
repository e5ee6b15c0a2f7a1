/*
 * entry.S - the multiboot header and the 32-bit -> 64-bit entry.
 *
 * GRUB (from the ISO) and QEMU's -kernel both load us as a multiboot v1
 * image at physical 1 MiB and jump to _start in 32-bit protected mode with
 * paging off, eax = 0x2BADB002 and ebx = the physical address of the
 * multiboot information. This code:
 *   1. checks the CPU has long mode and no-execute (or prints why not);
 *   2. builds three boot page tables that map physical 0..1 GiB twice:
 *      at 0 (identity, so the next instruction still works) and at
 *      KERNEL_VMA (the higher half the kernel is linked for);
 *   3. enables PAE, long mode, NX and paging, loads a minimal GDT, and
 *      far-jumps into 64-bit code;
 *   4. jumps to the higher half, sets up the boot stack and calls
 *      kmain(magic, mbi_phys).
 * kmain replaces these tables with the real kernel tables (paging.c) and
 * drops the identity map. Everything here lives in .boot, linked at its
 * physical address; the rest of the kernel is linked at KERNEL_VMA + pa.
 */
#include "arch/x86_64/mmu.h"

#define MB_MAGIC     0x1BADB002
#define MB_FLAGS     ((1 << 0) | (1 << 1))   /* page-align modules, give memory map */
#define COM1         0x3f8

	.section .multiboot, "a"
	.align 4
	.long MB_MAGIC
	.long MB_FLAGS
	.long -(MB_MAGIC + MB_FLAGS)

	.section .boot.text, "ax"
	.code32
	.globl _start
_start:
	cli
	cld
	movl $boot_stack32_top, %esp
	movl %eax, %edi                 /* keep magic and mbi for kmain */
	movl %ebx, %esi

	/* Long mode (bit 29) and NX (bit 20) in CPUID 0x80000001 EDX. */
	movl $0x80000000, %eax
	cpuid
	cmpl $0x80000001, %eax
	jb no_long_mode
	movl $0x80000001, %eax
	cpuid
	testl $(1 << 29), %edx
	jz no_long_mode
	testl $(1 << 20), %edx
	jz no_long_mode

	/* PD: 512 x 2 MiB pages covering physical 0..1 GiB. */
	movl $boot_pd, %ebx
	xorl %ecx, %ecx
1:	movl %ecx, %eax
	shll $21, %eax
	orl $(PTE_P | PTE_W | PTE_PS), %eax
	movl %eax, (%ebx, %ecx, 8)
	movl $0, 4(%ebx, %ecx, 8)
	incl %ecx
	cmpl $512, %ecx
	jne 1b

	movl $boot_pd + (PTE_P | PTE_W), boot_pdpt_low
	movl $boot_pd + (PTE_P | PTE_W), boot_pdpt_high + 510 * 8
	movl $boot_pdpt_low + (PTE_P | PTE_W), boot_pml4
	movl $boot_pdpt_high + (PTE_P | PTE_W), boot_pml4 + 511 * 8

	movl %cr4, %eax
	orl $(1 << 5), %eax             /* PAE */
	movl %eax, %cr4
	movl $boot_pml4, %eax
	movl %eax, %cr3
	movl $0xC0000080, %ecx          /* EFER: long mode enable, no-execute enable */
	rdmsr
	orl $((1 << 8) | (1 << 11)), %eax
	wrmsr
	movl %cr0, %eax
	orl $((1 << 31) | (1 << 16) | 1), %eax   /* PG, WP, PE */
	movl %eax, %cr0

	lgdt boot_gdt_desc
	ljmp $0x08, $long_mode

no_long_mode:
	movl $msg_no_lm, %esi
2:	lodsb
	testb %al, %al
	jz 3f
	movw $COM1, %dx
	outb %al, %dx
	jmp 2b
3:	hlt
	jmp 3b

	.code64
long_mode:
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	xorw %ax, %ax
	movw %ax, %fs
	movw %ax, %gs
	movabsq $higher_half, %rax
	jmp *%rax

	.section .boot.data, "aw"
	.align 8
boot_gdt:
	.quad 0
	.quad 0x00af9a000000ffff        /* 0x08: 64-bit code, ring 0 */
	.quad 0x00cf92000000ffff        /* 0x10: data, ring 0 */
boot_gdt_end:
boot_gdt_desc:
	.word boot_gdt_end - boot_gdt - 1
	.long boot_gdt
msg_no_lm:
	.asciz "Pagoda: this CPU has no long mode or no NX; Pagoda needs x86_64.\r\n"

	.section .boot.bss, "aw", @nobits
	.align 4096
	.globl boot_pml4, boot_pdpt_high
boot_pml4:      .space 4096
boot_pdpt_low:  .space 4096
boot_pdpt_high: .space 4096
boot_pd:        .space 4096
boot_stack32:   .space 256
boot_stack32_top:

	.text
	.code64
higher_half:
	.cfi_startproc
	.cfi_undefined rip
	movabsq $boot_stack_top, %rsp
	xorl %ebp, %ebp
	/* edi = multiboot magic, esi = multiboot info (physical) */
	call kmain
4:	cli
	hlt
	jmp 4b
	.cfi_endproc

	.bss
	.align 16
	.globl boot_stack_top
boot_stack:     .space 16384
boot_stack_top:

	.section .note.GNU-stack, "", @progbits
