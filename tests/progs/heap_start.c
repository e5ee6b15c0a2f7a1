/*
 * heap_start - the break starts where .bss ends, as on Unix. First thing
 * (before stdio allocates anything), read and write the byte just below
 * sbrk(0): it is the last byte of the page holding the end of .bss, part
 * of the program's data segment. If the memory server left an unmapped
 * page between .bss and the heap, this access kills the program. Then
 * check the break is exactly the end of .bss (the linker's `end`), and
 * that memory got from sbrk right there works.
 */
#include <stdio.h>
#include <stdint.h>
#include <unistd.h>

extern char end[];      /* the linker: first address after .bss */

int main(void)
{
	volatile char *brk0 = sbrk(0);
	char old = brk0[-1];
	brk0[-1] = 0x5a;
	int ok = brk0[-1] == 0x5a;
	volatile char *more = sbrk(100);
	more[0] = 1;
	more[99] = 2;
	ok = ok && more == brk0 && more[0] + more[99] == 3;
	printf("heap_start: sbrk(0) %p, end of .bss %p, byte below it was %d\n", (void *)brk0,
	       (void *)end, old);
	ok = ok && brk0 == (volatile char *)end;
	printf(ok ? "heap_start: PASS\n" : "heap_start: FAIL\n");
	return ok ? 0 : 1;
}
