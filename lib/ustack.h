/*
 * ustack.h - a new process's first stack: argc and argv.
 */
#ifndef LIB_USTACK_H
#define LIB_USTACK_H

#include <pagoda/types.h>

#define USTACK_ARGV_MAX 16      /* words beyond this are not in argv */
#define USTACK_LINE_MAX 256     /* longest command line laid out */

vaddr_t ustack_init(uint8_t *page, vaddr_t page_va, const char *line);

#endif
