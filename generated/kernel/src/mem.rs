//! The C memory functions the compiler calls on its own initiative.
//!
//! `x86_64-unknown-none` supplies them; the precompiled library of
//! `x86_64-unknown-linux-gnu` expects libc to. We always supply our own, so
//! the kernel behaves the same whichever target built it. They are plain
//! byte loops: LLVM declines to turn a loop inside a function called
//! `memcpy` into a call to `memcpy`, and `#[inline(never)]` keeps each one a
//! real function with its own name.

#[unsafe(no_mangle)]
#[inline(never)]
pub unsafe extern "C" fn memcpy(dest: *mut u8, src: *const u8, n: usize) -> *mut u8 {
    let mut i = 0;
    while i < n {
        // SAFETY: the caller guarantees both ranges are valid for n bytes.
        unsafe { *dest.add(i) = *src.add(i) };
        i += 1;
    }
    dest
}

#[unsafe(no_mangle)]
#[inline(never)]
pub unsafe extern "C" fn memmove(dest: *mut u8, src: *const u8, n: usize) -> *mut u8 {
    if (dest as usize) <= (src as usize) {
        // Copying forwards never overwrites a source byte not yet read.
        let mut i = 0;
        while i < n {
            // SAFETY: the caller guarantees both ranges are valid for n bytes.
            unsafe { *dest.add(i) = *src.add(i) };
            i += 1;
        }
    } else {
        // dest lies above src: copy backwards, for the same reason.
        let mut i = n;
        while i > 0 {
            i -= 1;
            // SAFETY: as above.
            unsafe { *dest.add(i) = *src.add(i) };
        }
    }
    dest
}

#[unsafe(no_mangle)]
#[inline(never)]
pub unsafe extern "C" fn memset(dest: *mut u8, byte: i32, n: usize) -> *mut u8 {
    let mut i = 0;
    while i < n {
        // SAFETY: the caller guarantees dest is valid for n bytes.
        unsafe { *dest.add(i) = byte as u8 };
        i += 1;
    }
    dest
}

#[unsafe(no_mangle)]
#[inline(never)]
pub unsafe extern "C" fn memcmp(a: *const u8, b: *const u8, n: usize) -> i32 {
    let mut i = 0;
    while i < n {
        // SAFETY: the caller guarantees both ranges are valid for n bytes.
        let (x, y) = unsafe { (*a.add(i), *b.add(i)) };
        if x != y {
            return x as i32 - y as i32;
        }
        i += 1;
    }
    0
}

/// memcmp that only has to tell equal from unequal.
#[unsafe(no_mangle)]
#[inline(never)]
pub unsafe extern "C" fn bcmp(a: *const u8, b: *const u8, n: usize) -> i32 {
    // SAFETY: the same contract as memcmp.
    unsafe { memcmp(a, b, n) }
}

#[unsafe(no_mangle)]
#[inline(never)]
pub unsafe extern "C" fn strlen(s: *const core::ffi::c_char) -> usize {
    let mut n = 0;
    // SAFETY: the caller guarantees s is NUL-terminated.
    while unsafe { *s.add(n) } != 0 {
        n += 1;
    }
    n
}
