/* fault_write_code - writes over its own code, which is mapped read-only. */
#include <stdio.h>

int main(void)
{
	volatile unsigned char *code = (volatile unsigned char *)(void *)main;
	printf("fault_write_code: writing to main at %p\n", (void *)code);
	fflush(stdout);
	code[0] = 0xc3;
	printf("fault_write_code: survived\n");
	return 0;
}
