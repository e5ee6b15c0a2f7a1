/*
 * syscall_regs.h - where system-call arguments, results and IPC message
 * words sit in the x86_64 trap frame. The portable kernel reads and
 * writes user registers only through these helpers; the register choice
 * is the ABI of libsys/include/pagoda/syscall.h and pagoda/ipc.h.
 *
 *   number   rax          result     rax
 *   args 0-5 rdi, rsi, rdx, r10, r8, r9  (arg 6, SYS_MM_MAP's third
 *            spare, in r12)
 *   message  tag rsi, w[0..6] rdx, r10, r8, r9, r12, r13, r14
 *   receive  rdi = sender pid, r15 = reply handle
 *   REPLY_RECV's receive source in r15
 *   a new thread's argument in rdi
 */
#ifndef ARCH_SYSCALL_REGS_H
#define ARCH_SYSCALL_REGS_H

#include <pagoda/ipc.h>
#include "arch/x86_64/trapframe.h"

#define SC_ARGS 7

static inline uint64_t sc_nr(const struct trapframe *tf) { return tf->rax; }

static inline void sc_set_ret(struct trapframe *tf, int64_t v) { tf->rax = (uint64_t)v; }

/* Argument i (0..SC_ARGS-1) of the system call in tf. */
static inline uint64_t sc_arg(const struct trapframe *tf, int i)
{
	switch (i) {
	case 0: return tf->rdi;
	case 1: return tf->rsi;
	case 2: return tf->rdx;
	case 3: return tf->r10;
	case 4: return tf->r8;
	case 5: return tf->r9;
	default: return tf->r12;
	}
}

/* The message a SEND, CALL or REPLY carries. */
static inline void sc_msg_in(const struct trapframe *tf, struct ipc_msg *m)
{
	m->tag = (int64_t)tf->rsi;
	m->w[0] = tf->rdx; m->w[1] = tf->r10; m->w[2] = tf->r8; m->w[3] = tf->r9;
	m->w[4] = tf->r12; m->w[5] = tf->r13; m->w[6] = tf->r14;
}

/* A received message, with its sender and reply handle. */
static inline void sc_msg_out(struct trapframe *tf, const struct ipc_msg *m, int src_pid,
			      uint64_t handle)
{
	tf->rsi = (uint64_t)m->tag;
	tf->rdx = m->w[0]; tf->r10 = m->w[1]; tf->r8 = m->w[2]; tf->r9 = m->w[3];
	tf->r12 = m->w[4]; tf->r13 = m->w[5]; tf->r14 = m->w[6];
	tf->rdi = (uint64_t)(int64_t)src_pid;
	tf->r15 = handle;
}

/* SYS_REPLY_RECV: the source of its receive. */
static inline uint64_t sc_reply_recv_src(const struct trapframe *tf) { return tf->r15; }

/* A new thread's first argument (its entry function's parameter). */
static inline void sc_set_thread_arg(struct trapframe *tf, uint64_t arg) { tf->rdi = arg; }

#endif
