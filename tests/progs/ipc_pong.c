/*
 * ipc_pong PARENT-PID - the echo half of ipc_ping: receives from anyone,
 * checks the sender is PARENT-PID, and replies with every word + 1 and
 * tag + 1, until a message with tag PONG_STOP (answered too). Exits 0, or
 * 1 if a message came from someone else or a reply failed. Notifications
 * (from pid 0) are ignored.
 */
#include <stdio.h>
#include <stdlib.h>
#include <pagoda/sys.h>

#define PONG_STOP 0x570b

int main(int argc, char **argv)
{
	int parent = argc > 1 ? atoi(argv[1]) : -1;
	unsigned long served = 0;
	for (;;) {
		struct ipc_msg m;
		struct ipc_from from;
		int err = ipc_recv(IPC_ANY, &m, &from);
		if (err < 0) {
			printf("ipc_pong: FAIL: recv: %s\n", pagoda_strerror(err));
			return 1;
		}
		if (from.pid == PID_KERNEL)
			continue;
		if (from.pid != parent) {
			printf("ipc_pong: FAIL: message from pid %d, expected %d\n", from.pid, parent);
			return 1;
		}
		int stop = m.tag == PONG_STOP;
		m.tag++;
		for (int w = 0; w < IPC_WORDS; w++)
			m.w[w]++;
		err = ipc_reply(from.handle, &m);
		if (err < 0) {
			printf("ipc_pong: FAIL: reply: %s\n", pagoda_strerror(err));
			return 1;
		}
		if (stop)
			break;
		served++;
	}
	printf("ipc_pong: served %lu calls\n", served);
	return 0;
}
