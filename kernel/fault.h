/*
 * fault.h - a user-mode exception, described without x86 numbers.
 * arch/x86_64/trap.c fills it in; fault.c decides what happens.
 */
#ifndef KERNEL_FAULT_H
#define KERNEL_FAULT_H

#include <pagoda/types.h>

enum fault_kind {
	FAULT_PAGE,        /* page fault: addr, access, present are valid */
	FAULT_PROTECTION,  /* general protection: privileged instruction, bad address */
	FAULT_ILLEGAL,     /* invalid opcode */
	FAULT_ARITHMETIC,  /* divide error, x87 or SIMD exception */
	FAULT_OTHER,
};

enum fault_access { FAULT_READ, FAULT_WRITE, FAULT_EXEC };

struct fault {
	enum fault_kind kind;
	enum fault_access access;
	bool present;           /* the page was mapped; the access broke its rights */
	vaddr_t addr;           /* faulting address (page faults) */
	vaddr_t ip;             /* instruction pointer */
	const char *name;       /* the CPU's name for the exception */
};

void fault_user(const struct fault *f);
int fault_copy(vaddr_t va, bool write, bool present);

#endif
