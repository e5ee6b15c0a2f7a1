/*
 * ipc_forbidden - IPC permissions are enforced. Spawned with no IPC
 * permission except to the memory server, it tries to SEND, CALL and
 * NOTIFY init (pid 2) and a pid that does not exist (999): each must fail
 * with ERR_PERM at once (a send that got through would block here, so the
 * test would time out). A REPLY with a handle nobody is waiting on must
 * fail with ERR_INVAL. The memory server must still answer afterwards.
 * Prints "ipc_forbidden: PASS" and exits 0.
 */
#include <stdio.h>
#include <stdint.h>
#include <pagoda/sys.h>

static int failures;

static void expect(const char *what, int got, int want)
{
	int ok = got == want;
	printf("ipc_forbidden: %-28s -> %s%s\n", what, got < 0 ? pagoda_strerror(got) : "success",
	       ok ? "" : "  UNEXPECTED");
	failures += !ok;
}

int main(void)
{
	static const int targets[] = { 2, 999 };
	for (int i = 0; i < 2; i++) {
		int pid = targets[i];
		char what[48];
		struct ipc_msg m = { .tag = 1, .w = { 1, 2, 3, 4, 5, 6, 7 } };
		snprintf(what, sizeof what, "send to pid %d", pid);
		expect(what, ipc_send(pid, &m), -ERR_PERM);
		snprintf(what, sizeof what, "call to pid %d", pid);
		expect(what, ipc_call(pid, &m), -ERR_PERM);
		snprintf(what, sizeof what, "notify pid %d", pid);
		expect(what, ipc_notify(pid, 0x1), -ERR_PERM);
	}
	struct ipc_msg r = { .tag = 0 };
	expect("reply with handle 0x7777", ipc_reply(0x7777, &r), -ERR_INVAL);
	expect("reply with handle 0", ipc_reply(0, &r), -ERR_INVAL);
	expect("reply with handle ~0", ipc_reply(~0ULL, &r), -ERR_INVAL);
	if (mm_free_pages() == 0) {
		printf("ipc_forbidden: the memory server stopped answering\n");
		failures++;
	}
	if (failures) {
		printf("ipc_forbidden: FAIL (%d unexpected results)\n", failures);
		return 1;
	}
	printf("ipc_forbidden: PASS\n");
	return 0;
}
