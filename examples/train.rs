//! Trains the default model on the bundled digits and prints loss and held-out accuracy per
//! epoch.
//!
//! Run from the repository root: `cargo run --release --example train -- [epochs] [seed]`
//! (defaults: 10 epochs, seed 1).

mod bundled;

use std::error::Error;
use std::time::Instant;

use lazynet::{Config, Trainer};

fn main() -> Result<(), Box<dyn Error>> {
    let mut arguments = std::env::args().skip(1);
    let epochs: u32 = arguments
        .next()
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(10);
    let seed: u64 = arguments
        .next()
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(1);

    let (train, test) = bundled::splits()?;
    println!(
        "training on {} digits, testing on {} held-out digits, {}×{} pixels",
        train.len(),
        test.len(),
        train.rows(),
        train.cols()
    );

    let config = Config {
        seed,
        ..Config::default()
    };
    let steps_per_epoch = train.len().div_ceil(config.batch_size) as u32;
    let mut trainer = Trainer::new(config)?;
    trainer.set_training_data(train)?;
    trainer.set_test_data(test)?;

    let started = Instant::now();
    for epoch in 1..=epochs {
        let metrics = trainer.train_steps(steps_per_epoch)?;
        let evaluation = trainer.evaluate()?;
        println!(
            "epoch {epoch:>3}  train loss {:.4}  train accuracy {:5.2} %  test loss {:.4}  test accuracy {:5.2} %  {:6.1} s",
            metrics.loss,
            metrics.accuracy * 100.0,
            evaluation.loss,
            evaluation.accuracy * 100.0,
            started.elapsed().as_secs_f64()
        );
    }
    for layer in trainer.summary() {
        println!(
            "{:<8} inputs {:>5}  outputs {:>4}  params {:>7}",
            layer.name,
            layer.inputs.map_or("?".to_string(), |n| n.to_string()),
            layer.outputs.map_or("?".to_string(), |n| n.to_string()),
            layer.params
        );
    }
    Ok(())
}
