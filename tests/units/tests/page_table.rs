//! Page-table entries, flags and virtual addresses as types.

use units::layout::{KERNEL_BASE, PHYS_MAP_BASE, SWITCHER_BASE, USER_BASE, USER_END};
use units::page_table::{
    ENTRIES, KERNEL_SLOTS, Level, PageFlags, PageTable, PageTableEntry, USER_SLOTS, VirtAddr,
};

/// An entry's raw bits, as the processor reads them.
fn raw(entry: PageTableEntry) -> u64 {
    // SAFETY: PageTableEntry is a transparent u64.
    unsafe { std::mem::transmute::<PageTableEntry, u64>(entry) }
}

#[test]
fn flags_have_their_architectural_bits() {
    let bit = |f: PageFlags| raw(PageTableEntry::new(0, f));
    assert_eq!(bit(PageFlags::PRESENT), 1 << 0);
    assert_eq!(bit(PageFlags::WRITABLE), 1 << 1);
    assert_eq!(bit(PageFlags::USER), 1 << 2);
    assert_eq!(bit(PageFlags::HUGE), 1 << 7);
    assert_eq!(bit(PageFlags::NO_EXECUTE), 1 << 63);
    let all =
        PageFlags::PRESENT | PageFlags::WRITABLE | PageFlags::USER | PageFlags::HUGE | PageFlags::NO_EXECUTE;
    let entry = PageTableEntry::new(0x1234_5000, all);
    assert_eq!(raw(entry), 1 << 63 | 0x1234_5000 | 0x87);
    assert_eq!(entry.flags(), all);
    assert!(entry.flags().contains(PageFlags::WRITABLE | PageFlags::USER));
    assert!(
        !PageTableEntry::new(0, PageFlags::PRESENT)
            .flags()
            .contains(PageFlags::WRITABLE)
    );
}

#[test]
fn an_entry_holds_an_address_and_flags_apart() {
    let entry = PageTableEntry::new(0x000f_ffff_ffff_f000, PageFlags::PRESENT | PageFlags::NO_EXECUTE);
    assert_eq!(entry.addr(), 0x000f_ffff_ffff_f000);
    assert!(entry.is_present());
    assert!(!PageTableEntry::EMPTY.is_present());
    assert_eq!(PageTableEntry::EMPTY.addr(), 0);
}

#[test]
#[should_panic(expected = "not a page-aligned physical address")]
fn an_entry_refuses_an_unaligned_address() {
    PageTableEntry::new(0x1001, PageFlags::PRESENT);
}

#[test]
#[should_panic(expected = "not a page-aligned physical address")]
fn an_entry_refuses_an_address_beyond_52_bits() {
    PageTableEntry::new(1 << 52, PageFlags::PRESENT);
}

#[test]
fn a_table_is_one_page_of_512_entries() {
    assert_eq!(size_of::<PageTable>(), 4096);
    assert_eq!(align_of::<PageTable>(), 4096);
    assert_eq!(ENTRIES, 512);
    assert_eq!((USER_SLOTS.len(), KERNEL_SLOTS.start), (256, 256));
}

#[test]
fn only_canonical_addresses_are_addresses() {
    assert!(VirtAddr::new(0).is_some());
    assert!(VirtAddr::new(USER_END - 1).is_some());
    assert!(VirtAddr::new(USER_END).is_none());
    assert!(VirtAddr::new(PHYS_MAP_BASE - 1).is_none());
    assert!(VirtAddr::new(PHYS_MAP_BASE).is_some());
    assert!(VirtAddr::new(u64::MAX).is_some());
}

#[test]
fn user_space_is_the_lower_half() {
    let user = |a| VirtAddr::new(a).unwrap().is_user();
    assert!(user(USER_BASE) && user(USER_END - 1));
    assert!(!user(PHYS_MAP_BASE) && !user(KERNEL_BASE) && !user(SWITCHER_BASE));
}

#[test]
fn indices_are_nine_bits_a_level() {
    let index = |a, l| VirtAddr::new(a).unwrap().index(l);
    // KERNEL_BASE: the boot stub's slots, 511 and 510.
    assert_eq!(index(KERNEL_BASE, Level::Pml4), 511);
    assert_eq!(index(KERNEL_BASE, Level::Pdpt), 510);
    assert_eq!(index(PHYS_MAP_BASE, Level::Pml4), KERNEL_SLOTS.start);
    // The Switcher: the last 2 MiB, so the last entry of the last directory.
    assert_eq!(index(SWITCHER_BASE, Level::Pd), 511);
    assert_eq!(index(SWITCHER_BASE, Level::Pt), 0);
    let a = (3 << 39) | (5 << 30) | (7 << 21) | (9 << 12) | 0xabc;
    let levels = Level::ALL.map(|l| index(a, l));
    assert_eq!(levels, [3, 5, 7, 9]);
    assert_eq!(VirtAddr::new(a).unwrap().page_offset(), 0xabc);
    assert_eq!(index(USER_BASE, Level::Pd), 2);
}

#[test]
fn levels_go_down_to_the_page_table() {
    assert_eq!(Level::Pml4.next(), Some(Level::Pdpt));
    assert_eq!(Level::Pd.next(), Some(Level::Pt));
    assert_eq!(Level::Pt.next(), None);
}

#[test]
fn accessed_and_dirty_have_their_bits_and_come_apart_again() {
    let bit = |f: PageFlags| raw(PageTableEntry::new(0, f));
    assert_eq!(bit(PageFlags::ACCESSED), 1 << 5);
    assert_eq!(bit(PageFlags::DIRTY), 1 << 6);
    let page = PageFlags::PRESENT | PageFlags::WRITABLE | PageFlags::DIRTY;
    assert_eq!(page.without(PageFlags::WRITABLE), PageFlags::PRESENT | PageFlags::DIRTY);
    assert_eq!(page.without(PageFlags::USER), page);
    let entry = PageTableEntry::new(0x7000, page);
    assert_eq!(entry.bits(), raw(entry));
    assert_eq!(PageTableEntry::from_bits(entry.bits()), entry);
}

#[test]
fn each_level_covers_512_of_the_one_below() {
    assert_eq!(Level::Pt.coverage(), 4096);
    assert_eq!(Level::Pd.coverage(), 2 << 20);
    assert_eq!(Level::Pdpt.coverage(), 1 << 30);
    assert_eq!(Level::Pml4.coverage(), 512 << 30);
}
