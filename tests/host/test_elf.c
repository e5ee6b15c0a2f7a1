/*
 * test_elf.c - the ELF64 validator (lib/elf.c), compiled unchanged.
 *
 * Each test starts from a minimal valid executable built in memory by
 * build_valid() (an ELF header, two program headers, a text and a data
 * segment, through elf_builder.h, whose header layouts are written from
 * the System V ABI and not copied from elf.c), changes one field, and
 * asserts the exact reason elf_parse() gives. Images are
 * parsed from heap blocks of exactly their size, so ASan catches any read
 * past the end; a randomised test mutates bytes and checks that whatever
 * is accepted satisfies the documented guarantees.
 *
 * The section lookup (elf_find_section, elf_section_string: a program's
 * PAGODA_ABOUT line) gets the same treatment: an image with a section
 * table (elf_build_section), one field broken at a time - a truncated
 * table, offsets out of range or overflowing, a name or a string without
 * its NUL - each an error or no description, and random mutations of
 * the table that must never read outside the image (ASan).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <pagoda/error.h>
#include "elf.h"
#include "elf_builder.h"
#include "rng.h"

/* The kernel's user window: [USER_LO, USER_HI). */
#define USER_LO 0x1000ULL
#define USER_HI 0x00007fffffef0000ULL

#define TEXT_VA   0x401000ULL
#define DATA_VA   0x402000ULL
#define TEXT_OFF  0x100
#define TEXT_SIZE 0x100
#define DATA_OFF  0x200
#define DATA_FILE 0x80
#define DATA_MEM  0x1000
#define IMAGE_MAX 0x1000

/* The image under test: header, program headers from offset 64, bytes. */
static union {
	uint8_t bytes[IMAGE_MAX];
	struct t_ehdr eh;
} img;
static size_t img_size;

static struct t_phdr *ph(int i)
{
	return (struct t_phdr *)(img.bytes + img.eh.phoff) + i;
}

static void build_valid(void)
{
	memset(&img, 0, sizeof img);
	elf_build_header(img.bytes, TEXT_VA + 0x10, 2);
	elf_build_load(img.bytes, 0, PF_R | PF_X, TEXT_OFF, TEXT_VA, TEXT_SIZE, TEXT_SIZE);
	elf_build_load(img.bytes, 1, PF_R | PF_W, DATA_OFF, DATA_VA, DATA_FILE, DATA_MEM);
	memset(img.bytes + TEXT_OFF, 0x90, TEXT_SIZE);
	memset(img.bytes + DATA_OFF, 0x5a, DATA_FILE);
	img_size = DATA_OFF + DATA_FILE;
}

static int setup(void **state)
{
	build_valid();
	return 0;
}

static struct elf_image out;
static const char *why;

/* Parse the first `size` bytes of img from a heap copy of exactly that size. */
static int parse_size(size_t size)
{
	uint8_t *copy = malloc(size ? size : 1);
	assert_non_null(copy);
	memcpy(copy, img.bytes, size);
	why = "(not set)";
	int rc = elf_parse(copy, size, USER_LO, USER_HI, &out, &why);
	free(copy);
	return rc;
}

static int parse(void)
{
	return parse_size(img_size);
}

static void expect_reject(const char *reason)
{
	assert_int_equal(parse(), -ERR_INVAL);
	assert_non_null(why);
	assert_string_equal(why, reason);
}

static void expect_accept(void)
{
	int rc = parse();
	if (rc != 0)
		fail_msg("rejected: %s", why);
	assert_null(why);
}

/* --- valid images ---------------------------------------------------- */

static void elf_accepts_minimal_executable(void **state)
{
	expect_accept();
	assert_int_equal(out.entry, TEXT_VA + 0x10);
	assert_int_equal(out.nsegs, 2);
}

static void elf_reports_segments_with_their_rights(void **state)
{
	expect_accept();
	const struct elf_segment *t = &out.segs[0], *d = &out.segs[1];
	assert_int_equal(t->vaddr, TEXT_VA);
	assert_int_equal(t->memsz, TEXT_SIZE);
	assert_int_equal(t->filesz, TEXT_SIZE);
	assert_int_equal(t->offset, TEXT_OFF);
	assert_true(t->exec);
	assert_false(t->write);
	assert_int_equal(d->vaddr, DATA_VA);
	assert_int_equal(d->memsz, DATA_MEM);
	assert_int_equal(d->filesz, DATA_FILE);
	assert_int_equal(d->offset, DATA_OFF);
	assert_false(d->exec);
	assert_true(d->write);
}

static void elf_read_only_segment_has_no_write_or_exec(void **state)
{
	ph(1)->flags = PF_R;
	expect_accept();
	assert_false(out.segs[1].write);
	assert_false(out.segs[1].exec);
}

static void elf_ignores_non_load_program_headers(void **state)
{
	/* A PT_NOTE with nonsense fields and a PT_GNU_STACK between the loads,
	 * in a table moved past the data to make room. */
	struct t_phdr text = *ph(0), data = *ph(1);
	img.eh.phoff = 0x300;
	img.eh.phnum = 4;
	*ph(0) = text;
	*ph(1) = (struct t_phdr){ .type = PT_NOTE, .offset = ~0ULL, .filesz = ~0ULL };
	*ph(2) = (struct t_phdr){ .type = PT_GNU_STACK, .flags = PF_R | PF_W };
	*ph(3) = data;
	img_size = 0x300 + 4 * sizeof(struct t_phdr);
	expect_accept();
	assert_int_equal(out.nsegs, 2);
	assert_int_equal(out.segs[0].vaddr, TEXT_VA);
	assert_int_equal(out.segs[1].vaddr, DATA_VA);
}

static void elf_accepts_segments_sharing_a_page_without_overlap(void **state)
{
	ph(1)->vaddr = TEXT_VA + TEXT_SIZE;     /* data starts where text ends */
	expect_accept();
	assert_int_equal(out.segs[1].vaddr, TEXT_VA + TEXT_SIZE);
}

static void elf_accepts_segment_ending_at_top_of_user_memory(void **state)
{
	ph(1)->vaddr = USER_HI - DATA_MEM;
	expect_accept();
	ph(1)->vaddr = USER_LO;
	ph(1)->memsz = DATA_FILE;
	expect_accept();
}

static void elf_accepts_data_ending_at_end_of_file(void **state)
{
	/* img_size is DATA_OFF + DATA_FILE: the last byte is the data's. */
	expect_accept();
	assert_int_equal(out.segs[1].offset + out.segs[1].filesz, img_size);
}

static void elf_accepts_program_headers_at_end_of_file(void **state)
{
	memcpy(img.bytes + img_size, ph(0), 2 * sizeof(struct t_phdr));
	img.eh.phoff = img_size;
	img_size += 2 * sizeof(struct t_phdr);
	expect_accept();
	assert_int_equal(out.nsegs, 2);
}

static void elf_accepts_entry_at_last_byte_of_text(void **state)
{
	img.eh.entry = TEXT_VA + TEXT_SIZE - 1;
	expect_accept();
	assert_int_equal(out.entry, TEXT_VA + TEXT_SIZE - 1);
}

static void elf_accepts_max_segments(void **state)
{
	img.eh.phnum = ELF_MAX_SEGMENTS;
	for (int i = 1; i < ELF_MAX_SEGMENTS; i++) {
		*ph(i) = *ph(1);
		ph(i)->vaddr = DATA_VA + (uint64_t)i * 0x10000;
	}
	expect_accept();
	assert_int_equal(out.nsegs, ELF_MAX_SEGMENTS);
	assert_int_equal(out.segs[ELF_MAX_SEGMENTS - 1].vaddr,
			 DATA_VA + (ELF_MAX_SEGMENTS - 1) * 0x10000ULL);
}

static void elf_parses_image_at_unaligned_address(void **state)
{
	uint8_t *buf = malloc(img_size + 1);
	assert_non_null(buf);
	memcpy(buf + 1, img.bytes, img_size);
	int rc = elf_parse(buf + 1, img_size, USER_LO, USER_HI, &out, &why);
	free(buf);
	assert_int_equal(rc, 0);
	assert_int_equal(out.nsegs, 2);
	assert_int_equal(out.segs[1].vaddr, DATA_VA);
}

/* --- the header ------------------------------------------------------ */

static void elf_rejects_file_smaller_than_header(void **state)
{
	assert_int_equal(parse_size(63), -ERR_INVAL);
	assert_string_equal(why, "file too small for an ELF header");
	assert_int_equal(parse_size(0), -ERR_INVAL);
	assert_string_equal(why, "file too small for an ELF header");
}

static void elf_rejects_bad_magic(void **state)
{
	img.eh.ident[3] = 'G';
	expect_reject("not an ELF file (bad magic)");
	build_valid();
	img.eh.ident[0] = 0;
	expect_reject("not an ELF file (bad magic)");
}

static void elf_rejects_32_bit_class(void **state)
{
	img.eh.ident[4] = 1;
	expect_reject("not a 64-bit ELF file");
}

static void elf_rejects_big_endian(void **state)
{
	img.eh.ident[5] = 2;
	expect_reject("not little-endian");
}

static void elf_rejects_unknown_version(void **state)
{
	img.eh.ident[6] = 0;
	expect_reject("unknown ELF version");
	build_valid();
	img.eh.version = 2;
	expect_reject("unknown ELF version");
}

static void elf_rejects_wrong_machine(void **state)
{
	img.eh.machine = 3;     /* EM_386 */
	expect_reject("not an x86_64 executable");
}

static void elf_rejects_shared_object(void **state)
{
	img.eh.type = 3;        /* ET_DYN: a PIE or a library */
	expect_reject("not a static executable (ET_EXEC)");
	img.eh.type = 1;        /* ET_REL */
	expect_reject("not a static executable (ET_EXEC)");
}

static void elf_rejects_wrong_program_header_size(void **state)
{
	img.eh.phentsize = 32;
	expect_reject("bad program header table size");
	img.eh.phentsize = 64;
	expect_reject("bad program header table size");
}

static void elf_rejects_zero_program_headers(void **state)
{
	img.eh.phnum = 0;
	expect_reject("bad program header table size");
}

static void elf_rejects_huge_program_header_count(void **state)
{
	img.eh.phnum = 0xffff;
	expect_reject("bad program header table size");
	img.eh.phnum = 65;
	expect_reject("bad program header table size");
}

static void elf_rejects_program_headers_past_end_of_file(void **state)
{
	img.eh.phoff = img_size + 1;
	expect_reject("program headers lie outside the file");
	img.eh.phoff = img_size - sizeof(struct t_phdr);   /* first fits, second not */
	expect_reject("program headers lie outside the file");
}

static void elf_rejects_program_header_offset_that_overflows(void **state)
{
	img.eh.phoff = UINT64_MAX - 8;
	expect_reject("program headers lie outside the file");
	img.eh.phoff = UINT64_MAX - 2 * 56 + 2;     /* phoff + phnum*56 wraps to 2 */
	expect_reject("program headers lie outside the file");
}

/* --- segments -------------------------------------------------------- */

static void elf_rejects_file_size_larger_than_memory_size(void **state)
{
	ph(1)->memsz = DATA_FILE - 1;
	expect_reject("segment file size exceeds its memory size");
}

static void elf_rejects_segment_past_end_of_file(void **state)
{
	ph(1)->filesz = DATA_FILE + 1;
	expect_reject("segment data lies outside the file");
	build_valid();
	ph(1)->offset = img_size + 1;
	ph(1)->filesz = 0;
	expect_reject("segment data lies outside the file");
}

static void elf_rejects_segment_offset_that_overflows(void **state)
{
	ph(1)->offset = UINT64_MAX - 0x10;      /* offset + filesz wraps */
	expect_reject("segment data lies outside the file");
	build_valid();
	ph(1)->filesz = UINT64_MAX;
	ph(1)->memsz = UINT64_MAX;
	expect_reject("segment data lies outside the file");
}

static void elf_rejects_empty_segment(void **state)
{
	ph(1)->filesz = 0;
	ph(1)->memsz = 0;
	expect_reject("empty loadable segment");
}

static void elf_rejects_segment_below_user_memory(void **state)
{
	ph(1)->vaddr = 0;
	expect_reject("segment lies outside user memory");
	ph(1)->vaddr = USER_LO - 1;
	expect_reject("segment lies outside user memory");
}

static void elf_rejects_segment_above_user_memory(void **state)
{
	ph(1)->vaddr = USER_HI;
	expect_reject("segment lies outside user memory");
	ph(1)->vaddr = 0xffff800000000000ULL;   /* the kernel half */
	expect_reject("segment lies outside user memory");
}

static void elf_rejects_segment_running_past_top_of_user_memory(void **state)
{
	ph(1)->vaddr = USER_HI - DATA_MEM + 1;
	expect_reject("segment lies outside user memory");
}

static void elf_rejects_segment_whose_end_overflows(void **state)
{
	ph(1)->memsz = UINT64_MAX - DATA_VA + 2;    /* vaddr + memsz wraps to 1 */
	expect_reject("segment lies outside user memory");
}

static void elf_rejects_overlapping_segments(void **state)
{
	ph(1)->vaddr = TEXT_VA + TEXT_SIZE - 1;
	expect_reject("loadable segments overlap");
	ph(1)->vaddr = TEXT_VA - DATA_MEM + 1;      /* data's end overlaps text's start */
	expect_reject("loadable segments overlap");
	ph(1)->vaddr = TEXT_VA;
	expect_reject("loadable segments overlap");
}

static void elf_rejects_segment_containing_another(void **state)
{
	ph(1)->vaddr = TEXT_VA - 0x800;     /* [0x400800, 0x401800) contains text */
	expect_reject("loadable segments overlap");
}

static void elf_rejects_too_many_segments(void **state)
{
	img.eh.phnum = ELF_MAX_SEGMENTS + 1;
	for (int i = 1; i <= ELF_MAX_SEGMENTS; i++) {
		*ph(i) = *ph(1);
		ph(i)->vaddr = DATA_VA + (uint64_t)i * 0x10000;
	}
	expect_reject("too many loadable segments");
}

static void elf_rejects_interpreter(void **state)
{
	img.eh.phnum = 3;
	*ph(2) = (struct t_phdr){ .type = PT_INTERP, .offset = TEXT_OFF, .filesz = 28 };
	expect_reject("dynamically linked (not supported)");
}

static void elf_rejects_dynamic_section(void **state)
{
	ph(1)->type = PT_DYNAMIC;
	expect_reject("dynamically linked (not supported)");
}

static void elf_rejects_image_without_loadable_segment(void **state)
{
	ph(0)->type = PT_NOTE;
	ph(1)->type = PT_NULL;
	expect_reject("no loadable segments");
}

static void elf_rejects_entry_in_data_segment(void **state)
{
	img.eh.entry = DATA_VA;
	expect_reject("entry point is not in an executable segment");
}

static void elf_rejects_entry_just_past_text(void **state)
{
	img.eh.entry = TEXT_VA + TEXT_SIZE;
	expect_reject("entry point is not in an executable segment");
	img.eh.entry = TEXT_VA - 1;
	expect_reject("entry point is not in an executable segment");
	img.eh.entry = 0;
	expect_reject("entry point is not in an executable segment");
}

static void elf_rejects_entry_when_no_segment_is_executable(void **state)
{
	ph(0)->flags = PF_R;
	expect_reject("entry point is not in an executable segment");
}

/* --- elf_copy_page -------------------------------------------------- */

/* A segment at 0x401800 with 0x1000 file bytes spans three pages: the
 * first gets the bytes from 0x800 on, the second the rest, the third none. */
static void elf_copy_page_copies_only_the_file_bytes_inside_the_page(void **state)
{
	uint8_t file[0x1000], page[4096];
	for (size_t i = 0; i < sizeof file; i++)
		file[i] = (uint8_t)(i * 7 + 1);
	memset(page, 0xee, sizeof page);
	elf_copy_page(page, 0x401000, 0x401800, file, sizeof file);
	assert_int_equal(page[0x7ff], 0xee);
	assert_memory_equal(page + 0x800, file, 0x800);
	memset(page, 0xee, sizeof page);
	elf_copy_page(page, 0x402000, 0x401800, file, sizeof file);
	assert_memory_equal(page, file + 0x800, 0x800);
	assert_int_equal(page[0x800], 0xee);
	memset(page, 0xee, sizeof page);
	elf_copy_page(page, 0x403000, 0x401800, file, sizeof file);
	for (size_t i = 0; i < sizeof page; i++)
		assert_int_equal(page[i], 0xee);
}

/* --- randomised ------------------------------------------------------ */

/* What elf.h promises about any image it accepts. */
static void assert_accepted_image_is_safe(size_t size)
{
	assert_in_range(out.nsegs, 1, ELF_MAX_SEGMENTS);
	bool entry_ok = false;
	for (int i = 0; i < out.nsegs; i++) {
		const struct elf_segment *s = &out.segs[i];
		assert_true(s->memsz > 0 && s->filesz <= s->memsz);
		assert_true(s->offset <= size && s->filesz <= size - s->offset);
		assert_true(s->vaddr >= USER_LO && s->vaddr < USER_HI);
		assert_true(s->memsz <= USER_HI - s->vaddr);
		for (int j = 0; j < i; j++) {
			const struct elf_segment *t = &out.segs[j];
			assert_false(s->vaddr < t->vaddr + t->memsz && t->vaddr < s->vaddr + s->memsz);
		}
		if (s->exec && out.entry >= s->vaddr && out.entry - s->vaddr < s->memsz)
			entry_ok = true;
	}
	assert_true(entry_ok);
}

static void elf_random_header_mutations_never_accept_unsafe_images(void **state)
{
	int accepted = 0, rejected = 0;
	rng_state = 0x9e3779b97f4a7c15ULL;
	for (int round = 0; round < 20000; round++) {
		build_valid();
		int nflips = 1 + (int)(rng64() % 4);
		for (int k = 0; k < nflips; k++) {
			/* Mostly the headers, where the checks are. */
			size_t at = rng64() % (64 + 2 * 56);
			uint8_t v = (uint8_t)rng64();
			img.bytes[at] = (rng64() & 1) ? v : (uint8_t)(img.bytes[at] ^ (1u << (v & 7)));
		}
		size_t size = img_size - (rng64() % 8 == 0 ? rng64() % img_size : 0);
		if (parse_size(size) == 0) {
			assert_null(why);
			assert_accepted_image_is_safe(size);
			accepted++;
		} else {
			assert_non_null(why);
			rejected++;
		}
	}
	/* Both outcomes must have been exercised for the test to mean anything. */
	assert_true(accepted > 100);
	assert_true(rejected > 100);
}

/* --- sections (elf_find_section, elf_section_string) ------------------ */

#define ABOUT_SECTION ".pagoda.about"
static const char about_text[] = "print memory statistics";

/* The valid executable with a section table whose section 2 is
 * ABOUT_SECTION holding bytes[len]. */
static void build_about(const void *bytes, uint64_t len)
{
	build_valid();
	img_size = elf_build_section(img.bytes, img_size, ABOUT_SECTION, bytes, len);
}

static struct t_shdr *sh(int i)
{
	return (struct t_shdr *)(img.bytes + img.eh.shoff) + i;
}

static uint64_t sec_off, sec_len;

/* elf_find_section over a heap copy of exactly size bytes. */
static int find_size(size_t size, const char *name)
{
	uint8_t *copy = malloc(size ? size : 1);
	assert_non_null(copy);
	memcpy(copy, img.bytes, size);
	sec_off = sec_len = 0xdead;
	int rc = elf_find_section(copy, size, name, &sec_off, &sec_len);
	free(copy);
	return rc;
}

static int find(void)
{
	return find_size(img_size, ABOUT_SECTION);
}

static char text[64];

/* elf_section_string over a heap copy of exactly size bytes, into text[outsize]. */
static size_t about_size(size_t size, size_t outsize)
{
	uint8_t *copy = malloc(size ? size : 1);
	assert_non_null(copy);
	memcpy(copy, img.bytes, size);
	memset(text, 'x', sizeof text);
	size_t n = elf_section_string(copy, size, ABOUT_SECTION, text, outsize);
	free(copy);
	return n;
}

static void expect_no_description(void)
{
	assert_int_equal(about_size(img_size, sizeof text), 0);
	assert_string_equal(text, "");
}

static void elf_section_string_reads_the_about_line(void **state)
{
	(void)state;
	build_about(about_text, sizeof about_text);
	assert_int_equal(about_size(img_size, sizeof text), strlen(about_text));
	assert_string_equal(text, about_text);
}

static void elf_find_section_reports_offset_and_length_inside_the_image(void **state)
{
	(void)state;
	build_about(about_text, sizeof about_text);
	assert_int_equal(find(), 0);
	assert_int_equal(sec_off, DATA_OFF + DATA_FILE);
	assert_int_equal(sec_len, sizeof about_text);
	assert_memory_equal(img.bytes + sec_off, about_text, sizeof about_text);
}

static void elf_find_section_without_a_section_table_is_noent(void **state)
{
	(void)state;
	assert_int_equal(find(), -ERR_NOENT);   /* build_valid: shoff = shnum = 0 */
	expect_no_description();
}

static void elf_find_section_matches_the_whole_name_only(void **state)
{
	(void)state;
	build_about(about_text, sizeof about_text);
	assert_int_equal(find_size(img_size, ".pagoda.abou"), -ERR_NOENT);
	assert_int_equal(find_size(img_size, ".pagoda.aboutx"), -ERR_NOENT);
	assert_int_equal(find_size(img_size, ".shstrtab"), 0);
}

static void elf_find_section_rejects_a_truncated_section_table(void **state)
{
	(void)state;
	build_about(about_text, sizeof about_text);
	for (size_t cut = 1; cut <= 3 * 64; cut += 13) {
		assert_int_equal(find_size(img_size - cut, ABOUT_SECTION), -ERR_INVAL);
		assert_int_equal(about_size(img_size - cut, sizeof text), 0);
		assert_string_equal(text, "");
	}
}

static void elf_find_section_rejects_a_section_table_offset_that_overflows(void **state)
{
	(void)state;
	build_about(about_text, sizeof about_text);
	img.eh.shoff = ~0ULL - 64;
	assert_int_equal(find(), -ERR_INVAL);
	img.eh.shoff = img_size;    /* just past the end */
	assert_int_equal(find(), -ERR_INVAL);
	expect_no_description();
}

static void elf_find_section_rejects_a_wrong_section_header_size(void **state)
{
	(void)state;
	build_about(about_text, sizeof about_text);
	img.eh.shentsize = 40;
	assert_int_equal(find(), -ERR_INVAL);
}

static void elf_find_section_rejects_a_string_table_index_out_of_range(void **state)
{
	(void)state;
	build_about(about_text, sizeof about_text);
	img.eh.shstrndx = 3;
	assert_int_equal(find(), -ERR_INVAL);
	img.eh.shstrndx = 0xffff;
	assert_int_equal(find(), -ERR_INVAL);
}

static void elf_find_section_rejects_a_string_table_outside_the_image(void **state)
{
	(void)state;
	build_about(about_text, sizeof about_text);
	struct t_shdr good = *sh(1);
	sh(1)->offset = img_size;
	sh(1)->size = 1;
	assert_int_equal(find(), -ERR_INVAL);
	*sh(1) = good;
	sh(1)->size = ~0ULL;
	assert_int_equal(find(), -ERR_INVAL);
	*sh(1) = good;
	sh(1)->type = SHT_NOBITS;
	assert_int_equal(find(), -ERR_INVAL);
	expect_no_description();
}

static void elf_find_section_rejects_a_name_offset_past_the_string_table(void **state)
{
	(void)state;
	build_about(about_text, sizeof about_text);
	sh(2)->name = (uint32_t)sh(1)->size;
	assert_int_equal(find(), -ERR_INVAL);
	sh(2)->name = 0xffffffffu;
	assert_int_equal(find(), -ERR_INVAL);
}

static void elf_find_section_rejects_a_name_running_off_the_string_table(void **state)
{
	(void)state;
	build_about(about_text, sizeof about_text);
	sh(1)->size -= 1;           /* the last name's NUL is outside the table */
	assert_int_equal(find(), -ERR_INVAL);
	expect_no_description();
}

static void elf_find_section_rejects_a_section_outside_the_image(void **state)
{
	(void)state;
	build_about(about_text, sizeof about_text);
	struct t_shdr good = *sh(2);
	sh(2)->offset = ~0ULL - 4;
	assert_int_equal(find(), -ERR_INVAL);
	*sh(2) = good;
	sh(2)->size = img_size;     /* runs past the end */
	assert_int_equal(find(), -ERR_INVAL);
	*sh(2) = good;
	sh(2)->type = SHT_NOBITS;   /* no bytes in the file */
	assert_int_equal(find(), -ERR_INVAL);
	expect_no_description();
}

static void elf_section_string_of_an_unterminated_string_is_empty(void **state)
{
	(void)state;
	build_about(about_text, strlen(about_text));    /* no NUL in the section */
	expect_no_description();
}

static void elf_section_string_too_long_for_the_buffer_is_empty(void **state)
{
	(void)state;
	build_about(about_text, sizeof about_text);
	assert_int_equal(about_size(img_size, sizeof about_text), strlen(about_text));
	assert_int_equal(about_size(img_size, sizeof about_text - 1), 0);   /* never cut */
	assert_string_equal(text, "");
}

static void elf_section_string_of_a_file_that_is_not_elf_is_empty(void **state)
{
	(void)state;
	build_about(about_text, sizeof about_text);
	img.bytes[1] = 'X';
	expect_no_description();
	assert_int_equal(about_size(10, sizeof text), 0);   /* shorter than a header */
}

/* What elf.h promises for any image: the section found lies inside it,
 * the string is NUL-terminated inside the section and out. */
static void elf_random_section_table_mutations_never_read_outside_the_image(void **state)
{
	(void)state;
	int found = 0, refused = 0;
	rng_state = 0x2545f4914f6cdd1dULL;
	for (int round = 0; round < 20000; round++) {
		build_about(about_text, sizeof about_text);
		size_t first = DATA_OFF + DATA_FILE;    /* the section, the names, the table */
		int nflips = 1 + (int)(rng64() % 4);
		for (int k = 0; k < nflips; k++) {
			size_t at = (rng64() & 3) == 0 ? 40 + rng64() % 24 : first + rng64() % (img_size - first);
			uint8_t v = (uint8_t)rng64();
			img.bytes[at] = (rng64() & 1) ? v : (uint8_t)(img.bytes[at] ^ (1u << (v & 7)));
		}
		size_t size = img_size - (rng64() % 8 == 0 ? rng64() % img_size : 0);
		if (find_size(size, ABOUT_SECTION) == 0) {
			assert_true(sec_off <= size && sec_len <= size - sec_off);
			found++;
		} else {
			refused++;
		}
		size_t outsize = 1 + rng64() % sizeof text;
		size_t n = about_size(size, outsize);
		assert_true(n < outsize);
		assert_int_equal(strlen(text), n);
	}
	assert_true(found > 100);
	assert_true(refused > 100);
}

#define T(f) cmocka_unit_test_setup(f, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(elf_accepts_minimal_executable),
		T(elf_reports_segments_with_their_rights),
		T(elf_read_only_segment_has_no_write_or_exec),
		T(elf_ignores_non_load_program_headers),
		T(elf_accepts_segments_sharing_a_page_without_overlap),
		T(elf_accepts_segment_ending_at_top_of_user_memory),
		T(elf_accepts_data_ending_at_end_of_file),
		T(elf_accepts_program_headers_at_end_of_file),
		T(elf_accepts_entry_at_last_byte_of_text),
		T(elf_accepts_max_segments),
		T(elf_parses_image_at_unaligned_address),
		T(elf_rejects_file_smaller_than_header),
		T(elf_rejects_bad_magic),
		T(elf_rejects_32_bit_class),
		T(elf_rejects_big_endian),
		T(elf_rejects_unknown_version),
		T(elf_rejects_wrong_machine),
		T(elf_rejects_shared_object),
		T(elf_rejects_wrong_program_header_size),
		T(elf_rejects_zero_program_headers),
		T(elf_rejects_huge_program_header_count),
		T(elf_rejects_program_headers_past_end_of_file),
		T(elf_rejects_program_header_offset_that_overflows),
		T(elf_rejects_file_size_larger_than_memory_size),
		T(elf_rejects_segment_past_end_of_file),
		T(elf_rejects_segment_offset_that_overflows),
		T(elf_rejects_empty_segment),
		T(elf_rejects_segment_below_user_memory),
		T(elf_rejects_segment_above_user_memory),
		T(elf_rejects_segment_running_past_top_of_user_memory),
		T(elf_rejects_segment_whose_end_overflows),
		T(elf_rejects_overlapping_segments),
		T(elf_rejects_segment_containing_another),
		T(elf_rejects_too_many_segments),
		T(elf_rejects_interpreter),
		T(elf_rejects_dynamic_section),
		T(elf_rejects_image_without_loadable_segment),
		T(elf_rejects_entry_in_data_segment),
		T(elf_rejects_entry_just_past_text),
		T(elf_rejects_entry_when_no_segment_is_executable),
		T(elf_section_string_reads_the_about_line),
		T(elf_find_section_reports_offset_and_length_inside_the_image),
		T(elf_find_section_without_a_section_table_is_noent),
		T(elf_find_section_matches_the_whole_name_only),
		T(elf_find_section_rejects_a_truncated_section_table),
		T(elf_find_section_rejects_a_section_table_offset_that_overflows),
		T(elf_find_section_rejects_a_wrong_section_header_size),
		T(elf_find_section_rejects_a_string_table_index_out_of_range),
		T(elf_find_section_rejects_a_string_table_outside_the_image),
		T(elf_find_section_rejects_a_name_offset_past_the_string_table),
		T(elf_find_section_rejects_a_name_running_off_the_string_table),
		T(elf_find_section_rejects_a_section_outside_the_image),
		T(elf_section_string_of_an_unterminated_string_is_empty),
		T(elf_section_string_too_long_for_the_buffer_is_empty),
		T(elf_section_string_of_a_file_that_is_not_elf_is_empty),
		T(elf_random_section_table_mutations_never_read_outside_the_image),
		T(elf_random_header_mutations_never_accept_unsafe_images),
		T(elf_copy_page_copies_only_the_file_bytes_inside_the_page),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
