/*
 * fault_unmapped - reads a user address that lies in no region of the
 * process (not NULL, not the kernel: just nothing there). The memory
 * server must kill it with "unmapped address".
 */
#include <stdio.h>

int main(void)
{
	volatile int *p = (volatile int *)0x0000100000000000UL;
	printf("fault_unmapped: reading address %p\n", (void *)p);
	fflush(stdout);
	int v = *p;
	printf("fault_unmapped: survived (read %d)\n", v);
	return 0;
}
