/*
 * bench_echo [exit] - the server half of bench's IPC round trip: receives a
 * message from anyone and replies with it unchanged, in a receive +
 * ipc_reply_recv loop (one system call per round trip on this side),
 * until a message with tag ECHO_STOP, which it answers and then exits 0.
 * With the argument "exit" it exits at once (bench times spawn + wait).
 */
#include <string.h>
#include <pagoda/sys.h>

#define ECHO_STOP 0x5709

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "exit") == 0)
		return 0;
	struct ipc_msg m;
	struct ipc_from from;
	int err = ipc_recv(IPC_ANY, &m, &from);
	for (;;) {
		if (err < 0 || from.pid == PID_KERNEL) {
			err = ipc_recv(IPC_ANY, &m, &from);
			continue;
		}
		if (m.tag == ECHO_STOP)
			break;
		err = ipc_reply_recv(from.handle, &m, IPC_ANY, &from);
	}
	ipc_reply(from.handle, &m);
	return 0;
}
