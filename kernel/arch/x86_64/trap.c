/*
 * trap.c - where every exception and interrupt lands (from entry.S).
 *
 *   timer interrupt        -> sched_tick()
 *   device interrupt (MSI) -> device_interrupt(): the owner's notification;
 *                             then the local APIC's EOI
 *   IOMMU fault event      -> vtd_fault_irq() (an MSI: the local APIC's EOI)
 *   exception in user mode -> the portable kernel decides (proc_fault):
 *                             the offending process is killed with a
 *                             logged reason; the system runs on
 *   exception in kernel    -> register dump and panic: a kernel bug
 *
 * This file only translates hardware facts (vector, error code, CR2) into
 * a struct fault for the portable kernel, which never sees x86 numbers,
 * and names x86 opcodes for the kill message (trap_privileged_insn).
 */
#include "kernel.h"
#include "arch/x86_64/arch.h"
#include "arch/x86_64/mmu.h"
#include "arch/x86_64/x86.h"
#include "arch/x86_64/vtd.h"
#include "fault.h"
#include "sched.h"
#include "tty.h"
#include "device.h"

static const char *const exception_names[32] = {
	[T_DE] = "divide error", [T_DB] = "debug", [T_NMI] = "NMI",
	[T_BP] = "breakpoint", [T_OF] = "overflow", [T_BR] = "bound range",
	[T_UD] = "invalid opcode", [T_NM] = "device not available",
	[T_DF] = "double fault", [T_TS] = "invalid TSS",
	[T_NP] = "segment not present", [T_SS] = "stack fault",
	[T_GP] = "general protection fault", [T_PF] = "page fault",
	[T_MF] = "x87 floating point", [T_AC] = "alignment check",
	[T_MC] = "machine check", [T_XM] = "SIMD floating point",
};

static const char *exception_name(uint64_t vec)
{
	const char *n = vec < 32 ? exception_names[vec] : NULL;
	return n ? n : "reserved exception";
}

void trap_dump(const struct trapframe *tf)
{
	kprintf("trap %lu (%s) err %#lx rip %#lx cs %#lx rflags %#lx\n",
		tf->trapno, exception_name(tf->trapno), tf->err, tf->rip, tf->cs, tf->rflags);
	kprintf("  rax %016lx rbx %016lx rcx %016lx rdx %016lx\n", tf->rax, tf->rbx, tf->rcx, tf->rdx);
	kprintf("  rsi %016lx rdi %016lx rbp %016lx rsp %016lx\n", tf->rsi, tf->rdi, tf->rbp, tf->rsp);
	kprintf("  r8  %016lx r9  %016lx r10 %016lx r11 %016lx\n", tf->r8, tf->r9, tf->r10, tf->r11);
	kprintf("  r12 %016lx r13 %016lx r14 %016lx r15 %016lx\n", tf->r12, tf->r13, tf->r14, tf->r15);
	kprintf("  cr2 %016lx cr3 %016lx\n", read_cr2(), read_cr3());
}

/* The name of a privileged instruction starting with this opcode byte
 * (the usual ones a user program may try), or NULL. */
const char *trap_privileged_insn(uint8_t opcode)
{
	switch (opcode) {
	case 0xf4: return "hlt";
	case 0xfa: return "cli";
	case 0xfb: return "sti";
	case 0xe4: case 0xe5: case 0xec: case 0xed: return "in";
	case 0xe6: case 0xe7: case 0xee: case 0xef: return "out";
	default: return NULL;
	}
}

/* Describe a user-mode exception in portable terms. */
static void decode_fault(const struct trapframe *tf, struct fault *f)
{
	*f = (struct fault){ .kind = FAULT_OTHER, .ip = tf->rip, .name = exception_name(tf->trapno) };
	switch (tf->trapno) {
	case T_PF:
		f->kind = FAULT_PAGE;
		f->addr = read_cr2();
		f->access = (tf->err & X86_PF_INSTR) ? FAULT_EXEC
			  : (tf->err & X86_PF_WRITE) ? FAULT_WRITE : FAULT_READ;
		f->present = (tf->err & X86_PF_PRESENT) != 0;
		break;
	case T_GP:
		/* In user mode: a privileged instruction (hlt, cli, in/out, ...),
		 * a non-canonical address, or a bad segment load. */
		f->kind = FAULT_PROTECTION;
		f->addr = tf->err;
		break;
	case T_UD:
		f->kind = FAULT_ILLEGAL;
		break;
	case T_DE:
	case T_MF:
	case T_XM:
		f->kind = FAULT_ARITHMETIC;
		break;
	default:
		break;
	}
}

static void kernel_exception(struct trapframe *tf)
{
	kprintf("\nkernel exception at rip %#lx\n", tf->rip);
	trap_dump(tf);
	panic("unhandled %s in the kernel", exception_name(tf->trapno));
}

void trap(struct trapframe *tf)
{
	if (tf->trapno == T_IRQ0) {
		irq_eoi(0);
		sched_tick();
		return;
	}
	if (tf->trapno == T_IRQ0 + IRQ_SERIAL) {
		tty_input_irq();
		irq_eoi(IRQ_SERIAL);
		return;
	}
	if (tf->trapno >= T_DEV0 && tf->trapno < T_DEV0 + T_DEV_COUNT) {
		device_interrupt((int)(tf->trapno - T_DEV0));
		lapic_eoi();
		return;
	}
	if (tf->trapno == T_IOMMU_FAULT) {
		vtd_fault_irq();
		lapic_eoi();
		return;
	}
	if (tf->trapno == T_SPURIOUS)
		return;                 /* the local APIC's: no EOI */
	if (tf->trapno >= T_IRQ0) {
		irq_eoi((int)(tf->trapno - T_IRQ0));
		return;                 /* spurious or unexpected line: ignore */
	}
	if (!tf_from_user(tf))
		kernel_exception(tf);
	struct fault f;
	decode_fault(tf, &f);
	fault_user(&f);
}
