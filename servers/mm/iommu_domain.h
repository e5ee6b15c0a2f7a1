/*
 * iommu_domain.h - one IOMMU domain per device: what each device's DMA
 * can reach, chosen by mm (iommu_domain.c, iommu_fault.c; docs/iommu.md).
 */
#ifndef MM_IOMMU_DOMAIN_H
#define MM_IOMMU_DOMAIN_H

#include <pagoda/ipc.h>
#include <pagoda/mm.h>
#include "mm.h"
#include "iova.h"

#define IOMMU_DEVICES_MAX 16        /* devices mm keeps a record of */
#define IOMMU_NAME_LEN    16

/* One run of frames a device reaches: [iova, iova + npages pages) ->
 * frames [pfn, pfn + npages), for the grant or streaming mapping object. */
struct iommu_mapping {
	uint64_t iova;
	uint64_t npages;
	pfn_t pfn;
	uint64_t rights;            /* MM_RIGHT_READ, or | MM_RIGHT_WRITE */
	const void *object;         /* the DMA frames' page.object; NULL: the
				       driver's own pinned pages (streaming) */
	uint64_t id;                /* the grant's id (memstat); 0: a streaming mapping */
};

/* What mm knows of one device: its domain while a driver has it open,
 * and its fault counts for ever. */
struct iommu_device {
	bool used;
	uint16_t bdf;
	unsigned dom;               /* domain id; 0: no domain now */
	int driver;                 /* the pid the domain is for; 0: none */
	char driver_name[IOMMU_NAME_LEN];
	char name[IOMMU_NAME_LEN];  /* "edu", or the ids as vvvv:dddd */
	pfn_t root;                 /* the domain's second-level root */
	uint64_t tables;            /* frames below the root the kernel holds */
	struct iova_space iova;
	unsigned nmaps;
	struct iommu_mapping map[IOVA_RANGES_MAX];  /* in the order they were made */
	uint64_t faults;            /* DMA faults counted against the device */
	uint64_t lost;              /* ... of which only counted by the kernel */
	uint64_t last_fault;        /* the last fault's address */
	unsigned kills;             /* times the fault policy killed its driver */
};

/* Start-up (mm_iommu_start): translation is on with these IOVAs and
 * domains (info NULL: off, every record forgotten). Without it no device
 * gets a domain (iommu=off, no IOMMU): iommu_device_open does nothing,
 * iommu_map answers -ERR_NOSYS, and bus addresses are physical. */
void iommu_domains_init(const struct mm_iommu_info *info);
bool iommu_domains_on(void);

/* The driver pid of device bdf opens it (MM_DEV_MMIO, a DMA grant): the
 * device gets an empty domain of its own, attached at once, if it has
 * none. 0 (also with the IOMMU off: nothing to do), or -ERR_NOMEM,
 * -ERR_NOSPC (no device record or domain id left), or the kernel's error.
 * A second open by the same driver is 0; by another pid -ERR_BUSY. */
int iommu_device_open(uint16_t bdf, int pid, const char *driver_name);

/* Map npages frames from pfn - every one an allocated DMA frame
 * (PAGE_USE_DMA) of `object`, or with object NULL (a streaming mapping of
 * the driver's memory) a pinned user page of bdf's driver - for device bdf (id: the grant's, for memstat), whose driver opened it, with
 * rights; the IOVA comes from the device's space, below the mask of
 * mask_bits. -> 0 and *iova, or (checked in mm, before any kernel call,
 * nothing changed): -ERR_NOSYS (IOMMU off), -ERR_NOENT (bdf has no
 * domain), -ERR_INVAL (npages 0, rights, a frame that is not RAM mm
 * manages - device memory - or not a DMA frame of object, or already
 * mapped for a device), -ERR_NOSPC (no IOVA below the mask). */
int iommu_map(uint16_t bdf, pfn_t pfn, uint64_t npages, uint64_t rights, unsigned mask_bits,
	      const void *object, uint64_t id, uint64_t *iova);
/* The same at a chosen IOVA, which must be free in the device's space
 * and lie, with its last byte, at or below the mask: else -ERR_INVAL
 * (above the mask) or -ERR_BUSY (taken). */
int iommu_map_at(uint16_t bdf, uint64_t iova, pfn_t pfn, uint64_t npages, uint64_t rights,
		 unsigned mask_bits, const void *object, uint64_t id);
/* Take a mapping away: exactly one made by iommu_map. The kernel clears
 * the entries and invalidates the IOTLB before it returns; only then are
 * the frames released (PG_IOMAPPED cleared) - buddy_free refuses a frame
 * that still has the flag, so a frame cannot be freed or reused while a
 * device may reach it. 0, or -ERR_NOENT (no such mapping; nothing
 * changes). */
int iommu_unmap(uint16_t bdf, uint64_t iova, uint64_t npages);
/* The DMA code's door (grants, streaming mappings, bounce buffers): map
 * npages frames from pfn read-write for device bdf below mask_bits,
 * opening the device for its owner (the kernel says who) if it has no
 * domain yet; the frames' object is what their descriptors name (a DMA
 * frame's page.object, else a pinned user page of the owner). -> 0 and
 * *bus (the IOVA), or iommu_map's errors, -ERR_PERM (unowned device).
 * iommu_unmap takes it back. */
int iommu_bus_map(uint16_t bdf, pfn_t pfn, uint64_t npages, unsigned mask_bits, uint64_t id,
		  uint64_t *bus);
/* Does an IOMMU mapping hold a frame of [pfn, pfn + npages)? */
bool iommu_maps_frames(pfn_t pfn, uint64_t npages);

/* pid has ended (its devices were stopped by the kernel before the
 * report): each domain of its devices is detached (the device reaches
 * nothing, the caches invalidated), its mappings unmapped, its tables
 * and root freed - all before the caller frees a frame of the process. */
void iommu_proc_exit(int pid);

/* The record of bdf, or NULL; the index-th used record for MM_IOMMU_STAT. */
struct iommu_device *iommu_device_find(uint16_t bdf);
const struct iommu_device *iommu_device_at(unsigned index);
/* A record for bdf (made if new, named from the kernel's SYS_DEV_INFO),
 * or NULL when the table is full. */
struct iommu_device *iommu_device_record(uint16_t bdf);

/* D1-D5 (iommu_domain.c) over every record; the violations (mm_bug). */
unsigned iommu_domain_check(void);

/* ---- iommu_fault.c ---- */

/* MM_IOMMU_FAULT from the kernel: logged (device, driver, address,
 * direction, reason), counted per device, and the fault policy applied. */
void mm_handle_iommu_fault(const struct ipc_msg *m);
/* The totals: every fault, those without a record, hardware overflows. */
void iommu_fault_totals(uint64_t *faults, uint64_t *lost, uint64_t *overflows);
/* Forget the totals and the log's state (a host test's fresh start). */
void iommu_fault_reset(void);

/* MM_IOMMU_STAT (memstat iommu) and MM_DEMO_PADDR (the rogue demo). */
int mm_handle_iommu_stat(const struct ipc_msg *req, const struct ipc_from *from, struct ipc_msg *reply);
int mm_handle_demo_paddr(const struct ipc_msg *req, const struct ipc_from *from, struct ipc_msg *reply);

#define IOMMU_LOG_LINES     32
#define IOMMU_SUMMARY_EVERY 256

#endif
