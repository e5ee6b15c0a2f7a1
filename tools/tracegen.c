/*
 * tracegen.c - write a generated reference string as a trace file: the
 * host's half of `replay gen` (user/replay.c). Both compile the same
 * generator, tools/policysim/gen.c, so
 *
 *     build/host/tracegen shift:pages=96,len=3000,seed=7 >t.txt
 *     build/host/policysim --policy clock --frames 24 t.txt
 *
 * counts the faults that `replay gen shift:pages=96,len=3000,seed=7 24`
 * takes inside Pagoda under Clock (docs/policies.md, "Exact in the OS").
 * (policysim --gen SPEC --emit does the same from the simulator itself.)
 *
 * usage: tracegen SPEC...   (the words are joined by spaces: gen.h's
 *                            "KIND:K=V,K=V" or "KIND K=V K=V")
 * Output: one reference a line, "PAGE R" or "PAGE W" (the format of
 * /work/shared/traces and policysim). A bad spec: gen_parse's reason on
 * stderr and exit status 2.
 */
#include <stdio.h>
#include <string.h>
#include "gen.h"

int main(int argc, char **argv)
{
	char spec[2 * GEN_TEXT_MAX] = "", why[128];
	struct gen_spec s;
	if (argc < 2) {
		fprintf(stderr, "usage: tracegen SPEC...   (e.g. loop:pages=100,len=10000)\n");
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		if (i > 1)
			strncat(spec, " ", sizeof spec - strlen(spec) - 1);
		strncat(spec, argv[i], sizeof spec - strlen(spec) - 1);
	}
	if (gen_parse(spec, strlen(spec), &s, why, sizeof why) < 0) {
		fprintf(stderr, "tracegen: %s\n", why);
		return 2;
	}
	for (uint64_t i = 0; i < s.len; i++)
		printf("%u %c\n", (unsigned)gen_page(&s, i), gen_write(&s, i) ? 'W' : 'R');
	return ferror(stdout) ? 1 : 0;
}
