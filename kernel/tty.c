/*
 * tty.c - console input: the terminal side of SYS_READ.
 *
 * The UART interrupts on every received byte; tty_input_irq moves the
 * bytes into a small ring, and one thread at a time may read them. The
 * kernel does no line editing and no echo: that is the shell's job. When
 * the ring is full the receive interrupt is switched off and the byte
 * stays in the UART, which holds back the sender (flow control, so
 * nothing typed or piped in is lost); reading makes room and switches it
 * back on.
 *
 * A read: check the length; claim the reader slot (ERR_BUSY if another
 * thread holds it); make the buffer present and writable (vm_user_ready,
 * which may ask the memory server for its pages); wait, if the ring is
 * empty, with sched_block - the same block/wake path IPC uses - until the
 * interrupt wakes us; then check the buffer again, since another thread
 * may have unmapped or write-protected it while we slept. Only then are
 * bytes taken from the ring, so a read that fails consumes nothing.
 * Between that last check and the copy nothing can block, so the copy
 * cannot fail.
 */
#include "kernel.h"
#include "tty.h"
#include "sched.h"
#include "vm.h"
#include "arch/x86_64/arch.h"
#include <pagoda/syscall.h>

#define INPUT_RING 256

static char ring[INPUT_RING];
static unsigned head, tail;     /* head: next to read; tail - head = bytes held */
static struct thread *reader;   /* the thread in tty_read, blocked or not */

static bool ring_empty(void) { return head == tail; }

void tty_input_irq(void)
{
	int c;
	while (tail - head < INPUT_RING && (c = serial_getc()) >= 0)
		ring[tail++ % INPUT_RING] = (char)c;
	if (tail - head == INPUT_RING)
		serial_rx_interrupts(false);
	if (reader && reader->state == THREAD_BLOCKED && reader->ipc == IPC_TTY && !ring_empty())
		sched_wake(reader, 0);
}

/* Move up to len bytes from the ring to user memory that was just checked. */
static size_t take(paddr_t root, vaddr_t buf, size_t len)
{
	size_t n = 0;
	char chunk[64];
	while (n < len && !ring_empty()) {
		size_t k = 0;
		while (k < sizeof chunk && n + k < len && !ring_empty())
			chunk[k++] = ring[head++ % INPUT_RING];
		vm_copy_out(root, buf + n, chunk, k);
		n += k;
	}
	serial_rx_interrupts(true);
	return n;
}

/* The read proper, with the reader slot held. */
static int64_t read_claimed(struct thread *t, vaddr_t buf, size_t len)
{
	int err = vm_user_ready(t, buf, len, VM_WRITE);
	if (err)
		return err;
	while (ring_empty())
		sched_block(t, IPC_TTY, PID_KERNEL, NULL);
	err = vm_user_ready(t, buf, len, VM_WRITE);     /* it may have changed meanwhile */
	if (err)
		return err;
	return (int64_t)take(t->proc->root, buf, len);
}

int64_t tty_read(struct thread *t, vaddr_t buf, size_t len)
{
	if (len == 0 || len > PAGODA_WRITE_MAX)
		return -ERR_INVAL;
	if (reader)
		return -ERR_BUSY;
	reader = t;
	int64_t n = read_claimed(t, buf, len);
	reader = NULL;
	return n;
}

/* A reader that dies stops reading (called when a thread ends). */
void tty_forget(struct thread *t)
{
	if (reader == t)
		reader = NULL;
}
