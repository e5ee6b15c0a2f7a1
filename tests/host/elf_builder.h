/*
 * elf_builder.h - ELF64 executables built in memory, for the host tests
 * (test_elf.c mutates them field by field; mm_fixture.c boots them as
 * modules).
 *
 * The header layouts are written from the System V ABI (gABI ch. 4 and
 * the x86_64 supplement), not copied from lib/elf.c's private structs, so
 * a wrong offset in either shows up as a test failure.
 *
 * elf_build_header() writes a valid x86_64 ET_EXEC header with nseg
 * program headers right after it (at offset 64); elf_build_load() fills
 * program header i as a PT_LOAD segment. The caller zeroes the buffer
 * and writes the segments' bytes. elf_build_section() appends a section
 * table with one named section (a program's PAGODA_ABOUT line, say).
 */
#ifndef TEST_ELF_BUILDER_H
#define TEST_ELF_BUILDER_H

#include <stddef.h>
#include <stdint.h>

struct t_ehdr {
	uint8_t ident[16];
	uint16_t type, machine;
	uint32_t version;
	uint64_t entry, phoff, shoff;
	uint32_t flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct t_phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

struct t_shdr {
	uint32_t name, type;
	uint64_t flags, addr, offset, size;
	uint32_t link, info;
	uint64_t addralign, entsize;
};

_Static_assert(sizeof(struct t_ehdr) == 64, "Elf64_Ehdr");
_Static_assert(sizeof(struct t_shdr) == 64, "Elf64_Shdr");
_Static_assert(offsetof(struct t_ehdr, shoff) == 40, "e_shoff");
_Static_assert(offsetof(struct t_ehdr, shstrndx) == 62, "e_shstrndx");
_Static_assert(offsetof(struct t_shdr, offset) == 24, "sh_offset");
_Static_assert(sizeof(struct t_phdr) == 56, "Elf64_Phdr");
_Static_assert(offsetof(struct t_ehdr, phoff) == 32, "e_phoff");
_Static_assert(offsetof(struct t_ehdr, phnum) == 56, "e_phnum");
_Static_assert(offsetof(struct t_phdr, memsz) == 40, "p_memsz");

#define PT_NULL      0
#define PT_LOAD      1
#define PT_DYNAMIC   2
#define PT_INTERP    3
#define PT_NOTE      4
#define PT_GNU_STACK 0x6474e551u
#define PF_X 1
#define PF_W 2
#define PF_R 4

void elf_build_header(uint8_t *file, uint64_t entry, int nseg);
/* Program header i (at the header's phoff): PT_LOAD, page-aligned. */
void elf_build_load(uint8_t *file, int i, uint32_t flags, uint64_t offset, uint64_t vaddr,
		    uint64_t filesz, uint64_t memsz);

#define SHT_PROGBITS 1
#define SHT_STRTAB   3
#define SHT_NOBITS   8

/* Append, from offset `at` of file: len bytes (the section called name's
 * contents), the section-name table ("\0.shstrtab\0NAME\0"), then at the
 * next multiple of 8 three section headers: the null one, .shstrtab
 * (index 1, e_shstrndx) and name (index 2). Sets e_shoff, e_shnum,
 * e_shentsize and e_shstrndx. Returns the end of the file. */
uint64_t elf_build_section(uint8_t *file, uint64_t at, const char *name, const void *bytes,
			   uint64_t len);

#endif
