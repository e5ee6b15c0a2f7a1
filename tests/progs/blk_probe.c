/*
 * blk_probe - a program cannot use the swap device. With swap on, the
 * ramdisk is pid 2 (argv[1] may name another pid). The program tries to
 * CALL it with BLK_INFO and BLK_WRITE, to SEND it a BLK_WRITE and to
 * NOTIFY it: no program has an IPC permission for the device, so the
 * kernel refuses each with ERR_PERM at once (one that got through would
 * block here, or be refused by the ramdisk itself, also ERR_PERM). It
 * then asks mm to start another ramdisk, which mm refuses (ERR_NOENT:
 * only mm starts the device). Prints "blk_probe: PASS" and exits 0.
 */
#include <stdio.h>
#include <stdlib.h>
#include <pagoda/sys.h>
#include <pagoda/blk.h>

static int failures;

static void expect(const char *what, int got, int want)
{
	int ok = got == want;
	printf("blk_probe: %-24s -> %s%s\n", what, got < 0 ? pagoda_strerror(got) : "success",
	       ok ? "" : "  UNEXPECTED");
	failures += !ok;
}

int main(int argc, char **argv)
{
	int dev = argc > 1 ? atoi(argv[1]) : 2;
	struct ipc_msg info = { .tag = BLK_INFO };
	struct ipc_msg write = { .tag = BLK_WRITE, .w = { 0, 0, 1 } };
	expect("call BLK_INFO", ipc_call(dev, &info), -ERR_PERM);
	expect("call BLK_WRITE", ipc_call(dev, &write), -ERR_PERM);
	expect("send BLK_WRITE", ipc_send(dev, &write), -ERR_PERM);
	expect("notify", ipc_notify(dev, 1), -ERR_PERM);
	expect("spawn 'ramdisk 16'", mm_spawn("ramdisk 16", 0), -ERR_NOENT);
	printf("blk_probe: %s\n", failures ? "FAIL" : "PASS");
	return failures ? 1 : 0;
}
