/*
 * spin NAME - CPU-bound: five checkpoints, each reached after busy-waiting
 * (no system call that yields) until the clock has advanced 3 ticks. Two
 * of these can only interleave their checkpoints if the kernel preempts.
 */
#include <stdio.h>
#include <pagoda/sys.h>

int main(int argc, char **argv)
{
	const char *name = argc > 1 ? argv[1] : "?";
	for (int i = 1; i <= 5; i++) {
		int64_t until = sys_uptime() + 3;
		volatile unsigned long work = 0;
		while (sys_uptime() < until)
			work++;
		printf("spin %s: checkpoint %d\n", name, i);
	}
	return 0;
}
