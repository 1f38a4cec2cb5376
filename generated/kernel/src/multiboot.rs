//! The multiboot (version 1) contract: the header we present to the loader,
//! and the information block it hands back.

use crate::layout::phys_to_virt;
use core::ffi::CStr;

/// Identifies our header to the loader.
pub const HEADER_MAGIC: u32 = 0x1bad_b002;
/// Header flags: align modules to pages, give us the memory size, and
/// (bit 16) load us by the addresses in the header, not the ELF headers.
const FLAG_PAGE_ALIGN: u32 = 1 << 0;
const FLAG_MEMORY_INFO: u32 = 1 << 1;
const FLAG_AOUT_KLUDGE: u32 = 1 << 16;
pub const HEADER_FLAGS: u32 = FLAG_PAGE_ALIGN | FLAG_MEMORY_INFO | FLAG_AOUT_KLUDGE;
/// Magic, flags and checksum must add up to zero.
pub const HEADER_CHECKSUM: u32 = 0u32.wrapping_sub(HEADER_MAGIC).wrapping_sub(HEADER_FLAGS);

/// What a multiboot loader leaves in eax for us.
pub const BOOTLOADER_MAGIC: u32 = 0x2bad_b002;

/// `Info::flags` bit saying `cmdline` is valid.
const INFO_CMDLINE: u32 = 1 << 2;

/// The start of the loader's information block; we read only this much.
#[repr(C)]
pub struct Info {
    flags: u32,
    mem_lower: u32,
    mem_upper: u32,
    boot_device: u32,
    cmdline: u32,
}

impl Info {
    /// The information block at physical address `phys`.
    ///
    /// # Safety
    /// `phys` must be the address the loader passed in ebx, and the block
    /// must stay untouched for the life of the kernel.
    pub unsafe fn from_phys(phys: u32) -> &'static Info {
        let virt = phys_to_virt(phys as u64) as *const Info;
        // SAFETY: the caller vouches for the block; the boot page tables map
        // low physical memory at KERNEL_BASE.
        unsafe { &*virt }
    }

    /// The kernel command line (QEMU's `-append`, after the image's name).
    pub fn cmdline(&self) -> &'static [u8] {
        if self.flags & INFO_CMDLINE == 0 {
            return b"";
        }
        let ptr = phys_to_virt(self.cmdline as u64) as *const core::ffi::c_char;
        // SAFETY: the loader promises a NUL-terminated string there, and it
        // lies in low memory, which is mapped at KERNEL_BASE.
        unsafe { CStr::from_ptr(ptr) }.to_bytes()
    }

    /// Whether the command line contains `word` as a space-separated word.
    pub fn has_option(&self, word: &str) -> bool {
        self.cmdline().split(|&b| b == b' ').any(|w| w == word.as_bytes())
    }
}
