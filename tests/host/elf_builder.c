/*
 * elf_builder.c - ELF64 executables built in memory. See elf_builder.h.
 */
#include <string.h>
#include "elf_builder.h"

void elf_build_header(uint8_t *file, uint64_t entry, int nseg)
{
	struct t_ehdr *eh = (struct t_ehdr *)file;
	memcpy(eh->ident, "\177ELF", 4);
	eh->ident[4] = 2;       /* ELFCLASS64 */
	eh->ident[5] = 1;       /* ELFDATA2LSB */
	eh->ident[6] = 1;       /* EV_CURRENT */
	eh->type = 2;           /* ET_EXEC */
	eh->machine = 62;       /* EM_X86_64 */
	eh->version = 1;
	eh->entry = entry;
	eh->phoff = sizeof *eh;
	eh->ehsize = sizeof *eh;
	eh->phentsize = sizeof(struct t_phdr);
	eh->phnum = (uint16_t)nseg;
}

void elf_build_load(uint8_t *file, int i, uint32_t flags, uint64_t offset, uint64_t vaddr,
		    uint64_t filesz, uint64_t memsz)
{
	const struct t_ehdr *eh = (const struct t_ehdr *)file;
	struct t_phdr *ph = (struct t_phdr *)(file + eh->phoff) + i;
	*ph = (struct t_phdr){ .type = PT_LOAD, .flags = flags, .offset = offset, .vaddr = vaddr,
			       .paddr = vaddr, .filesz = filesz, .memsz = memsz, .align = 0x1000 };
}

uint64_t elf_build_section(uint8_t *file, uint64_t at, const char *name, const void *bytes,
			   uint64_t len)
{
	struct t_ehdr *eh = (struct t_ehdr *)file;
	uint64_t data = at, names = at + len;
	static const char shstrtab[] = ".shstrtab";
	size_t nlen = strlen(name);
	memcpy(file + data, bytes, len);
	file[names] = '\0';
	memcpy(file + names + 1, shstrtab, sizeof shstrtab);
	memcpy(file + names + 1 + sizeof shstrtab, name, nlen + 1);
	uint64_t names_len = 1 + sizeof shstrtab + nlen + 1;
	uint64_t table = (names + names_len + 7) & ~7ULL;
	struct t_shdr sh[3] = {
		{ 0 },
		{ .name = 1, .type = SHT_STRTAB, .offset = names, .size = names_len, .addralign = 1 },
		{ .name = 1 + sizeof shstrtab, .type = SHT_PROGBITS, .flags = 2 /* SHF_ALLOC */,
		  .offset = data, .size = len, .addralign = 1 },
	};
	memcpy(file + table, sh, sizeof sh);
	eh->shoff = table;
	eh->shnum = 3;
	eh->shentsize = sizeof(struct t_shdr);
	eh->shstrndx = 1;
	return table + sizeof sh;
}
