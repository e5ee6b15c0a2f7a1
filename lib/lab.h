/*
 * lab.h - what a lab handout's stubs call (docs/teaching.md, "Fences").
 *
 * A lab fences the code students write between marker comments in the
 * real sources; `make handout LAB=NAME` replaces each fenced body by its
 * stub. A stub that must say what is missing calls LAB_MISSING, which
 * prints one line the first time that call site runs:
 *
 *   LAB buddy: buddy_alloc is not written yet (docs/labs/buddy.md)
 *
 * on stderr (in mm the console, like stdout; on the host apart from a
 * program's output, such as policysim's CSV). The full tree never calls
 * it (its stubs are comments); mm and the host tests do in a handout.
 * Not for the kernel.
 */
#ifndef PAGODA_LAB_H
#define PAGODA_LAB_H

#include <stdio.h>

#define LAB_MISSING(lab, what)                                                   \
	do {                                                                     \
		static int lab_said_;                                            \
		if (!lab_said_) {                                                \
			lab_said_ = 1;                                           \
			fprintf(stderr, "LAB %s: %s is not written yet (docs/labs/%s.md)\n", \
			        (lab), (what), (lab));                           \
		}                                                                \
	} while (0)

#endif
