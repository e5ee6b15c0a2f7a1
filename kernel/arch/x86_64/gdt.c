/*
 * gdt.c - segments and the task state segment.
 *
 * Long mode barely uses segmentation, but it still needs a GDT with code
 * and data descriptors for ring 0 and ring 3, and a TSS whose rsp0 is the
 * stack the CPU switches to when an interrupt arrives in user mode. The
 * order is fixed by `syscall`/`sysret` (see syscall_arch.c):
 *   0x08 kernel code, 0x10 kernel data, 0x18 user data, 0x20 user code,
 *   0x28 TSS (a 16-byte descriptor).
 * IST1 gives the double-fault handler a known-good stack.
 */
#include "kernel.h"
#include "arch/x86_64/arch.h"

struct tss {
	uint32_t rsvd0;
	uint64_t rsp[3];
	uint64_t rsvd1;
	uint64_t ist[7];
	uint64_t rsvd2;
	uint16_t rsvd3;
	uint16_t iomap_base;
} __attribute__((packed));

_Static_assert(sizeof(struct tss) == 104, "TSS is 104 bytes");

static struct tss tss;
static uint64_t gdt[7];
static uint8_t df_stack[4096] __attribute__((aligned(16)));

struct gdt_ptr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

#define SEG_P      (1ULL << 47)
#define SEG_S      (1ULL << 44)   /* code/data, not system */
#define SEG_X      (1ULL << 43)
#define SEG_RW     (1ULL << 41)
#define SEG_L      (1ULL << 53)   /* 64-bit code */
#define SEG_DPL3   (3ULL << 45)
#define SEG_TSS64  (9ULL << 40)

static uint64_t tss_low(uint64_t base, uint32_t limit)
{
	return (limit & 0xffff) | ((base & 0xffffff) << 16) | SEG_TSS64 | SEG_P |
	       ((uint64_t)((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
}

static void load_gdt_and_segments(void)
{
	struct gdt_ptr p = { sizeof gdt - 1, (uint64_t)gdt };
	__asm__ volatile(
		"lgdt %0\n\t"
		"mov %1, %%ds\n\t"
		"mov %1, %%es\n\t"
		"mov %1, %%ss\n\t"
		"pushq %2\n\t"
		"leaq 1f(%%rip), %%rax\n\t"
		"pushq %%rax\n\t"
		"lretq\n"
		"1:\n\t"
		"ltr %w3"
		:: "m"(p), "r"((uint64_t)SEL_KDATA), "i"(SEL_KCODE), "r"(SEL_TSS)
		: "rax", "memory");
}

void gdt_init(void)
{
	gdt[0] = 0;
	gdt[1] = SEG_P | SEG_S | SEG_X | SEG_RW | SEG_L;              /* kernel code */
	gdt[2] = SEG_P | SEG_S | SEG_RW;                              /* kernel data */
	gdt[3] = SEG_P | SEG_S | SEG_RW | SEG_DPL3;                   /* user data */
	gdt[4] = SEG_P | SEG_S | SEG_X | SEG_RW | SEG_L | SEG_DPL3;   /* user code */
	gdt[5] = tss_low((uint64_t)&tss, sizeof tss - 1);
	gdt[6] = (uint64_t)&tss >> 32;
	tss.iomap_base = sizeof tss;      /* no I/O bitmap: ring 3 gets no ports */
	tss.ist[0] = (uint64_t)(df_stack + sizeof df_stack);
	load_gdt_and_segments();
}

void tss_set_kernel_stack(uint64_t top)
{
	tss.rsp[0] = top;
	cpu_kstack_top = top;
}
