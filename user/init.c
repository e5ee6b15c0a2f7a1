/*
 * init - the first user program. For now it announces that user space is
 * up, with its process id, and exits; the shell and the memory server
 * will give it more to do.
 */
#include <stdio.h>
#include <unistd.h>

int main(void)
{
	printf("init: Pagoda user space is up (pid %d)\n", getpid());
	return 0;
}
