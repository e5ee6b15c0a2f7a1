/*
 * config.h - the memory server's boot configuration: the options on its
 * own module line (options.c parses them; a bad value is reported and the
 * default kept).
 *
 *   swap=MiB      size of the swap device (the ramdisk); 0 or absent: none
 *   policy=NAME   the replacement policy, with parameters NAME:K=V,...
 *                 (default "clock")
 *   usermem=MiB   at most this much memory for user pages (0 or absent:
 *                 no cap beyond RAM), to force paging without changing -m
 *   bounce=force  every streaming DMA mapping bounces, reachable or not
 *                 (Linux's swiotlb=force); bounce=auto, the default, only
 *                 the pages a device cannot reach (bounce.c)
 */
#ifndef MM_CONFIG_H
#define MM_CONFIG_H

#include <pagoda/types.h>

#define MM_POLICY_ARG_MAX 64

struct mm_config {
	uint64_t swap_pages;        /* swap=, in pages */
	uint64_t usermem_pages;     /* usermem=, in pages; 0: no cap */
	char policy[MM_POLICY_ARG_MAX]; /* policy=, "" for the default */
	bool bounce_force;          /* bounce=force */
};

extern struct mm_config mm_config;     /* options.c */

/* Read the KEY=VALUE words of mm's module line into cfg (defaults first;
 * a bad value is reported and the default kept). managed_pages bounds
 * swap= (at most half of it) and usermem= (at most all of it). */
void mm_config_parse(const char *line, uint64_t managed_pages, struct mm_config *cfg);

#endif
