/*
 * module.c - boot modules as read-only files: MM_MODULE_READ.
 *
 * GRUB (or QEMU's -initrd) loads every module of the boot image into
 * memory, and the kernel hands mm the list (pagoda/mmboot.h): where each
 * one lies, its name and its string. Most are programs (spawn.c runs
 * them); a module that is not one - a reference string for `replay`, a
 * data file for a lab - is a file nobody could read without this
 * request. MM_MODULE_READ copies a range of a named module's bytes into
 * the caller's buffer, at most MM_MODULE_READ_MAX (a page) a time, and
 * answers the module's size, so a program reads a file of any size in a
 * loop of requests (libsys: mm_module_read). The bytes go through a
 * page of mm's own: SYS_MM_COPY copies between 4 KiB mappings, and mm
 * sees the module only through its window onto physical memory.
 *
 * Checked before anything is read: the caller is a live process of mm,
 * the name's length is 1 .. MM_MODULE_NAME_LEN - 1 and it holds no NUL,
 * the count is at most MM_MODULE_READ_MAX, a module has that name, and
 * the offset is at most its size. Only the caller's buffer is written;
 * the module's memory is reserved at boot and never changes, so any
 * process may read any module (programs included: their bytes are the
 * boot image's, nothing secret).
 *
 * MM_MODULE_INFO lists the modules by index, for the shell's help: each
 * one's name, size, whether it is a program (elf_parse accepts it as
 * spawn would) and its description - the string a program's
 * PAGODA_ABOUT (pagoda/about.h) put in its section .pagoda.about, found
 * through the module's section table by elf_find_section, which checks
 * every offset against the module's size: a truncated or hostile table
 * or an unterminated string gives no description, never a read past the
 * module. Checked first: the caller is a live process, the size is the
 * struct's, the index is below the module count.
 *
 * Not supported: writing, mapping a module into a process (a copy is
 * all a trace needs), directories.
 */
#include <string.h>
#include <pagoda/mmboot.h>
#include <pagoda/about.h>
#include "mm.h"
#include "mm_env.h"
#include "elf.h"

_Static_assert(MM_MODULE_NAME_LEN == sizeof ((struct mm_boot_module *)0)->name,
	       "MM_MODULE_READ names a module as the boot information does");

int mm_handle_module_read(const struct ipc_msg *req, const struct ipc_from *from,
			  struct ipc_msg *reply)
{
	struct mm_proc *p = mm_caller(from);
	char name[MM_MODULE_NAME_LEN];
	uint64_t nlen = req->w[1], off = req->w[2], want = req->w[4];
	if (!p)
		return mm_reply(reply, -ERR_SRCH);
	if (nlen == 0 || nlen >= MM_MODULE_NAME_LEN || want > MM_MODULE_READ_MAX)
		return mm_reply(reply, -ERR_INVAL);
	if (mm_copy_from(p, req->w[0], name, nlen) < 0)
		return mm_reply(reply, -ERR_FAULT);
	name[nlen] = '\0';
	if (strlen(name) != nlen)
		return mm_reply(reply, -ERR_INVAL);
	const struct mm_boot_module *m = spawn_boot_module(name);
	if (!m)
		return mm_reply(reply, -ERR_NOENT);
	uint64_t size = m->end - m->start;
	if (off > size)
		return mm_reply(reply, -ERR_INVAL);
	static uint8_t bounce[MM_MODULE_READ_MAX];
	uint64_t n = want < size - off ? want : size - off;
	memcpy(bounce, mm_phys_to_virt(m->start + off), n);
	if (n && mm_copy_to(p, req->w[3], bounce, n) < 0)
		return mm_reply(reply, -ERR_FAULT);
	reply->w[0] = size;
	return mm_reply(reply, (int64_t)n);
}

static void fill_module_info(struct mm_module_info *info, const struct mm_boot_module *m)
{
	const void *bytes = mm_phys_to_virt(m->start);
	memset(info, 0, sizeof *info);
	_Static_assert(sizeof info->name == sizeof m->name, "the names are the same size");
	memcpy(info->name, m->name, sizeof info->name - 1);   /* the last byte stays NUL */
	info->size = m->end - m->start;
	info->program = spawn_module_is_program(m);
	elf_section_string(bytes, info->size, PAGODA_ABOUT_SECTION, info->about, sizeof info->about);
}

int mm_handle_module_info(const struct ipc_msg *req, const struct ipc_from *from,
			  struct ipc_msg *reply)
{
	struct mm_proc *p = mm_caller(from);
	struct mm_module_info info;
	unsigned count;
	if (!p)
		return mm_reply(reply, -ERR_SRCH);
	if (req->w[2] != sizeof info)
		return mm_reply(reply, -ERR_INVAL);
	const struct mm_boot_module *m = spawn_boot_module_nth(
		req->w[0] < MM_BOOT_MODULES ? (unsigned)req->w[0] : MM_BOOT_MODULES, &count);
	if (!m)
		return mm_reply(reply, -ERR_NOENT);
	fill_module_info(&info, m);
	if (mm_copy_to(p, req->w[1], &info, sizeof info) < 0)
		return mm_reply(reply, -ERR_FAULT);
	reply->w[0] = count;
	return mm_reply(reply, 0);
}
