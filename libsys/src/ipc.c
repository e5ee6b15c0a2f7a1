/*
 * ipc.c - IPC system calls. A message travels in registers (pagoda/ipc.h):
 * tag rsi, w[0..6] in rdx r10 r8 r9 r12 r13 r14; a receive also returns
 * the sender's pid in rdi and the reply handle in r15. One inline-asm
 * function moves a message both ways; the named calls wrap it.
 * ipc_serve is the servers' receive/dispatch loop (pagoda/sys.h).
 */
#include <pagoda/sys.h>

static int64_t ipc_trap(uint64_t nr, uint64_t peer, uint64_t extra, struct ipc_msg *m,
			struct ipc_from *from)
{
	register uint64_t r10 __asm__("r10") = m->w[1];
	register uint64_t r8 __asm__("r8") = m->w[2];
	register uint64_t r9 __asm__("r9") = m->w[3];
	register uint64_t r12 __asm__("r12") = m->w[4];
	register uint64_t r13 __asm__("r13") = m->w[5];
	register uint64_t r14 __asm__("r14") = m->w[6];
	register uint64_t r15 __asm__("r15") = extra;
	uint64_t rax = nr, rdi = peer, rsi = (uint64_t)m->tag, rdx = m->w[0];
	__asm__ volatile("syscall"
			 : "+a"(rax), "+D"(rdi), "+S"(rsi), "+d"(rdx), "+r"(r10), "+r"(r8),
			   "+r"(r9), "+r"(r12), "+r"(r13), "+r"(r14), "+r"(r15)
			 :
			 : "rcx", "r11", "memory");
	if ((int64_t)rax == 0 && nr != SYS_SEND && nr != SYS_REPLY) {
		m->tag = (int64_t)rsi;
		m->w[0] = rdx; m->w[1] = r10; m->w[2] = r8; m->w[3] = r9;
		m->w[4] = r12; m->w[5] = r13; m->w[6] = r14;
		if (from) {
			from->pid = (int)rdi;
			from->handle = r15;
		}
	}
	return (int64_t)rax;
}

int ipc_send(int dst, const struct ipc_msg *m)
{
	struct ipc_msg copy = *m;
	return (int)ipc_trap(SYS_SEND, (uint64_t)dst, 0, &copy, NULL);
}

int ipc_recv(int src, struct ipc_msg *m, struct ipc_from *from)
{
	return (int)ipc_trap(SYS_RECV, (uint64_t)src, 0, m, from);
}

int ipc_call(int dst, struct ipc_msg *m)
{
	return (int)ipc_trap(SYS_CALL, (uint64_t)dst, 0, m, NULL);
}

int ipc_reply(uint64_t handle, const struct ipc_msg *m)
{
	struct ipc_msg copy = *m;
	return (int)ipc_trap(SYS_REPLY, handle, 0, &copy, NULL);
}

int ipc_reply_recv(uint64_t handle, struct ipc_msg *m, int src, struct ipc_from *from)
{
	return (int)ipc_trap(SYS_REPLY_RECV, handle, (uint64_t)src, m, from);
}

int ipc_notify(int dst, uint64_t bits)
{
	return (int)sys_call6(SYS_NOTIFY, (uint64_t)dst, bits, 0, 0, 0, 0);
}

/* One message to its handler; 1 to reply now. A request (a tag below
 * IPC_TAG_KERNEL) that came without a reply handle - a SEND - is not
 * executed: whoever sent it will never see the result, and a request
 * whose answer is lost may lose more (MM_WAIT would free the child's
 * record with its exit status). */
static int dispatch(const ipc_handler *handlers, size_t n, ipc_handler kernel,
		    const struct ipc_msg *m, const struct ipc_from *from, struct ipc_msg *reply)
{
	if (m->tag >= IPC_TAG_KERNEL && kernel)
		return kernel(m, from, reply);
	if (m->tag < IPC_TAG_KERNEL && from->handle == IPC_NO_REPLY)
		return 0;
	if (m->tag >= 0 && (uint64_t)m->tag < n && handlers[m->tag])
		return handlers[m->tag](m, from, reply);
	return 1;
}

void ipc_serve(const ipc_handler *handlers, size_t n, ipc_handler kernel)
{
	struct ipc_msg m, reply;
	struct ipc_from from;
	while (ipc_recv(IPC_ANY, &m, &from) < 0)
		;
	for (;;) {
		reply = (struct ipc_msg){ .tag = -ERR_NOSYS };
		int answer = dispatch(handlers, n, kernel, &m, &from, &reply);
		if (answer && from.pid != PID_KERNEL) {
			m = reply;
			if (ipc_reply_recv(from.handle, &m, IPC_ANY, &from) == 0)
				continue;
		}
		while (ipc_recv(IPC_ANY, &m, &from) < 0)
			;
	}
}
