/*
 * swap_slot.c - the swap slot allocator: which pages of the swap device
 * are in use, and by how many references.
 *
 * The device (swapdev.h) holds swapdev_pages() pages, the slots. Each slot
 * has a reference count (Linux's swap_map, mm/swapfile.c): how many
 * records of a swapped page name it. A page shared by several processes
 * is one record (its shm object's), so it holds one slot with count 1;
 * counts above 1 are for pages several owners share by copy (fork's
 * copy-on-write, later). The last put frees the slot.
 *
 * Allocation in clusters (Linux's swap clusters: scan_swap_map_slots,
 * SWAPFILE_CLUSTER; Rik van Riel and Hugh Dickins): the slots are cut into
 * clusters of SWAP_CLUSTER. Allocation hands out the slots of the current
 * cluster in order, so pages evicted one after the other land on
 * neighbouring slots and are read back as a sequential run; when the
 * cluster is used up the next wholly free cluster (searching on from the
 * last) becomes current. Only when none is left does it take any free
 * slot, searching on from the last one handed out (next fit, Knuth 2.5).
 *
 * The maps are sized at boot (swap_init -> swap_slots_setup, once the
 * device is there; every user asks again, which costs nothing then), from
 * whole buddy blocks (mm's own frames): 2 bytes per slot for the counts,
 * 2 per cluster for its free count.
 *
 * Invariants (swap_slot_check):
 *   Z1 used = the number of slots whose count is non-zero;
 *   Z2 each cluster's free count = its slots whose count is 0;
 *   Z3 the cursor lies in [0, slots]; the current cluster's slots from
 *      the cursor on are the ones the next allocations take in order.
 * Together with swap.c's S1 (every count equals the records naming the
 * slot), a leaked or doubly freed slot is found after the step that did it.
 *
 * Not supported: more than one device, priorities, discard, slots of
 * more than one page, more than 2^21 slots (8 GiB of swap).
 */
#include <string.h>
#include "swap.h"
#include "swapdev.h"
#include "buddy.h"
#include "mm_env.h"
#include "lab.h"

#define SLOTS_MAX ((uint64_t)1 << 21)

static uint16_t *refs;          /* per slot */
static uint16_t *cluster_free;  /* per cluster */
static pfn_t refs_block = PFN_NONE, clusters_block = PFN_NONE;
static unsigned refs_order, clusters_order;
static uint64_t nslots, nclusters, used;
static uint64_t cursor, cluster_end;    /* [cursor, cluster_end): current cluster's rest */
static uint64_t next_cluster, next_slot; /* where the searches go on */
static bool warned;             /* the maps could not be had: said once */

static unsigned order_for(uint64_t bytes)
{
	unsigned order = 0;
	while (((uint64_t)PAGE_SIZE << order) < bytes)
		order++;
	return order;
}

static void *block(uint64_t bytes, pfn_t *pfn, unsigned *order)
{
	*order = order_for(bytes);
	*pfn = *order <= MM_MAX_ORDER ? buddy_alloc(*order, MM_ZERO) : PFN_NONE;
	return *pfn == PFN_NONE ? NULL : pfn_to_virt(*pfn);
}

uint64_t swap_slots_setup(void)
{
	uint64_t want = swapdev_pages();
	if (nslots || !want)
		return nslots;
	want = want > SLOTS_MAX ? SLOTS_MAX : want;
	uint64_t nc = (want + SWAP_CLUSTER - 1) / SWAP_CLUSTER;
	refs = block(want * sizeof *refs, &refs_block, &refs_order);
	cluster_free = block(nc * sizeof *cluster_free, &clusters_block, &clusters_order);
	if (!refs || !cluster_free || !swap_cache_setup(want)) {
		if (!warned)
			mm_print("mm: swap: no memory for the maps of %lu slots; swapping is off\n",
				 (unsigned long)want);
		warned = true;
		swap_slots_forget();    /* what was had goes back */
		return 0;
	}
	nslots = want;
	nclusters = nc;
	for (uint64_t c = 0; c < nc; c++)
		cluster_free[c] = (uint16_t)((c + 1) * SWAP_CLUSTER <= want ? SWAP_CLUSTER
					     : want - c * SWAP_CLUSTER);
	used = cursor = cluster_end = next_cluster = next_slot = 0;
	return nslots;
}

static uint64_t cluster_size(uint64_t c)
{
	return (c + 1) * SWAP_CLUSTER <= nslots ? SWAP_CLUSTER : nslots - c * SWAP_CLUSTER;
}

/* LAB swap: take_cluster, any_free_slot: the next wholly free cluster, and next fit over all slots */
/* The next wholly free cluster becomes current; false if there is none. */
static bool take_cluster(void)
{
	for (uint64_t i = 0; i < nclusters; i++) {
		uint64_t c = (next_cluster + i) % nclusters;
		if (cluster_free[c] == cluster_size(c)) {
			cursor = c * SWAP_CLUSTER;
			cluster_end = cursor + cluster_size(c);
			next_cluster = (c + 1) % nclusters;
			return true;
		}
	}
	return false;
}

/* Next fit over all slots: the fragmented case. */
static uint64_t any_free_slot(void)
{
	for (uint64_t i = 0; i < nslots; i++) {
		uint64_t s = (next_slot + i) % nslots;
		if (refs[s] == 0)
			return s;
	}
	return SWAP_SLOT_NONE;
}
/* LAB swap END */

uint64_t swap_slot_alloc(void)
{
	/* LAB swap: swap_slot_alloc: a free slot, count 1: the current cluster in order, then a free cluster, then next fit */
	if (!swap_slots_setup() || used == nslots)
		return SWAP_SLOT_NONE;
	while (cursor < cluster_end && refs[cursor])
		cursor++;
	uint64_t s = cursor < cluster_end ? cursor++ : take_cluster() ? cursor++ : any_free_slot();
	if (s == SWAP_SLOT_NONE) {
		mm_bug("swap_slot_alloc: %lu of %lu slots used but none is free",
		       (unsigned long)used, (unsigned long)nslots);
		return s;
	}
	refs[s] = 1;
	cluster_free[s / SWAP_CLUSTER]--;
	used++;
	next_slot = (s + 1) % nslots;
	return s;
	/* LAB swap STUB: LAB_MISSING("swap", "swap_slot_alloc"); */
	/* LAB swap STUB: return SWAP_SLOT_NONE; */
	/* LAB swap END */
}

/* LAB swap: slot_in_use: an allocated slot, or an mm_bug naming fn */
static bool slot_in_use(uint64_t slot, const char *fn)
{
	if (slot < nslots && refs[slot])
		return true;
	mm_bug("%s: slot %lu is %s", fn, (unsigned long)slot, slot < nslots ? "free" : "beyond the device");
	return false;
}
/* LAB swap END */

void swap_slot_dup(uint64_t slot)
{
	/* LAB swap: swap_slot_dup: one more reference to an allocated slot; a free or bad slot is an mm_bug */
	if (!slot_in_use(slot, "swap_slot_dup"))
		return;
	if (refs[slot] == SWAP_REFS_MAX) {
		mm_bug("swap_slot_dup: slot %lu has %u references already", (unsigned long)slot, refs[slot]);
		return;
	}
	refs[slot]++;
	/* LAB swap STUB: LAB_MISSING("swap", "swap_slot_dup"); */
	/* LAB swap STUB: (void)slot; */
	/* LAB swap END */
}

void swap_slot_put(uint64_t slot)
{
	/* LAB swap: swap_slot_put: one reference fewer; the last frees the slot and drops it from the swap cache */
	if (!slot_in_use(slot, "swap_slot_put"))
		return;
	if (--refs[slot])
		return;
	swap_cache_del(slot);
	cluster_free[slot / SWAP_CLUSTER]++;
	used--;
	/* LAB swap STUB: LAB_MISSING("swap", "swap_slot_put"); */
	/* LAB swap STUB: (void)slot; */
	/* LAB swap END */
}

unsigned swap_slot_refs(uint64_t slot)
{
	return slot < nslots ? refs[slot] : 0;
}

uint64_t swap_slots_total(void)
{
	return nslots;
}

uint64_t swap_slots_used(void)
{
	return used;
}

bool swap_room(void)
{
	return swap_slots_setup() && used < nslots;
}

/* The device is gone: free the maps; a new device sizes them afresh. */
void swap_slots_forget(void)
{
	if (refs_block != PFN_NONE)
		buddy_free(refs_block, refs_order);
	if (clusters_block != PFN_NONE)
		buddy_free(clusters_block, clusters_order);
	swap_cache_teardown();
	refs = cluster_free = NULL;
	refs_block = clusters_block = PFN_NONE;
	nslots = nclusters = used = cursor = cluster_end = next_cluster = next_slot = 0;
}

unsigned swap_slot_check(void)
{
	unsigned bad = 0;
	uint64_t in_use = 0;
	for (uint64_t c = 0; c < nclusters; c++) {
		uint64_t nfree = 0;
		for (uint64_t s = c * SWAP_CLUSTER; s < c * SWAP_CLUSTER + cluster_size(c); s++)
			nfree += refs[s] == 0;
		in_use += cluster_size(c) - nfree;
		if (nfree != cluster_free[c]) {
			mm_bug("swap_slot_check: cluster %lu has %lu free slots but counts %u",
			       (unsigned long)c, (unsigned long)nfree, cluster_free[c]);
			bad++;
		}
	}
	if (in_use != used) {
		mm_bug("swap_slot_check: %lu slots in use but used says %lu", (unsigned long)in_use,
		       (unsigned long)used);
		bad++;
	}
	if (cursor > cluster_end || cluster_end > nslots ||
	    (cursor < cluster_end && cursor / SWAP_CLUSTER != (cluster_end - 1) / SWAP_CLUSTER)) {
		mm_bug("swap_slot_check: cursor %lu, cluster end %lu of %lu slots",
		       (unsigned long)cursor, (unsigned long)cluster_end, (unsigned long)nslots);
		bad++;
	}
	return bad;
}
