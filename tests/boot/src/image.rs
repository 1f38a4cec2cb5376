//! Checks on the kernel image itself, before any boot: the multiboot header
//! must describe the file the way a loader will read it.
//!
//! With the a.out kludge the loader ignores the ELF program headers. It
//! copies the file from the header's offset, minus (header_addr - load_addr),
//! to load_addr, in one piece. So every loadable segment must sit in the
//! file at the same distance from its physical address: if the linker packs
//! the file differently, the kernel boots into garbage.

/// The multiboot header's fields, in order.
#[derive(Debug, Clone, Copy)]
pub struct MultibootHeader {
    pub offset: u64,
    pub flags: u32,
    pub header_addr: u32,
    pub load_addr: u32,
    pub load_end_addr: u32,
    pub bss_end_addr: u32,
    pub entry_addr: u32,
}

/// An ELF program header of type PT_LOAD.
#[derive(Debug, Clone, Copy)]
pub struct Segment {
    pub offset: u64,
    pub vaddr: u64,
    pub paddr: u64,
    pub filesz: u64,
    pub memsz: u64,
}

const HEADER_MAGIC: u32 = 0x1bad_b002;
const HEADER_SEARCH: usize = 8192;
const FLAG_AOUT_KLUDGE: u32 = 1 << 16;
const PT_LOAD: u32 = 1;

fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes(b[at..at + 2].try_into().unwrap())
}
fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(b[at..at + 4].try_into().unwrap())
}
fn u64_at(b: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(b[at..at + 8].try_into().unwrap())
}

/// Find the multiboot header as a loader does: 4-byte aligned, within the
/// first 8 KiB, magic + flags + checksum summing to zero.
pub fn multiboot_header(image: &[u8]) -> Option<MultibootHeader> {
    let end = image.len().min(HEADER_SEARCH).saturating_sub(32);
    (0..=end).step_by(4).find_map(|at| {
        let (magic, flags, sum) = (u32_at(image, at), u32_at(image, at + 4), u32_at(image, at + 8));
        (magic == HEADER_MAGIC && magic.wrapping_add(flags).wrapping_add(sum) == 0).then(|| {
            MultibootHeader {
                offset: at as u64,
                flags,
                header_addr: u32_at(image, at + 12),
                load_addr: u32_at(image, at + 16),
                load_end_addr: u32_at(image, at + 20),
                bss_end_addr: u32_at(image, at + 24),
                entry_addr: u32_at(image, at + 28),
            }
        })
    })
}

/// The PT_LOAD program headers of a little-endian ELF64 file.
pub fn load_segments(image: &[u8]) -> Vec<Segment> {
    assert!(image.starts_with(b"\x7fELF\x02\x01"), "not a little-endian ELF64 file");
    let (phoff, phentsize, phnum) =
        (u64_at(image, 0x20) as usize, u16_at(image, 0x36) as usize, u16_at(image, 0x38) as usize);
    (0..phnum)
        .map(|i| phoff + i * phentsize)
        .filter(|&ph| u32_at(image, ph) == PT_LOAD)
        .map(|ph| Segment {
            offset: u64_at(image, ph + 0x08),
            vaddr: u64_at(image, ph + 0x10),
            paddr: u64_at(image, ph + 0x18),
            filesz: u64_at(image, ph + 0x20),
            memsz: u64_at(image, ph + 0x28),
        })
        .collect()
}

/// Everything wrong with how the header describes the image; empty if
/// nothing is.
pub fn check(image: &[u8]) -> Vec<String> {
    let Some(h) = multiboot_header(image) else {
        return vec!["no multiboot header in the first 8 KiB".into()];
    };
    let mut problems = Vec::new();
    if h.flags & FLAG_AOUT_KLUDGE == 0 {
        problems.push("flag bit 16 (a.out kludge) is clear: QEMU refuses ELF64 then".into());
    }
    if h.header_addr < h.load_addr {
        problems.push(format!("header_addr {:#x} below load_addr {:#x}", h.header_addr, h.load_addr));
    }
    // The file offset that lands at load_addr.
    let base = h.offset as i64 - (h.header_addr as i64 - h.load_addr as i64);
    for s in load_segments(image).iter().filter(|s| s.filesz > 0) {
        let lands_at = s.offset as i64 - base + h.load_addr as i64;
        if lands_at != s.paddr as i64 {
            problems.push(format!(
                "segment at file offset {:#x} (vaddr {:#x}) would be loaded at {:#x}, not its physical address {:#x}",
                s.offset, s.vaddr, lands_at, s.paddr
            ));
        }
        if s.paddr + s.filesz > h.load_end_addr as u64 {
            problems.push(format!("segment at {:#x} ends past load_end_addr {:#x}", s.paddr, h.load_end_addr));
        }
    }
    for s in load_segments(image) {
        if s.paddr + s.memsz > h.bss_end_addr as u64 {
            problems.push(format!("segment at {:#x} ends past bss_end_addr {:#x}", s.paddr, h.bss_end_addr));
        }
    }
    if !(h.load_addr..h.load_end_addr).contains(&h.entry_addr) {
        problems.push(format!("entry {:#x} outside the loaded image", h.entry_addr));
    }
    problems
}
