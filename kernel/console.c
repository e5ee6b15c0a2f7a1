/*
 * console.c - kernel console output and panic.
 *
 * Everything the kernel prints goes to the serial port (COM1), which QEMU
 * connects to the terminal (`make run`) or to a log file (tests).
 * kprintf formats into a stack buffer with format.c and writes it out.
 * panic() prints its message and halts the machine for good: it is for
 * broken kernel invariants only, never for anything a user process does.
 */
#include "kernel.h"
#include "format.h"
#include "arch/x86_64/arch.h"
#include "proc.h"
#include "sched.h"
#include "syscall.h"
#include "vm.h"
#include <pagoda/syscall.h>

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

/*
 * Console input. The UART interrupts on every received byte; the bytes go
 * into a small ring, and one thread at a time may wait in SYS_READ for
 * them. The kernel does no line editing and no echo: that is the shell's
 * job. When the ring is full the receive interrupt is switched off and the
 * byte stays in the UART, which holds back the sender (flow control, so
 * nothing typed or piped in is lost); reading makes room and switches it
 * back on.
 */
#define INPUT_RING 256

static char input_ring[INPUT_RING];
static unsigned input_head, input_tail;     /* head: next to read */
static struct thread *input_reader;

void console_input_irq(void)
{
	int c;
	while (input_tail - input_head < INPUT_RING && (c = serial_getc()) >= 0)
		input_ring[input_tail++ % INPUT_RING] = (char)c;
	if (input_tail - input_head == INPUT_RING)
		serial_rx_interrupts(false);
	if (input_reader && input_tail != input_head) {
		input_reader->state = THREAD_RUNNABLE;
		input_reader->ipc = IPC_NONE;
		input_reader = NULL;
	}
}

int64_t console_read(struct thread *t, vaddr_t buf, size_t len)
{
	paddr_t root = t->proc->root;
	if (len == 0 || len > PAGODA_WRITE_MAX)
		return -ERR_INVAL;
	if (vm_check_user(root, buf, len, VM_WRITE) < 0)
		return -ERR_FAULT;
	if (input_reader)
		return -ERR_BUSY;
	while (input_tail == input_head) {
		input_reader = t;
		t->ipc = IPC_CONSOLE;
		t->state = THREAD_BLOCKED;
		sched_yield();
		if (t->proc == NULL)
			return -ERR_DEAD;
	}
	size_t n = 0;
	char chunk[64];
	while (n < len && input_head != input_tail) {
		size_t k = 0;
		while (k < sizeof chunk && n + k < len && input_head != input_tail)
			chunk[k++] = input_ring[input_head++ % INPUT_RING];
		vm_copy_out(root, buf + n, chunk, k);
		n += k;
	}
	serial_rx_interrupts(true);
	return (int64_t)n;
}

/* A reader that dies stops waiting (called when a thread ends). */
void console_forget(struct thread *t)
{
	if (input_reader == t)
		input_reader = NULL;
}
