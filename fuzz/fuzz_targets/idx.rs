//! Feeds arbitrary bytes to the IDX decoder, first as one images file and one labels file, then
//! split in two as an images–labels pair. A pair that decodes becomes a trainer's training and
//! test data, and the trainer takes two steps on it.
#![no_main]

use lazynet::data::{decode_images, decode_labels, Dataset};
use lazynet::{Config, Trainer};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The first two bytes (little-endian) give the length of the images file in the pair.
    let Some((split, files)) = data.split_first_chunk::<2>() else {
        return;
    };
    let split = usize::from(u16::from_le_bytes(*split)).min(files.len());

    if let Ok(images) = decode_images(files) {
        assert_eq!(
            images.pixels.len(),
            images.count * images.rows * images.cols
        );
    }
    if let Ok(labels) = decode_labels(files) {
        assert!(labels.iter().all(|&label| label < 10));
    }

    let (images, labels) = files.split_at(split);
    let Ok(dataset) = Dataset::from_idx(images, labels) else {
        return;
    };
    assert_eq!(dataset.images().nrows(), dataset.len());
    assert!(dataset.images().iter().all(|v| (0.0..=1.0).contains(v)));

    // A small model and input size keep each run fast; loading resizes every image to 7×7.
    let config = Config {
        hidden: vec![3],
        batch_size: 4,
        input_size: 7,
        seed: 1,
        ..Config::default()
    };
    let mut trainer = Trainer::new(config).expect("the config is valid");
    trainer
        .set_training_data(dataset.clone())
        .expect("a decoded dataset loads as training data");
    trainer
        .set_test_data(dataset)
        .expect("a decoded dataset loads as test data");
    // `predict` takes only values in [0, 1], so resizing must keep them there.
    let resized = trainer.test_data().expect("test data was just loaded");
    if let Some(value) = resized.images().iter().find(|v| !(0.0..=1.0).contains(*v)) {
        panic!("resizing to 7×7 gave the pixel value {value}, outside [0, 1]");
    }
    trainer.train_steps(2).expect("two steps train");
    trainer.evaluate().expect("the test data evaluates");
});
