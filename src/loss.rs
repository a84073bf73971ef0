//! Softmax and the softmax cross-entropy loss, computed stably.

use ndarray::{Array2, ArrayBase, ArrayView1, Axis, Data, Ix2};

use crate::error::{Error, Result};

/// Returns the row-wise softmax of `logits` (`batch × classes`): each row becomes probabilities.
pub fn softmax<S: Data<Elem = f32>>(logits: &ArrayBase<S, Ix2>) -> Array2<f32> {
    let mut probabilities = logits.to_owned();
    for mut row in probabilities.axis_iter_mut(Axis(0)) {
        // Subtracting the maximum leaves softmax unchanged and keeps every exponent ≤ 0,
        // so exp never overflows, even for logits such as 1000.
        let max = row.fold(f32::NEG_INFINITY, |m, &v| m.max(v));
        row.mapv_inplace(|v| (v - max).exp());
        let sum = row.sum();
        row.mapv_inplace(|v| v / sum);
    }
    probabilities
}

/// Returns `log Σ exp(row)` computed as `max + log Σ exp(row − max)`.
pub fn log_sum_exp(row: ArrayView1<f32>) -> f32 {
    let max = row.fold(f32::NEG_INFINITY, |m, &v| m.max(v));
    if !max.is_finite() {
        return max;
    }
    max + row.fold(0.0f32, |s, &v| s + (v - max).exp()).ln()
}

/// Returns the row-wise log-softmax of `logits`: `logits − log Σ exp(logits)`.
pub fn log_softmax(logits: &Array2<f32>) -> Array2<f32> {
    let mut result = logits.clone();
    for mut row in result.axis_iter_mut(Axis(0)) {
        let lse = log_sum_exp(row.view());
        row.mapv_inplace(|v| v - lse);
    }
    result
}

/// The loss of a batch and its gradient.
#[derive(Clone, Debug)]
pub struct CrossEntropy {
    /// Mean over the batch of `−log p(label)`.
    pub loss: f32,
    /// `dL/dlogits = (softmax(logits) − one_hot(labels)) / batch`, `batch × classes`.
    pub grad: Array2<f32>,
    /// Samples whose largest logit is at their label.
    pub correct: usize,
}

/// Computes softmax followed by cross-entropy as one step, which is both cheaper and stabler
/// than the two apart: the loss uses log-sum-exp and never takes the logarithm of a rounded 0.
///
/// Shapes: `logits` is `batch × classes`; `labels` has `batch` entries, each below `classes`.
pub fn softmax_cross_entropy<S: Data<Elem = f32>>(
    logits: &ArrayBase<S, Ix2>,
    labels: &[u8],
) -> Result<CrossEntropy> {
    let (batch, classes) = logits.dim();
    if labels.len() != batch {
        return Err(Error::new(format!(
            "softmax cross-entropy: {} labels for a batch of {batch} logits rows; expected one label per row",
            labels.len()
        )));
    }
    if batch == 0 {
        return Err(Error::new("softmax cross-entropy: the batch is empty"));
    }
    if let Some(&label) = labels.iter().find(|&&l| usize::from(l) >= classes) {
        return Err(Error::new(format!(
            "softmax cross-entropy: label {label} is out of range for {classes} classes"
        )));
    }

    let mut grad = softmax(logits);
    let mut total = 0.0f64;
    let mut correct = 0;
    for ((row, logit_row), &label) in grad
        .axis_iter_mut(Axis(0))
        .zip(logits.axis_iter(Axis(0)))
        .zip(labels)
    {
        let label = usize::from(label);
        total += f64::from(log_sum_exp(logit_row) - logit_row[label]);
        if argmax(logit_row) == label {
            correct += 1;
        }
        let mut row = row;
        row[label] -= 1.0;
    }
    grad /= batch as f32;

    Ok(CrossEntropy {
        loss: (total / batch as f64) as f32,
        grad,
        correct,
    })
}

/// Returns the index of the largest value (the first one on ties; 0 for an empty row).
pub fn argmax(row: ArrayView1<f32>) -> usize {
    let mut best = 0;
    for (i, &v) in row.iter().enumerate() {
        if v > row[best] {
            best = i;
        }
    }
    best
}
