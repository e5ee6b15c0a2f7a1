/*
 * vtd_regs.h - Intel VT-d remapping hardware: register offsets, register
 * bits and the in-memory entry formats (Intel Virtualization Technology
 * for Directed I/O, Architecture Specification, rev. 4.1: chapter 11 for
 * the registers, 9.1 - 9.8 for the root, context and second-level
 * entries). Named once here; vtd.c, vtd_fault.c and vtd_table.c use them.
 *
 * Width matters: QEMU 7.2 aborts on a 64-bit access to a 32-bit
 * register. The 32-bit ones are VER, GCMD, GSTS, FSTS, FECTL, FEDATA,
 * FEADDR, FEUADDR; CAP, ECAP, RTADDR, CCMD, IVA, IOTLB and the halves of
 * a fault-recording register are 64-bit.
 */
#ifndef ARCH_VTD_REGS_H
#define ARCH_VTD_REGS_H

/* ---- registers (offsets from the unit's register base) ---- */
#define VTD_VER     0x00        /* 32: version, major 7:4, minor 3:0 */
#define VTD_CAP     0x08        /* 64: capabilities */
#define VTD_ECAP    0x10        /* 64: extended capabilities */
#define VTD_GCMD    0x18        /* 32: global command */
#define VTD_GSTS    0x1c        /* 32: global status */
#define VTD_RTADDR  0x20        /* 64: root table address */
#define VTD_CCMD    0x28        /* 64: context command */
#define VTD_FSTS    0x34        /* 32: fault status */
#define VTD_FECTL   0x38        /* 32: fault event control */
#define VTD_FEDATA  0x3c        /* 32: fault event MSI data */
#define VTD_FEADDR  0x40        /* 32: fault event MSI address */
#define VTD_FEUADDR 0x44        /* 32: its upper half */
#define VTD_REG_SPAN 0x1000     /* the register page */
/* IVA (64) at ECAP.IRO * 16, IOTLB (64) 8 bytes after it; the fault
 * recording registers (128 each) from CAP.FRO * 16. */

/* CAP fields */
#define CAP_ND(c)     ((unsigned)((c) & 7))            /* 2^(4 + 2 ND) domains */
#define CAP_RWBF      (1ULL << 4)                      /* write-buffer flush needed */
#define CAP_CM        (1ULL << 7)                      /* caching mode */
#define CAP_SAGAW(c)  ((unsigned)(((c) >> 8) & 0x1f))  /* bit 1: 39-bit 3-level, bit 2: 48-bit 4-level */
#define CAP_MGAW(c)   ((unsigned)(((c) >> 16) & 0x3f) + 1)
#define CAP_FRO(c)    ((unsigned)(((c) >> 24) & 0x3ff) * 16)
#define CAP_SLLPS(c)  ((unsigned)(((c) >> 34) & 0xf))  /* bit 0: 2 MiB, bit 1: 1 GiB */
#define CAP_PSI       (1ULL << 39)                     /* page-selective invalidation */
#define CAP_NFR(c)    ((unsigned)(((c) >> 40) & 0xff) + 1)
#define CAP_MAMV(c)   ((unsigned)(((c) >> 48) & 0x3f)) /* largest address mask */
#define CAP_DWD       (1ULL << 54)                     /* write draining */
#define CAP_DRD       (1ULL << 55)                     /* read draining */
#define SAGAW_39      0x2
#define SAGAW_48      0x4

/* ECAP fields */
#define ECAP_C        (1ULL << 0)                      /* page walks snoop the CPU caches */
#define ECAP_QI       (1ULL << 1)                      /* queued invalidation */
#define ECAP_IR       (1ULL << 3)                      /* interrupt remapping */
#define ECAP_PT       (1ULL << 6)                      /* pass-through */
#define ECAP_IRO(e)   ((unsigned)(((e) >> 8) & 0x3ff) * 16)

/* GCMD / GSTS bits (a command bit and its status bit are the same) */
#define GCMD_TE       (1u << 31)        /* translation enable (persistent) */
#define GCMD_SRTP     (1u << 30)        /* set root table pointer (one-shot) */
#define GCMD_WBF      (1u << 27)        /* write-buffer flush (one-shot) */
#define GCMD_QIE      (1u << 26)        /* queued invalidation enable */
#define GCMD_IRE      (1u << 25)        /* interrupt remapping enable */

/* CCMD: context-cache invalidation */
#define CCMD_ICC      (1ULL << 63)      /* set to start; hardware clears when done */
#define CCMD_GLOBAL   (1ULL << 61)
#define CCMD_DOMAIN   (2ULL << 61)
#define CCMD_DEVICE   (3ULL << 61)
#define CCMD_SID(s)   ((uint64_t)(s) << 16)
#define CCMD_DID(d)   ((uint64_t)(d))

/* IOTLB register: IOTLB invalidation; IVA: its address */
#define IOTLB_IVT     (1ULL << 63)      /* set to start; hardware clears when done */
#define IOTLB_GLOBAL  (1ULL << 60)
#define IOTLB_DOMAIN  (2ULL << 60)
#define IOTLB_PAGE    (3ULL << 60)
#define IOTLB_DR      (1ULL << 49)      /* drain reads */
#define IOTLB_DW      (1ULL << 48)      /* drain writes */
#define IOTLB_DID(d)  ((uint64_t)(d) << 32)
#define IVA_AM(m)     ((uint64_t)(m))   /* 2^m pages, address aligned to them */

/* Fault status, fault event control */
#define FSTS_PFO      (1u << 0)         /* primary fault overflow (write 1 to clear) */
#define FSTS_PPF      (1u << 1)         /* primary pending fault (read only) */
#define FSTS_W1C      0x7du             /* PFO, AFO, APF, IQE, ICE, ITE */
#define FECTL_IM      (1u << 31)        /* interrupt mask */
#define MSI_ADDR_BASE 0xfee00000u       /* MSI address: the local APICs */
#define MSI_DEST(id)  ((uint32_t)(id) << 12)

/* A fault-recording register: low qword = faulting page address; high
 * qword below. F is cleared by writing 1 to bit 31 of its top dword. */
#define FRCD_F        (1ULL << 63)
#define FRCD_T_READ   (1ULL << 62)      /* 1: a read; 0: a write */
#define FRCD_REASON(h) ((unsigned)(((h) >> 32) & 0xff))
#define FRCD_SID(h)   ((unsigned)((h) & 0xffff))
#define FRCD_CLEAR    (1u << 31)        /* written to the top dword (offset 12) */

/* Hardware fault reasons (spec appendix A) */
#define FR_ROOT_NOT_PRESENT    0x1
#define FR_CONTEXT_NOT_PRESENT 0x2
#define FR_CONTEXT_INVALID     0x3
#define FR_BEYOND_MGAW         0x4
#define FR_WRITE               0x5
#define FR_READ                0x6
#define FR_TABLES_LAST         0xd      /* 7..0xd: malformed tables */

/* ---- entries in memory (each 128 bits: lo, hi) ---- */
#define ROOT_P        (1ULL << 0)       /* root entry lo: context table | P */
#define CTX_P         (1ULL << 0)       /* context entry lo: SL table | TT | P */
#define CTX_TT_SL     (0ULL << 2)       /* translate through second-level tables */
#define CTX_AW(levels) ((uint64_t)((levels) - 2))      /* hi bits 2:0: 1 = 3 levels */
#define CTX_DID(d)    ((uint64_t)(d) << 8)             /* hi bits 23:8 */
#define CTX_DID_OF(hi) ((unsigned)(((hi) >> 8) & 0xffff))
#define SL_R          (1ULL << 0)       /* second-level entry: read */
#define SL_W          (1ULL << 1)       /* second-level entry: write */
#define SL_ADDR       0x000ffffffffff000ULL

#endif
