//! Model files: round trips on the bundled digits, the documented byte layout, and every kind
//! of damaged or inconsistent file, each rejected with an error that names the problem.

mod common;

use lazynet::checkpoint::{crc32, FORMAT_VERSION, MAGIC, MAX_STEP};
use lazynet::config::{ActivationKind, Schedule};
use lazynet::data::Dataset;
use lazynet::optim::OptimizerKind;
use lazynet::{Config, Initializer, Trainer};

/// Returns a config small enough to train a few dozen steps quickly in a debug build.
fn small_config(seed: u64) -> Config {
    Config {
        hidden: vec![32],
        seed,
        ..Config::default()
    }
}

/// Returns a trainer with the bundled training digits that has taken `steps` steps.
fn trained(config: Config, steps: u32) -> Trainer {
    let mut trainer = Trainer::new(config).unwrap();
    trainer.set_training_data(common::train_set()).unwrap();
    trainer.train_steps(steps).unwrap();
    trainer
}

/// Returns the first `k` bundled test digits, resized to `side`, as the values `predict` takes.
fn test_pixels(k: usize, side: usize) -> Vec<f32> {
    let data: Dataset = common::test_set().resized(side).unwrap();
    data.images()
        .rows()
        .into_iter()
        .take(k)
        .flatten()
        .copied()
        .collect()
}

fn bits(values: &[f32]) -> Vec<u32> {
    values.iter().map(|v| v.to_bits()).collect()
}

/// Saves and loads `trainer`, then checks that config, step, summary and the predictions on
/// 200 test digits are identical.
fn assert_round_trip(trainer: &mut Trainer) -> Trainer {
    let file = trainer.save_model().unwrap();
    let mut loaded = Trainer::load_model(&file).unwrap();
    assert_eq!(loaded.config(), trainer.config());
    assert_eq!(loaded.step(), trainer.step());
    assert_eq!(loaded.summary(), trainer.summary());

    let pixels = test_pixels(200, trainer.config().input_size);
    let expected = trainer.predict(&pixels).unwrap();
    let actual = loaded.predict(&pixels).unwrap();
    assert_eq!(bits(&actual), bits(&expected), "predictions differ");
    loaded
}

fn load_error(file: &[u8]) -> String {
    match Trainer::load_model(file) {
        Ok(_) => panic!("a damaged model file of {} bytes loaded", file.len()),
        Err(error) => error.message().to_string(),
    }
}

/// Asserts that `message` contains every one of `words`.
fn assert_mentions(message: &str, words: &[&str]) {
    for word in words {
        assert!(
            message.contains(word),
            "expected {word:?} in the error: {message}"
        );
    }
}

/// Replaces the last 4 bytes of `file` with the CRC-32 of the rest, as a writer would.
fn reseal(file: &mut [u8]) {
    let body = file.len() - 4;
    let checksum = crc32(&file[..body]);
    file[body..].copy_from_slice(&checksum.to_le_bytes());
}

/// One dense layer as the file stores it.
struct Layer {
    inputs: u32,
    units: u32,
    weights: Vec<f32>,
    biases: Vec<f32>,
}

impl Layer {
    fn unbuilt(units: u32) -> Self {
        Self {
            inputs: 0,
            units,
            weights: Vec::new(),
            biases: Vec::new(),
        }
    }

    /// Returns a layer with small weights that vary from one to the next.
    fn built(inputs: u32, units: u32) -> Self {
        let weights = (0..inputs * units)
            .map(|i| (i % 17) as f32 * 0.01 - 0.08)
            .collect();
        let biases = (0..units).map(|i| i as f32 * 0.001).collect();
        Self {
            inputs,
            units,
            weights,
            biases,
        }
    }
}

/// Writes a model file from the byte layout documented in `src/checkpoint.rs`, independently
/// of lazynet's writer, with fields that may be inconsistent on purpose.
fn write_file(config: &Config, step: u64, layers: &[Layer]) -> Vec<u8> {
    write_file_version(2, config, step, layers)
}

/// Writes a file of format `version`: 1 has no activation byte, so `config` must use ReLU.
fn write_file_version(version: u32, config: &Config, step: u64, layers: &[Layer]) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(b"LAZYNET\0");
    out.extend_from_slice(&version.to_le_bytes());

    out.extend_from_slice(&(config.input_size as u32).to_le_bytes());
    out.extend_from_slice(&(config.hidden.len() as u32).to_le_bytes());
    for &width in &config.hidden {
        out.extend_from_slice(&(width as u32).to_le_bytes());
    }
    let (initializer, std) = match config.initializer {
        Initializer::GlorotUniform => (0u8, 0.0f32),
        Initializer::HeUniform => (1, 0.0),
        Initializer::Normal { std } => (2, std),
        Initializer::Zeros => (3, 0.0),
    };
    out.push(initializer);
    out.extend_from_slice(&std.to_le_bytes());

    out.push(match config.optimizer {
        OptimizerKind::Adam => 0,
        OptimizerKind::Sgd => 1,
    });
    out.push(u8::from(config.learning_rate.is_some()));
    out.extend_from_slice(&config.learning_rate.unwrap_or(0.0).to_le_bytes());
    out.extend_from_slice(&config.momentum.to_le_bytes());
    out.extend_from_slice(&(config.batch_size as u32).to_le_bytes());
    out.extend_from_slice(&config.seed.to_le_bytes());
    out.push(u8::from(config.augment));
    out.extend_from_slice(&config.epochs.to_le_bytes());
    out.push(match config.schedule {
        Schedule::Cosine => 0,
        Schedule::Constant => 1,
    });
    out.extend_from_slice(&config.weight_decay.to_le_bytes());
    if version >= 2 {
        out.push(match config.activation {
            ActivationKind::Relu => 0,
            ActivationKind::Tanh => 1,
            ActivationKind::Sigmoid => 2,
        });
    } else {
        assert_eq!(config.activation, ActivationKind::Relu);
    }
    out.extend_from_slice(&step.to_le_bytes());

    out.extend_from_slice(&(layers.len() as u32).to_le_bytes());
    for layer in layers {
        out.extend_from_slice(&layer.inputs.to_le_bytes());
        out.extend_from_slice(&layer.units.to_le_bytes());
        for value in layer.weights.iter().chain(&layer.biases) {
            out.extend_from_slice(&value.to_le_bytes());
        }
    }

    let checksum = crc32(&out);
    out.extend_from_slice(&checksum.to_le_bytes());
    out
}

/// Returns a 4×4-input config with one hidden layer of 3 units, for hand-written files.
fn tiny_config() -> Config {
    Config {
        hidden: vec![3],
        input_size: 4,
        seed: 5,
        ..Config::default()
    }
}

/// Returns layers with weights that fit `tiny_config`.
fn tiny_layers() -> Vec<Layer> {
    vec![Layer::built(16, 3), Layer::built(3, 10)]
}

/// Returns the offset of the byte after the hidden widths in a file of `hidden_layers` hidden layers.
fn config_tail_offset(hidden_layers: usize) -> usize {
    20 + 4 * hidden_layers
}

// ---------------------------------------------------------------------------------------------
// Round trips
// ---------------------------------------------------------------------------------------------

#[test]
fn round_trip_before_first_batch() {
    let mut trainer = Trainer::new(small_config(11)).unwrap();
    assert_eq!(trainer.summary()[0].inputs, None);
    let loaded = assert_round_trip(&mut trainer);
    assert_eq!(loaded.step(), 0);
}

#[test]
fn unbuilt_file_has_no_weights() {
    let trainer = Trainer::new(small_config(11)).unwrap();
    let file = trainer.save_model().unwrap();
    // Header, one hidden width, the config tail, the step, the layer count, two layers of
    // (inputs, units) and the checksum.
    assert_eq!(file.len(), 20 + 4 + 38 + 8 + 4 + 2 * 8 + 4);
}

#[test]
fn round_trip_after_training() {
    let mut trainer = trained(small_config(12), 30);
    let loaded = assert_round_trip(&mut trainer);
    assert_eq!(loaded.step(), 30);
    assert_eq!(loaded.summary()[0].inputs, Some(784));
    assert_eq!(loaded.summary()[1].inputs, Some(32));
}

#[test]
fn round_trip_input_size_14() {
    let config = Config {
        input_size: 14,
        hidden: vec![16],
        ..small_config(13)
    };
    let mut trainer = trained(config, 10);
    let loaded = assert_round_trip(&mut trainer);
    assert_eq!(loaded.summary()[0].inputs, Some(196));
}

#[test]
fn round_trip_without_hidden_layers() {
    let config = Config {
        hidden: Vec::new(),
        ..small_config(14)
    };
    let mut trainer = trained(config, 10);
    let loaded = assert_round_trip(&mut trainer);
    assert_eq!(loaded.summary().len(), 1);
    assert_eq!(loaded.summary()[0].params, 784 * 10 + 10);
}

#[test]
fn round_trip_of_every_config_field() {
    let config = Config {
        hidden: vec![24, 12],
        activation: ActivationKind::Tanh,
        initializer: Initializer::Normal { std: 0.05 },
        optimizer: OptimizerKind::Sgd,
        learning_rate: Some(0.02),
        momentum: 0.8,
        batch_size: 32,
        seed: 12_345_678_901,
        augment: false,
        epochs: 5,
        schedule: Schedule::Constant,
        weight_decay: 0.001,
        input_size: 20,
    };
    let mut trainer = trained(config.clone(), 5);
    let loaded = assert_round_trip(&mut trainer);
    assert_eq!(loaded.config(), &config);
}

#[test]
fn unbuilt_model_builds_same_weights() {
    // The loaded trainer builds its weights from the saved seed on its first batch.
    let mut trainer = Trainer::new(small_config(15)).unwrap();
    let mut loaded = Trainer::load_model(&trainer.save_model().unwrap()).unwrap();
    let pixels = test_pixels(10, 28);
    assert_eq!(
        bits(&loaded.predict(&pixels).unwrap()),
        bits(&trainer.predict(&pixels).unwrap())
    );
}

#[test]
fn loaded_model_keeps_training() {
    let trainer = trained(small_config(16), 20);
    let mut loaded = Trainer::load_model(&trainer.save_model().unwrap()).unwrap();
    assert!(loaded.training_data().is_none());
    assert!(loaded.train_steps(1).is_err());

    loaded.set_training_data(common::train_set()).unwrap();
    loaded.set_test_data(common::test_set()).unwrap();
    let before = loaded.evaluate().unwrap().accuracy;
    let metrics = loaded.train_steps(30).unwrap();
    assert_eq!(metrics.step, 50);
    assert!(metrics.loss.is_finite());
    let after = loaded.evaluate().unwrap().accuracy;
    assert!(
        after > before,
        "accuracy {before} at step 20 and {after} at step 50"
    );
}

#[test]
fn saving_twice_gives_same_bytes() {
    let trainer = trained(small_config(17), 3);
    assert_eq!(trainer.save_model().unwrap(), trainer.save_model().unwrap());
}

#[test]
fn load_then_save_gives_same_bytes() {
    let file = trained(small_config(18), 3).save_model().unwrap();
    let loaded = Trainer::load_model(&file).unwrap();
    assert_eq!(loaded.save_model().unwrap(), file);
}

// ---------------------------------------------------------------------------------------------
// The byte layout
// ---------------------------------------------------------------------------------------------

#[test]
fn crc32_is_ieee() {
    // The standard check value of CRC-32/ISO-HDLC, the variant of gzip, PNG and Ethernet.
    assert_eq!(crc32(b"123456789"), 0xcbf4_3926);
    assert_eq!(crc32(b""), 0);
}

#[test]
fn header_fields() {
    let file = Trainer::new(small_config(19))
        .unwrap()
        .save_model()
        .unwrap();
    assert_eq!(&file[..8], &MAGIC);
    assert_eq!(&file[..8], b"LAZYNET\0");
    assert_eq!(u32::from_le_bytes(file[8..12].try_into().unwrap()), 2);
    assert_eq!(FORMAT_VERSION, 2);
    let body = file.len() - 4;
    assert_eq!(
        u32::from_le_bytes(file[body..].try_into().unwrap()),
        crc32(&file[..body])
    );
}

#[test]
fn documented_layout_matches_writer() {
    let trainer = trained(
        Config {
            input_size: 7,
            hidden: vec![5, 4],
            learning_rate: Some(0.003),
            ..small_config(20)
        },
        4,
    );
    let mut model = trainer.model().clone();
    let parameters: Vec<Vec<f32>> = model
        .parameters_and_gradients()
        .into_iter()
        .map(|(values, _)| values.to_vec())
        .collect();
    let layers: Vec<Layer> = [(49, 5), (5, 4), (4, 10)]
        .iter()
        .enumerate()
        .map(|(index, &(inputs, units))| Layer {
            inputs,
            units,
            weights: parameters[2 * index].clone(),
            biases: parameters[2 * index + 1].clone(),
        })
        .collect();
    let expected = write_file(trainer.config(), 4, &layers);
    assert_eq!(trainer.save_model().unwrap(), expected);
}

#[test]
fn hand_written_file_loads() {
    let file = write_file(&tiny_config(), 7, &tiny_layers());
    let mut trainer = Trainer::load_model(&file).unwrap();
    assert_eq!(trainer.config(), &tiny_config());
    assert_eq!(trainer.step(), 7);
    let summary = trainer.summary();
    assert_eq!(summary[0].inputs, Some(16));
    assert_eq!(summary[2].inputs, Some(3));
    assert_eq!(trainer.predict(&[0.5; 16]).unwrap().len(), 10);
}

// ---------------------------------------------------------------------------------------------
// Rejected files
// ---------------------------------------------------------------------------------------------

#[test]
fn wrong_magic() {
    let message = load_error(b"PK\x03\x04 a zip file, not a model");
    assert_mentions(&message, &["not a lazynet model file", "504b0304"]);

    // An IDX file of the bundled data, a plausible mix-up.
    let message = load_error(&common::read(common::TEST_LABELS));
    assert_mentions(&message, &["not a lazynet model file", "saveModel"]);
}

#[test]
fn future_version() {
    let mut file = write_file(&tiny_config(), 0, &tiny_layers());
    file[8..12].copy_from_slice(&3u32.to_le_bytes());
    let message = load_error(&file);
    assert_mentions(
        &message,
        &["newer lazynet", "format version 3", "reads version 2"],
    );
}

#[test]
fn version_1_file_loads_as_relu() {
    // Files saved before the activation byte existed, such as models kept in a browser's
    // IndexedDB by an earlier lazynet, must still open.
    let file = write_file_version(1, &tiny_config(), 7, &tiny_layers());
    assert_eq!(
        file.len() + 1,
        write_file(&tiny_config(), 7, &tiny_layers()).len()
    );
    let mut trainer = Trainer::load_model(&file).unwrap();
    assert_eq!(trainer.config(), &tiny_config());
    assert_eq!(trainer.config().activation, ActivationKind::Relu);
    assert_eq!(trainer.step(), 7);
    assert_eq!(trainer.predict(&[0.5; 16]).unwrap().len(), 10);
    // Saving again writes the current version.
    let saved = trainer.save_model().unwrap();
    assert_eq!(u32::from_le_bytes(saved[8..12].try_into().unwrap()), 2);
}

#[test]
fn every_activation_round_trips() {
    for activation in [
        ActivationKind::Relu,
        ActivationKind::Tanh,
        ActivationKind::Sigmoid,
    ] {
        let config = Config {
            activation,
            ..small_config(21)
        };
        let mut trainer = trained(config, 3);
        let loaded = assert_round_trip(&mut trainer);
        assert_eq!(loaded.config().activation, activation);
        assert_eq!(loaded.summary()[1].name, format!("{}_1", activation.name()));
    }
}

#[test]
fn version_zero() {
    let mut file = write_file(&tiny_config(), 0, &tiny_layers());
    file[8..12].copy_from_slice(&0u32.to_le_bytes());
    assert_mentions(&load_error(&file), &["format version 0 is invalid"]);
}

#[test]
fn every_truncation() {
    let file = write_file(&tiny_config(), 3, &tiny_layers());
    for len in 0..file.len() {
        let message = load_error(&file[..len]);
        assert_mentions(&message, &["truncated"]);
    }
}

#[test]
fn truncation_names_the_field() {
    let file = write_file(&tiny_config(), 3, &tiny_layers());
    // Cut in the middle of dense_2's weights: the header, one width, the config tail, the
    // step, the layer count, dense_1 (8 + 4·(16·3 + 3) bytes), dense_2's 8-byte header.
    let dense_2_weights = config_tail_offset(1) + 38 + 8 + 4 + 8 + 4 * 51 + 8;
    let message = load_error(&file[..dense_2_weights + 10]);
    assert_mentions(
        &message,
        &[
            "truncated",
            "dense_2's weights",
            "120 bytes",
            "only 10 remain",
        ],
    );
}

#[test]
fn checksum_mismatch() {
    let mut file = write_file(&tiny_config(), 3, &tiny_layers());
    let last_bias = file.len() - 5;
    file[last_bias] ^= 0x10;
    assert_mentions(&load_error(&file), &["corrupt", "CRC-32", "again"]);
}

#[test]
fn trailing_bytes() {
    let mut file = write_file(&tiny_config(), 3, &tiny_layers());
    file.extend_from_slice(&[0; 3]);
    assert_mentions(
        &load_error(&file),
        &["3 unexpected bytes follow the checksum"],
    );
}

#[test]
fn invalid_config_values() {
    let cases: [(Config, &[&str]); 6] = [
        (
            Config {
                batch_size: 0,
                ..tiny_config()
            },
            &["invalid config", "batchSize: 0"],
        ),
        (
            Config {
                learning_rate: Some(100.0),
                ..tiny_config()
            },
            &["invalid config", "learningRate: 100"],
        ),
        (
            Config {
                momentum: f32::NAN,
                ..tiny_config()
            },
            &["invalid config", "momentum: NaN"],
        ),
        (
            Config {
                epochs: 0,
                ..tiny_config()
            },
            &["invalid config", "epochs: 0"],
        ),
        (
            Config {
                initializer: Initializer::Normal { std: -1.0 },
                ..tiny_config()
            },
            &["invalid config", "standard deviation -1"],
        ),
        (
            Config {
                input_size: 2,
                ..tiny_config()
            },
            &["invalid config", "inputSize: 2"],
        ),
    ];
    for (config, words) in cases {
        let layers = [Layer::unbuilt(3), Layer::unbuilt(10)];
        assert_mentions(&load_error(&write_file(&config, 0, &layers)), words);
    }
}

#[test]
fn too_many_hidden_layers() {
    let config = Config {
        hidden: vec![2; 9],
        ..tiny_config()
    };
    let layers: Vec<Layer> = (0..10).map(|_| Layer::unbuilt(2)).collect();
    assert_mentions(
        &load_error(&write_file(&config, 0, &layers)),
        &["invalid config", "hidden: 9 layers"],
    );
}

#[test]
fn unknown_codes() {
    let tail = config_tail_offset(1);
    // (offset from the end of the hidden widths, code, words expected)
    let cases: [(usize, u8, &[&str]); 6] = [
        (0, 4, &["initializer code 4 is unknown"]),
        (5, 2, &["optimizer code 2 is unknown"]),
        (6, 2, &["learning-rate flag code 2"]),
        (27, 2, &["augment flag code 2"]),
        (32, 9, &["schedule code 9 is unknown"]),
        (37, 3, &["activation code 3 is unknown"]),
    ];
    for (offset, code, words) in cases {
        let mut file = write_file(&tiny_config(), 0, &tiny_layers());
        file[tail + offset] = code;
        reseal(&mut file);
        assert_mentions(&load_error(&file), words);
    }
}

#[test]
fn unused_fields_must_be_zero() {
    let tail = config_tail_offset(1);
    let mut file = write_file(&tiny_config(), 0, &tiny_layers());
    file[tail + 1..tail + 5].copy_from_slice(&1.0f32.to_le_bytes());
    reseal(&mut file);
    assert_mentions(&load_error(&file), &["initializer code 0", "expected 0"]);

    let mut file = write_file(&tiny_config(), 0, &tiny_layers());
    file[tail + 7..tail + 11].copy_from_slice(&0.5f32.to_le_bytes());
    reseal(&mut file);
    assert_mentions(&load_error(&file), &["learning rate 0.5 is stored"]);
}

#[test]
fn step_out_of_range() {
    let file = write_file(&tiny_config(), MAX_STEP + 1, &tiny_layers());
    assert_mentions(&load_error(&file), &["step count", "out of range"]);
    assert!(Trainer::load_model(&write_file(&tiny_config(), MAX_STEP, &tiny_layers())).is_ok());
}

#[test]
fn layer_count_differs_from_config() {
    let layers = [Layer::built(16, 3), Layer::built(3, 3), Layer::built(3, 10)];
    assert_mentions(
        &load_error(&write_file(&tiny_config(), 0, &layers)),
        &["3 dense layers stored", "give 2"],
    );
}

#[test]
fn units_differ_from_config() {
    let layers = [Layer::built(16, 4), Layer::built(4, 10)];
    assert_mentions(
        &load_error(&write_file(&tiny_config(), 0, &layers)),
        &["dense_1 has 4 units", "config gives it 3"],
    );
}

#[test]
fn shapes_do_not_chain() {
    let layers = [Layer::built(16, 3), Layer::built(5, 10)];
    assert_mentions(
        &load_error(&write_file(&tiny_config(), 0, &layers)),
        &[
            "dense_2 takes 5 inputs",
            "dense_1 outputs 3",
            "do not chain",
        ],
    );
}

#[test]
fn first_layer_differs_from_input_size() {
    let layers = [Layer::built(25, 3), Layer::built(3, 10)];
    assert_mentions(
        &load_error(&write_file(&tiny_config(), 0, &layers)),
        &["dense_1 takes 25 inputs", "inputSize 4 gives 16"],
    );
}

#[test]
fn partly_built_model() {
    let layers = [Layer::built(16, 3), Layer::unbuilt(10)];
    assert_mentions(
        &load_error(&write_file(&tiny_config(), 0, &layers)),
        &["dense_2 has no weights", "built or none"],
    );
    let layers = [Layer::unbuilt(3), Layer::built(3, 10)];
    assert_mentions(
        &load_error(&write_file(&tiny_config(), 0, &layers)),
        &["dense_2 has weights", "built or none"],
    );
}

#[test]
fn non_finite_weights() {
    let mut layers = tiny_layers();
    layers[1].weights[7] = f32::NAN;
    assert_mentions(
        &load_error(&write_file(&tiny_config(), 0, &layers)),
        &["dense_2", "non-finite weight NaN", "index 7"],
    );

    let mut layers = tiny_layers();
    layers[0].biases[2] = f32::NEG_INFINITY;
    assert_mentions(
        &load_error(&write_file(&tiny_config(), 0, &layers)),
        &["dense_1", "non-finite bias -inf", "index 2"],
    );
}

#[test]
fn huge_declared_sizes() {
    // Sizes near u32::MAX must fail on the length check, before anything is allocated.
    let mut file = write_file(&tiny_config(), 0, &tiny_layers());
    file[16..20].copy_from_slice(&u32::MAX.to_le_bytes());
    assert_mentions(&load_error(&file), &["truncated", "hidden widths"]);

    let layer_count = config_tail_offset(1) + 38 + 8;
    let mut file = write_file(&tiny_config(), 0, &tiny_layers());
    file[layer_count..layer_count + 4].copy_from_slice(&u32::MAX.to_le_bytes());
    assert_mentions(&load_error(&file), &["truncated"]);

    let dense_1 = layer_count + 4;
    let mut file = write_file(&tiny_config(), 0, &tiny_layers());
    file[dense_1..dense_1 + 8].fill(0xff);
    assert_mentions(&load_error(&file), &["truncated", "dense_1's weights"]);
}

#[test]
fn every_byte_flip_is_rejected() {
    let file = write_file(&tiny_config(), 3, &tiny_layers());
    for position in 0..file.len() {
        for mask in [0x01, 0x80, 0xff] {
            let mut damaged = file.clone();
            damaged[position] ^= mask;
            assert!(
                Trainer::load_model(&damaged).is_err(),
                "flipping byte {position} with mask {mask:#04x} was not detected"
            );
        }
    }
}

#[test]
fn byte_flips_in_trained_model_are_rejected() {
    let file = trained(small_config(21), 2).save_model().unwrap();
    // Every 97th byte of the 100 KB file, and all of the header.
    let positions = (0..200).chain((200..file.len()).step_by(97));
    for position in positions {
        let mut damaged = file.clone();
        damaged[position] ^= 0x04;
        assert!(
            Trainer::load_model(&damaged).is_err(),
            "flipping byte {position} was not detected"
        );
    }
}

#[test]
fn normal_std_limits() {
    // A standard deviation far above 1 would overflow weights to infinity, and such a model
    // could not be saved, so the config rejects it.
    for std in [f32::MAX, 1e30, 100.5, -1.0, f32::NAN] {
        let config = Config {
            initializer: Initializer::Normal { std },
            ..tiny_config()
        };
        let message = Trainer::new(config)
            .err()
            .expect("rejected")
            .message()
            .to_string();
        assert_mentions(
            &message,
            &["normal standard deviation", "expected 0 to 100"],
        );
    }

    let config = Config {
        initializer: Initializer::Normal { std: 100.0 },
        ..tiny_config()
    };
    let mut trainer = Trainer::new(config).unwrap();
    trainer.predict(&[0.0; 16]).unwrap();
    assert!(Trainer::load_model(&trainer.save_model().unwrap()).is_ok());
}
