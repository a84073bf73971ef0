//! Native benchmarks of one training step of the standard model (784 → 256 → 128 → 10, Adam,
//! batch 64) on the bundled digits, and of the matrix products of such a step alone.
//!
//! Run from the repository root: `cargo bench --bench train`. The browser counterparts are in
//! `bench/` (`bash scripts/bench.sh`); dividing the two gives the cost of running as wasm.

#[cfg(not(target_arch = "wasm32"))]
criterion::criterion_main!(native::benches);

// criterion is a native-only dev-dependency, so for wasm32 (as in `cargo clippy --target
// wasm32-unknown-unknown --all-targets`) this file builds to an empty program.
#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use std::hint::black_box;

    use criterion::{criterion_group, Criterion};
    use lazynet::data::Dataset;
    use lazynet::roofline::{MatrixProducts, BATCH, WIDTHS};
    use lazynet::train::Schedule;
    use lazynet::{Config, Trainer};

    const DATA_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/www/data");

    fn read(name: &str) -> Vec<u8> {
        let path = format!("{DATA_DIR}/{name}");
        std::fs::read(&path).unwrap_or_else(|error| panic!("cannot read {path}: {error}"))
    }

    /// Returns a trainer for the standard model (seed 1) with the bundled training split,
    /// after one step so that its layers are built. It trains as the TF.js contenders in
    /// `bench/` do: without distortions and at a constant learning rate.
    fn standard_trainer() -> Trainer {
        let data = Dataset::from_idx(
            &read("train-images.idx3-ubyte.gz"),
            &read("train-labels.idx1-ubyte.gz"),
        )
        .expect("the bundled training split decodes");
        let config = Config {
            hidden: vec![WIDTHS[1], WIDTHS[2]],
            batch_size: BATCH,
            seed: 1,
            augment: false,
            schedule: Schedule::Constant,
            ..Config::default()
        };
        let mut trainer = Trainer::new(config).expect("the standard config is valid");
        trainer
            .set_training_data(data)
            .expect("the bundled data fits the model");
        trainer.train_steps(1).expect("the first step succeeds");
        trainer
    }

    /// Benchmarks one `train_steps(1)`: gather a batch, forward, loss, backward and the Adam
    /// update. Every 141st step of an epoch has 40 samples instead of 64 (9,000 = 140 × 64 + 40).
    fn train_step(c: &mut Criterion) {
        let mut trainer = standard_trainer();
        c.bench_function("train_step_batch64", |b| {
            b.iter(|| black_box(trainer.train_steps(1).expect("training step succeeds")))
        });
    }

    /// Benchmarks the matrix products of one training step and nothing else:
    /// `roofline::FLOPS_PER_STEP` floating-point operations, as `benchmarkMatrixProducts` runs
    /// them in the browser.
    fn matrix_products(c: &mut Criterion) {
        let mut products = MatrixProducts::new();
        c.bench_function("matrix_products_batch64", |b| {
            b.iter(|| {
                products.step();
                black_box(&products);
            })
        });
    }

    criterion_group! {
        name = benches;
        // 50 samples instead of 100 keep both benchmarks within criterion's 5 s measuring time.
        config = Criterion::default().sample_size(50);
        targets = train_step, matrix_products
    }
}
