//! Activation statistics at initialization, first-layer weights, held-out images and the
//! per-image results of `evaluate`, on the bundled MNIST digits.

mod common;

use lazynet::config::ActivationKind;
use lazynet::inspect::MAX_STATS_IMAGES;
use lazynet::{Config, Initializer, Trainer};

fn trainer(config: Config) -> Trainer {
    let mut trainer = Trainer::new(config).unwrap();
    trainer.set_training_data(common::train_set()).unwrap();
    trainer.set_test_data(common::test_set()).unwrap();
    trainer
}

fn default_trainer() -> Trainer {
    trainer(Config {
        seed: 7,
        ..Config::default()
    })
}

#[test]
fn zeros_initializer_gives_silent_layers() {
    let stats = default_trainer()
        .activation_stats(Initializer::Zeros, 256)
        .unwrap();
    let names: Vec<&str> = stats.layers.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, ["dense_1", "relu_1", "dense_2", "relu_2", "dense_3"]);
    for layer in &stats.layers {
        assert_eq!(layer.mean, 0.0, "{}", layer.name);
        assert_eq!(layer.std, 0.0, "{}", layer.name);
    }
    assert_eq!(stats.layers[1].dead, Some(1.0));
    assert_eq!(stats.layers[3].dead, Some(1.0));
    assert_eq!(stats.layers[0].dead, None);
    // Every logit is 0, so every class gets 1/10 and the loss is exactly ln 10.
    common::assert_close(f64::from(stats.loss), 10f64.ln(), 1e-6, "loss");
    // Gradient reaches the logits but nothing before them: every weight after dense_1 is 0.
    assert!(stats.layers[4].gradient_std > 0.0);
    assert_eq!(stats.layers[3].gradient_std, 0.0);
}

#[test]
fn glorot_keeps_activations_healthy_and_normal_explodes() {
    let trainer = default_trainer();
    let glorot = trainer
        .activation_stats(Initializer::GlorotUniform, 256)
        .unwrap();
    let normal = trainer
        .activation_stats(Initializer::Normal { std: 1.0 }, 256)
        .unwrap();
    // With Glorot, the logits stay small, so the first loss is near ln 10.
    assert!(
        (f64::from(glorot.loss) - 10f64.ln()).abs() < 0.5,
        "Glorot loss {}",
        glorot.loss
    );
    assert!(
        glorot.layers[1].dead.unwrap() < 0.05,
        "{:?}",
        glorot.layers[1]
    );
    // N(0, 1) weights over 784 inputs multiply the scale by about sqrt(784 · E[x²]) per layer.
    let ratio = normal.layers[0].std / glorot.layers[0].std;
    assert!(ratio > 15.0, "first-layer std ratio {ratio}");
    let last = |s: &lazynet::inspect::ActivationStats| s.layers[4].std;
    assert!(
        last(&normal) > 100.0 * last(&glorot),
        "logit std: normal {}, Glorot {}",
        last(&normal),
        last(&glorot)
    );
    assert!(normal.loss > 10.0, "N(0, 1) loss {}", normal.loss);
}

#[test]
fn stats_leave_the_trainers_model_unbuilt() {
    let trainer = default_trainer();
    trainer
        .activation_stats(Initializer::HeUniform, 64)
        .unwrap();
    assert_eq!(trainer.summary()[0].inputs, None);
    assert!(trainer.first_layer_weights().is_none());
}

#[test]
fn stats_use_the_configured_architecture_and_seed() {
    let config = Config {
        hidden: vec![32, 16, 8],
        activation: ActivationKind::Tanh,
        input_size: 14,
        seed: 3,
        ..Config::default()
    };
    let trainer = trainer(config);
    let stats = trainer
        .activation_stats(Initializer::GlorotUniform, 100)
        .unwrap();
    assert_eq!(stats.layers.len(), 7);
    assert_eq!(stats.layers[1].kind, "tanh");
    assert_eq!(stats.layers[5].name, "tanh_3");
    // tanh outputs lie in (−1, 1), so their standard deviation is below 1.
    assert!(stats.layers[1].std < 1.0);
    assert!(stats.layers[1].std > 0.0);
    // Same seed, same statistics.
    assert_eq!(
        stats,
        trainer
            .activation_stats(Initializer::GlorotUniform, 100)
            .unwrap()
    );
}

#[test]
fn stats_gradient_of_logits_matches_the_softmax() {
    // dL/dlogits = (p − onehot) / n: its mean over every value is exactly 0.
    let stats = default_trainer()
        .activation_stats(Initializer::GlorotUniform, 10)
        .unwrap();
    let logits = &stats.layers[4];
    assert!(logits.gradient_std > 0.0);
    assert!(logits.gradient_std < 0.1);
}

#[test]
fn stats_reject_bad_counts_and_missing_data() {
    let trainer = default_trainer();
    for count in [0, MAX_STATS_IMAGES + 1] {
        let error = trainer
            .activation_stats(Initializer::GlorotUniform, count)
            .unwrap_err();
        assert!(
            error.message().contains(&format!("count {count}")),
            "{error}"
        );
    }
    let empty = Trainer::new(Config::default()).unwrap();
    let error = empty
        .activation_stats(Initializer::GlorotUniform, 10)
        .unwrap_err();
    assert!(error.message().contains("loadTrainingData"), "{error}");
}

#[test]
fn first_layer_weights_are_the_transposed_matrix() {
    let mut trainer = default_trainer();
    assert!(trainer.first_layer_weights().is_none());
    trainer.train_steps(1).unwrap();
    let weights = trainer.first_layer_weights().unwrap();
    assert_eq!(
        (weights.units, weights.inputs, weights.side),
        (256, 784, 28)
    );
    let matrix = trainer.model().layers()[0]
        .as_dense()
        .unwrap()
        .weight()
        .unwrap()
        .clone();
    for (unit, input) in [(0, 0), (5, 300), (255, 783)] {
        assert_eq!(
            weights.weights[unit * 784 + input].to_bits(),
            matrix[[input, unit]].to_bits()
        );
    }
}

#[test]
fn test_images_match_the_held_out_split() {
    let trainer = default_trainer();
    let test = common::test_set();
    let (pixels, labels) = trainer.test_images(&[3, 0, 999]).unwrap();
    assert_eq!(pixels.len(), 3 * 784);
    assert_eq!(
        labels,
        [test.labels()[3], test.labels()[0], test.labels()[999]]
    );
    assert_eq!(pixels[784..2 * 784], test.images().row(0).to_vec()[..]);

    let error = trainer.test_images(&[2, 1000]).unwrap_err();
    assert!(error.message().contains("index 1000"), "{error}");
    assert!(error.message().contains("1000 images"), "{error}");
}

#[test]
fn evaluation_lists_each_prediction() {
    let mut trainer = default_trainer();
    trainer.train_steps(50).unwrap();
    let evaluation = trainer.evaluate().unwrap();
    let labels = common::test_set().labels().to_vec();
    assert_eq!(evaluation.predicted.len(), labels.len());
    assert_eq!(evaluation.probabilities.len(), labels.len() * 10);

    let mut confusion = [[0u32; 10]; 10];
    let mut correct = 0;
    for (i, (&predicted, &label)) in evaluation.predicted.iter().zip(&labels).enumerate() {
        confusion[usize::from(label)][usize::from(predicted)] += 1;
        correct += usize::from(predicted == label);
        let row = &evaluation.probabilities[i * 10..(i + 1) * 10];
        let sum: f32 = row.iter().sum();
        assert!((sum - 1.0).abs() < 1e-4, "row {i} sums to {sum}");
        let best = (0..10).fold(0, |b, c| if row[c] > row[b] { c } else { b });
        assert_eq!(best, usize::from(predicted), "row {i}");
    }
    assert_eq!(confusion, evaluation.confusion);
    assert_eq!(correct as f32 / labels.len() as f32, evaluation.accuracy);
}

#[test]
fn saturation_shows_image_by_image() {
    // A tanh unit saturates on some images and not others, so few units are dead on the
    // whole batch, but most values are inactive with unscaled N(0, 1) weights.
    let config = Config {
        activation: ActivationKind::Tanh,
        seed: 7,
        ..Config::default()
    };
    let trainer = trainer(config);
    let normal = trainer
        .activation_stats(Initializer::Normal { std: 1.0 }, 256)
        .unwrap();
    let glorot = trainer
        .activation_stats(Initializer::GlorotUniform, 256)
        .unwrap();
    let tanh_1 = |s: &lazynet::inspect::ActivationStats| s.layers[1].clone();
    assert!(
        tanh_1(&normal).inactive.unwrap() > 0.5,
        "{:?}",
        tanh_1(&normal)
    );
    assert!(tanh_1(&normal).dead.unwrap() < tanh_1(&normal).inactive.unwrap());
    assert!(
        tanh_1(&glorot).inactive.unwrap() < 0.05,
        "{:?}",
        tanh_1(&glorot)
    );
    assert_eq!(glorot.layers[0].inactive, None);

    // For ReLU, inactive values are the zeros: about half of them with Glorot.
    let relu = default_trainer()
        .activation_stats(Initializer::GlorotUniform, 256)
        .unwrap();
    let zeros = relu.layers[1].inactive.unwrap();
    assert!(zeros > 0.3, "{zeros}");
    assert!(zeros < 0.8, "{zeros}");
}
