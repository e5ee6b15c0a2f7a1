/*
 * gen.h - generated reference strings (workloads) for the page-replacement
 * lab, from a seed, the same on the host and inside Pagoda.
 *
 * One file, gen.c, with this header, compiles unchanged into the host
 * simulator (tools/policysim) and into a Pagoda user program (the in-OS
 * `replay` workload): it needs no C library at all, only the compiler's
 * <stdint.h>, <stdbool.h> and <stddef.h>, so two programs built from one
 * spec touch exactly the same pages in the same order.
 *
 * A workload is named as a policy is: KIND or KIND:K=V,K=V (spaces work
 * as separators too), e.g. "loop:pages=120,len=5000,seed=1".
 *
 *   kind    what reference i is                              keys (default)
 *   loop    page i mod pages: a sequential loop; larger      pages (100), len (10000)
 *           than memory, LRU and FIFO fault on every one
 *   random  a page drawn uniformly from 0..pages-1           pages (1000), len (10000)
 *   shift   phases of `phase` references; each phase has a   pages (1000), len (20000),
 *           hot set of `hot` consecutive pages (mod pages)   hot (50), phase (2000),
 *           at a random start; `local` percent of the        local (90)
 *           references go to it, the rest anywhere
 *   belady  Belady's string 1 2 3 4 1 2 5 1 2 3 4 5 on       len (12)
 *           pages 0..4 (0 1 2 3 0 1 4 0 1 2 3 4), repeated
 *   every kind also takes seed (1) and writes (0): the percent of
 *   references that are writes, drawn from the seed. loop and belady use
 *   the seed for nothing else.
 * Ranges: pages 1..GEN_PAGES_MAX, len 1..GEN_LEN_MAX, hot 1..pages,
 * phase >= 1, local and writes 0..100, seed 0..10^19-1; hot defaults to
 * pages when pages < 50.
 *
 * Reproducibility: reference i is a pure function of (spec, i) - no
 * state, no floating point, 64-bit integer arithmetic only - so any slice
 * of a string can be produced on its own (gen_page(&s, i) for one
 * reference, gen_fill for a run of them) and two machines agree. The
 * random numbers are a counter-based generator: SplitMix64's finaliser
 * (Steele, Lea & Flood, "Fast splittable pseudorandom number
 * generators", OOPSLA 2014) of the seed, a stream number and i; a draw
 * below n takes the top 32 bits times n, shifted down (n < 2^32).
 * A string's pages are 0..pages-1; a program maps page p wherever it
 * likes (replay: its region's base + p * 4096).
 */
#ifndef POLICYSIM_GEN_H
#define POLICYSIM_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GEN_PAGES_MAX 16777216u         /* 2^24 pages: 64 GiB of 4 KiB pages */
#define GEN_LEN_MAX 16777216u           /* references in one string */
#define GEN_TEXT_MAX 128                /* gen_format's longest text, with NUL */

enum gen_kind { GEN_LOOP, GEN_RANDOM, GEN_SHIFT, GEN_BELADY };

struct gen_spec {
	enum gen_kind kind;
	uint64_t pages;         /* the string's pages are 0 .. pages-1 */
	uint64_t len;           /* references */
	uint64_t seed;
	uint64_t hot;           /* shift: pages in a phase's hot set */
	uint64_t phase;         /* shift: references per phase */
	uint64_t local;         /* shift: percent of references to the hot set */
	uint64_t writes;        /* percent of references that are writes */
};

/* Parse text[0..len) ("random:pages=500,len=20000,seed=7") into *out: 0,
 * or -1 with why (unknown kind, unknown key, value out of range, a key
 * twice, hot > pages) written to err[errlen]; *out changes only on
 * success. */
int gen_parse(const char *text, size_t len, struct gen_spec *out, char *err, size_t errlen);
/* The canonical text of a spec, every key of its kind given:
 * "loop:pages=120,len=5000,seed=1,writes=0" (at most GEN_TEXT_MAX). */
void gen_format(const struct gen_spec *s, char *buf, size_t len);
/* Reference i (0 <= i < s->len): its page, and whether it is a write. */
uint32_t gen_page(const struct gen_spec *s, uint64_t i);
bool gen_write(const struct gen_spec *s, uint64_t i);
/* References first .. first+n-1 into page[] and, unless NULL, write[]. */
void gen_fill(const struct gen_spec *s, uint64_t first, uint64_t n, uint32_t *page, bool *write);

#endif
