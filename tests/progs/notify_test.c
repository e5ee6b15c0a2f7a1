/*
 * notify_test - notifications are delivered. The parent spawns itself with
 * the argument "child" (MM_SPAWN_IPC_PARENT), notifies the child twice
 * (bits 0x5, then 0x30) and waits for it. The child receives from anyone:
 * every message must be MSG_NOTIFY from pid 0 with w[0] a non-empty subset
 * of 0x35, and together they must OR to 0x35 (one message with 0x35 if
 * both notifications were pending, or 0x5 then 0x30 if it was waiting in
 * between). The child exits 0 if so; the parent checks that status.
 * Prints "notify_test: PASS" and exits 0.
 */
#include <stdio.h>
#include <string.h>
#include <pagoda/sys.h>

#define BITS_A 0x5ULL
#define BITS_B 0x30ULL

static int child(void)
{
	uint64_t seen = 0;
	for (int n = 1; n <= 2 && seen != (BITS_A | BITS_B); n++) {
		struct ipc_msg m;
		struct ipc_from from;
		int err = ipc_recv(IPC_ANY, &m, &from);
		if (err < 0 || m.tag != MSG_NOTIFY || from.pid != PID_KERNEL || m.w[0] == 0 ||
		    (m.w[0] & ~(BITS_A | BITS_B)) != 0) {
			printf("notify_test: child: FAIL: receive %d: %s, tag %lld from pid %d, "
			       "bits %#llx\n", n, pagoda_strerror(err), (long long)m.tag, from.pid,
			       (unsigned long long)m.w[0]);
			return 1;
		}
		printf("notify_test: child: notification %d: bits %#llx\n", n,
		       (unsigned long long)m.w[0]);
		seen |= m.w[0];
	}
	if (seen != (BITS_A | BITS_B)) {
		printf("notify_test: child: FAIL: bits %#llx after two receives\n",
		       (unsigned long long)seen);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "child") == 0)
		return child();
	int pid = mm_spawn("notify_test child", MM_SPAWN_IPC_PARENT);
	if (pid < 0) {
		printf("notify_test: FAIL: cannot spawn the child: %s\n", pagoda_strerror(pid));
		return 1;
	}
	int e1 = ipc_notify(pid, BITS_A);
	int e2 = ipc_notify(pid, BITS_B);
	int status = -1;
	int err = mm_wait(pid, &status);
	if (e1 < 0 || e2 < 0 || err < 0 || status != 0) {
		printf("notify_test: FAIL: notify %s/%s, wait %s, child status %d\n",
		       pagoda_strerror(e1), pagoda_strerror(e2), pagoda_strerror(err), status);
		return 1;
	}
	printf("notify_test: PASS\n");
	return 0;
}
