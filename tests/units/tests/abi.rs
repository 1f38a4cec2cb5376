//! The system-call contract (generated/kernel/src/process/abi.rs): numbers and
//! errors survive the trip through rax.

use units::abi::{decode, encode, Error, Syscall};

#[test]
fn every_call_comes_back_from_its_number() {
    for call in Syscall::ALL {
        assert_eq!(Syscall::from_number(call as u64), Some(call));
    }
    assert_eq!(Syscall::from_number(0), None, "0 is no call, so a zeroed rax is caught");
    assert_eq!(Syscall::from_number(Syscall::ALL.len() as u64 + 1), None);
}

#[test]
fn call_numbers_are_distinct() {
    let mut numbers: Vec<u64> = Syscall::ALL.iter().map(|&c| c as u64).collect();
    numbers.sort();
    numbers.dedup();
    assert_eq!(numbers.len(), Syscall::ALL.len());
}

#[test]
fn errors_survive_the_round_trip() {
    for error in Error::ALL {
        let rax = encode(Err(error));
        assert!((rax as i64) < 0, "{error:?} must have the top bit set");
        assert_eq!(decode(rax), Err(error));
        assert!(!error.message().is_empty());
    }
}

#[test]
fn answers_survive_the_round_trip() {
    for value in [0, 1, 0x40_0000, 0x7fff_ffff_0000, i64::MAX as u64] {
        assert_eq!(decode(encode(Ok(value))), Ok(value));
    }
}

#[test]
#[should_panic(expected = "unknown error")]
fn an_unknown_error_is_a_bug() {
    let _ = decode(u64::MAX - 1000);
}
