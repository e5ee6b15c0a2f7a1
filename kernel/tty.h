/*
 * tty.h - console input for SYS_READ (tty.c).
 */
#ifndef KERNEL_TTY_H
#define KERNEL_TTY_H

#include "proc.h"

int64_t tty_read(struct thread *t, vaddr_t buf, size_t len);
void tty_input_irq(void);
void tty_forget(struct thread *t);

#endif
