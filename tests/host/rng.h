/*
 * rng.h - the host tests' random numbers: xorshift64 (Marsaglia, "Xorshift
 * RNGs", 2003), so that a randomised test is the same run every time. A
 * test seeds rng_state (never 0) before its first draw; each suite that
 * includes this has its own state.
 *
 * rng64() is the whole 64-bit state; rng() drops the low 16 bits, which
 * are the weakest, and returns 32 of the rest.
 */
#ifndef TEST_RNG_H
#define TEST_RNG_H

#include <stdint.h>

static uint64_t rng_state;

static inline uint64_t rng64(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static inline uint32_t rng(void)
{
	return (uint32_t)(rng64() >> 16);
}

#endif
