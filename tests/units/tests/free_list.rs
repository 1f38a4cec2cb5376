//! The heap's first-fit free list, on a buffer of our own.

use std::alloc::Layout;
use units::free_list::FreeList;

/// A 16-aligned buffer, and a free list that owns it.
struct Heap {
    _memory: Vec<u128>,
    start: usize,
    size: usize,
    list: FreeList,
}

fn heap(size: usize) -> Heap {
    let memory = vec![0u128; size / 16];
    let start = memory.as_ptr() as usize;
    let mut list = FreeList::new();
    // SAFETY: the buffer is ours and outlives the list (both in `Heap`).
    unsafe { list.add_region(start, size) };
    Heap {
        _memory: memory,
        start,
        size,
        list,
    }
}

fn layout(size: usize, align: usize) -> Layout {
    Layout::from_size_align(size, align).unwrap()
}

#[test]
fn a_region_is_trimmed_to_the_granule() {
    let memory = [0u128; 8];
    let mut list = FreeList::new();
    // SAFETY: inside our own buffer, which outlives the list.
    unsafe { list.add_region(memory.as_ptr() as usize + 1, 100) };
    assert_eq!(list.free_bytes(), 80); // bytes 16 to 96, the granules wholly inside
    let mut h = heap(4096);
    assert_eq!(h.list.free_bytes(), 4096);
    let p = h.list.alloc(layout(1, 1));
    assert_eq!(p as usize, h.start);
    assert_eq!(h.list.free_bytes(), 4096 - 16);
}

#[test]
fn first_fit_takes_the_lowest_block_that_fits() {
    let mut h = heap(4096);
    let a = h.list.alloc(layout(64, 8));
    let b = h.list.alloc(layout(64, 8));
    let c = h.list.alloc(layout(64, 8));
    assert_eq!((b as usize - a as usize, c as usize - b as usize), (64, 64));
    // SAFETY: `b` came from this list with this layout.
    unsafe { h.list.dealloc(b, layout(64, 8)) };
    // A small request reuses b's hole; a larger one must go after c.
    assert_eq!(h.list.alloc(layout(32, 8)), b);
    assert_eq!(h.list.alloc(layout(48, 8)) as usize, c as usize + 64);
}

#[test]
fn alignment_is_honoured_and_the_padding_stays_free() {
    let mut h = heap(8192);
    let small = h.list.alloc(layout(16, 1));
    let aligned = h.list.alloc(layout(100, 1024));
    assert_eq!(aligned as usize % 1024, 0);
    assert!(aligned as usize > small as usize);
    // The padding between them is on the list: it fits a small request.
    let filler = h.list.alloc(layout(16, 16));
    assert!(filler as usize > small as usize && (filler as usize) < aligned as usize);
    let free = h.list.free_bytes();
    assert_eq!(free, h.size - 16 - 112 - 16);
}

#[test]
fn everything_freed_merges_back_into_one_block() {
    let mut h = heap(64 * 1024);
    // A deterministic shuffle of sizes, alignments and free order.
    let mut seed = 12345u64;
    let mut next = || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as usize
    };
    let mut live: Vec<(*mut u8, Layout)> = Vec::new();
    for round in 0..2000 {
        if live.len() < 40 && next() % 3 != 0 {
            let l = layout(1 + next() % 700, 1 << (next() % 8));
            let p = h.list.alloc(l);
            assert!(!p.is_null(), "out of memory in round {round}");
            assert_eq!(p as usize % l.align(), 0);
            assert!(p as usize >= h.start && p as usize + l.size() <= h.start + h.size);
            for &(q, m) in &live {
                let disjoint = p as usize + l.size() <= q as usize || q as usize + m.size() <= p as usize;
                assert!(disjoint, "two live allocations overlap");
            }
            live.push((p, l));
        } else if !live.is_empty() {
            let (p, l) = live.swap_remove(next() % live.len());
            // SAFETY: allocated above with this layout, freed once.
            unsafe { h.list.dealloc(p, l) };
        }
    }
    for (p, l) in live.drain(..) {
        // SAFETY: as above.
        unsafe { h.list.dealloc(p, l) };
    }
    assert_eq!(h.list.free_bytes(), h.size);
    // Merged: the whole heap is one block again.
    assert_eq!(h.list.alloc(layout(h.size, 16)) as usize, h.start);
}

#[test]
fn a_request_too_large_gets_null() {
    let mut h = heap(1024);
    assert!(h.list.alloc(layout(2048, 16)).is_null());
    assert!(h.list.alloc(layout(isize::MAX as usize - 64, 16)).is_null());
    assert_eq!(h.list.free_bytes(), 1024);
}

#[test]
#[should_panic(expected = "overlaps a free block")]
fn a_double_free_panics() {
    let mut h = heap(1024);
    let p = h.list.alloc(layout(32, 16));
    let _q = h.list.alloc(layout(32, 16));
    // SAFETY: deliberately wrong, to see the list refuse it.
    unsafe {
        h.list.dealloc(p, layout(32, 16));
        h.list.dealloc(p, layout(32, 16));
    }
}
