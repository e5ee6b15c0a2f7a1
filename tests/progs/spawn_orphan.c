/*
 * spawn_orphan WORDS... - starts the command WORDS (joined by spaces) and
 * exits 0 at once, without waiting for it: the child lives on as an
 * orphan, which no one can wait for. Prints "spawn_orphan: started
 * '<command>' as pid N"; exits 1 if the spawn fails.
 */
#include <stdio.h>
#include <string.h>
#include <pagoda/sys.h>

int main(int argc, char **argv)
{
	char cmd[MM_ARGV_MAX] = "";
	for (int i = 1; i < argc; i++) {
		if (strlen(cmd) + strlen(argv[i]) + 2 > sizeof cmd)
			return 1;
		if (i > 1)
			strcat(cmd, " ");
		strcat(cmd, argv[i]);
	}
	int pid = mm_spawn(cmd, 0);
	if (pid < 0) {
		printf("spawn_orphan: cannot run '%s': %s\n", cmd, pagoda_strerror(pid));
		return 1;
	}
	printf("spawn_orphan: started '%s' as pid %d\n", cmd, pid);
	return 0;
}
