/*
 * pagoda/ipc.h - messages between processes.
 *
 * A message is 64 bytes: a tag word (what the message means; in a reply,
 * the result: >= 0 or -ERR_x) and seven payload words. It travels in
 * registers, never through memory, so sending costs no copying:
 *
 *   tag  rsi   w[0] rdx   w[1] r10   w[2] r8    w[3] r9
 *   w[4] r12   w[5] r13   w[6] r14
 *
 * and a receive also returns the sender's pid in rdi and a reply handle
 * in r15 (it names the calling thread; IPC_NO_REPLY when the message was
 * a SEND or came from the kernel, so a server can tell a request that
 * waits for an answer from one that does not). rax carries the system call number in
 * and the status out (0 or -ERR_x).
 *
 * Rules (the kernel enforces them, see docs/ipc.md):
 *   - SEND and CALL are rendezvous: the sender blocks until the receiver
 *     takes the message. CALL then waits for the REPLY.
 *   - REPLY goes to a thread that is blocked in CALL on the replier's
 *     process; it never blocks and fails with ERR_INVAL otherwise.
 *   - A process may SEND, CALL or NOTIFY only the processes in its
 *     permission table (set by the memory server at spawn) and the memory
 *     server; anything else fails with ERR_PERM and nothing happens.
 *   - NOTIFY ORs bits into the target's pending word and never blocks; the
 *     next RECV (from IPC_ANY) returns them as a MSG_NOTIFY message from
 *     pid 0 (w[0] = the bits) before any queued message.
 *   - Tags below 0 or from IPC_TAG_KERNEL up cannot be sent (ERR_INVAL).
 *   - If the peer dies, a blocked SEND/CALL fails with ERR_DEAD, and so
 *     does a RECV waiting for that one peer. A RECV from a pid that has
 *     already died fails at once with ERR_DEAD, from a pid that never
 *     existed (or is free again) with ERR_SRCH, from the caller's own pid
 *     with ERR_INVAL: none of them could ever be answered.
 */
#ifndef PAGODA_IPC_H
#define PAGODA_IPC_H

#include <stdint.h>

#define IPC_WORDS 7
#define IPC_ANY   (-1)      /* RECV from anyone (the kernel included) */
#define PID_KERNEL 0        /* sender of notifications and kernel reports;
			       RECV from PID_KERNEL takes only those */
#define IPC_NO_REPLY 0      /* the reply handle of a message that expects
			       none (a SEND, a kernel report): matches no
			       caller, so REPLY with it fails (ERR_INVAL) */

struct ipc_msg {
	int64_t tag;
	uint64_t w[IPC_WORDS];
};

_Static_assert(sizeof(struct ipc_msg) == 64, "messages are 64 bytes");

/* Tags from IPC_TAG_KERNEL up are the kernel's own messages (notifications,
 * page faults, exit reports): a SEND or CALL with such a tag, or a
 * negative one, is refused with ERR_INVAL, so no process can forge them. */
#define IPC_TAG_KERNEL 0x10000
#define MSG_NOTIFY     (IPC_TAG_KERNEL + 0)   /* w[0] = the pending bits */

#endif
