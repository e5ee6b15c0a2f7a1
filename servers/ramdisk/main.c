/*
 * main.c - the ramdisk server's start-up and receive loop.
 *
 * mm starts it as "ramdisk PAGES" (servers/mm/swapdev.c) with every page
 * it will ever touch already present: storage at BLK_STORAGE_VA, the
 * transfer window's page tables, its stack and segments. It says once that
 * it is up, then answers requests for ever (ramdisk.c). It never faults,
 * never allocates, never prints with stdio: see the design comment in
 * ramdisk.c for why (a fault here while mm waits for a reply would
 * deadlock the two).
 */
#include <pagoda/sys.h>
#include <pagoda/blk.h>
#include "ramdisk.h"
#include <pagoda/about.h>

PAGODA_ABOUT("the RAM disk: the block device mm swaps to");

static void say(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	sys_write(s, n);
}

/* Decimal digits only, 1 .. BLK_PAGES_MAX; 0 if anything else. */
static uint64_t parse_pages(const char *s)
{
	uint64_t v = 0;
	if (!*s)
		return 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return 0;
		v = v * 10 + (uint64_t)(*s - '0');
		if (v > BLK_PAGES_MAX)
			return 0;
	}
	return v;
}

static void say_number(uint64_t v)
{
	char buf[24];
	int i = sizeof buf;
	buf[--i] = '\0';
	do {
		buf[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	say(&buf[i]);
}

__attribute__((noreturn)) static void serve(struct ramdisk *rd)
{
	struct ipc_msg m, reply;
	struct ipc_from from;
	while (ipc_recv(IPC_ANY, &m, &from) < 0)
		;
	for (;;) {
		if (ramdisk_handle(rd, &m, &from, &reply)) {
			m = reply;
			if (ipc_reply_recv(from.handle, &m, IPC_ANY, &from) == 0)
				continue;
		}
		while (ipc_recv(IPC_ANY, &m, &from) < 0)
			;
	}
}

int main(int argc, char **argv)
{
	static struct ramdisk rd;
	rd.pages = argc == 2 ? parse_pages(argv[1]) : 0;
	if (rd.pages == 0) {
		say("ramdisk: usage: ramdisk PAGES (the memory server starts it, with its storage)\n");
		sys_exit(1);    /* not exit(): the C library's clean-up may allocate */
	}
	rd.storage = (uint8_t *)(uintptr_t)BLK_STORAGE_VA;
	rd.window = (uint8_t *)(uintptr_t)BLK_WINDOW_VA;
	say("ramdisk: serving ");
	say_number(rd.pages);
	say(" pages to mm\n");
	serve(&rd);
}
