/*
 * fault.c - what happens when a user thread takes an exception.
 *
 * A page fault is the memory server's business: the kernel turns it into
 * an MM_FAULT message and makes the faulting thread CALL the memory server
 * with it (ipc_send with `fault` set). The thread stays blocked until the
 * server answers: MM_FAULT_RESUME (the page is there now; the instruction
 * runs again) or MM_FAULT_KILL (the server logged why; the process ends).
 * A system call's copy of user memory meets missing pages the same way
 * (fault_copy, called from vm_user_ready in vm.c): the message is marked
 * MM_FAULT_COPY, and the server may also answer MM_FAULT_REFUSE, which
 * fails the call with ERR_FAULT and leaves the process alive.
 * A page fault inside the memory server itself cannot be served by anyone:
 * that is a panic with a clear message.
 *
 * Every other exception is fatal to its process - and only to it. The
 * kernel logs the kill with a reason a student can act on: the exception,
 * the instruction pointer, and for a protection fault the privileged
 * instruction found there.
 */
#include "kernel.h"
#include "fault.h"
#include "sched.h"
#include "vm.h"
#include "ipc.h"
#include <pagoda/mm.h>

static uint64_t mm_access_bits(const struct fault *f)
{
	uint64_t a = f->access == FAULT_WRITE ? MM_FAULT_WRITE
		   : f->access == FAULT_EXEC ? MM_FAULT_EXEC : MM_FAULT_READ;
	return a | (f->present ? MM_FAULT_PRESENT : 0);
}

static void page_fault(struct proc *p, const struct fault *f)
{
	if (p->flags & PROC_FLAG_MM)
		panic("page fault in the memory server at address %#lx, ip %#lx: "
		      "it cannot page itself", f->addr, f->ip);
	struct ipc_msg m = { .tag = MM_FAULT, .w = { f->addr, mm_access_bits(f), f->ip } };
	int64_t err = ipc_send(sched_current, MM_PID, &m, true, true);
	if (err == -ERR_FAULT)          /* MM_FAULT_REFUSE: meant for copies only */
		proc_kill(p, "page fault at address %#lx: refused by the memory server", f->addr);
	else if (err < 0)
		proc_kill(p, "page fault at address %#lx: the memory server is gone (%s)",
			  f->addr, pagoda_strerror((int)err));
}

/* A user copy for the running thread (not the memory server's) met page
 * va missing, or read-only for a write: ask the memory server, as a trap
 * would, marked MM_FAULT_COPY (w2 = 0: no instruction). 0: it resumed
 * (try again); -ERR_FAULT: it refused, or is gone. After MM_FAULT_KILL
 * the thread is gone and this never returns. */
int fault_copy(vaddr_t va, bool write, bool present)
{
	struct fault f = { .kind = FAULT_PAGE, .access = write ? FAULT_WRITE : FAULT_READ,
			   .present = present, .addr = va };
	struct ipc_msg m = { .tag = MM_FAULT, .w = { va, mm_access_bits(&f) | MM_FAULT_COPY, 0 } };
	return ipc_send(sched_current, MM_PID, &m, true, true) < 0 ? -ERR_FAULT : 0;
}

/* Name the privileged instruction at ip, if it is one of the usual ones
 * (the opcode table is the architecture's: trap_privileged_insn). */
static const char *privileged_insn(struct proc *p, vaddr_t ip)
{
	uint8_t op;
	if (vm_copy_in(p->root, &op, ip, 1) < 0)
		return NULL;
	return trap_privileged_insn(op);
}

void fault_user(const struct fault *f)
{
	struct proc *p = current_proc();
	if (f->kind == FAULT_PAGE) {
		page_fault(p, f);
		return;
	}
	if (f->kind == FAULT_PROTECTION) {
		const char *insn = privileged_insn(p, f->ip);
		if (insn)
			proc_kill(p, "privileged instruction '%s' at ip %#lx", insn, f->ip);
		else
			proc_kill(p, "general protection fault at ip %#lx (error code %#lx)",
				  f->ip, f->addr);
		return;
	}
	proc_kill(p, "%s at ip %#lx", f->name, f->ip);
}
