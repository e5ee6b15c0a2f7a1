/*
 * refgen.c - reference strings made from a seed (refgen.h describes the
 * kinds and who compiles this file: the OS's replay and the host's
 * tracegen).
 *
 * Random numbers: splitmix64 (Steele, Lea & Flood, "Fast splittable
 * pseudorandom number generators", OOPSLA 2014) - a 64-bit counter
 * stepped by the golden-ratio constant and mixed; every seed, 0
 * included, gives a full-period sequence. A number below n is the draw
 * modulo n (the bias, below n / 2^64, does not matter here and keeps the
 * arithmetic obvious).
 *
 * Invariant: done <= len; the i-th reference depends only on (kind,
 * seed, pages, i) and the draws before it, never on len, so a longer
 * string begins with the shorter one.
 */
#include <stddef.h>
#include <string.h>
#include "refgen.h"

const char *const refgen_kind_names[REFGEN_KINDS] = {
	[REFGEN_LOOP] = "loop", [REFGEN_RANDOM] = "random",
	[REFGEN_SHIFT] = "shift", [REFGEN_BELADY] = "belady",
};

#define BELADY_PAGES 5

static const uint8_t belady_string[] = { 0, 1, 2, 3, 0, 1, 4, 0, 1, 2, 3, 4 };

static uint64_t draw(struct refgen *g)
{
	uint64_t z = (g->state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

int refgen_init(struct refgen *g, const char *kind, uint64_t seed, uint64_t len,
		uint64_t pages, const char **why)
{
	int k = 0;
	while (k < REFGEN_KINDS && strcmp(refgen_kind_names[k], kind))
		k++;
	if (k == REFGEN_KINDS) {
		*why = "unknown kind of workload (loop, random, shift or belady)";
		return -1;
	}
	if (len < 1 || len > REFGEN_LEN_MAX) {
		*why = "LEN must be 1 .. 100000000 references";
		return -1;
	}
	if (pages < 1 || pages > REFGEN_PAGES_MAX) {
		*why = "PAGES must be 1 .. 16777216";
		return -1;
	}
	if (k == REFGEN_BELADY && pages != BELADY_PAGES) {
		*why = "Belady's string has 5 pages: PAGES must be 5";
		return -1;
	}
	*g = (struct refgen){ .kind = (enum refgen_kind)k, .len = len, .pages = (uint32_t)pages,
			      .state = seed };
	return 0;
}

/* The shifting working set's page for reference i. */
static uint32_t shift_page(struct refgen *g, uint64_t i)
{
	uint64_t set = g->pages / 4 ? g->pages / 4 : 1;
	uint64_t step = set / 2 ? set / 2 : 1;
	uint64_t base = (i / (8 * set)) * step % g->pages;
	return (uint32_t)((base + draw(g) % set) % g->pages);
}

bool refgen_next(struct refgen *g, uint32_t *page, bool *write)
{
	uint64_t i = g->done;
	if (i >= g->len)
		return false;
	switch (g->kind) {
	case REFGEN_LOOP:
		*page = (uint32_t)(i % g->pages);
		break;
	case REFGEN_RANDOM:
		*page = (uint32_t)(draw(g) % g->pages);
		break;
	case REFGEN_SHIFT:
		*page = shift_page(g, i);
		break;
	case REFGEN_BELADY:
	default:
		*page = belady_string[i % sizeof belady_string];
		break;
	}
	*write = draw(g) % 4 == 0;
	g->done++;
	return true;
}
