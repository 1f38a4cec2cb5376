//! The multiboot memory map: entries found by their own size field.

use units::memory_map::{MemoryMap, Region, RegionKind};

/// One entry as a loader writes it; `size` counts what follows it.
fn entry(size: u32, base: u64, length: u64, kind: u32) -> Vec<u8> {
    let mut bytes = Vec::new();
    bytes.extend(size.to_le_bytes());
    bytes.extend(base.to_le_bytes());
    bytes.extend(length.to_le_bytes());
    bytes.extend(kind.to_le_bytes());
    bytes.resize(size as usize + 4, 0xee);
    bytes
}

#[test]
fn qemus_map_reads_as_it_prints() {
    let bytes = [
        entry(20, 0, 0x9fc00, 1),
        entry(20, 0x9fc00, 0x400, 2),
        entry(20, 0x10_0000, 0x7ee_0000, 1),
        entry(20, 0xfffc_0000, 0x4_0000, 2),
    ]
    .concat();
    let regions: Vec<Region> = MemoryMap::new(&bytes).regions().collect();
    assert_eq!(regions.len(), 4);
    assert_eq!(
        regions[0],
        Region {
            start: 0,
            end: 0x9fc00,
            kind: RegionKind::Available
        }
    );
    assert_eq!(
        regions[2],
        Region {
            start: 0x10_0000,
            end: 0x7fe_0000,
            kind: RegionKind::Available
        }
    );
    assert_eq!(regions[3].kind, RegionKind::Reserved);
}

#[test]
fn every_type_has_a_kind() {
    let bytes: Vec<u8> = (1..=6)
        .flat_map(|kind| entry(20, kind as u64 * 0x1000, 0x1000, kind))
        .collect();
    let kinds: Vec<RegionKind> = MemoryMap::new(&bytes).regions().map(|r| r.kind).collect();
    use RegionKind::*;
    assert_eq!(
        kinds,
        [Available, Reserved, AcpiReclaimable, AcpiNvs, Defective, Reserved]
    );
    assert_eq!(Available.name(), "available");
}

#[test]
fn larger_entries_are_stepped_over_by_their_size() {
    let bytes = [entry(28, 0x1000, 0x1000, 1), entry(20, 0x5000, 0x1000, 3)].concat();
    let starts: Vec<u64> = MemoryMap::new(&bytes).regions().map(|r| r.start).collect();
    assert_eq!(starts, [0x1000, 0x5000]);
}

#[test]
fn empty_regions_are_skipped_and_a_torn_list_ends() {
    let mut bytes = [entry(20, 0x1000, 0, 1), entry(20, 0x2000, 0x1000, 1)].concat();
    bytes.extend(&entry(20, 0x9000, 0x1000, 1)[..10]);
    let regions: Vec<Region> = MemoryMap::new(&bytes).regions().collect();
    assert_eq!(
        regions,
        [Region {
            start: 0x2000,
            end: 0x3000,
            kind: RegionKind::Available
        }]
    );
    // An entry shorter than the fields it must hold ends the walk.
    let bytes = [entry(16, 0x1000, 0x1000, 1), entry(20, 0x2000, 0x1000, 1)].concat();
    assert_eq!(MemoryMap::new(&bytes).regions().count(), 0);
}

#[test]
fn a_region_reaching_the_top_of_memory_saturates() {
    let bytes = entry(20, u64::MAX - 0xfff, 0x2000, 2);
    let region = MemoryMap::new(&bytes).regions().next().unwrap();
    assert_eq!(region.end, u64::MAX);
}

#[test]
fn an_entry_we_write_reads_back_as_its_region() {
    let regions = [
        Region { start: 0, end: 0x100_0000, kind: RegionKind::Available },
        Region { start: 0x100_0000, end: 0x100_1000, kind: RegionKind::Reserved },
        Region { start: 0x2000_0000, end: 0x2010_0000, kind: RegionKind::AcpiNvs },
    ];
    let bytes: Vec<u8> = regions.iter().flat_map(|r| r.to_entry()).collect();
    let read: Vec<Region> = MemoryMap::new(&bytes).regions().collect();
    assert_eq!(read, regions);
}
