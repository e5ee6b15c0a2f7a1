/*
 * recv_refused - a RECV that could never be answered fails at once
 * instead of blocking forever: from the caller's own pid (ERR_INVAL), a
 * negative pid other than IPC_ANY (ERR_INVAL), a pid that never existed
 * (ERR_SRCH), a child that exited and was reaped (its slot is free:
 * ERR_SRCH). (A pid that is dead but not yet reaped gets ERR_DEAD; that
 * window is the memory server's to close and cannot be held open from
 * here.) If the kernel blocked instead, the test times out. Prints
 * "recv_refused: PASS" and exits 0.
 */
#include <stdio.h>
#include <pagoda/sys.h>

static int failures;

static void expect(const char *what, int got, int want)
{
	printf("recv_refused: %-32s -> %s%s\n", what, pagoda_strerror(got),
	       got == want ? "" : "  UNEXPECTED");
	if (got != want)
		failures++;
}

static int recv_from(int pid)
{
	struct ipc_msg m;
	struct ipc_from from;
	return ipc_recv(pid, &m, &from);
}

int main(void)
{
	int self = (int)sys_getpid();
	expect("recv from itself", recv_from(self), -ERR_INVAL);
	expect("recv from pid -2", recv_from(-2), -ERR_INVAL);
	expect("recv from pid 100000 (never existed)", recv_from(100000), -ERR_SRCH);
	int child = mm_spawn("hello", 0);
	int status = -1;
	if (child < 0 || mm_wait(child, &status) < 0 || status != 0) {
		printf("recv_refused: FAIL: cannot run a child (%d)\n", child);
		return 1;
	}
	expect("recv from an exited, reaped child", recv_from(child), -ERR_SRCH);
	if (failures) {
		printf("recv_refused: FAIL (%d unexpected results)\n", failures);
		return 1;
	}
	printf("recv_refused: PASS\n");
	return 0;
}
