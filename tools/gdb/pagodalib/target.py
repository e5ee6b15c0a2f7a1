# target.py - reading a stopped Pagoda machine from gdb (pagoda.py's base).
#
# Physical memory through the kernel's physmap, page tables walked by hand,
# the kernel's process and thread tables, and MmSpace: the memory server's
# variables and structures read through mm's own page tables, whichever
# process is current. tools/gdb/pagoda.py tells why; the commands are in
# procs.py and memory.py.

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
    """PROC argument: a process name (the first live one of that name),
    else a pid (a gdb expression: 3, $pid, from->pid); None or "" is the
    current process."""
    if not arg:
        cur = current_proc()
        if cur is None:
            fail("no process is current (the idle thread runs): name one")
        return cur
    procs = kernel_procs()
    for p in procs:
        if cstr(p["name"]) == arg:
            return p
    try:
        pid = int(gdb.parse_and_eval(arg))
    except gdb.error as e:
        fail("%s is neither a process name nor a pid (%s)" % (arg, e))
    for p in procs:
        if int(p["pid"]) == pid:
            return p
    fail("no process with pid %d in the kernel's table" % pid)


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


def proc_arg(arg, usage):
    """The one optional PROC argument of a command (`pagoda regions
    [PROC]`, `pagoda swap [PROC]`): the kernel's process, mm's address
    space, and mm's record of the process."""
    args = gdb.string_to_argv(arg)
    if len(args) > 1:
        fail("usage: " + usage)
    kp = resolve_proc(args[0] if args else None)
    mm = mm_space()
    return kp, mm, mm_record(mm, kp)


def mm_record(mm, kp):
    """mm's struct mm_proc of the kernel's process kp (mm makes one for
    every process it spawns, none for itself)."""
    pid = int(kp["pid"])
    if int(kp["flags"]) & PROC_FLAG_MM:
        fail("pid %d is mm itself: it keeps no region list of its own memory" % pid)
    p = mm.proc(pid)
    if p is None:
        fail("mm has no record of pid %d (%s)" % (pid, cstr(kp["name"])))
    return p


# ---- mm's records, by the struct (MmSpace values) -----------------------

def mm_name(p):
    return cstr(p["name"])


def page_descriptor(mm, pfn):
    """mm's struct page of frame pfn, or None beyond mm_max_pfn."""
    if pfn >= int(mm.var("mm_max_pfn")):
        return None
    return mm.index(mm.var("mm_pages"), pfn)


def enum_label(type_name, value, prefix):
    """The enumerator of enum type_name (from the DWARF) whose value is
    value, lower case without prefix: for fields stored as small integers
    (struct page's state and use are uint8_t)."""
    try:
        fields = gdb.lookup_type(type_name).fields()
    except gdb.error:
        fields = []
    for f in fields:
        if f.enumval == value:
            return f.name[len(prefix):].lower() if f.name.startswith(prefix) else f.name
    return str(value)


def page_summary(pg):
    return "%s, use %s, owner %d, index %#x, flags %#x" % (
        enum_label("enum page_state", int(pg["state"]), "PAGE_"),
        enum_label("enum page_use", int(pg["use"]), "PAGE_USE_"),
        int(pg["owner"]), int(pg["index"]), int(pg["flags"]))


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
