/*
 * idt.c - the interrupt descriptor table.
 *
 * One 64-bit interrupt gate per vector 0..63 (T_NVEC), each pointing at its stub in
 * entry.S (trap_vectors[]). All are interrupt gates (interrupts stay off
 * inside the kernel: Pagoda's kernel is not preemptible) with DPL 0, so a
 * user `int $n` raises #GP instead of faking an interrupt. The breakpoint
 * vector is DPL 3 so `int3` in a user program is reported as a breakpoint.
 * The double fault runs on IST1.
 */
#include "kernel.h"
#include "arch/x86_64/arch.h"

struct idt_gate {
	uint16_t off_lo;
	uint16_t sel;
	uint8_t ist;
	uint8_t type;
	uint16_t off_mid;
	uint32_t off_hi;
	uint32_t rsvd;
} __attribute__((packed));

_Static_assert(sizeof(struct idt_gate) == 16, "IDT gates are 16 bytes");

#define GATE_INTR 0x8e      /* present, DPL 0, 64-bit interrupt gate */
#define GATE_DPL3 0x60

extern const uint64_t trap_vectors[T_NVEC];
static struct idt_gate idt[256];

static void set_gate(int vec, uint64_t handler, uint8_t type, uint8_t ist)
{
	idt[vec] = (struct idt_gate){
		.off_lo = handler & 0xffff,
		.sel = SEL_KCODE,
		.ist = ist,
		.type = type,
		.off_mid = (handler >> 16) & 0xffff,
		.off_hi = handler >> 32,
	};
}

void idt_init(void)
{
	for (int v = 0; v < T_NVEC; v++)
		set_gate(v, trap_vectors[v], GATE_INTR, 0);
	set_gate(T_BP, trap_vectors[T_BP], GATE_INTR | GATE_DPL3, 0);
	set_gate(T_DF, trap_vectors[T_DF], GATE_INTR, 1);
	struct { uint16_t limit; uint64_t base; } __attribute__((packed)) p = {
		sizeof idt - 1, (uint64_t)idt
	};
	__asm__ volatile("lidt %0" :: "m"(p));
}
