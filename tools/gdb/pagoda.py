# pagoda.py - gdb commands that know Pagoda's design (docs/debugging.md).
#
# `make gdb` loads this file with -x, after the kernel's symbols
# (build/kernel.elf) and mm's (build/user/mm.elf, add-symbol-file). It adds
# one prefix command, `pagoda`, whose subcommands read the kernel's and the
# memory server's data structures out of a stopped machine:
#
#   pagoda ps               kernel process table, joined with mm's records
#   pagoda threads          kernel thread table (state, IPC wait, user ip)
#   pagoda regions [PROC]   mm's region list of a process
#   pagoda walk [PROC] ADDR the 4-level page-table walk of ADDR in PROC
#   pagoda buddy            buddy free lists per zone and order, checked
#   pagoda slab             slab caches: object size, in use/total, slabs
#   pagoda swap [PROC]      which private pages of PROC have a swap slot
#   pagoda dma              DMA grants and IOMMU domains with their mappings
#   pagoda break PROC LOC [if COND]   a breakpoint that stops only in PROC
#
# plus the convenience functions $pagoda_pid(), $pagoda_pname(PID) and
# $pagoda_in(NAME). PROC is a process name or a pid (any gdb expression:
# `from->pid`); [PROC] defaults to the current process.
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
# field access), not from offsets written here. The constants in target.py are
# the few facts the DWARF does not carry (macros); each names its header.
#
# Not supported: more than one CPU; a process's memory that is not in
# RAM (swapped pages show as their slot, not their contents); a program's
# symbols and mm's at the same time in backtraces (both link at 0x400000:
# gdb names a low pc from the first file that covers it).
#
# The code: pagodalib/target.py (the readers above), pagodalib/procs.py
# (ps, threads, regions, walk, break, the functions) and
# pagodalib/memory.py (buddy, slab, swap, dma). Sourcing this file again
# reloads them (for hacking on the commands in a running session).

import importlib
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)
sys.dont_write_bytecode = True   # no __pycache__ in the source tree
import pagodalib.target   # noqa: E402
import pagodalib.procs    # noqa: E402
import pagodalib.memory   # noqa: E402

for module in (pagodalib.target, pagodalib.procs, pagodalib.memory):
    importlib.reload(module)


def register():
    procs, memory = pagodalib.procs, pagodalib.memory
    procs.PagodaPrefix()
    procs.PagodaPs()
    procs.PagodaThreads()
    procs.PagodaRegions()
    procs.PagodaWalk()
    memory.PagodaBuddy()
    memory.PagodaSlab()
    memory.PagodaSwap()
    memory.PagodaDma()
    procs.PagodaBreak()
    procs.PidFunction()
    procs.PnameFunction()
    procs.InFunction()


register()
