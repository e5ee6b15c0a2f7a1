/*
 * swap.h - the memory server's swap core: slots on the swap device
 * (swap_slot.c), the swap cache (swap_cache.c), and where mm keeps each
 * swapped page's slot plus the moves between frame and slot (swap.c).
 * docs/swap.md tells the whole story, with the state diagram.
 *
 * A page with a slot is named by (owner, index): a private page by its
 * region and its virtual page number (va >> PAGE_SHIFT), a shared page by
 * its shm object and its index in the object. The record of that (one
 * struct swap_ent) lives from the first swap-out until the page is freed
 * (unmapped, its region or object removed, its process gone), also while
 * the page is resident again: then the slot still holds an identical copy
 * (the page is in the swap cache) and a clean page is given up without a
 * write.
 */
#ifndef MM_SWAP_H
#define MM_SWAP_H

#include <pagoda/types.h>
#include "mm.h"

#define SWAP_SLOT_NONE  UINT64_MAX
#define SWAP_CLUSTER    16          /* slots allocated together (swap_slot.c) */
#define SWAP_REFS_MAX   UINT16_MAX

/* ---- swap_slot.c: the slot allocator ------------------------------------ */
/* Size the slot map to the device (swapdev_pages()) if not yet done; the
 * number of slots, 0 without a device. Called lazily by every user. */
uint64_t swap_slots_setup(void);
/* A free slot, its count 1, next to the last one handed out while the
 * current cluster lasts; SWAP_SLOT_NONE when swap is full (or absent). */
uint64_t swap_slot_alloc(void);
/* One more / one fewer reference to an allocated slot; the last put frees
 * it (and drops it from the swap cache). A bad slot is an mm_bug. */
void swap_slot_dup(uint64_t slot);
void swap_slot_put(uint64_t slot);
unsigned swap_slot_refs(uint64_t slot);
uint64_t swap_slots_total(void);
/* A device with a free slot: a page without one could be written now. */
bool swap_room(void);
uint64_t swap_slots_used(void);
/* The device is gone: every slot is free again (the owners were killed). */
void swap_slots_forget(void);
/* Z1-Z3 (swap_slot.c); mm_bug per violation, returns how many. */
unsigned swap_slot_check(void);

/* ---- swap_cache.c: slot -> resident frame ------------------------------- */
bool swap_cache_setup(uint64_t slots);      /* swap_slots_setup's helper */
void swap_cache_teardown(void);
void swap_cache_add(uint64_t slot, pfn_t pfn);
pfn_t swap_cache_lookup(uint64_t slot);     /* PFN_NONE if not cached */
void swap_cache_del(uint64_t slot);
uint64_t swap_cache_pages(void);
unsigned swap_cache_check(void);

/* ---- swap.c: pages and their slots ------------------------------------- */
/* Boot, once the device is there: the record cache and the slot maps
 * (sized now, while memory is plentiful; later, under pressure, the
 * lazy sizing could fail for want of the very frames it is to free). */
void swap_init(void);
struct swap_ent;
/* The slot of page (owner, index), or SWAP_SLOT_NONE. */
uint64_t swap_slot_of(const void *owner, uint64_t index);
/* Forget pages [from, to) of owner (indexes), or all of them: their slots
 * are put. `head` is the owner's list (mm_region.swapped, shm_obj's). */
void swap_forget_range(struct swap_ent **head, uint64_t from, uint64_t to);
void swap_forget_all(struct swap_ent **head);
/* p's private pages that are only on the device (p->swapped). */
uint64_t swap_pages_of(const struct mm_proc *p);
/* Slots p's private pages hold, swapped or cached. */
uint64_t swap_slots_of(const struct mm_proc *p);

/* Make sure the contents of page (owner, index), resident in frame pfn
 * and already unmapped everywhere, are on the device, so the frame can be
 * freed: no write if it has a valid copy and is not dirty, else a write
 * (to its slot, or a new one recorded on *head). p: the private page's
 * process (NULL for shared), va for the counters and events. 0, or
 * -ERR_NOSPC (swap full), -ERR_NOSYS (no device), the device's error
 * (the write failed), -ERR_NOMEM (no record): then nothing changed. */
int swap_save(struct swap_ent **head, const void *owner, uint64_t index, struct mm_proc *p,
	      pfn_t pfn, bool dirty, vaddr_t va);
/* The frame holding page (owner, index) if it has a record: the swap
 * cache's, or a new one read from the device (a major fault of p,
 * counted; the page becomes CACHED). PFN_NONE with *err = 0 if the page
 * has no record, -ERR_NOMEM or -ERR_DEAD if the device could not read it. */
pfn_t swap_load(const void *owner, uint64_t index, struct mm_proc *p, vaddr_t va, int *err);
/* swap_load's frame is freed unmapped after all: the page is SWAPPED again. */
void swap_load_undo(const void *owner, uint64_t index, pfn_t pfn);
/* Does the list hold a page that is only on the device? */
bool swap_record_has_swapped(struct swap_ent *head);

/* Whether the last swap_load failed to read (-ERR_DEAD), and forget it. */
bool swap_take_error(void);

/* S1-S4 (swap.c) plus the slot and cache checkers. */
unsigned swap_check(void);

/* The ramdisk died (after swapdev_lost): kill every process that had pages
 * on it, each with a logged reason, and forget every slot. */
void swap_device_lost(void);

#endif
