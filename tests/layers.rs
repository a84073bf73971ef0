//! Dense and ReLU layers and the sequential model: deferred initialization, shapes, summary.

use lazynet::config::ActivationKind;
use lazynet::init::Initializer;
use lazynet::layers::{Dense, Layer, Relu, Sigmoid, Tanh};
use lazynet::model::LayerSummary;
use lazynet::rng::{Rng, Stream};
use lazynet::Sequential;
use ndarray::{arr1, arr2, Array2};

fn rng() -> Rng {
    Rng::new(0, Stream::Init)
}

/// Returns a batch of `rows × width` values in [0, 1) that differ from row to row.
fn batch(rows: usize, width: usize) -> Array2<f32> {
    Array2::from_shape_fn((rows, width), |(i, j)| {
        ((i * 31 + j * 7) % 97) as f32 / 97.0
    })
}

fn summary_row(
    name: &str,
    inputs: Option<usize>,
    outputs: Option<usize>,
    params: usize,
) -> LayerSummary {
    LayerSummary {
        name: name.to_string(),
        inputs,
        outputs,
        params,
    }
}

#[test]
fn dense_unbuilt_before_forward() {
    let mut layer = Dense::new(8, Initializer::GlorotUniform);
    assert_eq!(layer.units(), 8);
    assert_eq!(layer.parameter_count(), 0);
    assert_eq!(layer.inputs(), None);
    assert!(layer.weight().is_none());
    assert!(layer.bias().is_none());
    assert!(layer.parameters_and_gradients().is_empty());
}

#[test]
fn dense_builds_from_first_batch() {
    let mut layer = Dense::new(8, Initializer::GlorotUniform);
    let output = layer.forward(&batch(3, 5), &mut rng()).unwrap();

    assert_eq!(output.dim(), (3, 8));
    assert_eq!(layer.inputs(), Some(5));
    assert_eq!(layer.weight().map(Array2::dim), Some((5, 8)));
    assert_eq!(layer.bias().map(|b| b.len()), Some(8));
    assert_eq!(layer.parameter_count(), 5 * 8 + 8);
}

#[test]
fn dense_rejects_other_width() {
    let mut layer = Dense::new(8, Initializer::GlorotUniform);
    layer.forward(&batch(3, 5), &mut rng()).unwrap();

    let error = layer.forward(&batch(3, 7), &mut rng()).unwrap_err();
    let message = error.message();
    assert!(message.contains('7'), "{message}");
    assert!(message.contains('5'), "{message}");
    assert_eq!(layer.inputs(), Some(5));
}

#[test]
fn dense_works_after_width_error() {
    let mut layer = Dense::new(8, Initializer::GlorotUniform);
    let x = batch(3, 5);
    let before = layer.forward(&x, &mut rng()).unwrap();
    layer.forward(&batch(3, 7), &mut rng()).unwrap_err();

    let after = layer.forward(&x, &mut rng()).unwrap();
    assert_eq!(before, after);
}

#[test]
fn dense_rejects_zero_width() {
    let mut layer = Dense::new(8, Initializer::GlorotUniform);
    let error = layer
        .forward(&Array2::zeros((3, 0)), &mut rng())
        .unwrap_err();
    assert!(error.message().contains("0 features"), "{error}");
    assert_eq!(layer.parameter_count(), 0);
}

#[test]
fn dense_forward_by_hand() {
    let mut layer = Dense::new(2, Initializer::Zeros);
    let weight = arr2(&[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]);
    layer.set_parameters(weight, arr1(&[0.5, -1.0])).unwrap();

    let x = arr2(&[[1.0, 0.0, -1.0], [2.0, 1.0, 0.0]]);
    let y = layer.forward(&x, &mut rng()).unwrap();

    // Row 0 is [1 − 5 + 0.5, 2 − 6 − 1]. Row 1 is [2 + 3 + 0.5, 4 + 4 − 1].
    assert_eq!(y, arr2(&[[-3.5, -5.0], [5.5, 7.0]]));
}

#[test]
fn dense_backward_by_hand() {
    let mut layer = Dense::new(2, Initializer::Zeros);
    let weight = arr2(&[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]);
    layer.set_parameters(weight, arr1(&[0.5, -1.0])).unwrap();
    let x = arr2(&[[1.0, 0.0, -1.0], [2.0, 1.0, 0.0]]);
    layer.forward(&x, &mut rng()).unwrap();

    let grad_output = arr2(&[[1.0, 0.0], [0.0, 2.0]]);
    let grad_input = layer.backward(&grad_output, true).unwrap();

    // dL/dx = g · Wᵀ.
    assert_eq!(grad_input, Some(arr2(&[[1.0, 3.0, 5.0], [4.0, 8.0, 12.0]])));
    let tensors = layer.parameters_and_gradients();
    assert_eq!(tensors.len(), 2);
    // dL/dW = xᵀ · g, row-major 3×2.
    assert_eq!(tensors[0].1, &[1.0, 4.0, 0.0, 2.0, -1.0, 0.0]);
    // dL/db = column sums of g.
    assert_eq!(tensors[1].1, &[1.0, 2.0]);
}

#[test]
fn dense_backward_without_input_grad() {
    let mut layer = Dense::new(2, Initializer::GlorotUniform);
    layer.forward(&batch(2, 3), &mut rng()).unwrap();
    let grad_input = layer.backward(&Array2::ones((2, 2)), false).unwrap();
    assert_eq!(grad_input, None);
}

#[test]
fn dense_backward_before_forward() {
    let mut layer = Dense::new(2, Initializer::GlorotUniform);
    let error = layer.backward(&Array2::ones((1, 2)), true).unwrap_err();
    assert!(error.message().contains("before forward"), "{error}");
}

#[test]
fn dense_backward_wrong_shape() {
    let mut layer = Dense::new(2, Initializer::GlorotUniform);
    layer.forward(&batch(4, 3), &mut rng()).unwrap();
    let error = layer.backward(&Array2::ones((4, 3)), true).unwrap_err();
    assert!(error.message().contains("(4, 3)"), "{error}");
    assert!(error.message().contains("(4, 2)"), "{error}");
}

#[test]
fn dense_set_parameters_wrong_shape() {
    let mut layer = Dense::new(2, Initializer::GlorotUniform);
    let error = layer
        .set_parameters(Array2::zeros((3, 4)), arr1(&[0.0, 0.0]))
        .unwrap_err();
    assert!(error.message().contains("2 units"), "{error}");
    assert_eq!(layer.parameter_count(), 0);
}

#[test]
fn relu_forward_and_backward() {
    let mut relu = Relu::new();
    assert_eq!(relu.width(), None);

    let y = relu.forward(&arr2(&[[-1.0, 0.0, 2.0], [3.0, -0.5, 0.25]]));
    assert_eq!(y, arr2(&[[0.0, 0.0, 2.0], [3.0, 0.0, 0.25]]));
    assert_eq!(relu.width(), Some(3));

    let grad = relu
        .backward(&arr2(&[[5.0, 6.0, 7.0], [8.0, 9.0, 10.0]]))
        .unwrap();
    assert_eq!(grad, arr2(&[[0.0, 0.0, 7.0], [8.0, 0.0, 10.0]]));
}

#[test]
fn relu_backward_before_forward() {
    let mut relu = Relu::new();
    let error = relu.backward(&Array2::ones((1, 3))).unwrap_err();
    assert!(error.message().contains("before forward"), "{error}");
}

#[test]
fn relu_propagates_nan() {
    // ReLU of NaN must stay NaN. Mapping it to 0 hides a diverged layer from the loss, so the
    // trainer's check for a non-finite loss cannot notice it.
    let mut relu = Relu::new();
    let y = relu.forward(&arr2(&[[f32::NAN, 1.0]]));
    assert!(y[[0, 0]].is_nan(), "relu(NaN) = {}", y[[0, 0]]);
    assert_eq!(y[[0, 1]], 1.0);
}

#[test]
fn tanh_forward_and_backward() {
    let mut tanh = Tanh::new();
    let y = tanh.forward(&arr2(&[[0.0, 0.5, -2.0]]));
    assert_eq!(y, arr2(&[[0.0, 0.5f32.tanh(), (-2.0f32).tanh()]]));
    let grad = tanh.backward(&arr2(&[[2.0, 2.0, 2.0]])).unwrap();
    for (j, &g) in grad.iter().enumerate() {
        let expected = 2.0 * (1.0 - y[[0, j]] * y[[0, j]]);
        assert_eq!(g, expected, "column {j}");
    }
    assert_eq!(grad[[0, 0]], 2.0);
}

#[test]
fn sigmoid_forward_and_backward() {
    let mut sigmoid = Sigmoid::new();
    let y = sigmoid.forward(&arr2(&[[0.0, 2.0, -2.0, 1000.0, -1000.0]]));
    assert_eq!(y[[0, 0]], 0.5);
    assert!((y[[0, 1]] - 0.880_797).abs() < 1e-6, "{}", y[[0, 1]]);
    assert!((y[[0, 1]] + y[[0, 2]] - 1.0).abs() < 1e-6);
    // Far tails give exactly 1 and 0, never NaN from an overflowing exponential.
    assert_eq!(y[[0, 3]], 1.0);
    assert_eq!(y[[0, 4]], 0.0);
    let grad = sigmoid
        .backward(&arr2(&[[4.0, 1.0, 1.0, 1.0, 1.0]]))
        .unwrap();
    assert_eq!(grad[[0, 0]], 1.0);
    assert_eq!(grad[[0, 3]], 0.0);
    assert_eq!(grad[[0, 4]], 0.0);
}

#[test]
fn dead_fraction_counts_units_inactive_on_every_row() {
    let mut relu = Relu::new();
    assert_eq!(relu.dead_fraction(), None);
    // Column 0 is off on both rows, column 1 on one row only, columns 2 and 3 on none.
    relu.forward(&arr2(&[[-1.0, -1.0, 2.0, 1.0], [0.0, 3.0, 1.0, 1.0]]));
    assert_eq!(relu.dead_fraction(), Some(0.25));

    let mut tanh = Tanh::new();
    tanh.forward(&arr2(&[[10.0, -10.0, 0.1], [-10.0, 10.0, 10.0]]));
    assert_eq!(tanh.dead_fraction(), Some(2.0 / 3.0));

    let mut sigmoid = Sigmoid::new();
    sigmoid.forward(&arr2(&[[-20.0, 0.0], [-20.0, 20.0]]));
    assert_eq!(sigmoid.dead_fraction(), Some(0.5));
}

#[test]
fn mlp_with_names_its_activations() {
    for (activation, name) in [
        (ActivationKind::Relu, "relu_2"),
        (ActivationKind::Tanh, "tanh_2"),
        (ActivationKind::Sigmoid, "sigmoid_2"),
    ] {
        let model = Sequential::mlp_with(&[8, 4], activation, 10, Initializer::GlorotUniform, 0);
        let names: Vec<String> = model.summary().into_iter().map(|row| row.name).collect();
        assert_eq!(names[3], name);
        assert_eq!(names[4], "dense_3");
    }
}

#[test]
fn mlp_unbuilt_before_forward() {
    let model = Sequential::mlp(&[256, 128], 10, Initializer::GlorotUniform, 0);
    assert_eq!(model.parameter_count(), 0);
    assert_eq!(model.input_width(), None);
    assert_eq!(model.output_width(), Some(10));
    assert_eq!(
        model.summary(),
        vec![
            summary_row("dense_1", None, Some(256), 0),
            summary_row("relu_1", None, None, 0),
            summary_row("dense_2", None, Some(128), 0),
            summary_row("relu_2", None, None, 0),
            summary_row("dense_3", None, Some(10), 0),
        ]
    );
}

#[test]
fn mlp_summary_after_first_batch() {
    let mut model = Sequential::mlp(&[256, 128], 10, Initializer::GlorotUniform, 0);
    let logits = model.forward(&batch(2, 784)).unwrap();

    assert_eq!(logits.dim(), (2, 10));
    assert_eq!(model.input_width(), Some(784));
    assert_eq!(model.output_width(), Some(10));
    // 784·256 + 256, 256·128 + 128 and 128·10 + 10.
    assert_eq!(
        model.summary(),
        vec![
            summary_row("dense_1", Some(784), Some(256), 200_960),
            summary_row("relu_1", Some(256), Some(256), 0),
            summary_row("dense_2", Some(256), Some(128), 32_896),
            summary_row("relu_2", Some(128), Some(128), 0),
            summary_row("dense_3", Some(128), Some(10), 1_290),
        ]
    );
    assert_eq!(model.parameter_count(), 200_960 + 32_896 + 1_290);
}

#[test]
fn mlp_tensor_shapes_after_first_batch() {
    let mut model = Sequential::mlp(&[256, 128], 10, Initializer::GlorotUniform, 0);
    model.forward(&batch(2, 784)).unwrap();

    let shapes: Vec<Option<(usize, usize)>> = model
        .layers()
        .iter()
        .filter_map(Layer::as_dense)
        .map(|dense| dense.weight().map(Array2::dim))
        .collect();
    assert_eq!(
        shapes,
        vec![Some((784, 256)), Some((256, 128)), Some((128, 10))]
    );

    let sizes: Vec<usize> = model
        .parameters_and_gradients()
        .iter()
        .map(|(values, grads)| {
            assert_eq!(values.len(), grads.len());
            values.len()
        })
        .collect();
    assert_eq!(sizes, vec![784 * 256, 256, 256 * 128, 128, 128 * 10, 10]);
}

#[test]
fn mlp_rejects_other_width() {
    let mut model = Sequential::mlp(&[256, 128], 10, Initializer::GlorotUniform, 0);
    model.forward(&batch(2, 784)).unwrap();

    let error = model.forward(&batch(2, 100)).unwrap_err();
    let message = error.message();
    assert!(message.contains("dense_1"), "{message}");
    assert!(message.contains("100"), "{message}");
    assert!(message.contains("784"), "{message}");
    assert_eq!(model.input_width(), Some(784));
    assert_eq!(model.parameter_count(), 235_146);
}

#[test]
fn mlp_works_after_width_error() {
    let mut model = Sequential::mlp(&[256, 128], 10, Initializer::GlorotUniform, 0);
    let x = batch(3, 784);
    let before = model.forward(&x).unwrap();
    model.forward(&batch(3, 100)).unwrap_err();

    let after = model.forward(&x).unwrap();
    assert_eq!(before, after);
    let logits = model.forward(&x).unwrap();
    model.backward(&Array2::ones(logits.raw_dim())).unwrap();
}

#[test]
fn mlp_infers_any_width() {
    for width in [400, 49] {
        let mut model = Sequential::mlp(&[16], 10, Initializer::HeUniform, 1);
        model.forward(&batch(4, width)).unwrap();

        let summary = model.summary();
        assert_eq!(
            summary[0],
            summary_row("dense_1", Some(width), Some(16), width * 16 + 16)
        );
        assert_eq!(
            summary[2],
            summary_row("dense_2", Some(16), Some(10), 16 * 10 + 10)
        );
    }
}

#[test]
fn mlp_backward_before_forward() {
    let mut model = Sequential::mlp(&[4], 3, Initializer::GlorotUniform, 0);
    assert!(model.backward(&Array2::ones((1, 3))).is_err());
}

#[test]
fn mlp_is_finite_after_build() {
    let mut model = Sequential::mlp(&[4], 3, Initializer::GlorotUniform, 0);
    model.forward(&batch(2, 6)).unwrap();
    assert!(model.is_finite());
}

#[test]
fn sequential_from_layers() {
    let layers = vec![
        Layer::Dense(Dense::new(5, Initializer::HeUniform)),
        Layer::Relu(Relu::new()),
        Layer::Dense(Dense::new(2, Initializer::HeUniform)),
    ];
    let mut model = Sequential::new(layers, 3);
    let logits = model.forward(&batch(7, 9)).unwrap();
    assert_eq!(logits.dim(), (7, 2));
    assert_eq!(model.parameter_count(), 9 * 5 + 5 + 5 * 2 + 2);
    assert_eq!(model.layers()[1].kind(), "relu");
}
