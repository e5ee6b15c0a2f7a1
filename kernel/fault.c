/*
 * fault.c - what happens when a user thread takes an exception.
 *
 * Until the memory server exists there is no demand paging, so every user
 * exception is fatal to its process - and only to its process. The kill is
 * logged with a reason a student can act on: the kind of access, the
 * address, the instruction pointer, and for a protection fault the
 * privileged instruction found at that address.
 */
#include "kernel.h"
#include "fault.h"
#include "sched.h"
#include "vm.h"
#include "arch/x86_64/mmu.h"

static const char *access_name(enum fault_access a)
{
	return a == FAULT_WRITE ? "write" : a == FAULT_EXEC ? "execute" : "read";
}

static const char *page_fault_reason(const struct fault *f)
{
	if (f->addr >= USER_TOP)
		return "kernel or non-user address";
	if (f->addr < PAGE_SIZE)
		return "NULL pointer dereference";
	if (!f->present)
		return "unmapped address";
	if (f->access == FAULT_WRITE)
		return "page is read-only";
	if (f->access == FAULT_EXEC)
		return "page is not executable";
	return "protection violation";
}

/* Name the privileged instruction at ip, if it is one of the usual ones. */
static const char *privileged_insn(struct proc *p, vaddr_t ip)
{
	uint8_t op;
	if (vm_copy_in(p->root, &op, ip, 1) < 0)
		return NULL;
	switch (op) {
	case 0xf4: return "hlt";
	case 0xfa: return "cli";
	case 0xfb: return "sti";
	case 0xe4: case 0xe5: case 0xec: case 0xed: return "in";
	case 0xe6: case 0xe7: case 0xee: case 0xef: return "out";
	default: return NULL;
	}
}

void fault_user(const struct fault *f)
{
	struct proc *p = current_proc();
	if (f->kind == FAULT_PAGE) {
		proc_kill(p, "page fault: %s at address %#lx (%s), ip %#lx",
			  access_name(f->access), f->addr,
			  page_fault_reason(f), f->ip);
	}
	if (f->kind == FAULT_PROTECTION) {
		const char *insn = privileged_insn(p, f->ip);
		if (insn)
			proc_kill(p, "privileged instruction '%s' at ip %#lx", insn,
				  f->ip);
		proc_kill(p, "general protection fault at ip %#lx (error code %#lx)",
			  f->ip, f->addr);
	}
	proc_kill(p, "%s at ip %#lx", f->name, f->ip);
}
