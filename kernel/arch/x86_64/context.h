/*
 * context.h - the callee-saved registers of a sleeping thread, as swtch
 * (entry.S) leaves them on its kernel stack.
 *
 * swtch pushes rbp, rbx, r12, r13, r14, r15 (in that order) below the
 * return address its call pushed, and saves the stack pointer: so the
 * struct reads upwards from that pointer, r15 first and rip last. To
 * start a new thread, proc.c writes one of these with rip = where it
 * should begin (trap_return, or the idle loop). The byte offsets are part
 * of the contract with entry.S and are checked below.
 */
#ifndef ARCH_CONTEXT_H
#define ARCH_CONTEXT_H

#define CTX_R15   0
#define CTX_R14   8
#define CTX_R13   16
#define CTX_R12   24
#define CTX_RBX   32
#define CTX_RBP   40
#define CTX_RIP   48     /* swtch's return address */
#define CTX_SIZE  56

#ifndef __ASSEMBLY__
#include <stdint.h>
#include <stddef.h>

struct context {
	uint64_t r15, r14, r13, r12, rbx, rbp, rip;
};

_Static_assert(offsetof(struct context, r15) == CTX_R15, "CTX_R15");
_Static_assert(offsetof(struct context, r14) == CTX_R14, "CTX_R14");
_Static_assert(offsetof(struct context, r13) == CTX_R13, "CTX_R13");
_Static_assert(offsetof(struct context, r12) == CTX_R12, "CTX_R12");
_Static_assert(offsetof(struct context, rbx) == CTX_RBX, "CTX_RBX");
_Static_assert(offsetof(struct context, rbp) == CTX_RBP, "CTX_RBP");
_Static_assert(offsetof(struct context, rip) == CTX_RIP, "CTX_RIP");
_Static_assert(sizeof(struct context) == CTX_SIZE, "CTX_SIZE");
#endif

#endif
