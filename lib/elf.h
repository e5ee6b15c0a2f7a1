/*
 * elf.h - validating an ELF64 executable and listing what to load.
 *
 * elf_parse() checks a whole image before anything is loaded and fills in
 * struct elf_image with the entry point and the loadable segments;
 * elf_copy_page() fills one page of a segment from the file. It is
 * pure (no allocation, no I/O), so the kernel's boot loader, the memory
 * server and the host tests all use the same code.
 */
#ifndef LIB_ELF_H
#define LIB_ELF_H

#include <pagoda/types.h>

#define ELF_MAX_SEGMENTS 8

struct elf_segment {
	vaddr_t vaddr;
	uint64_t memsz;
	uint64_t filesz;
	uint64_t offset;          /* of the file bytes within the image */
	bool write, exec;         /* every loaded segment is readable */
};

struct elf_image {
	vaddr_t entry;
	int nsegs;
	struct elf_segment segs[ELF_MAX_SEGMENTS];
};

/* Returns 0, or -ERR_INVAL with *why set to a short reason. Segments must
 * lie inside [lo, hi). */
int elf_parse(const void *data, size_t size, vaddr_t lo, vaddr_t hi,
	      struct elf_image *out, const char **why);

void elf_copy_page(uint8_t *page, vaddr_t va, vaddr_t seg_va, const uint8_t *file,
		   uint64_t filesz);

#endif
