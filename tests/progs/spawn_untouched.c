/*
 * spawn_untouched - asks the memory server to spawn "hello untouched"
 * from a command string on a page this program never touched: the server
 * must fault that page in itself before copying the string. Exits with
 * hello's status (0) if the spawn and the wait work.
 */
#include <stdio.h>
#include <pagoda/sys.h>

static const struct {
	char pad[4096];
	char cmd[16];
} text __attribute__((aligned(4096))) = { { 1 }, "hello untouched" };

int main(void)
{
	/* Raw request: mm_spawn() would call strlen and touch the page. */
	struct ipc_msg m = { .tag = MM_SPAWN,
		.w = { (uint64_t)(uintptr_t)text.cmd, sizeof text.cmd - 1, 0 } };
	int err = ipc_call(MM_PID, &m);
	if (err < 0 || m.tag < 0) {
		printf("spawn_untouched: spawn failed: %s\n", pagoda_strerror(err < 0 ? err : (int)m.tag));
		return 1;
	}
	int status = -1;
	if (mm_wait((int)m.tag, &status) < 0)
		return 1;
	printf("spawn_untouched: child exited with status %d\n", status);
	return status;
}
