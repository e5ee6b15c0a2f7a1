# memory.py - the `pagoda` commands about mm's memory structures: buddy
# free lists, slab caches, swap slots, DMA grants and IOMMU domains
# (tools/gdb/pagoda.py tells the design; docs/debugging.md shows them).

import gdb
from .target import *   # noqa: F401,F403 (the shared readers and constants)



class PagodaBuddy(gdb.Command):
    """Buddy free lists per zone and order, checked against the zone.

For every zone (DMA, DMA32, Normal) and order 0..MM_MAX_ORDER: the blocks
found by walking the free list (mm_pages[].next from free_area[o].head)
and the list's nr_free. Then the pages on the lists (blocks << order) are
totalled and compared with the zone's free_pages: 'ok', or 'MISMATCH'
naming what disagrees. A walk stops at a repeated frame (a loop)."""

    def __init__(self):
        super().__init__("pagoda buddy", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        mm = mm_space()
        zones = mm.var("mm_zones")
        pages = mm.var("mm_pages")
        bad = 0
        for zi in range(zones.type.range()[1] + 1):
            z = zones[zi]
            areas = z["free_area"]
            norders = areas.type.range()[1] + 1
            name = mm.string(z["name"]) if int(z["name"]) else "?"
            out("zone %-6s pfn [%d, %d) managed %d free_pages %d" % (
                name, int(z["start_pfn"]), int(z["end_pfn"]),
                int(z["managed_pages"]), int(z["free_pages"])))
            total = 0
            counts = []
            for order in range(norders):
                walked = walk_free_list(mm, pages, int(areas[order]["head"]))
                nr = int(areas[order]["nr_free"])
                counts.append("%d" % walked if walked == nr else "%d(nr_free %d!)" % (walked, nr))
                if walked != nr:
                    bad += 1
                total += walked << order
            out("  blocks by order 0..%d: %s" % (norders - 1, " ".join(counts)))
            fp = int(z["free_pages"])
            if total == fp:
                out("  free lists hold %d pages = free_pages %d: ok" % (total, fp))
            else:
                bad += 1
                out("  free lists hold %d pages, free_pages %d: MISMATCH" % (total, fp))
        out("buddy: %s" % ("ok" if bad == 0 else "%d MISMATCH(es)" % bad))


def walk_free_list(mm, pages, head, limit=1 << 22):
    n, pfn, seen = 0, head, set()
    while pfn != PAGE_LINK_NONE and pfn not in seen and n < limit:
        seen.add(pfn)
        n += 1
        pfn = int(mm.index(pages, pfn)["next"])
    return n


class PagodaSlab(gdb.Command):
    """Slab caches: name, object size, objects in use / total, slabs.

One line per cache on mm's cache list (slab.c's all_caches): the size
asked for and the stride, active_objs / (slabs x objs_per_slab), slabs by
list (full/partial/empty) and each slab's size in frames. 'ok' if the
objects in use counted on the slabs (struct slab.inuse, walked) equal
active_objs, else 'MISMATCH'."""

    def __init__(self):
        super().__init__("pagoda slab", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        mm = mm_space()
        out("%-18s %6s %6s %13s %15s %5s %s" % (
            "cache", "size", "stride", "inuse/total", "slabs f/p/e", "pages", "check"))
        for c in mm.chain(mm.var("all_caches", "servers/mm/slab.c")):
            nslabs = [int(c["nr_slabs"][i]) for i in range(3)]
            per = int(c["objs_per_slab"])
            active = int(c["active_objs"])
            inuse = sum(int(s["inuse"]) for i in range(3) for s in mm.chain(c["lists"][i]))
            out("%-18s %6d %6d %13s %15s %5d %s" % (
                cstr(c["name"]), int(c["size"]), int(c["stride"]),
                "%d/%d" % (active, sum(nslabs) * per),
                "%d/%d/%d" % tuple(nslabs), 1 << int(c["order"]),
                "ok" if inuse == active else "MISMATCH (slabs count %d)" % inuse))


class PagodaSwap(gdb.Command):
    """pagoda swap [PROC]: a process's private pages with a swap slot (default: the current one).

For each of its regions, every struct swap_ent on the region's list: the
virtual address, the slot and the slot's reference count (swap_slot.c's
refs), and whether the page is resident again (in the swap cache, the
slot a valid copy) or only on the device. The total is compared with
mm_proc.swapped (pages only on the device)."""

    def __init__(self):
        super().__init__("pagoda swap", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        kp, mm, p = proc_arg(arg, "pagoda swap [PROC]")
        pid, root = int(kp["pid"]), int(kp["root"])
        refs = mm.var("refs", "servers/mm/swap_slot.c")
        nslots = int(mm.var("nslots", "servers/mm/swap_slot.c"))
        out("swap slots of pid %d (%s), device of %d slots:" % (pid, mm_name(p), nslots))
        only_swap = 0
        n = 0
        for r in mm.regions(p):
            for e in swap_entries(mm, r):
                va = int(e["index"]) << PAGE_SHIFT
                slot = int(e["slot"])
                count = int(mm.index(refs, slot)) if int(refs) and slot < nslots else -1
                _, pa = walk(root, va)
                where = "resident (swap cache)" if pa is not None else "on swap only"
                if pa is None:
                    only_swap += 1
                n += 1
                out("  %#018x slot %6d refs %d  %s (%s)" % (
                    va, slot, count, where, enum_name(r["kind"], "REGION_")))
        check = "ok" if only_swap == int(p["swapped"]) else "MISMATCH"
        out("%d pages with a slot, %d on swap only; mm_proc.swapped %d: %s" %
            (n, only_swap, int(p["swapped"]), check))


class PagodaDma(gdb.Command):
    """DMA grants and IOMMU domains.

Grants (grant.c's list, oldest first): id, owner pid, device bdf, frames
[pfn, pfn + npages), the bus address the device was given, shares (pid
and region), quarantined. Then every device mm keeps a record of
(iommu_domain.c's devs[]): its domain id, driver, and each IOMMU mapping
[iova, iova + npages) -> frames, rights, and the grant id (0: streaming)."""

    def __init__(self):
        super().__init__("pagoda dma", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        mm = mm_space()
        grants = list(mm.chain(mm.var("grants", "servers/mm/grant.c")))
        out("DMA grants: %d" % len(grants))
        for g in grants:
            shares = ", ".join(
                "pid %d" % int(mm.deref(g["shares"][i]["proc"])["pid"])
                for i in range(int(g["nshares"])) if int(g["shares"][i]["proc"]))
            out("  grant %d owner %d bdf %02x:%02x.%d frames [%d, %d) bus %#x%s%s" % (
                int(g["id"]), int(g["owner"]), (int(g["bdf"]) >> 8) & 0xff,
                (int(g["bdf"]) >> 3) & 0x1f, int(g["bdf"]) & 7, int(g["pfn"]),
                int(g["pfn"]) + int(g["npages"]), int(g["bus"]),
                " shared with " + shares if shares else "",
                " QUARANTINED" if bool(g["quarantined"]) else ""))
        cfg = mm.var("cfg", "servers/mm/iommu_domain.c")
        out("IOMMU: %s" % ("on, %d domain ids, IOVA top %#x" % (
            int(cfg["domains"]), int(cfg["iova_top"])) if bool(cfg["on"]) else
            "off (bus addresses are physical)"))
        for d in mm.array("devs", "servers/mm/iommu_domain.c"):
            if not bool(d["used"]):
                continue
            bdf = int(d["bdf"])
            out("  device %02x:%02x.%d %-8s domain %d driver %d (%s) root pfn %d, "
                "%d mappings, %d faults" % (
                    bdf >> 8, (bdf >> 3) & 0x1f, bdf & 7, cstr(d["name"]), int(d["dom"]),
                    int(d["driver"]), cstr(d["driver_name"]), int(d["root"]),
                    int(d["nmaps"]), int(d["faults"])))
            for m in range(int(d["nmaps"])):
                e = d["map"][m]
                out("    iova [%#x, %#x) -> frames [%d, %d) %s grant %d" % (
                    int(e["iova"]), int(e["iova"]) + (int(e["npages"]) << PAGE_SHIFT),
                    int(e["pfn"]), int(e["pfn"]) + int(e["npages"]),
                    "rw" if int(e["rights"]) & MM_RIGHT_WRITE else "r", int(e["id"])))
