//! The trainer on the bundled digits: config checks, reproducibility, accuracy, errors, divergence.

mod common;

use lazynet::data::{Dataset, Images};
use lazynet::optim::OptimizerKind;
use lazynet::train::{Schedule, MAX_BATCH_SIZE, MAX_HIDDEN_LAYERS, MAX_LEARNING_RATE, MAX_WIDTH};
use lazynet::{Config, Initializer, Trainer};

/// Returns a config small enough to train a few dozen steps quickly in a debug build.
fn small_config(seed: u64) -> Config {
    Config {
        hidden: vec![32],
        seed,
        ..Config::default()
    }
}

fn trainer_with_data(config: Config) -> Trainer {
    let mut trainer = Trainer::new(config).unwrap();
    trainer.set_training_data(common::train_set()).unwrap();
    trainer.set_test_data(common::test_set()).unwrap();
    trainer
}

fn validation_error(config: Config) -> String {
    config.validate().unwrap_err().message().to_string()
}

/// Returns every parameter of the trainer's model as flat vectors.
fn parameters(trainer: &Trainer) -> Vec<Vec<f32>> {
    let mut model = trainer.model().clone();
    model
        .parameters_and_gradients()
        .into_iter()
        .map(|(values, _)| values.to_vec())
        .collect()
}

/// Returns `k` test images as the flat row-major values `predict` takes.
fn test_pixels(data: &Dataset, k: usize) -> Vec<f32> {
    data.images()
        .rows()
        .into_iter()
        .take(k)
        .flatten()
        .copied()
        .collect()
}

#[test]
fn default_config_is_valid() {
    assert_eq!(Config::default().validate(), Ok(()));
}

#[test]
fn limits_are_valid() {
    let config = Config {
        hidden: vec![MAX_WIDTH; MAX_HIDDEN_LAYERS],
        learning_rate: Some(MAX_LEARNING_RATE),
        momentum: 0.0,
        batch_size: MAX_BATCH_SIZE,
        ..Config::default()
    };
    assert_eq!(config.validate(), Ok(()));
}

#[test]
fn no_hidden_layers_is_valid() {
    let config = Config {
        hidden: Vec::new(),
        ..Config::default()
    };
    assert_eq!(config.validate(), Ok(()));
}

#[test]
fn batch_size_zero() {
    let message = validation_error(Config {
        batch_size: 0,
        ..Config::default()
    });
    assert!(message.contains("batchSize"), "{message}");
    assert!(message.contains('0'), "{message}");
}

#[test]
fn batch_size_too_large() {
    let message = validation_error(Config {
        batch_size: MAX_BATCH_SIZE + 1,
        ..Config::default()
    });
    assert!(message.contains("batchSize"), "{message}");
    assert!(message.contains("8193"), "{message}");
}

#[test]
fn learning_rate_out_of_range() {
    for rate in [f32::NAN, f32::INFINITY, -0.1, 0.0, MAX_LEARNING_RATE * 1.5] {
        let message = validation_error(Config {
            learning_rate: Some(rate),
            ..Config::default()
        });
        assert!(message.contains("learningRate"), "rate {rate}: {message}");
        assert!(
            message.contains(&rate.to_string()),
            "rate {rate}: {message}"
        );
    }
}

#[test]
fn momentum_out_of_range() {
    for momentum in [1.0, 1.5, -0.1, f32::NAN] {
        let message = validation_error(Config {
            momentum,
            ..Config::default()
        });
        assert!(
            message.contains("momentum"),
            "momentum {momentum}: {message}"
        );
        assert!(
            message.contains(&momentum.to_string()),
            "momentum {momentum}: {message}"
        );
    }
}

#[test]
fn hidden_width_zero() {
    let message = validation_error(Config {
        hidden: vec![64, 0],
        ..Config::default()
    });
    assert!(message.contains("hidden"), "{message}");
    assert!(message.contains("width 0"), "{message}");
}

#[test]
fn hidden_width_too_large() {
    let message = validation_error(Config {
        hidden: vec![MAX_WIDTH + 1],
        ..Config::default()
    });
    assert!(message.contains("hidden"), "{message}");
    assert!(message.contains("4097"), "{message}");
}

#[test]
fn too_many_hidden_layers() {
    let message = validation_error(Config {
        hidden: vec![8; MAX_HIDDEN_LAYERS + 1],
        ..Config::default()
    });
    assert!(message.contains("hidden"), "{message}");
    assert!(message.contains("9 layers"), "{message}");
}

#[test]
fn trainer_rejects_invalid_config() {
    let config = Config {
        batch_size: 0,
        ..Config::default()
    };
    let error = Trainer::new(config)
        .err()
        .expect("batch size 0 is rejected");
    assert!(error.message().contains("batchSize"), "{error}");
}

#[test]
fn initializer_names() {
    assert_eq!(
        Initializer::from_name("glorot_uniform"),
        Ok(Initializer::GlorotUniform)
    );
    assert_eq!(
        Initializer::from_name("he_uniform"),
        Ok(Initializer::HeUniform)
    );
    assert_eq!(Initializer::from_name("zeros"), Ok(Initializer::Zeros));
    assert_eq!(
        Initializer::from_name("normal"),
        Ok(Initializer::Normal { std: 1.0 })
    );
    for initializer in [
        Initializer::GlorotUniform,
        Initializer::HeUniform,
        Initializer::Zeros,
    ] {
        assert_eq!(Initializer::from_name(initializer.name()), Ok(initializer));
    }
}

#[test]
fn initializer_unknown_name() {
    for name in ["xavier", "", "Glorot_Uniform"] {
        let error = Initializer::from_name(name).unwrap_err();
        assert!(error.message().contains("unknown"), "{name:?}: {error}");
        assert!(
            error.message().contains(&format!("{name:?}")),
            "{name:?}: {error}"
        );
    }
}

#[test]
fn learning_rate_default_per_optimizer() {
    let adam = Config::default();
    let sgd = Config {
        optimizer: OptimizerKind::Sgd,
        ..Config::default()
    };
    let explicit = Config {
        learning_rate: Some(0.3),
        ..Config::default()
    };
    assert_eq!(adam.learning_rate(), 0.001);
    assert_eq!(sgd.learning_rate(), 0.05);
    assert_eq!(explicit.learning_rate(), 0.3);
}

#[test]
fn same_seed_same_training() {
    let mut first = trainer_with_data(small_config(7));
    let mut second = trainer_with_data(small_config(7));
    let first_metrics = first.train_steps(40).unwrap();
    let second_metrics = second.train_steps(40).unwrap();

    assert_eq!(first_metrics.loss.to_bits(), second_metrics.loss.to_bits());
    assert_eq!(
        first_metrics.accuracy.to_bits(),
        second_metrics.accuracy.to_bits()
    );
    assert_eq!(first_metrics, second_metrics);
    assert_eq!(parameters(&first), parameters(&second));
    assert_eq!(first.evaluate().unwrap(), second.evaluate().unwrap());
}

#[test]
fn different_seed_different_training() {
    let mut first = trainer_with_data(small_config(7));
    let mut second = trainer_with_data(small_config(8));
    let first_metrics = first.train_steps(40).unwrap();
    let second_metrics = second.train_steps(40).unwrap();

    assert_ne!(first_metrics.loss, second_metrics.loss);
    assert_ne!(parameters(&first), parameters(&second));
    assert_ne!(first.evaluate().unwrap(), second.evaluate().unwrap());
}

#[test]
fn split_calls_match_one_call() {
    // Training is a pure function of the seed and the step count, however the steps are
    // grouped into calls.
    let mut whole = trainer_with_data(small_config(3));
    let mut parts = trainer_with_data(small_config(3));
    whole.train_steps(30).unwrap();
    parts.train_steps(10).unwrap();
    parts.train_steps(20).unwrap();
    assert_eq!(parameters(&whole), parameters(&parts));
}

#[test]
fn default_config_learns_digits() {
    // 150 steps of 64 digits, about one epoch of the 9,000, take a few seconds in a debug
    // build. This setup reached 92.5 % held-out accuracy with seed 0, so 90 % leaves room
    // while still failing for a model that learns little.
    let mut trainer = trainer_with_data(Config::default());
    let untrained = trainer.evaluate().unwrap();
    assert!(
        untrained.accuracy < 0.2,
        "untrained accuracy {}",
        untrained.accuracy
    );

    let metrics = trainer.train_steps(150).unwrap();
    assert_eq!(metrics.step, 150);
    // Epoch 1 takes 141 batches (140 of 64 and a last one of 40), so 9 batches of 64 follow.
    assert!(
        (metrics.epoch - (1.0 + 9.0 * 64.0 / 9000.0)).abs() < 1e-12,
        "epoch {}",
        metrics.epoch
    );

    // Distortions and the half-epoch warm-up slow the first epoch a little: 88.6 % with seed 0.
    let evaluation = trainer.evaluate().unwrap();
    assert!(
        evaluation.accuracy >= 0.85,
        "held-out accuracy {}",
        evaluation.accuracy
    );
    assert!(
        evaluation.loss < untrained.loss / 4.0,
        "loss {} from {}",
        evaluation.loss,
        untrained.loss
    );

    let total: u32 = evaluation.confusion.iter().flatten().sum();
    assert_eq!(total, 1000);
    for (digit, row) in evaluation.confusion.iter().enumerate() {
        assert_eq!(row.iter().sum::<u32>(), 100, "test digits labelled {digit}");
    }
    let diagonal: u32 = (0..10)
        .map(|digit| evaluation.confusion[digit][digit])
        .sum();
    assert_eq!(diagonal as f32 / 1000.0, evaluation.accuracy);
}

#[test]
fn predict_agrees_with_evaluate() {
    let mut trainer = trainer_with_data(small_config(1));
    trainer.train_steps(30).unwrap();
    let test = common::test_set();
    let probabilities = trainer.predict(&test_pixels(&test, 1000)).unwrap();
    assert_eq!(probabilities.len(), 1000 * 10);

    let mut correct = 0;
    for (row, &label) in probabilities.chunks(10).zip(test.labels()) {
        let sum: f32 = row.iter().sum();
        assert!((sum - 1.0).abs() < 1e-5, "probabilities sum to {sum}");
        assert!(row.iter().all(|p| (0.0..=1.0).contains(p)), "{row:?}");
        let predicted = (0..10).fold(0, |best, k| if row[k] > row[best] { k } else { best });
        correct += usize::from(predicted == usize::from(label));
    }
    let evaluation = trainer.evaluate().unwrap();
    assert_eq!(correct as f32 / 1000.0, evaluation.accuracy);
}

#[test]
fn predict_before_training_builds_784() {
    let mut trainer = Trainer::new(small_config(0)).unwrap();
    let probabilities = trainer.predict(&[0.5; 784 * 2]).unwrap();
    assert_eq!(probabilities.len(), 20);
    assert_eq!(trainer.model().input_width(), Some(784));
}

#[test]
fn predict_image_of_drawing() {
    let mut trainer = Trainer::new(small_config(0)).unwrap();
    let mut rgba = [255u8, 255, 255, 255].repeat(100 * 100);
    for y in 20..80 {
        for x in 45..55 {
            rgba[4 * (y * 100 + x)..4 * (y * 100 + x) + 3].fill(0);
        }
    }
    let prediction = trainer.predict_image(&rgba, 100, 100).unwrap().unwrap();
    assert_eq!(prediction.input.len(), 784);
    assert_eq!(prediction.probabilities.len(), 10);
    let sum: f32 = prediction.probabilities.iter().sum();
    assert!((sum - 1.0).abs() < 1e-5, "probabilities sum to {sum}");
}

#[test]
fn predict_image_of_empty_canvas() {
    let mut trainer = Trainer::new(small_config(0)).unwrap();
    let white = [255u8; 4].repeat(50 * 50);
    assert_eq!(trainer.predict_image(&white, 50, 50), Ok(None));
}

#[test]
fn train_without_data() {
    let mut trainer = Trainer::new(small_config(0)).unwrap();
    let error = trainer.train_steps(1).unwrap_err();
    assert!(error.message().contains("no training data"), "{error}");

    trainer.set_training_data(common::train_set()).unwrap();
    assert!(trainer.train_steps(1).is_ok());
}

#[test]
fn train_zero_steps() {
    let mut trainer = trainer_with_data(small_config(0));
    let error = trainer.train_steps(0).unwrap_err();
    assert!(error.message().contains("0 steps"), "{error}");
    assert_eq!(trainer.step(), 0);
    assert!(trainer.train_steps(1).is_ok());
}

#[test]
fn evaluate_without_test_data() {
    let mut trainer = Trainer::new(small_config(0)).unwrap();
    trainer.set_training_data(common::train_set()).unwrap();
    let error = trainer.evaluate().unwrap_err();
    assert!(error.message().contains("no test data"), "{error}");

    trainer.set_test_data(common::test_set()).unwrap();
    assert!(trainer.evaluate().is_ok());
}

#[test]
fn predict_partial_sample() {
    let mut trainer = trainer_with_data(small_config(0));
    let error = trainer.predict(&[0.0; 785]).unwrap_err();
    assert!(error.message().contains("785"), "{error}");
    assert!(error.message().contains("784"), "{error}");
    assert!(trainer.predict(&[0.0; 784]).is_ok());
}

#[test]
fn predict_empty_input() {
    let mut trainer = Trainer::new(small_config(0)).unwrap();
    assert!(trainer.predict(&[]).is_err());
}

#[test]
fn predict_nan_pixel() {
    let mut trainer = trainer_with_data(small_config(0));
    let mut pixels = vec![0.5; 784];
    pixels[300] = f32::NAN;
    let error = trainer.predict(&pixels).unwrap_err();
    assert!(error.message().contains("index 300"), "{error}");
    assert!(error.message().contains("NaN"), "{error}");

    pixels[300] = 0.5;
    assert!(trainer.predict(&pixels).is_ok());
    assert!(trainer.train_steps(1).is_ok());
}

#[test]
fn data_of_other_size_resized() {
    let mut trainer = trainer_with_data(small_config(0));
    trainer.train_steps(1).unwrap();
    let images = Images {
        count: 2,
        rows: 14,
        cols: 14,
        pixels: vec![0; 2 * 196],
    };
    let small = Dataset::new(images, vec![3, 4]).unwrap();

    trainer.set_test_data(small).unwrap();
    let test = trainer.test_data().unwrap();
    assert_eq!((test.rows(), test.cols()), (28, 28));
    assert_eq!(test.images().ncols(), 784);
    assert!(trainer.evaluate().is_ok());
    assert!(trainer.train_steps(1).is_ok());
}

#[test]
fn summary_after_training() {
    let mut trainer = trainer_with_data(small_config(0));
    assert_eq!(trainer.summary()[0].inputs, None);
    trainer.train_steps(1).unwrap();
    let summary = trainer.summary();
    assert_eq!(summary[0].inputs, Some(784));
    assert_eq!(summary[0].params, 784 * 32 + 32);
    assert_eq!(summary[2].params, 32 * 10 + 10);
}

/// SGD at the largest allowed rate with momentum 0.9 on four hidden layers. With seed 0 the
/// loss grows to about 1e31 and becomes NaN at step 7.
fn diverging_config() -> Config {
    Config {
        hidden: vec![32; 4],
        optimizer: OptimizerKind::Sgd,
        learning_rate: Some(MAX_LEARNING_RATE),
        momentum: 0.9,
        seed: 0,
        schedule: Schedule::Constant,
        augment: false,
        ..Config::default()
    }
}

#[test]
fn huge_learning_rate_diverges() {
    let mut trainer = trainer_with_data(diverging_config());
    let error = (0..50)
        .find_map(|_| trainer.train_steps(1).err())
        .expect("SGD at rate 10 diverges within 50 steps");

    assert!(error.message().contains("diverged"), "{error}");
    assert!(error.message().contains("learning rate"), "{error}");
    let mut model = trainer.model().clone();
    assert!(
        model.is_finite(),
        "parameters are not finite after: {error}"
    );
    // The rolled-back weights still give usable predictions, not merely finite weights.
    let digit = common::test_set().images().row(0).to_vec();
    let probabilities = trainer.predict(&digit).unwrap();
    assert!(
        probabilities.iter().all(|p| p.is_finite()),
        "{probabilities:?}"
    );
}

#[test]
fn divergence_counts_completed_steps() {
    let mut trainer = trainer_with_data(diverging_config());
    let error = (0..50)
        .find_map(|_| trainer.train_steps(1).err())
        .expect("SGD at rate 10 diverges within 50 steps");
    let failed_step = trainer.step() + 1;
    assert!(
        error.message().contains(&format!("step {failed_step}")),
        "{error}"
    );
}

#[test]
fn divergence_never_leaves_nan_weights() {
    // Eight narrow layers, batches of 8 and momentum 0.99 overflow an activation to infinity
    // while the loss stays finite, because the next layer turns inf·0 into NaN and ReLU maps
    // it to 0. That NaN must not reach the parameters unreported.
    let config = Config {
        hidden: vec![16; 8],
        optimizer: OptimizerKind::Sgd,
        learning_rate: Some(MAX_LEARNING_RATE),
        momentum: 0.99,
        batch_size: 8,
        seed: 0,
        schedule: Schedule::Constant,
        augment: false,
        ..Config::default()
    };
    let mut trainer = trainer_with_data(config);
    for _ in 0..30 {
        let result = trainer.train_steps(1);
        let mut model = trainer.model().clone();
        assert!(
            model.is_finite(),
            "non-finite parameters after step {} returned {result:?}",
            trainer.step()
        );
        if let Err(error) = result {
            assert!(error.message().contains("diverged"), "{error}");
            break;
        }
    }
}

#[test]
fn unscaled_normal_start_still_trains() {
    // A ReLU network with N(0, 1) weights starts above 1,000 nats, the fixed divergence
    // limit, but must still train, since the page lets learners watch it do so.
    let config = Config {
        initializer: Initializer::Normal { std: 1.0 },
        seed: 3,
        ..Config::default()
    };
    let mut trainer = trainer_with_data(config);
    let first = trainer
        .train_steps(1)
        .expect("the first step is not a divergence");
    assert!(first.loss > 1000.0, "first loss {}", first.loss);
    let later = (0..4)
        .map(|_| trainer.train_steps(50).expect("training goes on"))
        .last()
        .unwrap();
    assert!(
        later.loss < first.loss / 2.0,
        "loss {} after {}",
        later.loss,
        first.loss
    );
}

#[test]
fn divergence_advice_rounds_the_learning_rate() {
    let mut trainer = trainer_with_data(diverging_config());
    let error = (0..50)
        .find_map(|_| trainer.train_steps(1).err())
        .expect("SGD at rate 10 diverges within 50 steps");
    assert!(
        error.message().ends_with("a learning rate below 10"),
        "{error}"
    );
}
