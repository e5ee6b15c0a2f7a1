/*
 * iommu.h - what the portable kernel asks of the IOMMU (DMA remapping
 * hardware). One implementation: Intel VT-d, kernel/arch/x86_64/vtd*.c;
 * nothing here names a register or an entry bit.
 *
 * A device is named by its PCI requester id (bdf), an I/O address space
 * by a domain number; the memory server decides both, and every frame
 * comes from it: iommucall.c has checked that each one is RAM the server
 * manages. Every operation checks all the rest itself (the domain, the
 * IOVAs, the rights, that no device could reach an IOMMU table) and
 * returns -ERR_x with nothing changed when it refuses; when it returns,
 * the hardware's caches are invalidated, so a revoked mapping is gone
 * from the device's view. Results and errors: pagoda/syscall.h.
 */
#ifndef KERNEL_IOMMU_H
#define KERNEL_IOMMU_H

#include <pagoda/types.h>
#include <pagoda/syscall.h>     /* struct mm_iommu_info, struct mm_map_run */
#include "pagetable.h"          /* struct frame_supply */

#define IOMMU_BDF_MAX 0xffffu   /* a PCI requester id: bus << 8 | device << 3 | function */

/* At boot, after paging: find the remapping units (ACPI), report them on
 * the console, prepare the fault interrupt. Translation stays off until
 * the memory server enables it; with `off` (iommu=off) it stays off.
 * `quiet`: report only problems. */
void iommu_init(bool off, bool quiet);

void iommu_info(struct mm_iommu_info *out);
int iommu_enable(paddr_t root);
int iommu_domain_create(uint64_t dom, paddr_t root);
int iommu_domain_destroy(uint64_t dom);
int iommu_attach(uint64_t dom, uint64_t bdf, paddr_t spare);
int iommu_detach(uint64_t dom, uint64_t bdf);
int iommu_map(uint64_t dom, const struct mm_map_run *run, struct frame_supply *spares);
int iommu_unmap(uint64_t dom, uint64_t iova, uint64_t npages, paddr_t out[MM_MAP_SPARES]);

/* pa holds an IOMMU table (root, context or second-level): no process
 * may map it (mmcall.c refuses), or it could redirect any device. */
bool iommu_frame_is_table(paddr_t pa);

/* A DMA fault, as the fault interrupt recorded it. */
struct iommu_fault {
	uint64_t addr;          /* the page address the device used (IOVA) */
	uint16_t bdf;           /* the device */
	bool write;             /* a write (else a read) */
	uint8_t reason;         /* MM_IOMMU_REASON_* (pagoda/mm.h) */
	uint8_t hw_reason;      /* the hardware's code */
	uint64_t count;         /* identical faults in a row (0: none, only the counts below) */
	uint64_t lost;          /* faults since the last one taken whose record was dropped */
	uint64_t overflows;     /* ... and times the hardware dropped faults itself */
};

/* The oldest fault not yet reported to the memory server (and the loss
 * counts since the last one): true and *out filled, or false if there is
 * nothing to report. */
bool iommu_fault_take(struct iommu_fault *out);

#endif
