//! Builds a `Config` field by field from arbitrary bytes and checks that `Config::validate`
//! and `Trainer::new` agree. A valid config must survive a model file round trip, before and
//! after its first batch. The bytes left over are fed to the name parsers.
#![no_main]

use lazynet::config::{ActivationKind, Schedule};
use lazynet::data::CLASSES;
use lazynet::optim::OptimizerKind;
use lazynet::{Config, Initializer, Trainer};
use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;

/// Largest model this target builds, in parameters, so that each run stays fast and far below
/// the fuzzer's memory limit.
const MAX_PARAMETERS: usize = 200_000;

/// Values at and around the edges of the config's ranges, and non-finite ones.
const EDGE_VALUES: [f32; 16] = [
    0.0,
    -0.0,
    1e-3,
    0.05,
    0.1,
    0.100_000_01,
    0.9,
    0.999_999_94,
    1.0,
    10.0,
    10.000_001,
    -1.0,
    f32::MIN_POSITIVE,
    f32::NAN,
    f32::INFINITY,
    f32::NEG_INFINITY,
];

/// Returns one of `EDGE_VALUES` or an arbitrary bit pattern, half of the time each.
fn number(input: &mut Unstructured) -> Result<f32> {
    if input.arbitrary::<bool>()? {
        Ok(*input.choose(&EDGE_VALUES)?)
    } else {
        Ok(f32::from_bits(input.arbitrary()?))
    }
}

fn config(input: &mut Unstructured) -> Result<Config> {
    let layers = input.int_in_range(0..=9)?;
    let mut hidden = Vec::with_capacity(layers);
    for _ in 0..layers {
        hidden.push(input.int_in_range(0..=4100)?);
    }
    let initializer = match input.int_in_range(0..=3)? {
        0 => Initializer::GlorotUniform,
        1 => Initializer::HeUniform,
        2 => Initializer::Normal {
            std: number(input)?,
        },
        _ => Initializer::Zeros,
    };
    let optimizer = if input.arbitrary()? {
        OptimizerKind::Adam
    } else {
        OptimizerKind::Sgd
    };
    let learning_rate = if input.arbitrary()? {
        Some(number(input)?)
    } else {
        None
    };
    let activation = match input.int_in_range(0..=2)? {
        0 => ActivationKind::Relu,
        1 => ActivationKind::Tanh,
        _ => ActivationKind::Sigmoid,
    };
    Ok(Config {
        hidden,
        activation,
        initializer,
        optimizer,
        learning_rate,
        momentum: number(input)?,
        batch_size: input.int_in_range(0..=8200)?,
        seed: input.arbitrary()?,
        augment: input.arbitrary()?,
        epochs: input.int_in_range(0..=1010)?,
        schedule: if input.arbitrary()? {
            Schedule::Cosine
        } else {
            Schedule::Constant
        },
        weight_decay: number(input)?,
        input_size: input.int_in_range(0..=30)?,
    })
}

fn parameter_count(config: &Config) -> usize {
    let mut inputs = config.input_size * config.input_size;
    let mut count = 0;
    for &units in config.hidden.iter().chain(&[CLASSES]) {
        count += inputs * units + units;
        inputs = units;
    }
    count
}

/// Saves `trainer`, loads the file and checks that config, summary and step survive.
fn round_trip(trainer: &Trainer) -> Trainer {
    let file = trainer.save_model().expect("a valid trainer saves");
    let loaded = Trainer::load_model(&file).expect("a saved model loads");
    assert_eq!(loaded.config(), trainer.config());
    assert_eq!(loaded.summary(), trainer.summary());
    assert_eq!(loaded.step(), trainer.step());
    loaded
}

fn check_names(text: &str) {
    if let Ok(initializer) = Initializer::from_name(text) {
        assert_eq!(initializer.name(), text);
    }
    if let Ok(optimizer) = OptimizerKind::from_name(text) {
        assert_eq!(optimizer.name(), text);
    }
    if let Ok(schedule) = Schedule::from_name(text) {
        assert_eq!(schedule.name(), text);
    }
    if let Ok(activation) = ActivationKind::from_name(text) {
        assert_eq!(activation.name(), text);
    }
}

fuzz_target!(|data: &[u8]| {
    let mut input = Unstructured::new(data);
    let Ok(config) = config(&mut input) else {
        return;
    };
    check_names(&String::from_utf8_lossy(input.take_rest()));

    let valid = config.validate();
    let trainer = Trainer::new(config.clone());
    assert_eq!(
        valid.is_ok(),
        trainer.is_ok(),
        "validate and Trainer::new disagree"
    );
    let Ok(mut trainer) = trainer else {
        return;
    };
    round_trip(&trainer);

    if parameter_count(&config) > MAX_PARAMETERS {
        return;
    }
    let blank = vec![0.0; config.input_size * config.input_size];
    let before = trainer.predict(&blank).expect("a blank image predicts");
    let mut loaded = round_trip(&trainer);
    let after = loaded.predict(&blank).expect("a loaded model predicts");
    let bits = |values: &[f32]| values.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
    assert_eq!(
        bits(&before),
        bits(&after),
        "predictions change after loading"
    );
});
