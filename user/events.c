/*
 * events on | off | show | run PROG ARGS... - the memory server's
 * paging-event ring (MM_EVENTS; format in docs/events.md).
 *
 *   events on             empty the ring and start recording
 *   events off            stop recording
 *   events show           print (and take out of the ring) what it holds
 *   events run PROG ...   record while PROG runs: on, spawn and wait,
 *                         off, show - the events of PROG and of nothing
 *                         else that ran meanwhile
 *
 * One line per event:
 *
 *   event SEQ KIND pid PID va 0xADDR pfn 0xFRAME [slot N]
 *
 * with KIND one of fault-minor, fault-major, evict-clean, evict-dirty,
 * swap-in, and the slot only for events that have one; then
 * "events: N shown, M lost" (M: overwritten because the ring was full).
 * Exits 0, 1 if a request failed, 2 on bad arguments.
 */
#include <stdio.h>
#include <string.h>
#include <pagoda/sys.h>
#include <pagoda/about.h>

PAGODA_ABOUT("the paging-event ring: events on|off|show|run PROG ARGS...");

static const char *const kinds[] = {
	[MM_EVENT_FAULT_MINOR] = "fault-minor",
	[MM_EVENT_FAULT_MAJOR] = "fault-major",
	[MM_EVENT_EVICT_CLEAN] = "evict-clean",
	[MM_EVENT_EVICT_DIRTY] = "evict-dirty",
	[MM_EVENT_SWAPIN]      = "swap-in",
};

static void print_event(const struct mm_event_rec *e)
{
	const char *kind = e->kind < sizeof kinds / sizeof kinds[0] && kinds[e->kind] ? kinds[e->kind] : "?";
	printf("event %llu %s pid %d va %#llx pfn %#llx", (unsigned long long)e->seq, kind, e->pid,
	       (unsigned long long)e->va, (unsigned long long)e->pfn);
	if (e->slot != MM_EVENT_NO_SLOT)
		printf(" slot %llu", (unsigned long long)e->slot);
	printf("\n");
}

static int show(void)
{
	static struct mm_event_rec buf[64];
	unsigned long long shown = 0;
	uint64_t lost = 0;
	for (;;) {
		int n = mm_events(MM_EVENTS_READ, buf, 64, &lost);
		if (n < 0) {
			printf("events: MM_EVENTS failed: %s\n", pagoda_strerror(n));
			return 1;
		}
		for (int i = 0; i < n; i++)
			print_event(&buf[i]);
		shown += (unsigned)n;
		if (n < 64)
			break;
	}
	printf("events: %llu shown, %llu lost\n", shown, (unsigned long long)lost);
	return 0;
}

static int command(unsigned cmd)
{
	int err = mm_events(cmd, NULL, 0, NULL);
	if (err < 0)
		printf("events: MM_EVENTS failed: %s\n", pagoda_strerror(err));
	return err < 0;
}

/* argv[2..] joined by spaces, run with recording on. */
static int run(int argc, char **argv)
{
	char line[MM_ARGV_MAX] = "";
	for (int i = 2; i < argc; i++) {
		if (strlen(line) + strlen(argv[i]) + 2 > sizeof line)
			return 2;
		if (i > 2)
			strcat(line, " ");
		strcat(line, argv[i]);
	}
	if (command(MM_EVENTS_START))
		return 1;
	int status = 0, pid = mm_spawn(line, 0);
	if (pid >= 0)
		mm_wait(pid, &status);
	command(MM_EVENTS_STOP);
	if (pid < 0) {
		printf("events: cannot run '%s': %s\n", line, pagoda_strerror(pid));
		return 1;
	}
	printf("events: '%s' (pid %d) exited with status %d\n", line, pid, status);
	return show();
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "on"))
		return command(MM_EVENTS_START);
	if (argc == 2 && !strcmp(argv[1], "off"))
		return command(MM_EVENTS_STOP);
	if (argc == 2 && !strcmp(argv[1], "show"))
		return show();
	if (argc >= 3 && !strcmp(argv[1], "run"))
		return run(argc, argv);
	printf("usage: events on | off | show | run PROGRAM ARGS...\n");
	return 2;
}
