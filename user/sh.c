/*
 * sh - a small shell on the serial console.
 *
 * Prints the prompt "pagoda> ", reads a line byte by byte (the kernel hands
 * over raw bytes, so the shell echoes them itself, erases on backspace or
 * DEL, and ends the line on \r or \n), then runs it:
 *
 *   help        lists the builtins, then the programs of the boot image,
 *               one line each with the description its PAGODA_ABOUT gave
 *               (MM_MODULE_INFO; "(no description)" without one), then
 *               the modules that are files (not programs), with sizes
 *   poweroff    powers the machine off
 *   exit        ends the shell (init then powers off)
 *   PROG ARGS   asks the memory server to spawn the boot module PROG with
 *               ARGS, waits for it and prints "[exit status S]"
 *   limit N PROG ARGS
 *               the same, with a budget of N frames for PROG's heap and
 *               anonymous mappings (MM_SPAWN_BUDGET): once they hold N
 *               frames, its new pages replace its own old ones
 *
 * Lines longer than LINE_MAX characters are cut there (with a message);
 * the rest of the line is read and thrown away. Control characters other
 * than the ones above are ignored.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pagoda/sys.h>
#include <pagoda/about.h>

PAGODA_ABOUT("the shell: runs the boot image's programs");

#define LINE_MAX 255

static void put(const char *s, size_t n)
{
	sys_write(s, n);
}

/* One byte from the console; -1 if the console cannot be read. */
static int get_byte(void)
{
	char c;
	for (int tries = 0; tries < 100; tries++) {
		int64_t r = sys_read(&c, 1);
		if (r == 1)
			return (unsigned char)c;
		if (r < 0 && r != -ERR_BUSY && r != -ERR_AGAIN)
			return -1;
		sys_yield();
	}
	return -1;
}

/* Reads one line into buf (NUL-terminated, at most LINE_MAX characters).
 * Returns 0, or -1 if the console failed. */
static int read_line(char *buf)
{
	size_t len = 0;
	int truncated = 0;
	for (;;) {
		int c = get_byte();
		if (c < 0)
			return -1;
		if (c == '\r' || c == '\n') {
			put("\n", 1);
			break;
		}
		if (c == '\b' || c == 0x7f) {
			if (len > 0 && !truncated) {
				len--;
				put("\b \b", 3);
			}
			continue;
		}
		if (c < ' ' || c > '~')
			continue;
		if (len == LINE_MAX) {
			truncated = 1;
			continue;
		}
		buf[len] = (char)c;
		put(&buf[len], 1);
		len++;
	}
	buf[len] = '\0';
	if (truncated)
		printf("sh: line too long; cut to %d characters\n", LINE_MAX);
	return 0;
}

/* Squeezes runs of blanks into one space and trims both ends, in place:
 * the memory server separates argv words by single spaces. */
static void squeeze(char *s)
{
	char *out = s;
	for (char *in = s; *in; in++) {
		if (*in == ' ' || *in == '\t') {
			if (out != s && out[-1] != ' ')
				*out++ = ' ';
		} else {
			*out++ = *in;
		}
	}
	if (out != s && out[-1] == ' ')
		out--;
	*out = '\0';
}

/* The boot image's modules that are programs (want = 1) or files (0),
 * one line each. */
static void list_modules(int want)
{
	struct mm_module_info m;
	int r;
	for (unsigned i = 0; (r = mm_module_info(i, &m, NULL)) == 0; i++) {
		if ((int)m.program != want)
			continue;
		if (want)
			printf("  %-10s %s\n", m.name, m.about[0] ? m.about : "(no description)");
		else
			printf("  %-10s %llu bytes\n", m.name, (unsigned long long)m.size);
	}
	if (r != -ERR_NOENT)
		printf("sh: cannot list the boot modules: %s\n", pagoda_strerror(r));
}

static void help(void)
{
	printf("Pagoda shell. Builtins:\n"
	       "  help       this text\n"
	       "  poweroff   power the machine off\n"
	       "  exit       leave the shell\n"
	       "  limit N PROGRAM ARGS...   run with a budget of N frames\n"
	       "Anything else runs a program from the boot image: PROGRAM ARGS...\n"
	       "  e.g. hello a b, memstat, touch 256 1 w, limit 64 fill 1000\n"
	       "Programs in the boot image:\n");
	list_modules(1);
	printf("Files in the boot image:\n");
	list_modules(0);
}

/* frames > 0: with that budget. */
static void run(const char *line, uint64_t frames)
{
	int status = 0;
	int pid = frames ? mm_spawn_budget(line, 0, frames) : mm_spawn(line, 0);
	if (pid < 0) {
		printf("sh: cannot run '%s': %s\n", line, pagoda_strerror(pid));
		return;
	}
	int err = mm_wait(pid, &status);
	if (err < 0)
		printf("sh: waiting for pid %d failed: %s\n", pid, pagoda_strerror(err));
	else
		printf("[exit status %d]\n", status);
}

/* "limit N PROG ARGS": N a decimal number of frames, then a command. */
static void run_limited(const char *line)
{
	char *end;
	const char *n = line + strlen("limit");
	unsigned long long frames = strtoull(n, &end, 10);
	if (end == n || *end != ' ' || end[1] == '\0') {
		printf("sh: usage: limit FRAMES PROGRAM ARGS...\n");
		return;
	}
	if (frames == 0) {
		printf("sh: limit: a budget of 0 frames is refused\n");
		return;
	}
	run(end + 1, frames);
}

int main(void)
{
	static char line[LINE_MAX + 1];
	printf("Pagoda shell; type 'help' for commands.\n");
	for (;;) {
		printf("pagoda> ");
		fflush(stdout);
		if (read_line(line) < 0) {
			printf("sh: cannot read the console; exiting\n");
			return 1;
		}
		squeeze(line);
		if (line[0] == '\0')
			continue;
		if (strcmp(line, "help") == 0)
			help();
		else if (strcmp(line, "exit") == 0)
			return 0;
		else if (strcmp(line, "poweroff") == 0) {
			int64_t err = sys_poweroff(0);
			printf("sh: poweroff: %s\n", pagoda_strerror((int)err));
		} else if (strncmp(line, "limit ", 6) == 0 || strcmp(line, "limit") == 0)
			run_limited(line);
		else
			run(line, 0);
	}
}
