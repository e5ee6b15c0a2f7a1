/*
 * pagoda/about.h - a program's one-line description, kept in its ELF file.
 *
 *   #include <pagoda/about.h>
 *   PAGODA_ABOUT("print memory statistics");
 *
 * puts the NUL-terminated string, alone, in the section PAGODA_ABOUT_SECTION
 * of the program's executable. The section is marked used and retain
 * (SHF_GNU_RETAIN), so the linker's --gc-sections keeps it although no code
 * refers to it. Nothing at run time reads it: the memory server finds it by
 * name in the section table of a boot module (lib/elf.c, elf_find_section)
 * and answers it with MM_MODULE_INFO (pagoda/mm.h), which the shell's
 * `help` lists after its builtins.
 *
 * One per program, at file scope; at most MM_ABOUT_LEN - 1 characters
 * (a longer one is refused at compile time), one line, no newline.
 * A module without the section, or whose section holds no NUL within
 * MM_ABOUT_LEN bytes, has no description ("").
 */
#ifndef PAGODA_ABOUT_H
#define PAGODA_ABOUT_H

#include <pagoda/mm.h>          /* MM_ABOUT_LEN */

#define PAGODA_ABOUT_SECTION ".pagoda.about"

#define PAGODA_ABOUT(text)                                                          \
	_Static_assert(sizeof(text) <= MM_ABOUT_LEN, "PAGODA_ABOUT: description too long"); \
	__attribute__((used, retain, section(PAGODA_ABOUT_SECTION), aligned(1)))     \
	static const char pagoda_about_[] = text

#endif
