//! SGD with momentum and Adam against hand-computed updates.

use lazynet::optim::{Adam, Optimizer, OptimizerKind, Sgd};

const START: [f32; 3] = [1.0, -2.0, 0.5];
const FIRST_GRAD: [f32; 3] = [0.5, -1.0, 0.0];
const SECOND_GRAD: [f32; 3] = [0.2, 0.4, -1.0];

fn step(optimizer: &mut dyn Optimizer, values: &mut [f32], grads: &[f32]) {
    optimizer.step(vec![(values, grads)]);
}

fn assert_values(actual: &[f32], expected: &[f64], context: &str) {
    assert_eq!(actual.len(), expected.len(), "{context}: length");
    for (index, (&a, &e)) in actual.iter().zip(expected).enumerate() {
        // Parameters near 1 in f32 carry a rounding error of about 1e-7 per operation.
        assert!(
            (f64::from(a) - e).abs() < 1e-6,
            "{context}: parameter {index} is {a}, expected {e}"
        );
    }
}

/// Adam in f64 with separate bias-corrected moments m̂ and v̂ and with ε added to √v̂, written
/// independently of lazynet's form, which folds both corrections into the step size.
struct ReferenceAdam {
    learning_rate: f64,
    steps: i32,
    m: Vec<f64>,
    v: Vec<f64>,
}

impl ReferenceAdam {
    const BETA1: f64 = 0.9;
    const BETA2: f64 = 0.999;
    const EPSILON: f64 = 1e-8;

    fn new(learning_rate: f64, len: usize) -> Self {
        Self {
            learning_rate,
            steps: 0,
            m: vec![0.0; len],
            v: vec![0.0; len],
        }
    }

    fn step(&mut self, values: &mut [f64], grads: &[f32]) {
        self.steps += 1;
        for i in 0..values.len() {
            let g = f64::from(grads[i]);
            self.m[i] = Self::BETA1 * self.m[i] + (1.0 - Self::BETA1) * g;
            self.v[i] = Self::BETA2 * self.v[i] + (1.0 - Self::BETA2) * g * g;
            let m_hat = self.m[i] / (1.0 - Self::BETA1.powi(self.steps));
            let v_hat = self.v[i] / (1.0 - Self::BETA2.powi(self.steps));
            values[i] -= self.learning_rate * m_hat / (v_hat.sqrt() + Self::EPSILON);
        }
    }
}

#[test]
fn sgd_first_step() {
    let mut sgd = Sgd::new(0.1, 0.9);
    let mut values = START;
    step(&mut sgd, &mut values, &FIRST_GRAD);
    // v = g, p − 0.1·v.
    assert_values(&values, &[0.95, -1.9, 0.5], "after step 1");
}

#[test]
fn sgd_second_step() {
    let mut sgd = Sgd::new(0.1, 0.9);
    let mut values = START;
    step(&mut sgd, &mut values, &FIRST_GRAD);
    step(&mut sgd, &mut values, &SECOND_GRAD);
    // v = 0.9·[0.5, −1, 0] + [0.2, 0.4, −1] = [0.65, −0.5, −1], so p = [0.95, −1.9, 0.5] − 0.1·v.
    assert_values(&values, &[0.885, -1.85, 0.6], "after step 2");
}

#[test]
fn sgd_without_momentum() {
    let mut sgd = Sgd::new(0.5, 0.0);
    let mut values = START;
    step(&mut sgd, &mut values, &FIRST_GRAD);
    step(&mut sgd, &mut values, &FIRST_GRAD);
    // Two plain steps of 0.5·g each.
    assert_values(&values, &[0.5, -1.0, 0.5], "after two steps");
}

#[test]
fn adam_first_step_is_sign() {
    let learning_rate = 0.01;
    let mut adam = Adam::new(learning_rate);
    let grads = [1e-3, -1e3, 0.5, 0.0];
    let mut values = [0.0f32; 4];
    step(&mut adam, &mut values, &grads);

    // m̂ = g and v̂ = g², so the step is η·g/(|g| + ε): η·sign(g), or 0 where g = 0.
    // ε = 1e-8 shortens the step for g = 1e-3 by a relative 1e-5.
    let expected = [-0.01, 0.01, -0.01, 0.0];
    for (index, (&actual, &wanted)) in values.iter().zip(&expected).enumerate() {
        assert!(
            (f64::from(actual) - wanted).abs() < 1e-6,
            "parameter {index} (gradient {}) moved to {actual}, expected {wanted}",
            grads[index]
        );
    }
}

#[test]
fn adam_two_steps_by_hand() {
    let mut adam = Adam::new(0.01);
    let mut values = START;
    step(&mut adam, &mut values, &FIRST_GRAD);
    assert_values(&values, &[0.99, -1.99, 0.5], "after step 1");

    // Step 2 for parameter 0: m = 0.9·0.05 + 0.1·0.2 = 0.065 and v = 0.999·0.00025 + 0.001·0.04
    // = 0.00028975. Then m̂ = 0.065/0.19 and v̂ = 0.00028975/0.001999, so the step is
    // 0.01·0.342105/0.380719 = 0.0089857.
    step(&mut adam, &mut values, &SECOND_GRAD);
    assert!(
        (f64::from(values[0]) - (0.99 - 0.0089857)).abs() < 1e-6,
        "parameter 0 after step 2: {}",
        values[0]
    );
}

#[test]
fn adam_matches_textbook() {
    let mut adam = Adam::new(0.01);
    let mut reference = ReferenceAdam::new(0.01, START.len());
    let mut values = START;
    let mut expected: Vec<f64> = START.iter().map(|&v| f64::from(v)).collect();
    let grads = [
        FIRST_GRAD,
        SECOND_GRAD,
        [-0.3, 0.0, 2.0],
        [1e-4, -5.0, 0.25],
    ];
    for (index, grad) in grads.iter().enumerate() {
        step(&mut adam, &mut values, grad);
        reference.step(&mut expected, grad);
        assert_values(&values, &expected, &format!("after step {}", index + 1));
    }
}

#[test]
fn state_is_per_tensor() {
    // Two tensors of different sizes in one step must keep separate moments.
    let mut adam = Adam::new(0.01);
    let mut reference_a = ReferenceAdam::new(0.01, 2);
    let mut reference_b = ReferenceAdam::new(0.01, 3);
    let mut a = [1.0f32, 2.0];
    let mut b = START;
    let mut expected_a = vec![1.0, 2.0];
    let mut expected_b: Vec<f64> = START.iter().map(|&v| f64::from(v)).collect();
    for (grad_a, grad_b) in [([0.1f32, -0.2], FIRST_GRAD), ([0.3, 0.3], SECOND_GRAD)] {
        adam.step(vec![(&mut a[..], &grad_a[..]), (&mut b[..], &grad_b[..])]);
        reference_a.step(&mut expected_a, &grad_a);
        reference_b.step(&mut expected_b, &grad_b);
    }
    assert_values(&a, &expected_a, "tensor a");
    assert_values(&b, &expected_b, "tensor b");
}

#[test]
fn sgd_state_is_per_tensor() {
    let mut sgd = Sgd::new(0.1, 0.9);
    let mut a = [0.0f32];
    let mut b = [0.0f32, 0.0];
    for _ in 0..2 {
        sgd.step(vec![
            (&mut a[..], &[1.0][..]),
            (&mut b[..], &[-2.0, 0.0][..]),
        ]);
    }
    // Velocities after two steps: a 1 then 1.9; b −2 then −3.8.
    assert_values(&a, &[-0.29], "tensor a");
    assert_values(&b, &[0.58, 0.0], "tensor b");
}

#[test]
fn kind_builds_optimizer() {
    assert_eq!(
        OptimizerKind::Adam.build(0.003, 0.9, 0.0).learning_rate(),
        0.003
    );
    assert_eq!(OptimizerKind::Sgd.build(0.2, 0.5, 0.0).learning_rate(), 0.2);
    assert_eq!(OptimizerKind::Adam.default_learning_rate(), 0.001);
    assert_eq!(OptimizerKind::Sgd.default_learning_rate(), 0.05);
}

#[test]
fn kind_names_round_trip() {
    for kind in [OptimizerKind::Adam, OptimizerKind::Sgd] {
        assert_eq!(OptimizerKind::from_name(kind.name()), Ok(kind));
    }
}

#[test]
fn kind_unknown_name() {
    let error = OptimizerKind::from_name("rmsprop").unwrap_err();
    assert!(error.message().contains("\"rmsprop\""), "{error}");
    assert!(error.message().contains("unknown"), "{error}");
}

#[test]
fn kind_name_is_case_sensitive() {
    assert!(OptimizerKind::from_name("Adam").is_err());
}
