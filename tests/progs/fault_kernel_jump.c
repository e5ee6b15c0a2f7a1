/* fault_kernel_jump - jumps into the kernel's text (supervisor-only pages). */
#include <stdio.h>

int main(void)
{
	void (*kernel)(void) = (void (*)(void))0xffffffff80106000UL;
	printf("fault_kernel_jump: calling %p\n", (void *)kernel);
	fflush(stdout);
	kernel();
	printf("fault_kernel_jump: survived\n");
	return 0;
}
