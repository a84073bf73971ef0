//! Feeds arbitrary bytes to `Trainer::load_model`, as they are and with the checksum fixed up.
//! A file that loads must be exactly what `save_model` writes for the loaded trainer, and the
//! trainer must predict and train.
#![no_main]

use lazynet::checkpoint::crc32;
use lazynet::data::{Dataset, Images, CLASSES};
use lazynet::{Config, Trainer};
use libfuzzer_sys::fuzz_target;

/// Largest model this target builds or trains, in parameters. A valid config may ask for
/// 8 hidden layers of 4096 units: 121 million weights, about 1 GB with their gradients and
/// seconds per run, which would slow the fuzzer down without being a bug.
const MAX_PARAMETERS: usize = 1_000_000;

fn parameter_count(config: &Config) -> usize {
    let mut inputs = config.input_size * config.input_size;
    let mut count = 0;
    for &units in config.hidden.iter().chain(&[CLASSES]) {
        count += inputs * units + units;
        inputs = units;
    }
    count
}

/// Returns `data` with its last 4 bytes replaced by the CRC-32 of the rest, as a writer would
/// leave it. Random mutations almost never keep the checksum right, so without this copy
/// nearly every input would stop at the checksum and the checks after it would go unfuzzed.
fn resealed(data: &[u8]) -> Option<Vec<u8>> {
    let body = data.len().checked_sub(4)?;
    let mut file = data.to_vec();
    file[body..].copy_from_slice(&crc32(&data[..body]).to_le_bytes());
    Some(file)
}

fuzz_target!(|data: &[u8]| {
    check_file(data);
    if let Some(file) = resealed(data) {
        check_file(&file);
    }
});

fn check_file(data: &[u8]) {
    let Ok(mut trainer) = Trainer::load_model(data) else {
        return;
    };
    let saved = trainer.save_model().expect("a loaded model saves");
    assert!(
        saved == data,
        "save_model does not reproduce the file it loaded"
    );
    if parameter_count(trainer.config()) > MAX_PARAMETERS {
        return;
    }

    let side = trainer.config().input_size;
    let probabilities = trainer
        .predict(&vec![0.0; side * side])
        .expect("a loaded model predicts");
    assert_eq!(probabilities.len(), CLASSES);

    let images = Images {
        count: 2,
        rows: side,
        cols: side,
        pixels: vec![0; 2 * side * side],
    };
    let data = Dataset::new(images, vec![0, 1]).expect("two blank images form a dataset");
    trainer
        .set_training_data(data)
        .expect("images of inputSize load");
    // Finite weights can still be large enough to overflow, so a diverged step is an error,
    // not a failure of this target.
    let _ = trainer.train_steps(1);
}
