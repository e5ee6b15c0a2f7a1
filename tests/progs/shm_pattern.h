/*
 * shm_pattern.h - what shm_writer and shm_reader agree on: the key and
 * size of the shared mapping and the two byte patterns (the writer's, and
 * the reader's reply in the last page).
 */
#ifndef SHM_PATTERN_H
#define SHM_PATTERN_H

#include <stddef.h>

#define SHM_KEY   0x5eed
#define SHM_PAGES 4
#define PAGE      4096UL
#define SHM_LEN   (SHM_PAGES * PAGE)

static inline unsigned char pattern(size_t i) { return (unsigned char)(i * 7 + (i >> 12) + 13); }
static inline unsigned char reply(size_t i)   { return (unsigned char)(0xa5 ^ (i * 3)); }

#endif
