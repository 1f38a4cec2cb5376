//! ELF parsing (generated/kernel/src/process/elf.rs): good files are read right,
//! and bad ones are refused for the right reason.

use units::elf::{ElfError, Executable, Segment};
use units::layout::{PAGE_SIZE, USER_BASE, USER_STACK_BOTTOM};

const ALLOWED: std::ops::Range<u64> = USER_BASE..USER_STACK_BOTTOM;

const FILE_HEADER_SIZE: usize = 64;
const PROGRAM_HEADER_SIZE: usize = 56;
const PT_LOAD: u32 = 1;
const PT_GNU_STACK: u32 = 0x6474_e551;
const PF_X: u32 = 1;
const PF_W: u32 = 2;
const PF_R: u32 = 4;

/// One program header to write.
#[derive(Clone)]
struct Ph {
    kind: u32,
    flags: u32,
    offset: u64,
    vaddr: u64,
    filesz: u64,
    memsz: u64,
}

/// An ELF file under construction: header fields, program headers, and the
/// bytes after them.
#[derive(Clone)]
struct Builder {
    ident: [u8; 16],
    kind: u16,
    machine: u16,
    entry: u64,
    phentsize: u16,
    phoff: Option<u64>,
    phnum: Option<u16>,
    phs: Vec<Ph>,
    size: usize,
}

impl Builder {
    /// A good executable: code at USER_BASE (one page of file, entry inside),
    /// read-only data on the next page, and data plus bss after that.
    fn good() -> Builder {
        let p = PAGE_SIZE;
        let mut ident = [0u8; 16];
        ident[..4].copy_from_slice(b"\x7fELF");
        ident[4] = 2; // 64-bit
        ident[5] = 1; // little-endian
        ident[6] = 1; // current version
        Builder {
            ident,
            kind: 2,
            machine: 62,
            entry: USER_BASE + 0x10,
            phentsize: PROGRAM_HEADER_SIZE as u16,
            phoff: None,
            phnum: None,
            phs: vec![
                Ph { kind: PT_LOAD, flags: PF_R | PF_X, offset: p, vaddr: USER_BASE, filesz: 0x800, memsz: 0x800 },
                Ph { kind: PT_LOAD, flags: PF_R, offset: 2 * p, vaddr: USER_BASE + p, filesz: 0x100, memsz: 0x100 },
                Ph { kind: PT_GNU_STACK, flags: PF_R | PF_W, offset: 0, vaddr: 0, filesz: 0, memsz: 0 },
                Ph { kind: PT_LOAD, flags: PF_R | PF_W, offset: 3 * p, vaddr: USER_BASE + 2 * p, filesz: 0x40, memsz: 0x3000 },
            ],
            size: 4 * p as usize,
        }
    }

    fn bytes(&self) -> Vec<u8> {
        let mut b = vec![0u8; self.size];
        // File bytes that are recognisable: each byte its offset's low bits.
        for (i, byte) in b.iter_mut().enumerate().skip(FILE_HEADER_SIZE) {
            *byte = i as u8;
        }
        let phoff = self.phoff.unwrap_or(FILE_HEADER_SIZE as u64);
        let phnum = self.phnum.unwrap_or(self.phs.len() as u16);
        let mut put = |at: usize, bytes: &[u8]| {
            if at.checked_add(bytes.len()).is_some_and(|end| end <= b.len()) {
                b[at..at + bytes.len()].copy_from_slice(bytes);
            }
        };
        put(0, &self.ident);
        put(16, &self.kind.to_le_bytes());
        put(18, &self.machine.to_le_bytes());
        put(20, &1u32.to_le_bytes());
        put(24, &self.entry.to_le_bytes());
        put(32, &phoff.to_le_bytes());
        put(52, &(FILE_HEADER_SIZE as u16).to_le_bytes());
        put(54, &self.phentsize.to_le_bytes());
        put(56, &phnum.to_le_bytes());
        for (i, ph) in self.phs.iter().enumerate() {
            // Headers that fall outside the file (on purpose) are not written.
            let at = (phoff as usize).saturating_add(i * PROGRAM_HEADER_SIZE);
            put(at, &ph.kind.to_le_bytes());
            put(at.saturating_add(4), &ph.flags.to_le_bytes());
            put(at.saturating_add(8), &ph.offset.to_le_bytes());
            put(at.saturating_add(16), &ph.vaddr.to_le_bytes());
            put(at.saturating_add(24), &ph.vaddr.to_le_bytes());
            put(at.saturating_add(32), &ph.filesz.to_le_bytes());
            put(at.saturating_add(40), &ph.memsz.to_le_bytes());
            put(at.saturating_add(48), &PAGE_SIZE.to_le_bytes());
        }
        b
    }

    fn with(mut self, change: impl FnOnce(&mut Builder)) -> Builder {
        change(&mut self);
        self
    }
}

fn parse(b: &Builder) -> Result<(u64, Vec<Segment>, u64), ElfError> {
    let bytes = b.bytes();
    let exe = Executable::parse(&bytes, ALLOWED)?;
    Ok((exe.entry(), exe.segments().collect(), exe.end()))
}

fn refused(b: Builder) -> ElfError {
    match parse(&b) {
        Ok(_) => panic!("a bad file was accepted"),
        Err(e) => e,
    }
}

#[test]
fn a_good_file_is_read_right() {
    let b = Builder::good();
    let bytes = b.bytes();
    let exe = Executable::parse(&bytes, ALLOWED).expect("the good file");
    assert_eq!(exe.entry(), USER_BASE + 0x10);
    let segments: Vec<Segment> = exe.segments().collect();
    assert_eq!(segments.len(), 3, "PT_GNU_STACK is not loaded");
    let p = PAGE_SIZE as usize;
    assert_eq!(segments[0], Segment { vaddr: USER_BASE, memsz: 0x800, file: p..p + 0x800, writable: false, executable: true });
    assert_eq!(segments[1], Segment { vaddr: USER_BASE + PAGE_SIZE, memsz: 0x100, file: 2 * p..2 * p + 0x100, writable: false, executable: false });
    assert_eq!(segments[2], Segment { vaddr: USER_BASE + 2 * PAGE_SIZE, memsz: 0x3000, file: 3 * p..3 * p + 0x40, writable: true, executable: false });
    assert_eq!(exe.data(&segments[2]), &bytes[3 * p..3 * p + 0x40]);
    assert_eq!(exe.end(), USER_BASE + 5 * PAGE_SIZE, "the heap starts on the page after the bss");
}

#[test]
fn every_error_has_a_message() {
    for e in [
        ElfError::NotElf, ElfError::WrongClass, ElfError::NotExecutable, ElfError::WrongMachine,
        ElfError::BadProgramHeaders, ElfError::SegmentOutsideFile, ElfError::SegmentOutsideRange,
        ElfError::SegmentsOverlap, ElfError::NoSegments, ElfError::BadEntry,
    ] {
        assert!(!e.message().is_empty(), "{e:?}");
    }
}

#[test]
fn not_elf() {
    assert_eq!(refused(Builder::good().with(|b| b.ident[1] = b'X')), ElfError::NotElf);
    assert_eq!(refused(Builder::good().with(|b| b.size = 10)), ElfError::NotElf, "shorter than a header");
    assert_eq!(Executable::parse(&[], ALLOWED).err(), Some(ElfError::NotElf));
}

#[test]
fn wrong_class_byte_order_or_version() {
    assert_eq!(refused(Builder::good().with(|b| b.ident[4] = 1)), ElfError::WrongClass, "32-bit");
    assert_eq!(refused(Builder::good().with(|b| b.ident[5] = 2)), ElfError::WrongClass, "big-endian");
    assert_eq!(refused(Builder::good().with(|b| b.ident[6] = 0)), ElfError::WrongClass, "version");
}

#[test]
fn not_an_executable() {
    assert_eq!(refused(Builder::good().with(|b| b.kind = 3)), ElfError::NotExecutable, "ET_DYN");
    assert_eq!(refused(Builder::good().with(|b| b.kind = 1)), ElfError::NotExecutable, "ET_REL");
}

#[test]
fn the_host_test_binary_is_position_independent_and_refused() {
    let me = std::fs::read(std::env::current_exe().unwrap()).unwrap();
    assert_eq!(Executable::parse(&me, ALLOWED).err(), Some(ElfError::NotExecutable));
}

#[test]
fn wrong_machine() {
    assert_eq!(refused(Builder::good().with(|b| b.machine = 3)), ElfError::WrongMachine, "i386");
}

#[test]
fn bad_program_headers() {
    assert_eq!(refused(Builder::good().with(|b| b.phentsize = 32)), ElfError::BadProgramHeaders);
    assert_eq!(refused(Builder::good().with(|b| b.phoff = Some(u64::MAX - 8))), ElfError::BadProgramHeaders);
    assert_eq!(refused(Builder::good().with(|b| b.phnum = Some(1000))), ElfError::BadProgramHeaders);
}

#[test]
fn segment_outside_the_file() {
    assert_eq!(refused(Builder::good().with(|b| b.phs[1].offset = 1 << 40)), ElfError::SegmentOutsideFile);
    assert_eq!(refused(Builder::good().with(|b| b.phs[1].offset = u64::MAX)), ElfError::SegmentOutsideFile, "overflow");
    assert_eq!(refused(Builder::good().with(|b| b.phs[1].filesz = 5 * PAGE_SIZE)), ElfError::SegmentOutsideFile);
    assert_eq!(refused(Builder::good().with(|b| b.phs[1].memsz = 0x80)), ElfError::SegmentOutsideFile, "filesz > memsz");
}

#[test]
fn segment_outside_the_allowed_range() {
    assert_eq!(refused(Builder::good().with(|b| { b.phs[0].vaddr = 0; b.entry = 0x10 })), ElfError::SegmentOutsideRange, "at 0");
    assert_eq!(refused(Builder::good().with(|b| b.phs[3].vaddr = 0xffff_ffff_8000_0000)), ElfError::SegmentOutsideRange, "in the kernel");
    assert_eq!(refused(Builder::good().with(|b| b.phs[3].vaddr = USER_STACK_BOTTOM - 0x1000)), ElfError::SegmentOutsideRange, "into the stack");
    assert_eq!(refused(Builder::good().with(|b| b.phs[3].memsz = u64::MAX)), ElfError::SegmentOutsideRange, "overflow");
}

#[test]
fn segments_overlapping_sharing_a_page_or_out_of_order() {
    assert_eq!(refused(Builder::good().with(|b| b.phs[1].vaddr = USER_BASE + 0x400)), ElfError::SegmentsOverlap, "overlap");
    assert_eq!(refused(Builder::good().with(|b| b.phs[1].vaddr = USER_BASE + 0x900)), ElfError::SegmentsOverlap, "same page");
    assert_eq!(refused(Builder::good().with(|b| b.phs.swap(0, 1))), ElfError::SegmentsOverlap, "out of order");
}

#[test]
fn no_loadable_segments() {
    assert_eq!(refused(Builder::good().with(|b| b.phs.retain(|ph| ph.kind != PT_LOAD))), ElfError::NoSegments);
}

#[test]
fn entry_point_must_be_in_code_from_the_file() {
    assert_eq!(refused(Builder::good().with(|b| b.entry = USER_BASE + PAGE_SIZE)), ElfError::BadEntry, "in read-only data");
    assert_eq!(refused(Builder::good().with(|b| b.entry = USER_BASE + 2 * PAGE_SIZE)), ElfError::BadEntry, "in data");
    assert_eq!(refused(Builder::good().with(|b| b.entry = USER_BASE + 0x900)), ElfError::BadEntry, "past the code");
    assert_eq!(refused(Builder::good().with(|b| b.entry = 0)), ElfError::BadEntry, "nowhere");
}
