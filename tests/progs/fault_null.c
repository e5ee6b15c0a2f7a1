/* fault_null - dereferences NULL; the kernel must kill it, and only it. */
#include <stdio.h>

int main(void)
{
	printf("fault_null: reading address 0\n");
	fflush(stdout);
	volatile int *p = (volatile int *)0;
	int v = *p;
	printf("fault_null: survived (read %d)\n", v);
	return 0;
}
