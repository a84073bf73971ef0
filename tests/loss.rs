//! Softmax, log-softmax, argmax and softmax cross-entropy, including extreme logits.

use lazynet::loss::{argmax, log_softmax, log_sum_exp, softmax, softmax_cross_entropy};
use ndarray::{arr1, arr2, Array2, Axis};

#[test]
fn softmax_rows_sum_to_one() {
    let logits = Array2::from_shape_fn((6, 10), |(i, j)| ((i * 10 + j) as f32 * 0.37).sin() * 5.0);
    let probabilities = softmax(&logits);
    assert_eq!(probabilities.dim(), (6, 10));
    for (i, row) in probabilities.axis_iter(Axis(0)).enumerate() {
        let sum: f32 = row.sum();
        assert!((sum - 1.0).abs() < 1e-6, "row {i} sums to {sum}");
        assert!(
            row.iter().all(|&p| (0.0..=1.0).contains(&p)),
            "row {i}: {row}"
        );
    }
}

#[test]
fn softmax_by_hand() {
    // softmax([0, ln 3]) = [1/4, 3/4].
    let probabilities = softmax(&arr2(&[[0.0, 3.0f32.ln()]]));
    assert!((probabilities[[0, 0]] - 0.25).abs() < 1e-7);
    assert!((probabilities[[0, 1]] - 0.75).abs() < 1e-7);
}

#[test]
fn softmax_of_extreme_logits() {
    let probabilities = softmax(&arr2(&[[1000.0, 0.0, -1000.0]]));
    // e^−1000 underflows to 0 in f32, so the exact result is [1, 0, 0].
    assert_eq!(probabilities, arr2(&[[1.0, 0.0, 0.0]]));
}

#[test]
fn softmax_shift_invariant() {
    let small = softmax(&arr2(&[[1.0, 2.0, 3.0]]));
    let shifted = softmax(&arr2(&[[1001.0, 1002.0, 1003.0]]));
    for (a, b) in small.iter().zip(&shifted) {
        assert!((a - b).abs() < 1e-6, "{small} vs {shifted}");
    }
}

#[test]
fn log_softmax_of_extreme_logits() {
    let result = log_softmax(&arr2(&[
        [1000.0, 0.0, -1000.0],
        [f32::MAX, f32::MAX / 2.0, 0.0],
    ]));
    assert!(result.iter().all(|v| v.is_finite()), "{result}");
    assert_eq!(result.row(0), arr1(&[0.0, -1000.0, -2000.0]));
    assert_eq!(result[[1, 0]], 0.0);
    assert_eq!(result[[1, 2]], -f32::MAX);
}

#[test]
fn log_softmax_by_hand() {
    // log_softmax([0, ln 3]) = [ln 1/4, ln 3/4].
    let result = log_softmax(&arr2(&[[0.0, 3.0f32.ln()]]));
    assert!((result[[0, 0]] - 0.25f32.ln()).abs() < 1e-6);
    assert!((result[[0, 1]] - 0.75f32.ln()).abs() < 1e-6);
}

#[test]
fn log_sum_exp_of_extreme_values() {
    assert_eq!(log_sum_exp(arr1(&[1000.0, 0.0, -1000.0]).view()), 1000.0);
    let two_equal = log_sum_exp(arr1(&[500.0, 500.0]).view());
    assert!((two_equal - (500.0 + 2.0f32.ln())).abs() < 1e-4);
}

#[test]
fn cross_entropy_of_extreme_logits() {
    let logits = arr2(&[[1000.0, 0.0, -1000.0], [1000.0, 0.0, -1000.0]]);
    let result = softmax_cross_entropy(&logits, &[0, 2]).unwrap();

    // Row 0: log Σ exp = 1000 exactly in f32, minus logit 1000 gives 0.
    // Row 1: 1000 − (−1000) = 2000. The mean is 1000.
    assert_eq!(result.loss, 1000.0);
    assert_eq!(result.correct, 1);

    // (softmax − one-hot) / batch with softmax = [1, 0, 0] in both rows.
    assert_eq!(result.grad, arr2(&[[0.0, 0.0, 0.0], [0.5, 0.0, -0.5]]));
}

#[test]
fn cross_entropy_per_row_extremes() {
    let logits = arr2(&[[1000.0, 0.0, -1000.0]]);
    let right = softmax_cross_entropy(&logits, &[0]).unwrap();
    let wrong = softmax_cross_entropy(&logits, &[2]).unwrap();
    assert_eq!(right.loss, 0.0);
    assert_eq!(wrong.loss, 2000.0);
    assert_eq!(wrong.grad, arr2(&[[1.0, 0.0, -1.0]]));
}

#[test]
fn cross_entropy_uniform_logits() {
    // Equal logits over 10 classes give −ln(1/10) = ln 10 for any label.
    let result = softmax_cross_entropy(&Array2::zeros((4, 10)), &[0, 3, 9, 5]).unwrap();
    assert!((result.loss - 10.0f32.ln()).abs() < 1e-6, "{}", result.loss);
    // Row 1 has label 3: (0.1 − 1)/4 there and 0.1/4 elsewhere.
    for (j, &g) in result.grad.row(1).iter().enumerate() {
        let expected = if j == 3 { (0.1 - 1.0) / 4.0 } else { 0.1 / 4.0 };
        assert!(
            (g - expected).abs() < 1e-7,
            "grad [1, {j}] = {g}, expected {expected}"
        );
    }
}

#[test]
fn cross_entropy_counts_correct() {
    let logits = arr2(&[
        [0.1, 0.9, 0.0],
        [2.0, 1.0, 0.0],
        [0.0, 0.0, 5.0],
        [1.0, 1.0, 0.0],
    ]);
    // Predictions are 1, 0, 2 and 0 (first of the tie).
    let result = softmax_cross_entropy(&logits, &[1, 1, 2, 1]).unwrap();
    assert_eq!(result.correct, 2);
}

#[test]
fn cross_entropy_label_count_mismatch() {
    let error = softmax_cross_entropy(&Array2::zeros((3, 10)), &[1, 2]).unwrap_err();
    assert!(error.message().contains("2 labels"), "{error}");
    assert!(error.message().contains("batch of 3"), "{error}");
}

#[test]
fn cross_entropy_label_out_of_range() {
    let error = softmax_cross_entropy(&Array2::zeros((2, 10)), &[1, 10]).unwrap_err();
    assert!(error.message().contains("label 10"), "{error}");
    assert!(error.message().contains("10 classes"), "{error}");
}

#[test]
fn cross_entropy_empty_batch() {
    let error = softmax_cross_entropy(&Array2::zeros((0, 10)), &[]).unwrap_err();
    assert!(error.message().contains("empty"), "{error}");
}

#[test]
fn argmax_cases() {
    assert_eq!(argmax(arr1(&[0.1, 0.7, 0.2]).view()), 1);
    assert_eq!(argmax(arr1(&[-3.0, -1.0, -2.0]).view()), 1);
    assert_eq!(argmax(arr1(&[0.5, 0.2, 0.5]).view()), 0, "first of a tie");
    assert_eq!(argmax(arr1(&[0.0, f32::INFINITY, 1.0]).view()), 1);
    assert_eq!(argmax(arr1(&[4.0]).view()), 0);
    assert_eq!(argmax(arr1(&[]).view()), 0, "empty row");
}
