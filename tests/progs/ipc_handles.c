/*
 * ipc_handles - the reply handle says whether a message waits for an
 * answer, and RECV from PID_KERNEL takes only the kernel's messages.
 *
 * The parent spawns itself as "ipc_handles child PARENT-PID"
 * (MM_SPAWN_IPC_PARENT). The child SENDs tag 1, CALLs with tag 2, then
 * SENDs tag 3 while a second thread of it waits a while and NOTIFYs the
 * parent. The parent:
 *   - receives tag 1 with handle IPC_NO_REPLY (a SEND), and a REPLY with
 *     that handle fails with ERR_INVAL;
 *   - receives tag 2 with a real handle (never IPC_NO_REPLY) and replies;
 *   - lets the child queue tag 3, then receives from PID_KERNEL: it must
 *     get the notification (from pid 0, handle IPC_NO_REPLY), not tag 3;
 *   - receives tag 3 from the child, again with IPC_NO_REPLY.
 * Prints "ipc_handles: PASS" and exits 0 when the child exited 0 too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pagoda/sys.h>

#define NOTIFY_BITS 0x40ULL

static int failures;

static void check(const char *what, int ok)
{
	printf("ipc_handles: %s%s\n", what, ok ? "" : "  UNEXPECTED");
	if (!ok)
		failures++;
}

static volatile int parent_pid;

static void notifier(void *arg)
{
	for (int i = 0; i < 200; i++)
		sys_yield();
	ipc_notify(parent_pid, NOTIFY_BITS);
}

static int child(int parent)
{
	struct ipc_msg m = { .tag = 1 };
	parent_pid = parent;
	if (ipc_send(parent, &m) < 0)
		return 1;
	m = (struct ipc_msg){ .tag = 2 };
	if (ipc_call(parent, &m) < 0 || m.tag != 20)
		return 2;
	if (thread_start(notifier, NULL, 16384) < 0)
		return 3;
	m = (struct ipc_msg){ .tag = 3 };
	if (ipc_send(parent, &m) < 0)
		return 4;
	for (int i = 0; i < 400; i++)
		sys_yield();            /* let the notifier finish */
	return 0;
}

static void parent(int kid)
{
	struct ipc_msg m, r = { .tag = 20 };
	struct ipc_from from;
	int err = ipc_recv(kid, &m, &from);
	check("a SEND arrives with IPC_NO_REPLY",
	      err == 0 && m.tag == 1 && from.handle == IPC_NO_REPLY);
	check("a REPLY to IPC_NO_REPLY fails with ERR_INVAL", ipc_reply(from.handle, &r) == -ERR_INVAL);
	err = ipc_recv(kid, &m, &from);
	check("a CALL arrives with a real handle",
	      err == 0 && m.tag == 2 && from.handle != IPC_NO_REPLY);
	check("the CALL is answered", ipc_reply(from.handle, &r) == 0);
	for (int i = 0; i < 50; i++)
		sys_yield();            /* the child queues tag 3 */
	err = ipc_recv(PID_KERNEL, &m, &from);
	check("RECV from PID_KERNEL takes the notification, not the queued SEND",
	      err == 0 && m.tag == MSG_NOTIFY && from.pid == PID_KERNEL && m.w[0] == NOTIFY_BITS);
	check("a notification arrives with IPC_NO_REPLY", from.handle == IPC_NO_REPLY);
	err = ipc_recv(kid, &m, &from);
	check("the queued SEND arrives with IPC_NO_REPLY",
	      err == 0 && m.tag == 3 && from.pid == kid && from.handle == IPC_NO_REPLY);
}

int main(int argc, char **argv)
{
	if (argc > 2 && strcmp(argv[1], "child") == 0)
		return child(atoi(argv[2]));
	char cmd[48];
	snprintf(cmd, sizeof cmd, "ipc_handles child %d", (int)sys_getpid());
	int kid = mm_spawn(cmd, MM_SPAWN_IPC_PARENT);
	if (kid < 0) {
		printf("ipc_handles: FAIL: cannot spawn the child: %s\n", pagoda_strerror(kid));
		return 1;
	}
	parent(kid);
	int status = -1;
	int err = mm_wait(kid, &status);
	printf("ipc_handles: wait: %s, status %d\n", pagoda_strerror(err), status);
	check("the child exited with status 0", err >= 0 && status == 0);
	if (failures) {
		printf("ipc_handles: FAIL (%d unexpected results)\n", failures);
		return 1;
	}
	printf("ipc_handles: PASS\n");
	return 0;
}
