# pagoda.py - gdb commands that know Pagoda's design (docs/debugging.md).
#
# `make gdb` loads this file with -x, after the kernel's symbols
# (build/kernel.elf) and mm's (build/user/mm.elf, add-symbol-file). It adds
# one prefix command, `pagoda`, whose subcommands read the kernel's and the
# memory server's data structures out of a stopped machine:
#
#   pagoda ps               kernel process table, joined with mm's records
#   pagoda threads          kernel thread table (state, IPC wait, user ip)
#   pagoda regions PROC     mm's region list of a process
#   pagoda walk PROC ADDR   the 4-level page-table walk of ADDR in PROC
#   pagoda buddy            buddy free lists per zone and order, checked
#   pagoda slab             slab caches: object size, in use/total, slabs
#   pagoda swap PROC        which private pages of PROC have a swap slot
#   pagoda dma              DMA grants and IOMMU domains with their mappings
#   pagoda break PROC LOC [if COND]   a breakpoint that stops only in PROC
#
# plus the convenience functions $pagoda_pid(), $pagoda_pname(PID) and
# $pagoda_in(NAME). PROC is a pid (any gdb expression: `from->pid`) or a
# process name.
#
# The one problem: mm and every program are static ELFs linked at
# 0x400000, so their addresses overlap, and whatever process is current
# when gdb stops owns the low half of the address space. Reading mm's
# globals through gdb's ordinary expressions would read the *current*
# process's memory at mm's addresses. So nothing here reads user memory
# through the current CR3. Instead:
#
#   1. Kernel data (procs[], threads[], sched_current) is read normally:
#      the kernel half (KERNEL_VMA and the physmap) is the same in every
#      address space.
#   2. Physical memory is read through the kernel's physmap:
#      PHYSMAP_BASE + pa maps all of RAM in every address space.
#   3. Page tables are walked by hand from a process's root (the kernel's
#      struct proc.root, a physical address), one physmap read per level.
#   4. An mm global is found by name in mm.elf's objfile (its address and
#      its DWARF type), its address translated by walking mm's own page
#      tables (mm's root: the kernel's process with PROC_FLAG_MM), and its
#      bytes read through the physmap and made a gdb.Value of that type.
#      Pointers inside mm's structures are followed the same way (MmSpace).
#
# So every command works whichever process is current when gdb stops, and
# struct layouts come from the DWARF of the running binaries (gdb.Value
# field access), not from offsets written here. The constants below are
# the few facts the DWARF does not carry (macros); each names its header.
#
# Not supported: more than one CPU; a process's memory that is not in
# RAM (swapped pages show as their slot, not their contents); a program's
# symbols and mm's at the same time in backtraces (both link at 0x400000:
# gdb names a low pc from the first file that covers it).

import os
import gdb

# kernel/arch/x86_64/mmu.h
PHYSMAP_BASE = 0xffff800000000000
PAGE_SHIFT = 12
PAGE_SIZE = 1 << PAGE_SHIFT
PTE_ADDR = 0x000ffffffffff000
PTE_FLAGS = [(1 << 0, "P"), (1 << 1, "W"), (1 << 2, "U"), (1 << 3, "PWT"),
             (1 << 4, "PCD"), (1 << 5, "A"), (1 << 6, "D"), (1 << 7, "PS"),
             (1 << 8, "G"), (1 << 63, "NX")]
PTE_P, PTE_PS = 1 << 0, 1 << 7
LEVEL_NAMES = {4: "PML4", 3: "PDPT", 2: "PD", 1: "PT"}
# libsys/include/pagoda/syscall.h
MM_RIGHT_WRITE = 0x2
# kernel/proc.h
PROC_FLAG_MM = 0x100
# libsys/include/pagoda/mm.h
MM_PROT_NAMES = [(0x1, "r"), (0x2, "w"), (0x4, "x")]
MM_FAULT_WRITE, MM_FAULT_EXEC, MM_FAULT_PRESENT, MM_FAULT_COPY = 0x1, 0x2, 0x4, 0x8
# servers/mm/page.h, swap.h
PAGE_LINK_NONE = 0xffffffff

# The symbol files, by basename (make gdb loads these).
KERNEL_FILE = "kernel.elf"
MM_FILE = "mm.elf"


# ---- small helpers ------------------------------------------------------

def out(text=""):
    gdb.write(text + "\n")


def fail(msg):
    raise gdb.GdbError("pagoda: " + msg)


def cstr(array):
    """A char array gdb.Value -> Python str, up to its first NUL."""
    n = array.type.strip_typedefs().range()[1] + 1
    chars = []
    for i in range(n):
        c = int(array[i]) & 0xff
        if c == 0:
            break
        chars.append(chr(c))
    return "".join(chars)


def enum_name(value, prefix):
    name = str(value)
    return name[len(prefix):].lower() if name.startswith(prefix) else name


def flag_names(bits, table):
    return " ".join(name for bit, name in table if bits & bit)


def prot_string(prot):
    return "".join(name if prot & bit else "-" for bit, name in MM_PROT_NAMES)


LOAD_HINTS = {KERNEL_FILE: "gdb build/kernel.elf", MM_FILE: "add-symbol-file build/user/mm.elf"}


def objfile(basename):
    for o in gdb.objfiles():
        if o.filename and os.path.basename(o.filename) == basename:
            return o
    fail("no symbols from %s are loaded (make gdb loads them; or %s)" %
         (basename, LOAD_HINTS.get(basename, "add-symbol-file")))


def find_symbol(obj, name, file=None):
    """A variable of one objfile, global or static; file: its source's
    path suffix, for statics several files define (procs, cfg)."""
    def ours(sym):
        return (sym is not None and sym.symtab is not None
                and sym.symtab.objfile == obj
                and (file is None or sym.symtab.filename.endswith(file)))
    sym = obj.lookup_global_symbol(name)
    if ours(sym):
        return sym
    for sym in gdb.lookup_static_symbols(name):
        if ours(sym):
            return sym
    fail("%s has no variable %s%s" % (os.path.basename(obj.filename), name,
                                      " in " + file if file else ""))


# ---- physical memory and page tables ------------------------------------

def phys_read(pa, n):
    """n bytes of RAM at physical address pa, through the physmap."""
    try:
        return bytes(gdb.selected_inferior().read_memory(PHYSMAP_BASE + pa, n))
    except gdb.MemoryError:
        fail("cannot read physical address %#x (beyond the physmap?)" % pa)


def phys_u64(pa):
    return int.from_bytes(phys_read(pa, 8), "little")


def level_shift(level):
    return PAGE_SHIFT + 9 * (level - 1)


def walk(root, va):
    """The walk of va from the PML4 at physical root: a list of
    (level, index, table_pa, entry) and the physical address va maps
    to, or None if some level is not present."""
    steps, table = [], root
    for level in (4, 3, 2, 1):
        index = (va >> level_shift(level)) & 511
        entry = phys_u64(table + index * 8)
        steps.append((level, index, table, entry))
        if not entry & PTE_P:
            return steps, None
        if level == 1 or (level <= 3 and entry & PTE_PS):
            size = 1 << level_shift(level)
            return steps, (entry & PTE_ADDR & ~(size - 1)) + (va & (size - 1))
        table = entry & PTE_ADDR
    return steps, None


def present_pages(root, start, end):
    """How many 4 KiB pages of [start, end) are mapped (one read of a whole
    page table per 2 MiB)."""
    count, va = 0, start
    while va < end:
        span = 1 << level_shift(2)
        chunk_end = min(end, (va | (span - 1)) + 1)
        steps, _ = walk(root, va)
        level, _, table, entry = steps[-1]
        if level == 1:
            raw = phys_read(table, PAGE_SIZE)
            for v in range(va, chunk_end, PAGE_SIZE):
                i = (v >> PAGE_SHIFT) & 511
                if int.from_bytes(raw[i * 8:i * 8 + 8], "little") & PTE_P:
                    count += 1
        elif entry & PTE_P:              # a 2 MiB or 1 GiB page
            count += (chunk_end - va) // PAGE_SIZE
        va = chunk_end
    return count


# ---- the kernel's tables ------------------------------------------------

def kernel_var(name, file=None):
    return find_symbol(objfile(KERNEL_FILE), name, file).value()


def kernel_array(name, file):
    arr = kernel_var(name, file)
    n = arr.type.strip_typedefs().range()[1] + 1
    return [arr[i] for i in range(n)]


def kernel_procs():
    """The kernel's struct proc of every process that is not FREE."""
    return [p for p in kernel_array("procs", "kernel/proc.c")
            if str(p["state"]) != "PROC_FREE"]


def kernel_threads():
    return [t for t in kernel_array("threads", "kernel/proc.c")
            if str(t["state"]) != "THREAD_FREE"]


def current_proc():
    """The kernel's struct proc of the current thread, or None (idle)."""
    t = kernel_var("sched_current")
    if int(t) == 0 or int(t["proc"]) == 0:
        return None
    return t["proc"].dereference()


def proc_by_pid(pid):
    for p in kernel_procs():
        if int(p["pid"]) == pid:
            return p
    return None


def resolve_proc(arg):
    """PROC argument: a pid (a gdb expression) or a process name."""
    try:
        pid = int(gdb.parse_and_eval(arg))
    except gdb.error:
        pid = None
    for p in kernel_procs():
        if (pid is not None and int(p["pid"]) == pid) or \
           (pid is None and cstr(p["name"]) == arg):
            return p
    fail("no process %s in the kernel's table" % arg)


def mm_kernel_proc():
    for p in kernel_procs():
        if int(p["flags"]) & PROC_FLAG_MM:
            return p
    fail("the memory server is not running yet (no PROC_FLAG_MM process)")


# ---- mm's address space, read from outside ------------------------------

class MmSpace:
    """The memory server's memory, whichever process is current: virtual
    addresses are translated through mm's own page tables and read through
    the physmap; types come from mm.elf's DWARF."""

    def __init__(self):
        self.obj = objfile(MM_FILE)
        self.root = int(mm_kernel_proc()["root"])
        self.pages = {}

    def pa(self, va):
        page = va >> PAGE_SHIFT
        if page not in self.pages:
            _, pa = walk(self.root, page << PAGE_SHIFT)
            if pa is None:
                fail("address %#x is not mapped in mm" % va)
            self.pages[page] = pa
        return self.pages[page] + (va & (PAGE_SIZE - 1))

    def read(self, va, n):
        data = b""
        while n > 0:
            chunk = min(n, PAGE_SIZE - (va & (PAGE_SIZE - 1)))
            data += phys_read(self.pa(va), chunk)
            va, n = va + chunk, n - chunk
        return data

    def value(self, va, type):
        return gdb.Value(self.read(va, type.sizeof), type)

    def deref(self, ptr):
        """*ptr for a pointer into mm's memory, or None for NULL."""
        if int(ptr) == 0:
            return None
        return self.value(int(ptr), ptr.type.strip_typedefs().target())

    def index(self, ptr, i):
        """ptr[i] for a pointer into mm's memory."""
        target = ptr.type.strip_typedefs().target()
        return self.value(int(ptr) + i * target.sizeof, target)

    def var(self, name, file=None):
        """mm's variable name (a global, or a static of file)."""
        sym = find_symbol(self.obj, name, file)
        return self.value(int(sym.value().address), sym.type)

    def array(self, name, file=None):
        """mm's array variable name, element by element (a whole array
        may be larger than gdb's max-value-size: devs[] is 66 KiB)."""
        sym = find_symbol(self.obj, name, file)
        type = sym.type.strip_typedefs()
        elem = type.target()
        base = int(sym.value().address)
        for i in range(type.range()[1] + 1):
            yield self.value(base + i * elem.sizeof, elem)

    def string(self, ptr, limit=64):
        data = self.read(int(ptr), limit)
        return data.split(b"\0")[0].decode("ascii", "replace")

    def chain(self, head, link="next"):
        """The structs of a NULL-terminated list starting at pointer head."""
        seen = set()
        while int(head) != 0 and int(head) not in seen:
            seen.add(int(head))
            node = self.deref(head)
            yield node
            head = node[link]

    # mm's records
    def procs(self):
        return self.chain(self.var("procs", "servers/mm/proc.c"))

    def proc(self, pid):
        for p in self.procs():
            if int(p["pid"]) == pid:
                return p
        return None

    def regions(self, p):
        return self.chain(p["regions"])


def mm_space():
    return MmSpace()


# ---- commands -----------------------------------------------------------

class PagodaPrefix(gdb.Command):
    """Pagoda's data structures, read from the stopped machine.

Every subcommand works whichever process is current: it reads the kernel's
tables directly and mm's through mm's own page tables and the physmap.
PROC is a pid (any expression, e.g. from->pid) or a process name.
See docs/debugging.md."""

    def __init__(self):
        super().__init__("pagoda", gdb.COMMAND_DATA, prefix=True)


class PagodaPs(gdb.Command):
    """List processes: the kernel's table joined with mm's records.

Columns: pid, kernel state, name, live threads, page-table root (physical),
then from mm's struct mm_proc: parent, resident pages, pages on swap,
faults served (minor/major) and regions. '*' marks the current process;
the memory server shows as [mm]."""

    def __init__(self):
        super().__init__("pagoda ps", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        cur = current_proc()
        cur_pid = int(cur["pid"]) if cur is not None else 0
        mm = mm_space()
        records = {int(p["pid"]): p for p in mm.procs()}
        out("  %4s %-7s %-16s %4s %-12s %6s %8s %7s %13s %7s" %
            ("pid", "state", "name", "thr", "root", "parent", "resident",
             "swapped", "faults", "regions"))
        for p in kernel_procs():
            pid = int(p["pid"])
            name = cstr(p["name"])
            if int(p["flags"]) & PROC_FLAG_MM:
                name += " [mm]"
            line = "%s %4d %-7s %-16s %4d %#-12x" % (
                "*" if pid == cur_pid else " ", pid,
                enum_name(p["state"], "PROC_"), name, int(p["nthreads"]),
                int(p["root"]))
            r = records.get(pid)
            if r is None:
                line += " (no mm record: mm keeps none of itself)" if \
                    int(p["flags"]) & PROC_FLAG_MM else " (no mm record)"
            else:
                nreg = sum(1 for _ in mm.regions(r))
                line += " %6d %8d %7d %13s %7d" % (
                    int(r["parent"]), int(r["resident"]), int(r["swapped"]),
                    "%d/%d" % (int(r["faults"]), int(r["major_faults"])), nreg)
            out(line)


class PagodaThreads(gdb.Command):
    """List threads: the kernel's thread table.

Columns: tid, state, the process (pid and name), what a blocked thread
waits for (ipc: sending, receiving, calling, tty) and its peer pid, the
user instruction pointer saved in its trap frame at its last entry to the
kernel, and, when its CALL is a page fault the kernel forwarded to mm, the
fault (access and address, from the MM_FAULT message it holds). '*' marks
the current thread."""

    def __init__(self):
        super().__init__("pagoda threads", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        cur = int(kernel_var("sched_current"))
        out("  %4s %-9s %4s %-16s %-10s %5s %-9s %s" %
            ("tid", "state", "pid", "process", "ipc", "peer", "user ip", "page fault"))
        for t in kernel_threads():
            proc = t["proc"]
            pid, name = (0, "(idle)")
            if int(proc) != 0:
                pid, name = int(proc["pid"]), cstr(proc["name"])
            ip = "-"
            if int(t["tf"]) != 0 and int(proc) != 0:
                ip = "%#x" % int(t["tf"]["rip"])
            out("%s %4d %-9s %4d %-16s %-10s %5d %-9s %s" % (
                "*" if int(t.address) == cur else " ", int(t["tid"]),
                enum_name(t["state"], "THREAD_"), pid, name,
                enum_name(t["ipc"], "IPC_"), int(t["peer"]), ip, fault_of(t)))


def fault_of(t):
    """The page fault a thread waits on mm for: the MM_FAULT message the
    kernel made it send (struct thread.msg), or ""."""
    if not bool(t["fault"]) or str(t["ipc"]) not in ("IPC_SENDING", "IPC_CALLING"):
        return ""
    addr, bits = int(t["msg"]["w"][0]), int(t["msg"]["w"][1])
    access = "exec" if bits & MM_FAULT_EXEC else "write" if bits & MM_FAULT_WRITE else "read"
    return "%s at %#x%s%s" % (access, addr, " (present)" if bits & MM_FAULT_PRESENT else "",
                             " (copy)" if bits & MM_FAULT_COPY else "")


class PagodaRegions(gdb.Command):
    """pagoda regions PROC: mm's region list of a process.

One line per struct mm_region, sorted by start: [start, end), size, rights
(MM_PROT_*), kind (elf, heap, stack, anon, shared, mmio, dma), 'guard' if
the page below is its guard page, and how many of its pages are present
in the process's page tables now (walked, not mm's counter)."""

    def __init__(self):
        super().__init__("pagoda regions", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        args = gdb.string_to_argv(arg)
        if len(args) != 1:
            fail("usage: pagoda regions PROC")
        kp = resolve_proc(args[0])
        pid, root = int(kp["pid"]), int(kp["root"])
        mm = mm_space()
        p = mm.proc(pid)
        if p is None:
            fail("mm has no record of pid %d (%s)" % (pid, cstr(kp["name"])))
        out("regions of pid %d (%s):" % (pid, mm_name(p)))
        out("  %-18s %-18s %9s %-4s %-7s %-5s %s" %
            ("start", "end", "size", "prot", "kind", "guard", "present"))
        for r in mm.regions(p):
            start, end = int(r["start"]), int(r["end"])
            out("  %#018x %#018x %8dK %-4s %-7s %-5s %d/%d" % (
                start, end, (end - start) >> 10, prot_string(int(r["prot"])),
                enum_name(r["kind"], "REGION_"), "guard" if bool(r["guard"]) else "",
                present_pages(root, start, end), (end - start) >> PAGE_SHIFT))


def mm_name(p):
    return cstr(p["name"])


def page_descriptor(mm, pfn):
    """mm's struct page of frame pfn, or None beyond mm_max_pfn."""
    if pfn >= int(mm.var("mm_max_pfn")):
        return None
    return mm.index(mm.var("mm_pages"), pfn)


PAGE_STATES = ["reserved", "free", "allocated", "tail"]
PAGE_USES = ["none", "hole", "firmware", "boot", "memmap", "any", "slab",
             "kmalloc", "user", "pagetable", "dma"]


def page_summary(pg):
    state, use = int(pg["state"]), int(pg["use"])
    return "%s, use %s, owner %d, index %#x, flags %#x" % (
        PAGE_STATES[state] if state < len(PAGE_STATES) else state,
        PAGE_USES[use] if use < len(PAGE_USES) else use,
        int(pg["owner"]), int(pg["index"]), int(pg["flags"]))


class PagodaWalk(gdb.Command):
    """pagoda walk PROC ADDR: the page-table walk of ADDR in a process.

Prints each level (PML4, PDPT, PD, PT) with the table's physical address,
the index, the entry and its flags (P W U PWT PCD A D PS G NX), then where
ADDR lands: the physical address and mm's page descriptor of that frame
(state, use, owner pid, index = the virtual address it was filled for).
If ADDR is not mapped: mm's region there, if any, and its swap slot."""

    def __init__(self):
        super().__init__("pagoda walk", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        args = gdb.string_to_argv(arg)
        if len(args) != 2:
            fail("usage: pagoda walk PROC ADDR")
        kp = resolve_proc(args[0])
        va = int(gdb.parse_and_eval(args[1])) & 0xffffffffffffffff
        pid, root = int(kp["pid"]), int(kp["root"])
        out("walk of %#x in pid %d (%s), root %#x:" % (va, pid, cstr(kp["name"]), root))
        steps, pa = walk(root, va)
        for level, index, table, entry in steps:
            flags = flag_names(entry, PTE_FLAGS) or "not present"
            out("  %-4s %#012x[%3d] = %#018x  %s" %
                (LEVEL_NAMES[level], table, index, entry, flags))
        mm = mm_space()
        if pa is not None:
            pfn = pa >> PAGE_SHIFT
            out("  -> pa %#x (frame %d)" % (pa, pfn))
            pg = page_descriptor(mm, pfn)
            if pg is not None:
                out("  mm's page %d: %s" % (pfn, page_summary(pg)))
            return
        out("  -> not present")
        p = mm.proc(pid)
        r = region_at(mm, p, va) if p is not None else None
        if r is None:
            out("  mm: no region of pid %d holds %#x (a fault there is killed)" % (pid, va))
            return
        out("  mm: in region [%#x, %#x) %s" %
            (int(r["start"]), int(r["end"]), enum_name(r["kind"], "REGION_")))
        slot = swap_slot_of(mm, r, va >> PAGE_SHIFT)
        if slot is not None:
            out("  mm: on swap, slot %d (a touch reads it back: a major fault)" % slot)
        else:
            out("  mm: not on swap (a touch fills it: a minor fault)")


def region_at(mm, p, va):
    for r in mm.regions(p):
        if int(r["start"]) <= va < int(r["end"]):
            return r
    return None


def swap_entries(mm, r):
    """The struct swap_ent records of region r's pages with a slot."""
    return mm.chain(r["swapped"], "onext")


def swap_slot_of(mm, r, vpn):
    for e in swap_entries(mm, r):
        if int(e["index"]) == vpn:
            return int(e["slot"])
    return None


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
    """pagoda swap PROC: a process's private pages that have a swap slot.

For each of its regions, every struct swap_ent on the region's list: the
virtual address, the slot and the slot's reference count (swap_slot.c's
refs), and whether the page is resident again (in the swap cache, the
slot a valid copy) or only on the device. The total is compared with
mm_proc.swapped (pages only on the device)."""

    def __init__(self):
        super().__init__("pagoda swap", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        args = gdb.string_to_argv(arg)
        if len(args) != 1:
            fail("usage: pagoda swap PROC")
        kp = resolve_proc(args[0])
        pid, root = int(kp["pid"]), int(kp["root"])
        mm = mm_space()
        p = mm.proc(pid)
        if p is None:
            fail("mm has no record of pid %d" % pid)
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


# ---- breakpoints that know whose address space it is --------------------

def current_matches(proc):
    cur = current_proc()
    if cur is None:
        return False
    try:
        return int(cur["pid"]) == int(proc)
    except ValueError:
        return cstr(cur["name"]) == proc


class ProcessBreakpoint(gdb.Breakpoint):
    """A breakpoint that stops only while process proc (a pid or a name)
    is current: the same low address is other code in other processes."""

    def __init__(self, spec, proc, cond):
        super().__init__(spec)
        self.proc, self.cond = proc, cond

    def stop(self):
        try:
            if not current_matches(self.proc):
                return False
            return not self.cond or bool(gdb.parse_and_eval(self.cond))
        except gdb.error as e:
            out("pagoda break: %s (stopping)" % e)
            return True


class PagodaBreak(gdb.Command):
    """pagoda break PROC LOCATION [if CONDITION]: stop at LOCATION only in PROC.

mm and every program are linked at 0x400000, and QEMU's breakpoints match
a virtual address in every address space: a plain `break` in mm's code
also fires when another process runs whatever lies at that address. This
breakpoint checks the kernel's current process first (by pid or name),
then CONDITION (any gdb expression, evaluated in PROC's frame), e.g.

  pagoda break mm mm_handle_fault if $_streq($pagoda_pname(from->pid), "hello")"""

    def __init__(self):
        super().__init__("pagoda break", gdb.COMMAND_BREAKPOINTS)

    def invoke(self, arg, from_tty):
        head, _, cond = arg.partition(" if ")
        args = gdb.string_to_argv(head)
        if len(args) != 2:
            fail("usage: pagoda break PROC LOCATION [if CONDITION]")
        bp = ProcessBreakpoint(args[1], args[0], cond.strip())
        out("breakpoint %d stops only in %s%s" % (
            bp.number, args[0], " when " + cond.strip() if cond.strip() else ""))


# ---- convenience functions ----------------------------------------------

class PidFunction(gdb.Function):
    """$pagoda_pid(): the current process's pid (0: the idle thread)."""

    def __init__(self):
        super().__init__("pagoda_pid")

    def invoke(self):
        cur = current_proc()
        return 0 if cur is None else int(cur["pid"])


class PnameFunction(gdb.Function):
    """$pagoda_pname(PID): the name of process PID in the kernel's table
    ("" if there is none)."""

    def __init__(self):
        super().__init__("pagoda_pname")

    def invoke(self, pid):
        p = proc_by_pid(int(pid))
        return "" if p is None else cstr(p["name"])


class InFunction(gdb.Function):
    """$pagoda_in(NAME): 1 if the current process is called NAME, else 0."""

    def __init__(self):
        super().__init__("pagoda_in")

    def invoke(self, name):
        cur = current_proc()
        return int(cur is not None and cstr(cur["name"]) == name.string())


def register():
    PagodaPrefix()
    PagodaPs()
    PagodaThreads()
    PagodaRegions()
    PagodaWalk()
    PagodaBuddy()
    PagodaSlab()
    PagodaSwap()
    PagodaDma()
    PagodaBreak()
    PidFunction()
    PnameFunction()
    InFunction()


register()
