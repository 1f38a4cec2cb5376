# kernel/gdb/rguest.py: gdb that speaks the book. `make gdb` loads it.
#
# gdb knows the kernel's code by its place in generated/, which the
# tangler wrote from the book; `tangle where generated/FILE:LINE` says
# which chapter line each generated line came from. This extension asks it
# for every place gdb shows:
#
#   - whenever the kernel stops (a stop hook), the current frame's place in
#     the book, beside gdb's own in generated/;
#   - book-break LOCATION: a breakpoint, as `break` sets it, then the book
#     line of each place it was set; for the Switcher's labels it breaks
#     where the Switcher runs, not where it was linked (see below);
#   - book-where: the book line of every frame of the stack;
#   - book-breakpoints: every breakpoint with its book line.
#
# The Switcher is linked with the kernel but copied at boot to its own
# region (SWITCHER_CODE, in layout.rs) and run from there, an address the
# symbols know nothing of: for a place in that region we look up the line
# of its linked twin, the same offset from switcher_start.

import os
import re
import subprocess

import gdb
from gdb.unwinder import Unwinder, register_unwinder

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TANGLE = os.path.join(ROOT, "target", "debug", "tangle")
LAYOUT = os.path.join(ROOT, "generated", "kernel", "src", "layout.rs")

_where_cache = {}


def book_line(generated, line):
    """'src-book/CHAPTER.md:LINE' for generated/FILE:LINE, or None."""
    key = (generated, line)
    if key not in _where_cache:
        try:
            out = subprocess.run([TANGLE, "where", f"{generated}:{line}"], cwd=ROOT,
                                 capture_output=True, text=True, timeout=30)
            found = out.stdout.strip() if out.returncode == 0 else ""
        except OSError:
            found = ""
        # "src-book/host/index.md:476:1": the column says nothing here.
        _where_cache[key] = ":".join(found.split(":")[:2]) or None
    return _where_cache[key]


def book_text(place):
    """The book's own line at 'src-book/FILE.md:LINE', trimmed."""
    path, line = place.rsplit(":", 1)
    try:
        with open(os.path.join(ROOT, path), encoding="utf-8") as f:
            for number, text in enumerate(f, 1):
                if number == int(line):
                    return text.strip()
    except OSError:
        pass
    return ""


def layout_constant(name, seen=()):
    """A u64 constant of layout.rs, following names (SWITCHER_CODE = SWITCHER_BASE)."""
    with open(LAYOUT, encoding="utf-8") as f:
        text = f.read()
    match = re.search(rf"pub const {name}: u64 = ([^;]+);", text)
    if not match or name in seen:
        raise gdb.GdbError(f"rguest: no constant {name} in layout.rs")
    value = match.group(1).strip().replace("_", "")
    if re.fullmatch(r"0x[0-9a-fA-F]+|[0-9]+", value):
        return int(value, 0)
    return layout_constant(match.group(1).strip(), seen + (name,))


def symbol_address(name):
    """A symbol's address, asked in a way no source language changes (an
    expression like `(unsigned long)&x` is C's, and fails where gdb speaks
    Rust)."""
    said = gdb.execute(f"info address {name}", to_string=True)
    match = re.search(r" is at (0x[0-9a-fA-F]+)", said)
    if not match:
        raise gdb.GdbError(f"rguest: no address for {name}: {said.strip()}")
    return int(match.group(1), 16)


class Switcher:
    """Where the Switcher is linked, and where it runs."""

    def __init__(self):
        self.start = symbol_address("switcher_start")
        self.end = symbol_address("switcher_end")
        self.runs_at = layout_constant("SWITCHER_CODE")
        self.entry = symbol_address("switch_to_guest")

    def linked(self, pc):
        """The linked twin of a place in the running Switcher, or pc itself."""
        if self.runs_at <= pc < self.runs_at + (self.end - self.start):
            return self.start + (pc - self.runs_at)
        return pc

    def running(self, linked):
        """Where the code linked at `linked` runs, if it is the Switcher's."""
        if self.start <= linked < self.end:
            return self.runs_at + (linked - self.start)
        return None


_switcher = None


def switcher():
    global _switcher
    if _switcher is None:
        _switcher = Switcher()
    return _switcher


def asm_place(linked):
    """(generated/FILE.s, LINE, label+offset) for assembler at `linked`.

    global_asm! leaves no line table, so we count: the nearest label
    before the code (gdb's `info symbol`), found as `label:` in a generated
    .s file, then as many instruction lines after it as gdb disassembles
    instructions from the label to the code. Where a .rept or .if makes
    lines and instructions part ways, we stop at the last line we are sure
    of."""
    symbol = gdb.execute(f"info symbol {linked:#x}", to_string=True).strip()
    match = re.match(r"(\S+)(?: \+ (\d+))? in section", symbol)
    if not match:
        return None
    label, offset = match.group(1), int(match.group(2) or 0)
    start = linked - offset
    try:
        instructions = len(gdb.selected_inferior().architecture().disassemble(start, linked)) - 1
    except gdb.MemoryError:
        instructions = 0  # before paging is on: the label's own line
    for folder, _, files in os.walk(os.path.join(ROOT, "generated")):
        for file in sorted(f for f in files if f.endswith(".s")):
            path = os.path.join(folder, file)
            with open(path, encoding="utf-8") as f:
                lines = f.read().split("\n")
            if f"{label}:" not in (line.strip() for line in lines):
                continue
            at = [line.strip() for line in lines].index(f"{label}:")
            sure, seen = at + 1, 0
            for number in range(at + 1, len(lines)):
                code = lines[number].split("#", 1)[0].strip()
                if re.match(r"\.(rept|irp|macro|if|pushsection)\b", code):
                    break
                if not code or code.endswith(":") or code.startswith("."):
                    continue
                sure = number + 1
                if seen == instructions:
                    break
                seen += 1
            name = label if offset == 0 else f"{label}+{offset}"
            return os.path.relpath(path, ROOT), sure, name
    return None


def generated_place(pc, frame=None):
    """(generated/FILE, LINE, symbol) for the code at pc, or None. A caller's
    frame is looked up by gdb's rule (the call, not the return address)."""
    linked = switcher().linked(pc)
    sal = frame.find_sal() if frame is not None and linked == pc else gdb.find_pc_line(linked)
    if sal.symtab is None or sal.line == 0:
        return asm_place(linked)
    name = sal.symtab.filename
    at = name.find("generated/")
    if at < 0:
        return None
    block_name = ""
    try:
        block_name = gdb.block_for_pc(linked).function.name
    except (RuntimeError, AttributeError):
        symbol = gdb.execute(f"info symbol {linked:#x}", to_string=True)
        block_name = symbol.split(" in section")[0].strip()
    return name[at:], sal.line, block_name


def describe(pc, indent="", quote=True, frame=None):
    """Lines saying where pc is, in generated/ and in the book."""
    place = generated_place(pc, frame)
    if place is None:
        return [f"{indent}book: no book line for {pc:#x}"]
    generated, line, name = place
    running = switcher().linked(pc) != pc
    where = f"{generated}:{line}"
    lines = []
    if running:
        lines.append(f"{indent}switcher: {name}, running at {pc:#x}, linked at {switcher().linked(pc):#x}")
    book = book_line(generated, line)
    if book is None:
        lines.append(f"{indent}book: no book line for {where}")
        return lines
    lines.append(f"{indent}book: {book}  (gdb: {where})")
    text = book_text(book)
    if quote and text:
        lines.append(f"{indent}      {text}")
    return lines


def on_stop(event):
    try:
        switcher()
        frame = gdb.selected_frame()
        for line in describe(int(frame.pc()), frame=frame):
            print(line)
    except gdb.error as error:
        print(f"book: {error}")


class BookBreak(gdb.Command):
    """book-break LOCATION: break at LOCATION (a function, FILE:LINE, *ADDRESS),
    and show the book line of each place the breakpoint is set. A label of
    the Switcher breaks where the Switcher runs."""

    def __init__(self):
        super().__init__("book-break", gdb.COMMAND_BREAKPOINTS, gdb.COMPLETE_SYMBOL)

    def invoke(self, argument, from_tty):
        argument = argument.strip()
        if not argument:
            raise gdb.GdbError("book-break takes a location, e.g. book-break rguest::host::run_guest::run")
        try:
            _, sals = gdb.decode_line(argument)
        except gdb.error as error:
            raise gdb.GdbError(str(error))
        for sal in sals or ():
            running = switcher().running(int(sal.pc))
            spec = f"*{running:#x}" if running is not None else f"*{int(sal.pc):#x}"
            breakpoint = gdb.Breakpoint(spec)
            print(f"Breakpoint {breakpoint.number} at {argument}")
            for line in describe(running if running is not None else int(sal.pc), indent="  "):
                print(line)


class BookWhere(gdb.Command):
    """book-where: the book line of every frame of the stack."""

    def __init__(self):
        super().__init__("book-where", gdb.COMMAND_STACK)

    def invoke(self, argument, from_tty):
        frame = gdb.newest_frame()
        level = 0
        while frame is not None:
            lines = describe(int(frame.pc()), quote=False, frame=frame)
            print(f"#{level:<2} {frame.name() or '??'}")
            for line in lines:
                print(f"    {line}")
            older = frame.older()
            if older is None and frame.unwind_stop_reason() != gdb.FRAME_UNWIND_OUTERMOST \
                    and frame.unwind_stop_reason() != gdb.FRAME_UNWIND_NO_REASON:
                print(f"(the stack ends here: {gdb.frame_stop_reason_string(frame.unwind_stop_reason())})")
            frame = older
            level += 1


class BookBreakpoints(gdb.Command):
    """book-breakpoints: every breakpoint, with its book line."""

    def __init__(self):
        super().__init__("book-breakpoints", gdb.COMMAND_BREAKPOINTS)

    def invoke(self, argument, from_tty):
        for breakpoint in gdb.breakpoints() or ():
            print(f"{breakpoint.number}: {breakpoint.location}")
            for location in getattr(breakpoint, "locations", None) or ():
                if location.address is not None:
                    for line in describe(int(location.address), indent="   "):
                        print(line)
            if not getattr(breakpoint, "locations", None) and breakpoint.location.startswith("*"):
                for line in describe(int(breakpoint.location[1:], 0), indent="   "):
                    print(line)


class SwitcherEntryUnwinder(Unwinder):
    """The way out of the running Switcher's first instructions.

    The Switcher's assembler has no unwinding tables, and runs where no
    symbol is, so gdb would guess its caller from whatever lies on the
    stack. Only its entry, switch_to_guest, is entered by a call from the
    Host, and it begins with nothing but pushes: so at its n-th
    instruction, n registers lie above the return address, and the
    caller's frame is certain. Anywhere else in the Switcher we leave gdb
    to its guess (the appendix says so)."""

    def __init__(self):
        super().__init__("rguest-switcher-entry")

    def __call__(self, pending_frame):
        try:
            return self.unwind(pending_frame)
        except (gdb.error, gdb.MemoryError):
            return None  # paging not on yet, or a stack we cannot read: gdb's guess

    def unwind(self, pending_frame):
        # No gdb command may run here, in the middle of gdb's own unwinding:
        # what we need of the symbols was asked when the kernel first stopped.
        if _switcher is None:
            return None
        pc = int(pending_frame.read_register("rip")) & 0xFFFFFFFFFFFFFFFF
        linked = _switcher.linked(pc)
        entry = _switcher.entry
        if linked == pc or not entry <= linked < _switcher.end:
            return None
        pushes = 0
        if linked > entry:
            architecture = pending_frame.architecture()
            for instruction in architecture.disassemble(entry, linked)[:-1]:
                if not instruction["asm"].split()[0].startswith("push"):
                    return None
                pushes += 1
            if architecture.disassemble(linked)[0]["addr"] != linked:
                return None
        sp = int(pending_frame.read_register("rsp"))
        caller = gdb.selected_inferior().read_memory(sp + 8 * pushes, 8).tobytes()
        cfa = sp + 8 * (pushes + 1)
        info = pending_frame.create_unwind_info(_FrameId(cfa, switcher().running(entry)))
        info.add_saved_register("rip", _address(int.from_bytes(caller, "little")))
        info.add_saved_register("rsp", _address(cfa))
        # The pushes only copied the caller's registers; every one still
        # holds the caller's value (an unwinder that leaves them out leaves
        # them unknown, and gdb's guess at the caller then fails).
        for register in ("rbx", "rbp", "r12", "r13", "r14", "r15"):
            info.add_saved_register(register, pending_frame.read_register(register))
        return info


class _FrameId:
    """What names a frame for gdb: its stack pointer on entry, its function."""

    def __init__(self, sp, pc):
        self.sp = _address(sp)
        self.pc = _address(pc)


def _address(value):
    """A 64-bit address as a gdb value, whatever the language (C's
    `unsigned long` is no type where gdb speaks Rust)."""
    return gdb.Value(value).cast(gdb.selected_inferior().architecture().integer_type(64, False))


gdb.execute(f"directory {ROOT}", to_string=True)
register_unwinder(None, SwitcherEntryUnwinder(), replace=True)
gdb.events.stop.connect(on_stop)
BookBreak()
BookWhere()
BookBreakpoints()
print("rguest: book-break LOCATION, book-where, book-breakpoints; every stop shows its book line")
