/*
 * ustack.c - laying out a new process's initial stack (System V ABI for
 * x86_64, 3.4.1), shared by the kernel (which starts the memory server)
 * and the memory server (which starts everyone else).
 *
 * The command line's words (split at spaces; at most USTACK_ARGV_MAX) go
 * as strings at the very top of the stack's top page; below them, 16-byte
 * aligned: argc, argv[0..argc-1], NULL, and an empty environment (NULL).
 * crt0.S reads argc and argv from there. Pure: no I/O, no allocation.
 */
#include <string.h>
#include "ustack.h"

/* page: the contents of the top stack page, mapped at page_va. Returns
 * the initial stack pointer (it points at argc). */
vaddr_t ustack_init(uint8_t *page, vaddr_t page_va, const char *line)
{
	size_t len = strnlen(line, USTACK_LINE_MAX - 1);
	uint8_t *strs = page + PAGE_SIZE - (len + 1);
	memcpy(strs, line, len);
	strs[len] = '\0';
	vaddr_t argv[USTACK_ARGV_MAX];
	int argc = 0;
	for (size_t i = 0; i < len; i++) {
		if (strs[i] == ' ')
			strs[i] = '\0';
		else if ((i == 0 || strs[i - 1] == '\0') && argc < USTACK_ARGV_MAX)
			argv[argc++] = page_va + (vaddr_t)(strs + i - page);
	}
	uint64_t *sp = (uint64_t *)((uintptr_t)strs & ~(uintptr_t)15);
	sp -= (argc + 3 + 1) & ~1;          /* argc, argv[], NULL, envp NULL; 16-aligned */
	sp[0] = (uint64_t)argc;
	for (int i = 0; i < argc; i++)
		sp[1 + i] = argv[i];
	sp[1 + argc] = 0;
	sp[2 + argc] = 0;
	return page_va + (vaddr_t)((uint8_t *)sp - page);
}
