/*
 * serial.c - the COM1 UART (16550) at I/O port 0x3f8, polled.
 * 115200 baud, 8N1. Output waits for the transmit holding register to
 * empty; QEMU's UART is always ready, real ones are not. Input raises
 * IRQ 4 for every received byte (tty.c collects them).
 */
#include "arch/x86_64/arch.h"
#include "arch/x86_64/x86.h"

#define COM1        0x3f8
#define UART_DATA   0
#define UART_IER    1
#define UART_FCR    2
#define UART_LCR    3
#define UART_MCR    4
#define UART_LSR    5
#define LSR_DR      0x01
#define LSR_THRE    0x20

void serial_init(void)
{
	outb(COM1 + UART_IER, 0x00);   /* no interrupts */
	outb(COM1 + UART_LCR, 0x80);   /* divisor latch */
	outb(COM1 + UART_DATA, 0x01);  /* 115200 baud */
	outb(COM1 + UART_IER, 0x00);
	outb(COM1 + UART_LCR, 0x03);   /* 8 bits, no parity, 1 stop */
	outb(COM1 + UART_FCR, 0x00);   /* no FIFO: enabling one would drop a byte already received */
	outb(COM1 + UART_MCR, 0x0b);   /* DTR, RTS, OUT2 (routes the IRQ) */
	outb(COM1 + UART_IER, 0x01);   /* interrupt on received data */
}

/* Receive interrupts on or off (flow control for console input). Turning
 * them on with a byte waiting raises the interrupt at once. */
void serial_rx_interrupts(bool on)
{
	outb(COM1 + UART_IER, on ? 0x01 : 0x00);
}

/* The next received byte, or -1 if none is waiting. */
int serial_getc(void)
{
	if (!(inb(COM1 + UART_LSR) & LSR_DR))
		return -1;
	return inb(COM1 + UART_DATA);
}

void serial_putc(char c)
{
	for (int spins = 0; spins < 100000; spins++)
		if (inb(COM1 + UART_LSR) & LSR_THRE)
			break;
	outb(COM1 + UART_DATA, (uint8_t)c);
}
