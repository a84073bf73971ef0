//! Helpers shared by the integration tests: the bundled MNIST files and float comparisons.

// Each test crate compiles this module and uses only some of it.
#![allow(dead_code)]

use std::io::Read;

use flate2::read::GzDecoder;
use lazynet::data::Dataset;

pub const TRAIN_IMAGES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/www/data/train-images.idx3-ubyte.gz"
);
pub const TRAIN_LABELS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/www/data/train-labels.idx1-ubyte.gz"
);
pub const TEST_IMAGES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/www/data/test-images.idx3-ubyte.gz"
);
pub const TEST_LABELS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/www/data/test-labels.idx1-ubyte.gz"
);

/// Reads a bundled file, panicking with its path if it cannot be read.
pub fn read(path: &str) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
}

/// Decompresses gzip bytes with flate2 directly, independently of `lazynet::data::decompress`.
pub fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut output = Vec::new();
    GzDecoder::new(bytes)
        .read_to_end(&mut output)
        .expect("bundled file is valid gzip");
    output
}

/// Loads the 9,000 bundled training digits.
pub fn train_set() -> Dataset {
    Dataset::from_idx(&read(TRAIN_IMAGES), &read(TRAIN_LABELS)).expect("training split decodes")
}

/// Loads the 1,000 bundled test digits.
pub fn test_set() -> Dataset {
    Dataset::from_idx(&read(TEST_IMAGES), &read(TEST_LABELS)).expect("test split decodes")
}

/// Asserts that `actual` is within `tolerance` of `expected`, naming `quantity` on failure.
pub fn assert_close(actual: f64, expected: f64, tolerance: f64, quantity: &str) {
    assert!(
        (actual - expected).abs() <= tolerance,
        "{quantity}: got {actual}, expected {expected} ± {tolerance}"
    );
}
