/*
 * elf.c - ELF64 executable validation (System V ABI, x86_64 supplement).
 *
 * Accepted: little-endian ELF64, version 1, machine x86_64, type ET_EXEC,
 * 1..ELF_MAX_SEGMENTS PT_LOAD segments, each with filesz <= memsz, its
 * file bytes inside the image, its memory inside [lo, hi), no two
 * overlapping, and an entry point inside an executable segment. All
 * arithmetic is checked for overflow, so a hostile header cannot make the
 * loader read or write out of bounds.
 *
 * Sections (elf_find_section): only for reading a named section's bytes
 * (a program's PAGODA_ABOUT line); loading never needs them. The section
 * table and the section-name string table must lie inside the image, and
 * a name is compared only up to the end of that table, so a truncated or
 * hostile table yields an error, never a read out of bounds.
 * Not supported: dynamic linking (PT_INTERP, PT_DYNAMIC are rejected),
 * position-independent executables, thread-local storage templates.
 */
#include <string.h>
#include <pagoda/error.h>
#include "elf.h"

#define EI_NIDENT 16
#define ET_EXEC 2
#define EM_X86_64 62
#define PT_LOAD 1
#define PT_DYNAMIC 2
#define PT_INTERP 3
#define PF_X 1
#define PF_W 2
#define PHDR_SIZE 56
#define MAX_PHDRS 64
#define SHDR_SIZE 64
#define SHT_NOBITS 8

struct ehdr {
	uint8_t ident[EI_NIDENT];
	uint16_t type, machine;
	uint32_t version;
	uint64_t entry, phoff, shoff;
	uint32_t flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

struct shdr {
	uint32_t name, type;
	uint64_t flags, addr, offset, size;
	uint32_t link, info;
	uint64_t addralign, entsize;
};

_Static_assert(sizeof(struct shdr) == SHDR_SIZE, "ELF64 section header is 64 bytes");
_Static_assert(sizeof(struct ehdr) == 64, "ELF64 header is 64 bytes");
_Static_assert(sizeof(struct phdr) == PHDR_SIZE, "ELF64 program header is 56 bytes");

static const char *check_header(const struct ehdr *h, size_t size)
{
	if (memcmp(h->ident, "\177ELF", 4))
		return "not an ELF file (bad magic)";
	if (h->ident[4] != 2)
		return "not a 64-bit ELF file";
	if (h->ident[5] != 1)
		return "not little-endian";
	if (h->ident[6] != 1 || h->version != 1)
		return "unknown ELF version";
	if (h->machine != EM_X86_64)
		return "not an x86_64 executable";
	if (h->type != ET_EXEC)
		return "not a static executable (ET_EXEC)";
	if (h->phentsize != PHDR_SIZE || h->phnum == 0 || h->phnum > MAX_PHDRS)
		return "bad program header table size";
	if (h->phoff > size || (uint64_t)h->phnum * PHDR_SIZE > size - h->phoff)
		return "program headers lie outside the file";
	return NULL;
}

static const char *check_segment(const struct phdr *p, size_t size, vaddr_t lo, vaddr_t hi)
{
	if (p->filesz > p->memsz)
		return "segment file size exceeds its memory size";
	if (p->offset > size || p->filesz > size - p->offset)
		return "segment data lies outside the file";
	if (p->memsz == 0)
		return "empty loadable segment";
	if (p->vaddr < lo || p->vaddr >= hi || p->memsz > hi - p->vaddr)
		return "segment lies outside user memory";
	return NULL;
}

static bool overlaps(const struct elf_image *img, vaddr_t b, uint64_t len)
{
	for (int i = 0; i < img->nsegs; i++) {
		const struct elf_segment *s = &img->segs[i];
		if (b < s->vaddr + s->memsz && s->vaddr < b + len)
			return true;
	}
	return false;
}

static bool entry_is_code(const struct elf_image *img)
{
	for (int i = 0; i < img->nsegs; i++) {
		const struct elf_segment *s = &img->segs[i];
		if (s->exec && img->entry >= s->vaddr && img->entry < s->vaddr + s->memsz)
			return true;
	}
	return false;
}

static const char *parse(const uint8_t *data, size_t size, vaddr_t lo, vaddr_t hi,
			 struct elf_image *img)
{
	struct ehdr h;
	if (size < sizeof h)
		return "file too small for an ELF header";
	memcpy(&h, data, sizeof h);
	const char *why = check_header(&h, size);
	if (why)
		return why;
	img->entry = h.entry;
	for (int i = 0; i < h.phnum; i++) {
		struct phdr p;
		memcpy(&p, data + h.phoff + (uint64_t)i * PHDR_SIZE, sizeof p);
		if (p.type == PT_INTERP || p.type == PT_DYNAMIC)
			return "dynamically linked (not supported)";
		if (p.type != PT_LOAD)
			continue;
		if ((why = check_segment(&p, size, lo, hi)))
			return why;
		if (img->nsegs == ELF_MAX_SEGMENTS)
			return "too many loadable segments";
		if (overlaps(img, p.vaddr, p.memsz))
			return "loadable segments overlap";
		img->segs[img->nsegs++] = (struct elf_segment){
			.vaddr = p.vaddr, .memsz = p.memsz, .filesz = p.filesz,
			.offset = p.offset, .write = p.flags & PF_W, .exec = p.flags & PF_X,
		};
	}
	if (img->nsegs == 0)
		return "no loadable segments";
	if (!entry_is_code(img))
		return "entry point is not in an executable segment";
	return NULL;
}

int elf_parse(const void *data, size_t size, vaddr_t lo, vaddr_t hi,
	      struct elf_image *out, const char **why)
{
	memset(out, 0, sizeof *out);
	*why = parse(data, size, lo, hi, out);
	return *why ? -ERR_INVAL : 0;
}

/* Copy into page (mapped at va) the segment's file bytes that fall inside
 * [va, va + PAGE_SIZE): the segment starts at seg_va, its file bytes are
 * file[0 .. filesz). Bytes of the page outside that stay as they are. */
void elf_copy_page(uint8_t *page, vaddr_t va, vaddr_t seg_va, const uint8_t *file, uint64_t filesz)
{
	vaddr_t lo = va > seg_va ? va : seg_va;
	vaddr_t hi = seg_va + filesz;
	if (hi > va + PAGE_SIZE)
		hi = va + PAGE_SIZE;
	if (lo < hi)
		memcpy(page + (lo - va), file + (lo - seg_va), hi - lo);
}

/* ---- sections ------------------------------------------------------------ */

/* Section header i, if the table [shoff, shoff + shnum * 64) is in the image. */
static bool read_shdr(const uint8_t *data, const struct ehdr *h, unsigned i, struct shdr *out)
{
	if (i >= h->shnum)
		return false;
	memcpy(out, data + h->shoff + (uint64_t)i * SHDR_SIZE, sizeof *out);
	return true;
}

/* Bytes before the first NUL of s[0 .. room), or room if there is none
 * (the kernel compiles this file too: no memchr there). */
static uint64_t bounded_len(const char *s, uint64_t room)
{
	uint64_t n = 0;
	while (n < room && s[n])
		n++;
	return n;
}

static bool inside(size_t size, uint64_t off, uint64_t len)
{
	return off <= size && len <= size - off;
}

/* The ELF header, with a section table that lies inside the image:
 * 0, -ERR_NOENT (no section table), -ERR_INVAL. */
static int section_table(const uint8_t *data, size_t size, struct ehdr *h)
{
	if (size < sizeof *h)
		return -ERR_INVAL;
	memcpy(h, data, sizeof *h);
	if (memcmp(h->ident, "\177ELF", 4) || h->ident[4] != 2 || h->ident[5] != 1)
		return -ERR_INVAL;
	if (h->shnum == 0 || h->shoff == 0)
		return -ERR_NOENT;
	if (h->shentsize != SHDR_SIZE || !inside(size, h->shoff, (uint64_t)h->shnum * SHDR_SIZE))
		return -ERR_INVAL;
	if (h->shstrndx >= h->shnum)
		return -ERR_INVAL;
	return 0;
}

/* Is the name at strtab offset `at` exactly `name`? Compared only inside
 * the table [str_off, str_off + str_len). */
static int name_is(const uint8_t *data, uint64_t str_off, uint64_t str_len, uint32_t at,
		   const char *name)
{
	if (at >= str_len)
		return -ERR_INVAL;
	const char *s = (const char *)data + str_off + at;
	uint64_t room = str_len - at;
	size_t n = strlen(name);
	if (bounded_len(s, room) == room)
		return -ERR_INVAL;      /* a name running off the table */
	return n < room && !memcmp(s, name, n + 1);
}

int elf_find_section(const void *image, size_t size, const char *name, uint64_t *offset,
		     uint64_t *len)
{
	const uint8_t *data = image;
	struct ehdr h;
	struct shdr strtab, s;
	int err = section_table(data, size, &h);
	if (err < 0)
		return err;
	read_shdr(data, &h, h.shstrndx, &strtab);
	if (strtab.type == SHT_NOBITS || !inside(size, strtab.offset, strtab.size))
		return -ERR_INVAL;
	for (unsigned i = 1; read_shdr(data, &h, i, &s); i++) {
		int is = name_is(data, strtab.offset, strtab.size, s.name, name);
		if (is < 0)
			return is;
		if (!is)
			continue;
		if (s.type == SHT_NOBITS || !inside(size, s.offset, s.size))
			return -ERR_INVAL;
		*offset = s.offset;
		*len = s.size;
		return 0;
	}
	return -ERR_NOENT;
}

size_t elf_section_string(const void *image, size_t size, const char *name, char *out,
			  size_t outsize)
{
	uint64_t off, len;
	out[0] = '\0';
	if (elf_find_section(image, size, name, &off, &len) < 0)
		return 0;
	uint64_t room = len < outsize ? len : outsize;
	const char *s = (const char *)image + off;
	size_t n = (size_t)bounded_len(s, room);
	if (n == room)
		return 0;               /* unterminated, or too long for out */
	memcpy(out, s, n + 1);
	return n;
}
