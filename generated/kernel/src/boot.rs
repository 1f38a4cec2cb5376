//! From multiboot's 32-bit protected mode to 64-bit Rust: the boot stub in
//! boot.s, and the constants it is assembled with.

use crate::layout::{
    BOOT_MAP_SIZE, BOOT_STACK_SIZE, KERNEL_BASE, LARGE_PAGE_SIZE, PAGE_SIZE,
};
use crate::{multiboot, qemu_exit};
use x86::bits64::paging::{PDFlags, PDPTFlags, PML4Flags};
use x86::controlregs::{Cr0, Cr4};

/// Bits of a code or data segment descriptor (Intel SDM Vol. 3A, 3.4.5).
const DESC_WRITABLE: u64 = 1 << 41; // data: writable; code: readable
const DESC_EXECUTABLE: u64 = 1 << 43;
const DESC_CODE_OR_DATA: u64 = 1 << 44;
const DESC_PRESENT: u64 = 1 << 47;
const DESC_LONG_MODE: u64 = 1 << 53;

/// The boot GDT: null, then 64-bit ring-0 code, then ring-0 data.
const GDT_CODE64: u64 =
    DESC_PRESENT | DESC_CODE_OR_DATA | DESC_EXECUTABLE | DESC_WRITABLE | DESC_LONG_MODE;
const GDT_DATA: u64 = DESC_PRESENT | DESC_CODE_OR_DATA | DESC_WRITABLE;
const GDT_ENTRIES: u64 = 3;
pub const KERNEL_CS: u16 = 8;
pub const KERNEL_DS: u16 = 16;

/// Extended feature flags: CPUID leaf, and the bits we insist on in EDX.
const CPUID_EXT_FEATURES: u32 = 0x8000_0001;
const CPUID_EDX_NX: u32 = 1 << 20;
const CPUID_EDX_LONG_MODE: u32 = 1 << 29;

/// IA32_EFER bits: long mode enable, no-execute enable.
const EFER_LME: u32 = 1 << 8;
const EFER_NXE: u32 = 1 << 11;

const CR4_SET: usize =
    Cr4::CR4_ENABLE_PAE.bits() | Cr4::CR4_ENABLE_SSE.bits() | Cr4::CR4_UNMASKED_SSE.bits();
const CR0_SET: usize = Cr0::CR0_ENABLE_PAGING.bits()
    | Cr0::CR0_PROTECTED_MODE.bits()
    | Cr0::CR0_MONITOR_COPROCESSOR.bits();
const CR0_CLEAR: usize =
    Cr0::CR0_EMULATE_COPROCESSOR.bits() | Cr0::CR0_TASK_SWITCHED.bits();

/// Page-table entry flags: tables point to tables; the directory maps 2 MiB.
const TABLE_FLAGS: u64 = PML4Flags::P.bits() | PML4Flags::RW.bits();
const LARGE_PAGE_FLAGS: u64 = PDFlags::P.bits() | PDFlags::RW.bits() | PDFlags::PS.bits();
const _: () = assert!(TABLE_FLAGS == PDPTFlags::P.bits() | PDPTFlags::RW.bits());

/// Where `KERNEL_BASE` lands in the top two levels of the page tables.
const KERNEL_PML4_INDEX: u64 = (KERNEL_BASE >> 39) & 0x1ff;
const KERNEL_PDPT_INDEX: u64 = (KERNEL_BASE >> 30) & 0x1ff;
const _: () = assert!(KERNEL_PML4_INDEX != 0, "kernel and identity map would share a PML4 slot");
const _: () = assert!(KERNEL_BASE.is_multiple_of(1 << 30), "one page directory must map the kernel");
const _: () = assert!(BOOT_MAP_SIZE == 512 * LARGE_PAGE_SIZE);

core::arch::global_asm!(
    include_str!("boot.s"),
    MB_HEADER_MAGIC = const multiboot::HEADER_MAGIC,
    MB_HEADER_FLAGS = const multiboot::HEADER_FLAGS,
    MB_HEADER_CHECKSUM = const multiboot::HEADER_CHECKSUM,
    CPUID_EXT_FEATURES = const CPUID_EXT_FEATURES,
    CPUID_EDX_NEEDED = const CPUID_EDX_NX | CPUID_EDX_LONG_MODE,
    EXIT_PORT = const qemu_exit::ISA_DEBUG_EXIT_PORT,
    EXIT_FAILURE = const qemu_exit::QemuExitCode::Failure as u32,
    CR4_SET = const CR4_SET,
    IA32_EFER = const x86::msr::IA32_EFER,
    EFER_SET = const EFER_LME | EFER_NXE,
    CR0_SET = const CR0_SET,
    CR0_KEEP = const !CR0_CLEAR as u32,
    KERNEL_CS = const KERNEL_CS,
    KERNEL_DS = const KERNEL_DS,
    KERNEL_BASE = const KERNEL_BASE,
    GDT_CODE64 = const GDT_CODE64,
    GDT_DATA = const GDT_DATA,
    GDT_ENTRIES = const GDT_ENTRIES,
    PAGE_SIZE = const PAGE_SIZE,
    TABLE_FLAGS = const TABLE_FLAGS,
    LARGE_PAGE_FLAGS = const LARGE_PAGE_FLAGS,
    LARGE_PAGE_SIZE = const LARGE_PAGE_SIZE,
    KERNEL_PML4_INDEX = const KERNEL_PML4_INDEX,
    KERNEL_PDPT_INDEX = const KERNEL_PDPT_INDEX,
    BOOT_STACK_SIZE = const BOOT_STACK_SIZE,
    kernel_main = sym crate::kernel_main,
    options(att_syntax)
);
