//! The kernel's pure modules, compiled for the host so that their logic is
//! tested in milliseconds rather than by a boot. Each is included exactly
//! as the book tangled it into generated/; none touches hardware, and none
//! uses anything of the kernel but `crate::layout`.

pub mod sources;

#[path = "../../../generated/kernel/src/layout.rs"]
pub mod layout;

#[path = "../../../generated/kernel/src/boot/cmdline.rs"]
pub mod cmdline;

#[path = "../../../generated/kernel/src/memory/memory_map.rs"]
pub mod memory_map;

#[path = "../../../generated/kernel/src/memory/frame_bitmap.rs"]
pub mod frame_bitmap;

#[path = "../../../generated/kernel/src/memory/page_table.rs"]
pub mod page_table;

#[path = "../../../generated/kernel/src/memory/free_list.rs"]
pub mod free_list;

#[path = "../../../generated/kernel/src/process/abi.rs"]
pub mod abi;

#[path = "../../../generated/kernel/src/process/elf.rs"]
pub mod elf;
