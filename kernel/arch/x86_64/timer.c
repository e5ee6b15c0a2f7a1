/*
 * timer.c - the scheduler tick: the 8254 PIT through the 8259 PIC.
 *
 * The two PICs are remapped so IRQ 0..15 arrive as vectors 32..47 (the
 * CPU's exceptions own 0..31), every line is masked except the timer and
 * the serial port (console input), and
 * the PIT's channel 0 fires TIMER_HZ times a second in rate-generator
 * mode. Chosen over the LAPIC timer because it needs no calibration and
 * no MMIO mapping; the tick rate is all the scheduler needs.
 */
#include "kernel.h"
#include "arch/x86_64/arch.h"
#include "arch/x86_64/x86.h"

#define PIC1_CMD  0x20
#define PIC1_DATA 0x21
#define PIC2_CMD  0xa0
#define PIC2_DATA 0xa1
#define PIC_EOI   0x20
#define PIT_CH0   0x40
#define PIT_CMD   0x43
#define PIT_HZ    1193182

static void pic_init(void)
{
	outb(PIC1_CMD, 0x11);           /* ICW1: init, expect ICW4 */
	outb(PIC2_CMD, 0x11);
	outb(PIC1_DATA, T_IRQ0);        /* ICW2: vector offsets */
	outb(PIC2_DATA, T_IRQ0 + 8);
	outb(PIC1_DATA, 0x04);          /* ICW3: slave on IRQ2 */
	outb(PIC2_DATA, 0x02);
	outb(PIC1_DATA, 0x01);          /* ICW4: 8086 mode */
	outb(PIC2_DATA, 0x01);
	outb(PIC1_DATA, 0xee);          /* unmask only IRQ0 (timer) and IRQ4 (COM1) */
	outb(PIC2_DATA, 0xff);
}

void timer_init(void)
{
	pic_init();
	uint16_t divisor = PIT_HZ / TIMER_HZ;
	outb(PIT_CMD, 0x34);            /* channel 0, lo/hi byte, mode 2 */
	outb(PIT_CH0, divisor & 0xff);
	outb(PIT_CH0, divisor >> 8);
}

void irq_eoi(int irq)
{
	if (irq >= 8)
		outb(PIC2_CMD, PIC_EOI);
	outb(PIC1_CMD, PIC_EOI);
}
