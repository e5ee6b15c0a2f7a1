/*
 * ipc.h - synchronous message passing and notifications (see ipc.c and
 * libsys/include/pagoda/ipc.h for the rules).
 */
#ifndef KERNEL_IPC_H
#define KERNEL_IPC_H

#include "proc.h"

int64_t ipc_send(struct thread *t, int dst, const struct ipc_msg *m, bool call, bool fault);
int64_t ipc_recv(struct thread *t, int src);
int64_t ipc_reply(struct thread *t, uint64_t handle, const struct ipc_msg *m);
int64_t ipc_notify(struct proc *from, int dst, uint64_t bits);
void ipc_notify_kernel(struct proc *dst, uint64_t bits);
void ipc_thread_gone(struct thread *t);
void ipc_proc_gone(struct proc *p);
void ipc_report_exit(struct proc *p);
void ipc_kernel_report(void);

#endif
