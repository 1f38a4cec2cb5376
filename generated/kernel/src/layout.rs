//! Where things are: every fixed address and size the kernel depends on.
//!
//! The build script includes this file too, to hand the same numbers to the
//! linker script, so the linker, the assembler and Rust cannot disagree.

/// Virtual address at which physical address 0 appears: the kernel is linked
/// in the top 2 GiB, where `-C code-model=kernel` can reach every symbol
/// with a sign-extended 32-bit displacement.
pub const KERNEL_BASE: u64 = 0xffff_ffff_8000_0000;

/// Physical address the loader puts the image at: 1 MiB, just above the
/// legacy BIOS hole. The 32-bit stub runs here before paging is on.
pub const KERNEL_LOAD_ADDR: u64 = 0x10_0000;

/// Size of one page, and alignment of page tables.
pub const PAGE_SIZE: u64 = 0x1000;

/// Size of one large page, the granule of the boot mappings.
pub const LARGE_PAGE_SIZE: u64 = 0x20_0000;

/// How much physical memory the boot page tables map, both at 0 (identity)
/// and at `KERNEL_BASE`: one page directory's worth.
pub const BOOT_MAP_SIZE: u64 = 512 * LARGE_PAGE_SIZE;

/// Size of the stack the kernel starts on.
pub const BOOT_STACK_SIZE: u64 = 64 * 1024;

/// The virtual address where physical address `phys` is seen, for `phys`
/// below `BOOT_MAP_SIZE`.
pub const fn phys_to_virt(phys: u64) -> u64 {
    assert!(phys < BOOT_MAP_SIZE, "physical address not mapped at boot");
    KERNEL_BASE + phys
}
