//! Back-propagated gradients against central finite differences of an independent f64 model.

use lazynet::config::ActivationKind;
use lazynet::init::Initializer;
use lazynet::loss::softmax_cross_entropy;
use lazynet::Sequential;
use ndarray::Array2;

const INPUTS: usize = 5;
const HIDDEN: [usize; 2] = [4, 3];
const CLASSES: usize = 3;
const LABELS: [u8; 6] = [0, 1, 2, 1, 0, 2];

/// Returns a fixed batch of `LABELS.len() × INPUTS` values in [−2, 2].
fn inputs() -> Array2<f32> {
    Array2::from_shape_fn((LABELS.len(), INPUTS), |(i, j)| {
        2.0 * ((i * INPUTS + j) as f32 * 0.7 + 0.3).sin()
    })
}

/// Parameters of the MLP in f64, in the order of `parameters_and_gradients`:
/// W₁, b₁, W₂, b₂, … with each Wₖ row-major `inputs × outputs`.
struct Reference {
    tensors: Vec<Vec<f64>>,
    /// `(inputs, outputs)` of each dense layer.
    shapes: Vec<(usize, usize)>,
    activation: ActivationKind,
}

/// The loss of the reference model, with the sign of every hidden pre-activation.
struct Evaluation {
    loss: f64,
    logits: Vec<Vec<f64>>,
    active: Vec<bool>,
}

impl Reference {
    /// Computes the mean softmax cross-entropy of the batch, written out here without using
    /// lazynet: `x · W + b`, the activation after every layer but the last, then
    /// log-sum-exp.
    fn evaluate(&self, x: &Array2<f32>, labels: &[u8]) -> Evaluation {
        let mut active = Vec::new();
        let mut logits = Vec::new();
        let mut loss = 0.0;
        for (row, &label) in x.rows().into_iter().zip(labels) {
            let mut activations: Vec<f64> = row.iter().map(|&v| f64::from(v)).collect();
            for (layer, &(inputs, outputs)) in self.shapes.iter().enumerate() {
                let weight = &self.tensors[2 * layer];
                let bias = &self.tensors[2 * layer + 1];
                let last = layer + 1 == self.shapes.len();
                let mut next = bias.clone();
                for (j, value) in next.iter_mut().enumerate() {
                    for (i, &a) in activations.iter().enumerate().take(inputs) {
                        *value += a * weight[i * outputs + j];
                    }
                }
                if !last {
                    for value in &mut next {
                        // Only ReLU has a kink; the smooth functions count as always active.
                        active.push(self.activation != ActivationKind::Relu || *value > 0.0);
                        *value = match self.activation {
                            ActivationKind::Relu => value.max(0.0),
                            ActivationKind::Tanh => value.tanh(),
                            ActivationKind::Sigmoid => 1.0 / (1.0 + (-*value).exp()),
                        };
                    }
                }
                activations = next;
            }
            let max = activations
                .iter()
                .copied()
                .fold(f64::NEG_INFINITY, f64::max);
            let log_sum_exp = max
                + activations
                    .iter()
                    .map(|z| (z - max).exp())
                    .sum::<f64>()
                    .ln();
            loss += log_sum_exp - activations[usize::from(label)];
            logits.push(activations);
        }
        Evaluation {
            loss: loss / labels.len() as f64,
            logits,
            active,
        }
    }
}

/// Compares every gradient of a small MLP with central finite differences of the f64 model.
fn check_mlp_gradients(initializer: Initializer, seed: u64) {
    check_gradients(ActivationKind::Relu, initializer, seed);
}

fn check_gradients(activation: ActivationKind, initializer: Initializer, seed: u64) {
    let x = inputs();
    let mut model = Sequential::mlp_with(&HIDDEN, activation, CLASSES, initializer, seed);
    let logits = model.forward(&x).unwrap();
    let result = softmax_cross_entropy(&logits, &LABELS).unwrap();
    model.backward(&result.grad).unwrap();

    let shapes: Vec<(usize, usize)> = model
        .summary()
        .iter()
        .filter(|layer| layer.name.starts_with("dense"))
        .map(|layer| (layer.inputs.unwrap(), layer.outputs.unwrap()))
        .collect();
    assert_eq!(shapes, vec![(5, 4), (4, 3), (3, 3)]);
    let (tensors, gradients): (Vec<Vec<f64>>, Vec<Vec<f64>>) = model
        .parameters_and_gradients()
        .iter()
        .map(|(values, grads)| {
            let values = values.iter().map(|&v| f64::from(v)).collect();
            let grads = grads.iter().map(|&g| f64::from(g)).collect();
            (values, grads)
        })
        .unzip();
    let mut reference = Reference {
        tensors,
        shapes,
        activation,
    };

    // The f64 model must reproduce the f32 forward pass, or the comparison means nothing.
    let base = reference.evaluate(&x, &LABELS);
    for (i, row) in base.logits.iter().enumerate() {
        for (j, &z) in row.iter().enumerate() {
            let actual = f64::from(logits[[i, j]]);
            assert!(
                (actual - z).abs() < 1e-5,
                "logit [{i}, {j}]: {actual} vs {z}"
            );
        }
    }
    assert!((f64::from(result.loss) - base.loss).abs() < 1e-5);

    // h = 1e-6 in f64: the truncation error h²·f‴/6 and the rounding error 1e-16/h are both
    // below 1e-9, so the differences are exact for this purpose. The analytic gradients are f32
    // sums of a few dozen terms, so their rounding error is a few f32 ulps, far below 1e-5.
    let h = 1e-6;
    let tolerance = |expected: f64| 1e-5 + 1e-4 * expected.abs();
    for (tensor, tensor_gradients) in gradients.iter().enumerate() {
        assert!(
            tensor_gradients.iter().any(|&g| g != 0.0),
            "{initializer:?} seed {seed}: tensor {tensor} has an all-zero gradient, so the check is vacuous"
        );
        for (index, &analytic) in tensor_gradients.iter().enumerate() {
            let original = reference.tensors[tensor][index];
            reference.tensors[tensor][index] = original + h;
            let plus = reference.evaluate(&x, &LABELS);
            reference.tensors[tensor][index] = original - h;
            let minus = reference.evaluate(&x, &LABELS);
            reference.tensors[tensor][index] = original;

            // A ReLU input crossing 0 inside [−h, h] would make the loss non-smooth there.
            assert_eq!(
                plus.active, base.active,
                "{initializer:?}: ReLU kink at tensor {tensor}[{index}]"
            );
            assert_eq!(
                minus.active, base.active,
                "{initializer:?}: ReLU kink at tensor {tensor}[{index}]"
            );

            let numeric = (plus.loss - minus.loss) / (2.0 * h);
            assert!(
                (analytic - numeric).abs() <= tolerance(numeric),
                "{initializer:?} seed {seed}: tensor {tensor}[{index}]: backward {analytic}, finite difference {numeric}"
            );
        }
    }
}

// Each seed leaves every ReLU input of the batch farther than h from 0, which the kink asserts
// check. With He seed 2, for example, one sample has all of dense_1's outputs at 0, so its
// dense_2 pre-activation is exactly 0 and the loss has a kink there.
#[test]
fn mlp_gradients_glorot() {
    check_mlp_gradients(Initializer::GlorotUniform, 1);
}

#[test]
fn mlp_gradients_he() {
    check_mlp_gradients(Initializer::HeUniform, 4);
}

#[test]
fn mlp_gradients_normal() {
    check_mlp_gradients(Initializer::Normal { std: 0.5 }, 3);
}

#[test]
fn mlp_gradients_tanh() {
    check_gradients(ActivationKind::Tanh, Initializer::GlorotUniform, 5);
}

#[test]
fn mlp_gradients_sigmoid() {
    check_gradients(ActivationKind::Sigmoid, Initializer::GlorotUniform, 6);
}

#[test]
fn parameter_slices_drive_forward() {
    // Writing through parameters_and_gradients must change what forward computes, because
    // optimizers update the model only through those slices. Every parameter takes a small
    // step against its gradient, and the f32 loss must fall as the gradient predicts.
    let x = inputs();
    let mut model = Sequential::mlp(&HIDDEN, CLASSES, Initializer::GlorotUniform, 1);
    let logits = model.forward(&x).unwrap();
    let before = softmax_cross_entropy(&logits, &LABELS).unwrap();
    model.backward(&before.grad).unwrap();

    let step = 1e-2f32;
    let mut expected_change = 0.0f32;
    for (values, grads) in model.parameters_and_gradients() {
        for (value, &grad) in values.iter_mut().zip(grads) {
            *value -= step * grad;
            expected_change -= step * grad * grad;
        }
    }
    let after_logits = model.forward(&x).unwrap();
    let after = softmax_cross_entropy(&after_logits, &LABELS).unwrap();

    // A gradient step of size 1e-2 changes the loss by −1e-2·|g|² to first order. The second
    // order term is below a fifth of that for this small model.
    let change = after.loss - before.loss;
    assert!(
        change < 0.0,
        "loss rose from {} to {}",
        before.loss,
        after.loss
    );
    assert!(
        (change - expected_change).abs() < 0.2 * expected_change.abs(),
        "loss change {change}, first-order prediction {expected_change}"
    );
}

/// Returns the mean softmax cross-entropy of `logits` in f64, written out here.
fn reference_cross_entropy(logits: &[Vec<f64>], labels: &[u8]) -> f64 {
    let total: f64 = logits
        .iter()
        .zip(labels)
        .map(|(row, &label)| {
            let max = row.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let log_sum_exp = max + row.iter().map(|z| (z - max).exp()).sum::<f64>().ln();
            log_sum_exp - row[usize::from(label)]
        })
        .sum();
    total / labels.len() as f64
}

#[test]
fn cross_entropy_gradient() {
    let labels = [3u8, 0, 4, 1];
    let logits = Array2::from_shape_fn((4, 5), |(i, j)| {
        3.0 * ((i * 5 + j) as f32 * 1.3 + 0.1).cos()
    });
    let result = softmax_cross_entropy(&logits, &labels).unwrap();

    let mut reference: Vec<Vec<f64>> = logits
        .rows()
        .into_iter()
        .map(|row| row.iter().map(|&v| f64::from(v)).collect())
        .collect();
    let loss = reference_cross_entropy(&reference, &labels);
    assert!(
        (f64::from(result.loss) - loss).abs() < 1e-6 * loss,
        "loss {} vs reference {loss}",
        result.loss
    );

    // Same step and error budget as the MLP check; the gradient entries are at most 1/4.
    let h = 1e-6;
    for i in 0..4 {
        for j in 0..5 {
            let original = reference[i][j];
            reference[i][j] = original + h;
            let plus = reference_cross_entropy(&reference, &labels);
            reference[i][j] = original - h;
            let minus = reference_cross_entropy(&reference, &labels);
            reference[i][j] = original;

            let numeric = (plus - minus) / (2.0 * h);
            let analytic = f64::from(result.grad[[i, j]]);
            assert!(
                (analytic - numeric).abs() < 1e-6,
                "logit [{i}, {j}]: gradient {analytic}, finite difference {numeric}"
            );
        }
    }
}
