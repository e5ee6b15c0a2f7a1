/* fault_cli - tries to turn interrupts off from user mode. */
#include <stdio.h>

int main(void)
{
	printf("fault_cli: executing cli\n");
	fflush(stdout);
	__asm__ volatile("cli");
	printf("fault_cli: survived\n");
	return 0;
}
