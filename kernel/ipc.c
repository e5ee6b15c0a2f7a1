/*
 * ipc.c - synchronous rendezvous IPC with fixed 64-byte messages, and
 * asynchronous notifications (the L4 / MINIX model).
 *
 * A message travels in registers (layout in pagoda/ipc.h). When a sender
 * finds the receiver already waiting, the kernel writes the message
 * straight into the receiver's saved registers and hands the CPU to it;
 * otherwise the sender parks the message in its own thread slot, joins
 * the receiver's FIFO send queue and blocks. Nothing is allocated.
 *
 * CALL = SEND + wait for the REPLY. A thread whose message was taken in a
 * CALL waits in IPC_CALLING with peer = the callee; only a thread of that
 * process may REPLY to it, naming it by its reply handle (thread slot and
 * generation, so a handle kept past the caller's death matches nothing;
 * thread_handle in proc.h). A message that expects no reply - a SEND, a
 * notification, a kernel report, a reply - arrives with IPC_NO_REPLY.
 * Blocking and waking go through sched_block/sched_wake (sched.h), the
 * same path console input uses (tty.c).
 *
 * Page faults use the same path: the kernel makes the faulting thread
 * CALL the memory server with an MM_FAULT message (`fault` set). Its reply
 * does not touch the thread's registers: the faulting instruction simply
 * runs again, or the copy is retried (MM_FAULT_RESUME), a copy fails with
 * ERR_FAULT (MM_FAULT_REFUSE, for MM_FAULT_COPY), or the process is ended
 * (MM_FAULT_KILL).
 *
 * A RECV names IPC_ANY (anyone, the kernel included), PID_KERNEL (only
 * notifications and kernel reports) or one pid; a pid that could never
 * send - the caller's own, one that died, one that never existed - is
 * refused at once instead of blocking forever.
 *
 * Notifications are a pending-bits word per process: NOTIFY ORs bits in,
 * never blocks, and the next RECV from IPC_ANY or PID_KERNEL returns them
 * (from pid 0) before anything queued. The memory server also receives,
 * from pid 0, one MM_PROC_EXIT report per process that ends, and one
 * MM_IOMMU_FAULT per DMA the IOMMU blocked (iommucall.c): reports are
 * recorded where they happen and turned into messages only when the
 * server receives, so recording one never blocks (an interrupt may). A
 * device interrupt is a notification too, from the kernel to the
 * device's owner (ipc_notify_kernel, from device.c).
 *
 * When a process dies, threads queued to send to it, waiting for its
 * reply, or receiving from it alone, are woken with ERR_DEAD; its own
 * queued threads leave the queues they were on.
 */
#include "ipc.h"
#include "sched.h"
#include "iommucall.h"
#include "arch/x86_64/syscall_regs.h"
#include <pagoda/mm.h>

static void receivers_remove(struct proc *p, struct thread *t)
{
	for (struct thread **link = &p->receivers; *link; link = &(*link)->next_receiver) {
		if (*link == t) {
			*link = t->next_receiver;
			t->next_receiver = NULL;
			return;
		}
	}
}

/* Put a received message into t's registers and make t runnable. */
static void deliver(struct thread *t, int src_pid, uint64_t handle, const struct ipc_msg *m)
{
	if (t->ipc == IPC_RECEIVING)
		receivers_remove(t->proc, t);
	sc_msg_out(t->tf, m, src_pid, handle);
	sched_wake(t, 0);
}

/* The thread the running one last made runnable by replying: when the
 * replier then blocks, the CPU goes straight to it (a server's REPLY_RECV
 * returns the CPU to its client, as a CALL gives it to the server). */
static struct thread *handoff;

/* Processes that ended and that the memory server has not been told of
 * (so the common receive need not scan the process table). */
static int unreported_exits;

/* Block the running thread until someone wakes it, handing the CPU to
 * the thread last replied to; returns the thread's result. */
static int64_t block(struct thread *t, enum ipc_wait why, int peer)
{
	struct thread *next = handoff;
	handoff = NULL;
	return sched_block(t, why, peer, next);
}

static struct thread *waiting_receiver(struct proc *p, int src_pid)
{
	for (struct thread *t = p->receivers; t; t = t->next_receiver)
		if (t->peer == IPC_ANY || t->peer == src_pid)
			return t;
	return NULL;
}

static void sendq_push(struct proc *p, struct thread *t)
{
	t->next_sender = NULL;
	if (p->sendq_tail)
		p->sendq_tail->next_sender = t;
	else
		p->sendq_head = t;
	p->sendq_tail = t;
}

static void sendq_remove(struct proc *p, struct thread *t)
{
	struct thread **link = &p->sendq_head, *prev = NULL;
	for (; *link; prev = *link, link = &(*link)->next_sender) {
		if (*link != t)
			continue;
		*link = t->next_sender;
		if (p->sendq_tail == t)
			p->sendq_tail = prev;
		t->next_sender = NULL;
		return;
	}
}

/* The message from sender s has been taken by receiver r of process dst. */
static void taken(struct thread *s, struct thread *r, struct proc *dst)
{
	deliver(r, s->proc->pid, s->call ? thread_handle(s) : IPC_NO_REPLY, &s->msg);
	if (s->call) {
		s->ipc = IPC_CALLING;
		s->peer = dst->pid;
	} else {
		sched_wake(s, 0);
	}
}

int64_t ipc_send(struct thread *t, int dst_pid, const struct ipc_msg *m, bool call, bool fault)
{
	struct proc *src = t->proc;
	if (!fault && (m->tag < 0 || m->tag >= IPC_TAG_KERNEL))
		return -ERR_INVAL;
	if (!fault && !proc_may_send(src, dst_pid))
		return -ERR_PERM;
	struct proc *dst = proc_by_pid(dst_pid);
	if (!dst || dst->state != PROC_ALIVE)
		return -ERR_SRCH;
	if (dst == src)
		return -ERR_INVAL;              /* would wait for itself forever */
	t->msg = *m;
	t->call = call;
	t->fault = fault;
	struct thread *r = waiting_receiver(dst, src->pid);
	if (r) {
		taken(t, r, dst);
		if (!call)
			return 0;
		return sched_block(t, IPC_CALLING, dst_pid, r);  /* hand the CPU to the receiver */
	}
	sendq_push(dst, t);
	return block(t, IPC_SENDING, dst_pid);
}

/* The oldest exit the memory server has not been told of, as its report. */
static bool exit_report(struct ipc_msg *m)
{
	if (unreported_exits == 0)
		return false;
	for (int i = 0; i < NPROC; i++) {
		struct proc *z = proc_at(i);
		if (z->state == PROC_ZOMBIE && !z->exit_reported) {
			*m = (struct ipc_msg){ .tag = MM_PROC_EXIT,
					       .w = { (uint64_t)z->pid, (uint64_t)(int64_t)z->exit_status,
						      z->dev_unstopped } };
			z->exit_reported = true;
			unreported_exits--;
			return true;
		}
	}
	return false;
}

/* Kernel reports and notifications waiting for process p, if any: the
 * memory server's are exits, then DMA faults (iommucall_report). */
static bool pending_for(struct thread *t, int src)
{
	struct proc *p = t->proc;
	struct ipc_msg m;
	if (src != IPC_ANY && src != PID_KERNEL)
		return false;
	if (p->notify_bits) {
		m = (struct ipc_msg){ .tag = MSG_NOTIFY, .w = { p->notify_bits } };
		p->notify_bits = 0;
		deliver(t, PID_KERNEL, IPC_NO_REPLY, &m);
		return true;
	}
	if (!(p->flags & PROC_FLAG_MM) || !(exit_report(&m) || iommucall_report(&m)))
		return false;
	deliver(t, PID_KERNEL, IPC_NO_REPLY, &m);
	return true;
}

/* A RECV source that can never send: 0 if src may, else the error. */
static int64_t recv_source_error(const struct proc *self, int src)
{
	if (src == IPC_ANY || src == PID_KERNEL)
		return 0;
	if (src < 0 || src == self->pid)
		return -ERR_INVAL;
	const struct proc *s = proc_by_pid(src);
	if (!s)
		return -ERR_SRCH;
	return s->state == PROC_ALIVE ? 0 : -ERR_DEAD;
}

int64_t ipc_recv(struct thread *t, int src)
{
	struct proc *p = t->proc;
	int64_t err = recv_source_error(p, src);
	if (err < 0)
		return err;
	if (pending_for(t, src)) {
		handoff = NULL;         /* not blocking: the hint is stale */
		return 0;
	}
	for (struct thread *s = p->sendq_head; s; s = s->next_sender) {
		if (src != IPC_ANY && s->proc->pid != src)
			continue;
		sendq_remove(p, s);
		taken(s, t, p);
		handoff = NULL;
		return 0;
	}
	t->next_receiver = p->receivers;
	p->receivers = t;
	return block(t, IPC_RECEIVING, src);
}

int64_t ipc_reply(struct thread *t, uint64_t handle, const struct ipc_msg *m)
{
	if (handle == IPC_NO_REPLY)
		return -ERR_INVAL;              /* the message expected no answer */
	struct thread *c = thread_at(handle_slot(handle));
	if (!c || thread_handle(c) != handle || c->state != THREAD_BLOCKED || c->ipc != IPC_CALLING || c->peer != t->proc->pid)
		return -ERR_INVAL;
	if (!c->fault) {
		deliver(c, t->proc->pid, IPC_NO_REPLY, m);
		handoff = c;
		return 0;
	}
	if (m->tag == MM_FAULT_KILL) {
		proc_die(c->proc, -1);
		return 0;
	}
	sched_wake(c, m->tag == MM_FAULT_REFUSE ? -ERR_FAULT : 0);
	handoff = c;
	return 0;
}

/* OR bits into dst's pending word; a thread of dst waiting in RECV from
 * anyone or from the kernel gets them at once. */
void ipc_notify_kernel(struct proc *dst, uint64_t bits)
{
	dst->notify_bits |= bits;
	struct thread *r = waiting_receiver(dst, PID_KERNEL);
	if (r && dst->notify_bits)
		pending_for(r, r->peer);
}

int64_t ipc_notify(struct proc *from, int dst_pid, uint64_t bits)
{
	if (!proc_may_send(from, dst_pid))
		return -ERR_PERM;
	struct proc *dst = proc_by_pid(dst_pid);
	if (!dst || dst->state != PROC_ALIVE)
		return -ERR_SRCH;
	ipc_notify_kernel(dst, bits);
	return 0;
}

/* Thread t is about to disappear: take it off any send queue. */
void ipc_thread_gone(struct thread *t)
{
	if (t->state == THREAD_BLOCKED && t->ipc == IPC_SENDING) {
		struct proc *dst = proc_by_pid(t->peer);
		if (dst)
			sendq_remove(dst, t);
	}
	if (t->state == THREAD_BLOCKED && t->ipc == IPC_RECEIVING)
		receivers_remove(t->proc, t);
	t->ipc = IPC_NONE;
}

/* Process p has died: whoever waits on it learns so. */
void ipc_proc_gone(struct proc *p)
{
	while (p->sendq_head) {
		struct thread *s = p->sendq_head;
		sendq_remove(p, s);
		sched_wake(s, -ERR_DEAD);
	}
	for (int i = 1; i < NTHREAD; i++) {
		struct thread *t = thread_at(i);
		if (t->state != THREAD_BLOCKED || t->peer != p->pid)
			continue;
		if (t->ipc == IPC_RECEIVING) {
			receivers_remove(t->proc, t);
			sched_wake(t, -ERR_DEAD);
		} else if (t->ipc == IPC_CALLING) {
			sched_wake(t, -ERR_DEAD);
		}
	}
}

/* A report for the memory server was recorded (an exit, a DMA fault):
 * hand it over at once if the server waits in RECV; else its next RECV
 * picks it up (pending_for). Safe from an interrupt: it only wakes. */
void ipc_kernel_report(void)
{
	struct proc *mm = proc_mm();
	struct thread *r = mm ? waiting_receiver(mm, PID_KERNEL) : NULL;
	if (r)
		pending_for(r, r->peer);
}

void ipc_report_exit(struct proc *p)
{
	unreported_exits++;
	ipc_kernel_report();
}
