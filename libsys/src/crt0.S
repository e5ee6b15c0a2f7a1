/*
 * crt0.S - where every user program starts.
 * The kernel starts a process with rsp pointing at argc, followed by
 * argv[0..argc-1], NULL, and an empty environment (System V ABI, 3.4.1).
 * We pass argc and argv to libsys_start (newlib_glue.c), which runs the
 * C library's initialisers, main, and exit.
 */
	.text
	.globl _start
_start:
	.cfi_startproc
	.cfi_undefined rip
	xorl %ebp, %ebp
	movq (%rsp), %rdi               /* argc */
	leaq 8(%rsp), %rsi              /* argv */
	andq $-16, %rsp
	call libsys_start
	ud2
	.cfi_endproc

	/* newlib's __libc_init_array calls _init/_fini; we have no crti. */
	.globl _init, _fini
_init:
_fini:
	ret

	.section .note.GNU-stack, "", @progbits
