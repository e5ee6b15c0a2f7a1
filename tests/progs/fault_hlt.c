/* fault_hlt - executes the privileged instruction hlt in user mode. */
#include <stdio.h>

int main(void)
{
	printf("fault_hlt: executing hlt\n");
	fflush(stdout);
	__asm__ volatile("hlt");
	printf("fault_hlt: survived\n");
	return 0;
}
