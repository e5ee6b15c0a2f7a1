/*
 * wait_send - MM_WAIT sent with SEND (no one waits for the answer) must not
 * cost the child's exit status. The parent spawns a child ("wait_send
 * child PID", allowed to talk to its parent), sends MM_WAIT for it with
 * SEND while the child is alive, then tells the child to exit (status 42)
 * and waits properly, with CALL. The memory server refuses requests that
 * come without a reply handle (IPC_NO_REPLY), so the SEND changes nothing
 * and the CALL gets the child's real status. Prints "wait_send: PASS".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pagoda/sys.h>

#define CHILD_STATUS 42

static int child(int parent)
{
	struct ipc_msg m;
	struct ipc_from from;
	int err = ipc_recv(parent, &m, &from);     /* "exit now" */
	return err < 0 ? 1 : CHILD_STATUS;
}

int main(int argc, char **argv)
{
	if (argc > 2 && !strcmp(argv[1], "child"))
		return child(atoi(argv[2]));
	char line[64];
	snprintf(line, sizeof line, "wait_send child %ld", (long)sys_getpid());
	int pid = mm_spawn(line, MM_SPAWN_IPC_PARENT);
	if (pid < 0) {
		printf("wait_send: FAIL: spawn: %s\n", pagoda_strerror(pid));
		return 1;
	}
	struct ipc_msg wait = { .tag = MM_WAIT, .w = { (uint64_t)pid } };
	int sent = ipc_send(MM_PID, &wait);
	struct ipc_msg go = { .tag = 1 };
	int told = ipc_send(pid, &go);
	int status = -1000;
	int got = mm_wait(pid, &status);
	printf("wait_send: SEND MM_WAIT -> %d, child told -> %d, CALL MM_WAIT -> %d (%s), status %d\n",
	       sent, told, got, got < 0 ? pagoda_strerror(got) : "pid", status);
	int ok = got == pid && status == CHILD_STATUS;
	printf(ok ? "wait_send: PASS\n" : "wait_send: FAIL\n");
	return ok ? 0 : 1;
}
