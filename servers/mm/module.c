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
 * Not supported: writing, mapping a module into a process (a copy is
 * all a trace needs), directories.
 */
#include <string.h>
#include <pagoda/mmboot.h>
#include "mm.h"
#include "mm_env.h"

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
