//! The frame allocator's bitmap: adding, reserving, lowest-first
//! allocation, runs, and the double free it refuses.

use units::frame_bitmap::{Frame, FrameBitmap};

const PAGE: u64 = 4096;

/// 256 frames: 1 MiB.
type Bitmap = FrameBitmap<4>;

#[test]
fn nothing_is_free_until_added() {
    let mut bitmap = Bitmap::new();
    assert_eq!(bitmap.free_frames(), 0);
    assert_eq!(bitmap.alloc(), None);
    assert_eq!(Bitmap::FRAMES, 256);
}

#[test]
fn only_whole_frames_are_added_and_every_touched_frame_is_reserved() {
    let mut bitmap = Bitmap::new();
    bitmap.add_free(PAGE / 2..10 * PAGE + 1);
    assert_eq!(bitmap.free_frames(), 9); // frames 1 to 9
    bitmap.reserve(3 * PAGE + 1..4 * PAGE + 1); // touches frames 3 and 4
    assert_eq!(bitmap.free_frames(), 7);
    bitmap.add_free(0..PAGE); // adding twice counts once
    bitmap.add_free(0..PAGE);
    assert_eq!(bitmap.free_frames(), 8);
}

#[test]
fn memory_beyond_the_bitmap_is_ignored() {
    let mut bitmap = Bitmap::new();
    bitmap.add_free(250 * PAGE..1000 * PAGE);
    assert_eq!(bitmap.free_frames(), 6);
    bitmap.reserve(0..u64::MAX / 2);
    assert_eq!(bitmap.free_frames(), 0);
}

#[test]
fn allocation_is_lowest_first_and_freeing_comes_back() {
    let mut bitmap = Bitmap::new();
    bitmap.add_free(0..256 * PAGE);
    bitmap.reserve(0..70 * PAGE);
    let all: Vec<Frame> = std::iter::from_fn(|| bitmap.alloc()).collect();
    assert_eq!(all.len(), 186);
    assert!(
        all.windows(2).all(|w| w[0].start() + PAGE == w[1].start()),
        "not lowest first"
    );
    assert_eq!(all[0].start(), 70 * PAGE);
    assert_eq!(bitmap.free_frames(), 0);
    bitmap.free(all[100]);
    bitmap.free(all[3]);
    assert_eq!(bitmap.alloc(), Some(all[3]), "the hint must move down on free");
    assert_eq!(bitmap.alloc(), Some(all[100]));
}

#[test]
#[should_panic(expected = "already free")]
fn a_double_free_panics() {
    let mut bitmap = Bitmap::new();
    bitmap.add_free(0..4 * PAGE);
    let frame = bitmap.alloc().unwrap();
    bitmap.free(frame);
    bitmap.free(frame);
}

#[test]
#[should_panic(expected = "not page-aligned")]
fn a_frame_must_be_aligned() {
    Frame::from_start(PAGE + 8);
}

#[test]
fn runs_are_adjacent_free_frames_and_go_back_whole() {
    let mut bitmap = Bitmap::new();
    bitmap.add_free(0..256 * PAGE);
    // Holes at 10 and 100: the first run of 80 is 11..91, and no run of
    // 160 fits anywhere.
    bitmap.reserve(10 * PAGE..11 * PAGE);
    bitmap.reserve(100 * PAGE..101 * PAGE);
    let before = bitmap.free_frames();
    let run = bitmap.alloc_contiguous(80).unwrap();
    assert_eq!(run.start(), 11 * PAGE);
    assert_eq!(bitmap.free_frames(), before - 80);
    assert_eq!(bitmap.alloc_contiguous(160), None);
    assert_eq!(bitmap.alloc_contiguous(155).unwrap().start(), 101 * PAGE);
    bitmap.free_contiguous(run, 80);
    assert_eq!(bitmap.free_frames(), before - 155);
    assert_eq!(bitmap.alloc_contiguous(10).unwrap().start(), 0);
}

#[test]
fn a_run_can_cross_words_and_skip_full_ones() {
    let mut bitmap = Bitmap::new();
    bitmap.add_free(60 * PAGE..70 * PAGE);
    bitmap.add_free(130 * PAGE..256 * PAGE);
    assert_eq!(bitmap.alloc_contiguous(10).unwrap().start(), 60 * PAGE);
    assert_eq!(bitmap.alloc_contiguous(126).unwrap().start(), 130 * PAGE);
    assert_eq!(bitmap.free_frames(), 0);
}
