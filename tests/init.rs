//! Weight initializers: bounds, moments and seeding of Glorot, He, normal and zeros.

mod common;

use common::assert_close;
use lazynet::init::Initializer;
use lazynet::layers::Dense;
use lazynet::rng::{Rng, Stream};
use lazynet::Sequential;
use ndarray::{Array2, Axis};

/// Layer shapes checked for each initializer: MNIST-sized, square, wide and narrow.
const SHAPES: [(usize, usize); 5] = [(784, 256), (256, 128), (128, 10), (50, 50), (10, 1000)];

/// Standard errors allowed for a sample mean or variance. With a fixed seed each check is
/// deterministic, and a correct initializer lands outside 5 standard errors with probability
/// below 1e-6 per statistic, so a failure points at the initializer.
const STANDARD_ERRORS: f64 = 5.0;

fn draw(initializer: Initializer, fan_in: usize, fan_out: usize, seed: u64) -> Array2<f32> {
    initializer.weights(fan_in, fan_out, &mut Rng::new(seed, Stream::Init))
}

fn mean(values: &Array2<f32>) -> f64 {
    values.iter().map(|&v| f64::from(v)).sum::<f64>() / values.len() as f64
}

fn variance(values: &Array2<f32>) -> f64 {
    let m = mean(values);
    values
        .iter()
        .map(|&v| (f64::from(v) - m).powi(2))
        .sum::<f64>()
        / values.len() as f64
}

fn max_abs(values: &Array2<f32>) -> f64 {
    values
        .iter()
        .map(|&v| f64::from(v).abs())
        .fold(0.0, f64::max)
}

/// Checks a U(−limit, limit) sample: shape, bound, reach of the bound, mean and variance.
fn check_uniform(weights: &Array2<f32>, fan_in: usize, fan_out: usize, limit: f64) {
    let n = (fan_in * fan_out) as f64;
    let shape = format!("{fan_in}×{fan_out}");
    assert_eq!(weights.dim(), (fan_in, fan_out), "{shape}: weight shape");

    // The initializer rounds the bound to f32, which may move it by half an f32 ulp.
    let bound = limit * (1.0 + f64::from(f32::EPSILON));
    let largest = max_abs(weights);
    assert!(
        largest <= bound,
        "{shape}: |w| = {largest} exceeds the limit {limit}"
    );

    // Every draw stays below 0.98·l with probability 0.98ⁿ, under 1e-8 for n ≥ 1,000.
    assert!(
        largest > 0.98 * limit,
        "{shape}: max |w| = {largest} never comes near the limit {limit}"
    );

    // U(−l, l) has mean 0 with standard deviation l/√3, so the sample mean has standard error
    // l/√(3n).
    let mean_tolerance = STANDARD_ERRORS * limit / (3.0 * n).sqrt();
    assert_close(
        mean(weights),
        0.0,
        mean_tolerance,
        &format!("{shape}: mean"),
    );

    // The variance is l²/3. The estimator is dominated by the mean of w², whose terms have
    // variance E[w⁴] − E[w²]² = l⁴/5 − l⁴/9 = 4l⁴/45.
    let variance_tolerance = STANDARD_ERRORS * (4.0 / 45.0f64).sqrt() * limit * limit / n.sqrt();
    assert_close(
        variance(weights),
        limit * limit / 3.0,
        variance_tolerance,
        &format!("{shape}: variance"),
    );
}

#[test]
fn glorot_uniform_bound_and_variance() {
    for (index, &(fan_in, fan_out)) in SHAPES.iter().enumerate() {
        let limit = (6.0 / (fan_in + fan_out) as f64).sqrt();
        let weights = draw(Initializer::GlorotUniform, fan_in, fan_out, index as u64);
        check_uniform(&weights, fan_in, fan_out, limit);

        // l²/3 equals 2/(fan_in + fan_out), the variance the Glorot initializer is meant to give.
        let target = 2.0 / (fan_in + fan_out) as f64;
        assert_close(
            limit * limit / 3.0,
            target,
            1e-12,
            "glorot variance formula",
        );
    }
}

#[test]
fn he_uniform_bound_and_variance() {
    for (index, &(fan_in, fan_out)) in SHAPES.iter().enumerate() {
        let limit = (6.0 / fan_in as f64).sqrt();
        let weights = draw(Initializer::HeUniform, fan_in, fan_out, 100 + index as u64);
        check_uniform(&weights, fan_in, fan_out, limit);
    }
}

#[test]
fn uniform_limit_matches_formulas() {
    for &(fan_in, fan_out) in &SHAPES {
        let glorot = (6.0 / (fan_in + fan_out) as f64).sqrt() as f32;
        let he = (6.0 / fan_in as f64).sqrt() as f32;
        assert_eq!(
            Initializer::GlorotUniform.uniform_limit(fan_in, fan_out),
            Some(glorot)
        );
        assert_eq!(
            Initializer::HeUniform.uniform_limit(fan_in, fan_out),
            Some(he)
        );
    }
    assert_eq!(Initializer::Zeros.uniform_limit(784, 256), None);
    assert_eq!(
        Initializer::Normal { std: 1.0 }.uniform_limit(784, 256),
        None
    );
}

#[test]
fn zeros_are_all_zero() {
    let weights = draw(Initializer::Zeros, 784, 256, 0);
    assert_eq!(weights.dim(), (784, 256));
    assert!(weights.iter().all(|&w| w == 0.0));
}

#[test]
fn normal_mean_and_variance() {
    let std = 0.5f64;
    let weights = draw(Initializer::Normal { std: std as f32 }, 784, 256, 3);
    let n = weights.len() as f64;
    assert_eq!(weights.dim(), (784, 256));
    assert!(weights.iter().all(|w| w.is_finite()));

    // N(0, σ²): the sample mean has standard error σ/√n and the sample variance σ²·√(2/n).
    let mean_tolerance = STANDARD_ERRORS * std / n.sqrt();
    assert_close(mean(&weights), 0.0, mean_tolerance, "normal mean");
    let variance_tolerance = STANDARD_ERRORS * std * std * (2.0 / n).sqrt();
    assert_close(
        variance(&weights),
        std * std,
        variance_tolerance,
        "normal variance",
    );
}

#[test]
fn same_seed_same_weights() {
    for initializer in [Initializer::GlorotUniform, Initializer::HeUniform] {
        let first = draw(initializer, 64, 32, 42);
        let second = draw(initializer, 64, 32, 42);
        assert_eq!(first, second, "{initializer:?} with seed 42 twice");
    }
}

#[test]
fn different_seed_different_weights() {
    for initializer in [Initializer::GlorotUniform, Initializer::HeUniform] {
        let first = draw(initializer, 64, 32, 42);
        let second = draw(initializer, 64, 32, 43);
        assert_ne!(first, second, "{initializer:?} with seeds 42 and 43");
    }
}

#[test]
fn dense_draws_from_its_initializer() {
    for initializer in [Initializer::GlorotUniform, Initializer::HeUniform] {
        let mut layer = Dense::new(16, initializer);
        let mut rng = Rng::new(9, Stream::Init);
        layer.forward(&Array2::zeros((2, 30)), &mut rng).unwrap();

        let expected = draw(initializer, 30, 16, 9);
        assert_eq!(layer.weight(), Some(&expected), "{initializer:?} weights");
    }
}

#[test]
fn biases_are_zero_after_first_forward() {
    for initializer in [Initializer::GlorotUniform, Initializer::HeUniform] {
        let mut model = Sequential::mlp(&[32, 16], 10, initializer, 5);
        model.forward(&Array2::from_elem((3, 20), 0.5)).unwrap();

        // parameters_and_gradients lists W, b for each dense layer in order.
        let tensors = model.parameters_and_gradients();
        assert_eq!(tensors.len(), 6);
        for (index, (bias, _)) in tensors.iter().enumerate().skip(1).step_by(2) {
            assert!(
                bias.iter().all(|&b| b == 0.0),
                "{initializer:?}: bias tensor {index} is {bias:?}"
            );
        }
    }
}

#[test]
fn mlp_seed_fixes_weights() {
    let batch = Array2::from_elem((2, 12), 0.25f32);
    let mut first = Sequential::mlp(&[8], 4, Initializer::GlorotUniform, 11);
    let mut second = Sequential::mlp(&[8], 4, Initializer::GlorotUniform, 11);
    let mut other = Sequential::mlp(&[8], 4, Initializer::GlorotUniform, 12);
    let first_logits = first.forward(&batch).unwrap();
    let second_logits = second.forward(&batch).unwrap();
    let other_logits = other.forward(&batch).unwrap();

    let weights = |model: &mut Sequential| -> Vec<Vec<f32>> {
        model
            .parameters_and_gradients()
            .into_iter()
            .map(|(values, _)| values.to_vec())
            .collect()
    };
    assert_eq!(weights(&mut first), weights(&mut second));
    assert_ne!(weights(&mut first), weights(&mut other));
    assert_eq!(first_logits, second_logits);
    assert_ne!(first_logits, other_logits);
}

#[test]
fn glorot_columns_are_not_copies() {
    // A shared or repeated stream would give identical columns, which independent draws of
    // 100 floats practically never do.
    let weights = draw(Initializer::GlorotUniform, 100, 20, 1);
    let columns: Vec<_> = weights.axis_iter(Axis(1)).collect();
    for i in 0..columns.len() {
        for j in i + 1..columns.len() {
            assert_ne!(columns[i], columns[j], "columns {i} and {j}");
        }
    }
}
