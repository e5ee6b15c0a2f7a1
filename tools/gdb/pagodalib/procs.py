# procs.py - the `pagoda` commands about processes: ps, threads,
# regions, walk, break, and the $pagoda_* convenience functions
# (tools/gdb/pagoda.py tells the design; docs/debugging.md shows them).

import gdb
from .target import *   # noqa: F401,F403 (the shared readers and constants)



class PagodaPrefix(gdb.Command):
    """Pagoda's data structures, read from the stopped machine.

Every subcommand works whichever process is current: it reads the kernel's
tables directly and mm's through mm's own page tables and the physmap.
PROC is a process name or a pid (any expression, e.g. from->pid); where
it is optional, the current process.
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
    """pagoda regions [PROC]: mm's region list of a process (default: the current one).

One line per struct mm_region, sorted by start: [start, end), size, rights
(MM_PROT_*), kind (elf, heap, stack, anon, shared, mmio, dma), 'guard' if
the page below is its guard page, and how many of its pages are present
in the process's page tables now (walked, not mm's counter)."""

    def __init__(self):
        super().__init__("pagoda regions", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        kp, mm, p = proc_arg(arg, "pagoda regions [PROC]")
        pid, root = int(kp["pid"]), int(kp["root"])
        out("regions of pid %d (%s):" % (pid, mm_name(p)))
        out("  %-18s %-18s %9s %-4s %-7s %-5s %s" %
            ("start", "end", "size", "prot", "kind", "guard", "present"))
        for r in mm.regions(p):
            start, end = int(r["start"]), int(r["end"])
            out("  %#018x %#018x %8dK %-4s %-7s %-5s %d/%d" % (
                start, end, (end - start) >> 10, prot_string(int(r["prot"])),
                enum_name(r["kind"], "REGION_"), "guard" if bool(r["guard"]) else "",
                present_pages(root, start, end), (end - start) >> PAGE_SHIFT))


class PagodaWalk(gdb.Command):
    """pagoda walk [PROC] ADDR: the page-table walk of ADDR in a process (default: the current one).

Prints each level (PML4, PDPT, PD, PT) with the table's physical address,
the index, the entry and its flags (P W U PWT PCD A D PS G NX), then where
ADDR lands: the physical address and mm's page descriptor of that frame
(state, use, owner pid, index = the virtual address it was filled for).
If ADDR is not mapped: mm's region there, if any, and its swap slot."""

    def __init__(self):
        super().__init__("pagoda walk", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        args = gdb.string_to_argv(arg)
        if len(args) not in (1, 2):
            fail("usage: pagoda walk [PROC] ADDR")
        kp = resolve_proc(args[0] if len(args) == 2 else None)
        va = int(gdb.parse_and_eval(args[-1])) & 0xffffffffffffffff
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
