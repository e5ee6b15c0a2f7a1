/*
 * init - the first program the memory server starts (pid 2).
 *
 * Without arguments it starts the shell (allowed to power off) and powers
 * the machine off when the shell exits. With arguments, each argument is
 * one command, run in order; this is how the QEMU tests drive the system:
 *
 *   spin+A        program "spin" with argv [spin, A] ('+' separates words)
 *   &spin+A       the same, in the background: init starts the next
 *                 command without waiting for this one
 *
 * For each foreground command init reads the free-frame count and the
 * memory server's process count (MM_STAT) right before mm_spawn. After
 * mm_wait it waits, yielding, until the process count is back where it
 * was, so that programs the command started and left running (orphans,
 * which init cannot wait for) have ended too, but at most 3 seconds; then
 * it reads the free frames again and reports
 *
 *   init: <command words> exited with status <S>
 *   init: LEAK: '<command words>' kept <N> frames      (only if fewer free)
 *   init: LEAK: '<command words>' kept <N> swap slots  (only if more in use)
 *   init: '<command words>' left <K> processes running after 3 s   (if so)
 *
 * (the LEAK line then says "(processes it started still run)": their
 * frames are counted as kept). Between the two readings init does nothing
 * that could take memory (no printf, no malloc): the command line is
 * prepared before. While a background command may still be running its
 * frames would look like a leak, so the check is then skipped (and said
 * so). At the end init waits for every child, prints "init: all programs
 * finished" and powers off.
 */
#include <stdio.h>
#include <string.h>
#include <pagoda/sys.h>
#include <pagoda/about.h>

PAGODA_ABOUT("the first program: runs the boot commands or the shell");

#define MAX_BG 32

/* Background children not yet reaped: pid and command words. */
static struct {
	int pid;
	char words[MM_ARGV_MAX];
} bg[MAX_BG];
static int nbg;

/* "spin+A" -> "spin A"; returns 0 if the result is empty or too long. */
static int command_words(const char *arg, char *out, size_t size)
{
	size_t n = strlen(arg);
	if (n == 0 || n >= size)
		return 0;
	for (size_t i = 0; i <= n; i++)
		out[i] = arg[i] == '+' ? ' ' : arg[i];
	return 1;
}

static void run_shell(void)
{
	int status = 0;
	int pid = mm_spawn("sh", MM_SPAWN_POWER);
	if (pid < 0) {
		printf("init: cannot run 'sh': %s\n", pagoda_strerror(pid));
		return;
	}
	mm_wait(pid, &status);
	printf("init: sh exited with status %d\n", status);
}

/* How long init waits for a foreground command's process tree to end. */
#define TREE_WAIT_TICKS (3 * PAGODA_TICK_HZ)

static uint64_t free_pages_of(const struct mm_stat *s)
{
	return s->free_pages[0] + s->free_pages[1] + s->free_pages[2];
}

/* Waits, yielding, until the memory server counts no more processes than
 * `procs` (what it counted before the spawn: the command and everything
 * it started have ended), for at most TREE_WAIT_TICKS. Returns the free
 * frames then (0 if MM_STAT fails); *left = processes still over the
 * count. Takes no memory: no printf, no malloc. */
static uint64_t free_pages_when_tree_ended(uint64_t procs, int *left, uint64_t *swap_used)
{
	struct mm_stat s;
	int64_t deadline = sys_uptime() + TREE_WAIT_TICKS;
	for (;;) {
		if (mm_stat(&s) < 0)
			return 0;
		if (s.nprocs <= procs || sys_uptime() >= deadline)
			break;
		sys_yield();
	}
	*left = s.nprocs > procs ? (int)(s.nprocs - procs) : 0;
	*swap_used = s.swap_used;
	return free_pages_of(&s);
}

static void run_foreground(const char *words)
{
	int status = 0, left = 0;
	struct mm_stat before = { 0 };
	mm_stat(&before);
	int pid = mm_spawn(words, 0);
	if (pid < 0) {
		printf("init: cannot run '%s': %s\n", words, pagoda_strerror(pid));
		return;
	}
	int err = mm_wait(pid, &status);
	if (err < 0) {
		printf("init: waiting for '%s' failed: %s\n", words, pagoda_strerror(err));
		return;
	}
	uint64_t slots = 0;
	uint64_t after = nbg == 0 ? free_pages_when_tree_ended(before.nprocs, &left, &slots) : 0;
	printf("init: %s exited with status %d\n", words, status);
	if (nbg > 0)
		printf("init: (free-frame check for '%s' skipped: %d background programs)\n",
		       words, nbg);
	else if (after < free_pages_of(&before))
		printf("init: LEAK: '%s' kept %llu frames%s\n", words,
		       (unsigned long long)(free_pages_of(&before) - after),
		       left ? " (processes it started still run)" : "");
	if (nbg == 0 && slots > before.swap_used)
		printf("init: LEAK: '%s' kept %llu swap slots%s\n", words,
		       (unsigned long long)(slots - before.swap_used),
		       left ? " (processes it started still run)" : "");
	if (left)
		printf("init: '%s' left %d processes running after %d s\n", words, left,
		       TREE_WAIT_TICKS / PAGODA_TICK_HZ);
}

static void run_background(const char *words)
{
	if (nbg == MAX_BG) {
		printf("init: cannot run '%s': too many background programs\n", words);
		return;
	}
	int pid = mm_spawn(words, 0);
	if (pid < 0) {
		printf("init: cannot run '%s': %s\n", words, pagoda_strerror(pid));
		return;
	}
	bg[nbg].pid = pid;
	strcpy(bg[nbg].words, words);
	nbg++;
}

/* Takes pid's entry out of bg[], copying its words to out ("?" if pid is
 * not there). The words are copied before the last entry moves into the
 * freed slot: a pointer into bg[] would then name another program. */
static void bg_take(int pid, char *out, size_t size)
{
	strlcpy(out, "?", size);
	for (int i = 0; i < nbg; i++) {
		if (bg[i].pid == pid) {
			strlcpy(out, bg[i].words, size);
			bg[i] = bg[--nbg];
			return;
		}
	}
}

/* Reap every remaining child, naming the background ones. */
static void wait_all(void)
{
	int status, pid;
	while ((pid = mm_wait(-1, &status)) > 0) {
		char words[MM_ARGV_MAX];
		bg_take(pid, words, sizeof words);
		printf("init: %s exited with status %d\n", words, status);
	}
	if (pid != -ERR_SRCH)
		printf("init: waiting for children failed: %s\n", pagoda_strerror(pid));
}

int main(int argc, char **argv)
{
	printf("init: Pagoda user space is up (pid %d)\n", (int)sys_getpid());
	if (argc <= 1) {
		run_shell();
		sys_poweroff(0);
		return 0;
	}
	for (int i = 1; i < argc; i++) {
		char words[MM_ARGV_MAX];
		int background = argv[i][0] == '&';
		const char *cmd = argv[i] + background;
		if (!command_words(cmd, words, sizeof words)) {
			printf("init: cannot run '%s': %s\n", cmd, pagoda_strerror(-ERR_INVAL));
			continue;
		}
		if (background)
			run_background(words);
		else
			run_foreground(words);
	}
	wait_all();
	printf("init: all programs finished\n");
	sys_poweroff(0);
	return 0;
}
