/*
 * elf.h - validating an ELF64 executable and listing what to load.
 *
 * elf_parse() checks a whole image before anything is loaded and fills in
 * struct elf_image with the entry point and the loadable segments;
 * elf_copy_page() fills one page of a segment from the file;
 * elf_find_section() and elf_section_string() look a section up by name
 * (a program's PAGODA_ABOUT description, pagoda/about.h). It is
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

/* The section called name in the ELF64 image data[0 .. size): 0 with
 * *offset, *len (its bytes, inside the image); -ERR_NOENT if there is no
 * such section (or no section table); -ERR_INVAL if the header or the
 * section table is malformed (truncated, out of range, a name without
 * its NUL, a section of type NOBITS). Every offset is checked before it
 * is read. */
int elf_find_section(const void *data, size_t size, const char *name, uint64_t *offset,
		     uint64_t *len);

/* The NUL-terminated string at the start of section name, copied to
 * out[0 .. outsize) (outsize >= 1): its length; 0 and out = "" if there is
 * no such section, if the section is malformed, or if no NUL ends the
 * string within the section and within outsize bytes (never a cut
 * string). */
size_t elf_section_string(const void *data, size_t size, const char *name, char *out,
			  size_t outsize);

#endif
