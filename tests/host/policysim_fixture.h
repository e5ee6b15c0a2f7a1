/*
 * policysim_fixture.h - what the host suites of the simulator share
 * (policysim_fixture.c): the memory server's reports for the policy
 * files (mm_bug counts into policysim_bugs and prints; mm_print is
 * quiet), a workload spec that must parse, and a temporary file.
 */
#ifndef POLICYSIM_FIXTURE_H
#define POLICYSIM_FIXTURE_H

#include "gen.h"

extern unsigned policysim_bugs;        /* mm_bug calls since last cleared */

/* The spec text names (gen_parse); a test failure if it does not parse. */
struct gen_spec fixture_spec(const char *text);
/* Write text into a new file made from the template path ("...XXXXXX"). */
void fixture_file(char *path, const char *text);

#endif
