/*
 * fault_noncanonical - reads a non-canonical address (bit 47 set, bits
 * 63-48 clear: the first address of the hole between user and kernel
 * halves). The CPU raises a general protection fault, not a page fault,
 * so the kernel kills it itself and the memory server never hears of it.
 */
#include <stdio.h>

int main(void)
{
	volatile int *p = (volatile int *)0x0000800000000000UL;
	printf("fault_noncanonical: reading address %p\n", (void *)p);
	fflush(stdout);
	int v = *p;
	printf("fault_noncanonical: survived (read %d)\n", v);
	return 0;
}
