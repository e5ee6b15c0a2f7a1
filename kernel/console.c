/*
 * console.c - kernel console output and panic.
 *
 * Everything the kernel prints goes to the serial port (COM1), which QEMU
 * connects to the terminal (`make run`) or to a log file (tests).
 * kprintf formats into a stack buffer with format.c and writes it out.
 * panic() prints its message and halts the machine for good: it is for
 * broken kernel invariants only, never for anything a user process does.
 * Output only: console input (SYS_READ) is tty.c, so printing depends on
 * nothing but the serial port and the formatter.
 */
#include "kernel.h"
#include "format.h"
#include "arch/x86_64/arch.h"

void console_write(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n')
			serial_putc('\r');
		serial_putc(s[i]);
	}
}

void kvprintf(const char *fmt, va_list ap)
{
	char buf[512];
	int n = fmt_vsnprintf(buf, sizeof buf, fmt, ap);
	if (n >= (int)sizeof buf)
		n = sizeof buf - 1;
	console_write(buf, (size_t)n);
}

void kprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
}

void panic(const char *fmt, ...)
{
	va_list ap;
	arch_disable_interrupts();
	kprintf("\nPANIC: ");
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
	kprintf("\nsystem halted\n");
	arch_halt_forever(POWER_PANIC);
}
