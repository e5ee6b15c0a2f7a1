/*
 * arch.h - what the portable kernel asks of the x86_64 layer. Every
 * hardware detail lives under kernel/arch/x86_64/; the rest of the kernel
 * calls only these functions.
 */
#ifndef ARCH_ARCH_H
#define ARCH_ARCH_H

#include <stdint.h>
#include <stdbool.h>
#include <pagoda/types.h>
#include "arch/x86_64/trapframe.h"

/* Exit codes written to QEMU's isa-debug-exit port; QEMU exits with
 * (code << 1) | 1, so POWER_OK gives 33, POWER_FAIL 35, POWER_PANIC 37. */
#define POWER_OK    0x10
#define POWER_FAIL  0x11
#define POWER_PANIC 0x12

/* serial.c */
void serial_init(void);
void serial_putc(char c);
int serial_getc(void);
void serial_rx_interrupts(bool on);
#define IRQ_SERIAL 4

/* gdt.c, idt.c, syscall MSRs, fpu.c */
void gdt_init(void);
void tss_set_kernel_stack(uint64_t top);
void idt_init(void);
void syscall_arch_init(void);
void fpu_init(void);
#define FPU_STATE_SIZE 512
void fpu_save(void *area);
void fpu_restore(const void *area);
void fpu_state_init(void *area);

/* timer.c: the PIT drives the scheduler tick through the 8259 PIC */
#define TIMER_HZ 100
void timer_init(void);
void irq_eoi(int irq);

/* paging.c */
void paging_init(paddr_t top_of_ram);
paddr_t paging_kernel_root(void);
void paging_activate(paddr_t root);
paddr_t paging_physmap_end(void);
void paging_uncached(paddr_t pa);
#define CHIPSET_MMIO_LO 0xfe000000ULL   /* 0xfe000000..4 GiB: chipset registers, no RAM */
#define CHIPSET_MMIO_HI 0x100000000ULL

/* lapic.c: the local APIC, for MSIs (the IOMMU's fault event, the
 * drivers' devices). Device interrupt slot i (0 .. IRQ_SLOTS-1) is vector
 * T_DEV0 + i (kernel/device.c). */
bool lapic_init(void);
void lapic_eoi(void);
unsigned lapic_id(void);
uint32_t lapic_msi_address(void);
uint32_t lapic_msi_data(unsigned vector);
#define IRQ_SLOTS T_DEV_COUNT
static inline unsigned irq_slot_vector(int slot) { return T_DEV0 + (unsigned)slot; }

/* pci.c: configuration space (legacy ports), bus-0 enumeration, MSI */
#include <pagoda/dev.h>
struct pci_function {
	uint16_t bdf, vendor, device;
	uint8_t header;             /* PCI_CFG_HEADER */
	uint8_t msi_cap;            /* offset of the MSI capability, 0: none */
	uint8_t msi_len;            /* its length in bytes */
	uint32_t class_code;        /* class << 16 | subclass << 8 | prog-if */
	struct dev_bar bar[DEV_BARS];
};
uint32_t pci_cfg_read(uint16_t bdf, unsigned off, unsigned width);
void pci_cfg_write(uint16_t bdf, unsigned off, unsigned width, uint32_t v);
int pci_scan(struct pci_function *out, int max);
int pci_bar_decode(uint32_t lo, uint32_t hi, uint32_t probe_lo, uint32_t probe_hi,
		   struct dev_bar *out);
void pci_msi_program(uint16_t bdf, uint8_t cap, unsigned vector);
void pci_msi_disable(uint16_t bdf, uint8_t cap);
/* Bus mastering and MSI off, then read back: true if shown stopped. */
bool pci_stop(uint16_t bdf, uint8_t msi_cap);

/* power.c */
__attribute__((noreturn)) void arch_halt_forever(int code);
__attribute__((noreturn)) void arch_poweroff(int code);

static inline void arch_disable_interrupts(void) { __asm__ volatile("cli" ::: "memory"); }

/* Idle until the next interrupt has been taken: interrupts on just for
 * the halt (sti's one-instruction shadow covers hlt, so no wake-up can
 * slip in between), off again afterwards. */
static inline void arch_idle_wait(void) { __asm__ volatile("sti; hlt; cli" ::: "memory"); }

/* entry.S */
struct context;
void swtch(struct context **save, struct context *load);
void trap_return(void);
void syscall_entry(void);
extern uint64_t cpu_kstack_top;

/* trap.c: the portable kernel handles these (proc.c, sched.c, syscall.c) */
void trap(struct trapframe *tf);
void trap_dump(const struct trapframe *tf);
const char *trap_privileged_insn(uint8_t opcode);
int64_t syscall_dispatch(struct trapframe *tf);

#endif
