//! IDX decoding of the bundled MNIST files, malformed inputs, datasets and mini-batches.

mod common;

use common::{gunzip, read, TEST_IMAGES, TEST_LABELS, TRAIN_IMAGES, TRAIN_LABELS};
use lazynet::data::{
    decode_images, decode_labels, decompress_with_limit, Batches, Dataset, Images,
};

/// Digits per class in the bundled training split, from www/data/README.md.
const TRAIN_PER_CLASS: [usize; 10] = [901, 1027, 891, 932, 880, 763, 914, 970, 844, 878];

fn be_u32(bytes: &[u8], offset: usize) -> u32 {
    u32::from_be_bytes(bytes[offset..offset + 4].try_into().unwrap())
}

/// Builds an IDX images header with the given sizes and no body.
fn images_header(count: u32, rows: u32, cols: u32) -> Vec<u8> {
    let mut bytes = vec![0, 0, 0x08, 0x03];
    for size in [count, rows, cols] {
        bytes.extend_from_slice(&size.to_be_bytes());
    }
    bytes
}

fn images_error(bytes: &[u8]) -> String {
    decode_images(bytes).unwrap_err().message().to_string()
}

fn labels_error(bytes: &[u8]) -> String {
    decode_labels(bytes).unwrap_err().message().to_string()
}

fn class_counts(labels: &[u8]) -> [usize; 10] {
    let mut counts = [0; 10];
    for &label in labels {
        counts[usize::from(label)] += 1;
    }
    counts
}

#[test]
fn raw_headers_of_bundled_files() {
    // Read with flate2 and byte offsets only, so this checks the files rather than lazynet.
    let train_images = gunzip(&read(TRAIN_IMAGES));
    assert_eq!(be_u32(&train_images, 0), 2051);
    assert_eq!(be_u32(&train_images, 4), 9000);
    assert_eq!(be_u32(&train_images, 8), 28);
    assert_eq!(be_u32(&train_images, 12), 28);
    assert_eq!(train_images.len(), 16 + 9000 * 28 * 28);

    let test_labels = gunzip(&read(TEST_LABELS));
    assert_eq!(be_u32(&test_labels, 0), 2049);
    assert_eq!(be_u32(&test_labels, 4), 1000);
    assert_eq!(test_labels.len(), 8 + 1000);
}

#[test]
fn train_images_decode() {
    let images = decode_images(&read(TRAIN_IMAGES)).unwrap();
    assert_eq!(images.count, 9000);
    assert_eq!(images.rows, 28);
    assert_eq!(images.cols, 28);
    assert_eq!(images.pixels.len(), 9000 * 784);
}

#[test]
fn test_images_decode() {
    let images = decode_images(&read(TEST_IMAGES)).unwrap();
    assert_eq!(images.count, 1000);
    assert_eq!(images.rows, 28);
    assert_eq!(images.cols, 28);
    assert_eq!(images.pixels.len(), 1000 * 784);
}

#[test]
fn train_labels_per_class() {
    let labels = decode_labels(&read(TRAIN_LABELS)).unwrap();
    assert_eq!(labels.len(), 9000);
    assert_eq!(class_counts(&labels), TRAIN_PER_CLASS);
}

#[test]
fn test_labels_per_class() {
    let labels = decode_labels(&read(TEST_LABELS)).unwrap();
    assert_eq!(labels.len(), 1000);
    assert_eq!(class_counts(&labels), [100; 10]);
}

#[test]
fn raw_and_gzip_images_agree() {
    let compressed = read(TEST_IMAGES);
    let raw = gunzip(&compressed);
    let from_gzip = decode_images(&compressed).unwrap();
    let from_raw = decode_images(&raw).unwrap();

    assert_eq!(from_raw.count, from_gzip.count);
    assert_eq!(from_raw.pixels, from_gzip.pixels);
    assert_eq!(from_raw.pixels, raw[16..]);
}

#[test]
fn raw_and_gzip_labels_agree() {
    let compressed = read(TRAIN_LABELS);
    let raw = gunzip(&compressed);
    let from_gzip = decode_labels(&compressed).unwrap();
    let from_raw = decode_labels(&raw).unwrap();

    assert_eq!(from_raw, from_gzip);
    assert_eq!(from_raw, raw[8..]);
}

#[test]
fn dataset_scales_pixels() {
    let raw_images = gunzip(&read(TEST_IMAGES));
    let raw_labels = gunzip(&read(TEST_LABELS));
    let data = Dataset::from_idx(&read(TEST_IMAGES), &read(TEST_LABELS)).unwrap();

    assert_eq!(data.len(), 1000);
    assert!(!data.is_empty());
    assert_eq!((data.rows(), data.cols()), (28, 28));
    assert_eq!(data.images().dim(), (1000, 784));
    assert_eq!(data.labels(), &raw_labels[8..]);
    for (index, (&value, &byte)) in data.images().iter().zip(&raw_images[16..]).enumerate() {
        assert_eq!(value, f32::from(byte) / 255.0, "pixel {index}");
    }
}

#[test]
fn dataset_pixel_range() {
    let data = Dataset::from_idx(&read(TEST_IMAGES), &read(TEST_LABELS)).unwrap();
    let min = data.images().iter().copied().fold(f32::INFINITY, f32::min);
    let max = data
        .images()
        .iter()
        .copied()
        .fold(f32::NEG_INFINITY, f32::max);
    assert_eq!(min, 0.0);
    assert_eq!(max, 1.0);
}

#[test]
fn dataset_gather_copies_rows() {
    let data = Dataset::from_idx(&read(TEST_IMAGES), &read(TEST_LABELS)).unwrap();
    let (batch, labels) = data.gather(&[5, 0, 999, 5]);

    assert_eq!(batch.dim(), (4, 784));
    for (row, &index) in [5, 0, 999, 5].iter().enumerate() {
        assert_eq!(batch.row(row), data.images().row(index), "batch row {row}");
        assert_eq!(labels[row], data.labels()[index], "batch label {row}");
    }
}

#[test]
fn labels_file_as_images() {
    let message = images_error(&read(TEST_LABELS));
    assert!(message.contains("magic number"), "{message}");
    assert!(message.contains("labels file"), "{message}");
    assert!(message.contains("2051"), "{message}");
}

#[test]
fn images_file_as_labels() {
    let message = labels_error(&read(TEST_IMAGES));
    assert!(message.contains("magic number"), "{message}");
    assert!(message.contains("images file"), "{message}");
    assert!(message.contains("2049"), "{message}");
}

#[test]
fn wrong_element_type() {
    // Element type 0x0D is f32 in the IDX format.
    let mut bytes = gunzip(&read(TEST_IMAGES));
    bytes[2] = 0x0D;
    let message = images_error(&bytes);
    assert!(message.contains("0x00000d03"), "{message}");
    assert!(message.contains("not unsigned bytes"), "{message}");
}

#[test]
fn not_an_idx_file() {
    let message = images_error(b"P5\n28 28\n255\n and some more bytes");
    assert!(message.contains("not an IDX file"), "{message}");
}

#[test]
fn header_too_short() {
    let message = images_error(&[0, 0, 8]);
    assert!(message.contains("3 bytes"), "{message}");
    assert!(message.contains("too short"), "{message}");
}

#[test]
fn header_truncated() {
    let bytes = gunzip(&read(TEST_IMAGES));
    let message = images_error(&bytes[..10]);
    assert!(message.contains("header is truncated"), "{message}");
    assert!(message.contains("10 bytes"), "{message}");
    assert!(message.contains("16"), "{message}");
}

#[test]
fn labels_header_truncated() {
    let bytes = gunzip(&read(TEST_LABELS));
    let message = labels_error(&bytes[..6]);
    assert!(message.contains("header is truncated"), "{message}");
    assert!(message.contains('8'), "{message}");
}

#[test]
fn body_truncated() {
    let bytes = gunzip(&read(TEST_IMAGES));
    let message = images_error(&bytes[..bytes.len() - 1]);
    assert!(message.contains("truncated"), "{message}");
    assert!(message.contains("784000"), "{message}");
    assert!(message.contains("783999"), "{message}");
}

#[test]
fn labels_body_truncated() {
    let bytes = gunzip(&read(TEST_LABELS));
    let message = labels_error(&bytes[..bytes.len() - 10]);
    assert!(message.contains("truncated"), "{message}");
    assert!(message.contains("990"), "{message}");
}

#[test]
fn huge_declared_count() {
    // 4,000,000,000 images of 28×28 would be 3 TB; the decoder must reject the header
    // without allocating for it.
    let mut bytes = images_header(4_000_000_000, 28, 28);
    bytes.extend_from_slice(&[0; 20]);
    let message = images_error(&bytes);
    assert!(message.contains("4000000000"), "{message}");
    assert!(message.contains("limit"), "{message}");
}

#[test]
fn declared_count_exceeds_body() {
    let mut bytes = images_header(100_000, 28, 28);
    bytes.extend_from_slice(&[0; 20]);
    let message = images_error(&bytes);
    assert!(message.contains("78400000"), "{message}");
    assert!(message.contains("20"), "{message}");
    assert!(message.contains("truncated"), "{message}");
}

#[test]
fn huge_declared_label_count() {
    let mut bytes = vec![0, 0, 0x08, 0x01];
    bytes.extend_from_slice(&u32::MAX.to_be_bytes());
    bytes.extend_from_slice(&[1; 20]);
    let message = labels_error(&bytes);
    assert!(message.contains("limit"), "{message}");
}

#[test]
fn trailing_bytes() {
    let mut bytes = gunzip(&read(TEST_IMAGES));
    bytes.extend_from_slice(&[0, 0, 0]);
    let message = images_error(&bytes);
    assert!(message.contains("longer than declared"), "{message}");
    assert!(message.contains("784003"), "{message}");
}

#[test]
fn labels_trailing_bytes() {
    let mut bytes = gunzip(&read(TEST_LABELS));
    bytes.push(3);
    let message = labels_error(&bytes);
    assert!(message.contains("longer than declared"), "{message}");
}

#[test]
fn label_above_nine() {
    let mut bytes = gunzip(&read(TEST_LABELS));
    bytes[8 + 17] = 10;
    let message = labels_error(&bytes);
    assert!(message.contains("label 10"), "{message}");
    assert!(message.contains("index 17"), "{message}");
}

#[test]
fn zero_images() {
    let message = images_error(&images_header(0, 28, 28));
    assert!(message.contains("0 images"), "{message}");
}

#[test]
fn zero_labels() {
    let message = labels_error(&[0, 0, 8, 1, 0, 0, 0, 0]);
    assert!(message.contains("0 labels"), "{message}");
}

#[test]
fn zero_image_size() {
    let message = images_error(&images_header(5, 0, 28));
    assert!(message.contains("0×28"), "{message}");
}

#[test]
fn non_square_images() {
    let mut bytes = images_header(2, 28, 20);
    bytes.resize(bytes.len() + 2 * 28 * 20, 0);
    let message = images_error(&bytes);
    assert!(message.contains("28×20"), "{message}");
    assert!(message.contains("square"), "{message}");
}

#[test]
fn oversized_images() {
    let mut bytes = images_header(1, 300, 300);
    bytes.resize(bytes.len() + 300 * 300, 0);
    let message = images_error(&bytes);
    assert!(message.contains("300×300"), "{message}");
    assert!(message.contains("256×256"), "{message}");
}

#[test]
fn gzip_past_limit() {
    // The bundled test labels inflate to 1,008 bytes.
    let bytes = read(TEST_LABELS);
    let error = decompress_with_limit(&bytes, "labels file", 1000).unwrap_err();
    assert!(error.message().contains("more than 1000 bytes"), "{error}");
    assert_eq!(
        decompress_with_limit(&bytes, "labels file", 1008)
            .unwrap()
            .len(),
        1008
    );
}

#[test]
fn corrupt_gzip() {
    let mut bytes = read(TEST_IMAGES);
    let middle = bytes.len() / 2;
    for byte in &mut bytes[middle..middle + 16] {
        *byte ^= 0xff;
    }
    let message = images_error(&bytes);
    assert!(message.contains("gzip"), "{message}");
    assert!(message.contains("corrupt"), "{message}");
}

#[test]
fn truncated_gzip() {
    let bytes = read(TEST_LABELS);
    let message = labels_error(&bytes[..bytes.len() / 2]);
    assert!(message.contains("gzip"), "{message}");
    assert!(message.contains("corrupt"), "{message}");
}

#[test]
fn image_label_count_mismatch() {
    let error = Dataset::from_idx(&read(TEST_IMAGES), &read(TRAIN_LABELS)).unwrap_err();
    let message = error.message();
    assert!(message.contains("1000 images"), "{message}");
    assert!(message.contains("9000 labels"), "{message}");
}

#[test]
fn dataset_rejects_short_pixels() {
    let images = Images {
        count: 2,
        rows: 28,
        cols: 28,
        pixels: vec![0; 100],
    };
    assert!(Dataset::new(images, vec![1, 2]).is_err());
}

#[test]
fn batches_cover_each_epoch() {
    let mut batches = Batches::new(10, 3);
    let mut sizes = Vec::new();
    let mut seen = Vec::new();
    for _ in 0..4 {
        let batch = batches.next_batch(3);
        sizes.push(batch.len());
        seen.extend_from_slice(batch);
    }
    // 10 samples in batches of 3: 3, 3, 3, then the last sample alone.
    assert_eq!(sizes, vec![3, 3, 3, 1]);
    seen.sort_unstable();
    assert_eq!(seen, (0..10).collect::<Vec<_>>());
    assert_eq!(batches.epoch(), 1.0);
}

#[test]
fn batches_reshuffle_each_epoch() {
    let mut batches = Batches::new(1000, 3);
    let first = batches.next_batch(1000).to_vec();
    let second = batches.next_batch(1000).to_vec();
    assert_ne!(first, second);

    let mut sorted = second.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, (0..1000).collect::<Vec<_>>());
    assert_eq!(batches.epoch(), 2.0);
}

#[test]
fn batches_epoch_fraction() {
    let mut batches = Batches::new(9000, 0);
    batches.next_batch(64);
    assert_eq!(batches.epoch(), 64.0 / 9000.0);
}

#[test]
fn batches_follow_seed() {
    let order = |seed| Batches::new(100, seed).next_batch(100).to_vec();
    assert_eq!(order(1), order(1));
    assert_ne!(order(1), order(2));
    assert_ne!(
        order(1),
        (0..100).collect::<Vec<_>>(),
        "seed 1 leaves the order unshuffled"
    );
}
