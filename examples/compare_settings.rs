//! Compares candidate training settings on the bundled digits, natively, over several seeds,
//! and prints a Markdown table of held-out accuracy (median and range over the seeds).
//!
//! Run from the repository root: `cargo run --release --example compare_settings -- [seeds]`
//! (default 3 seeds: 1, 2, 3). Each candidate trains for its full schedule.

mod bundled;

use std::error::Error;

use lazynet::data::Dataset;
use lazynet::train::Schedule;
use lazynet::{Config, Trainer};

/// Trains one config for its full schedule and returns the held-out accuracy after each epoch.
fn run(config: Config, train: &Dataset, test: &Dataset) -> Result<Vec<f32>, Box<dyn Error>> {
    let epochs = config.epochs;
    let steps_per_epoch = train.len().div_ceil(config.batch_size) as u32;
    let mut trainer = Trainer::new(config)?;
    trainer.set_training_data(train.clone())?;
    trainer.set_test_data(test.clone())?;
    let mut accuracies = Vec::new();
    for _ in 0..epochs {
        trainer.train_steps(steps_per_epoch)?;
        accuracies.push(trainer.evaluate()?.accuracy);
    }
    Ok(accuracies)
}

fn median(values: &mut [f32]) -> f32 {
    values.sort_by(f32::total_cmp);
    let middle = values.len() / 2;
    if values.len() % 2 == 1 {
        values[middle]
    } else {
        (values[middle - 1] + values[middle]) / 2.0
    }
}

fn main() -> Result<(), Box<dyn Error>> {
    let seed_count: u64 = std::env::args()
        .nth(1)
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(3);
    let (train, test) = bundled::splits()?;

    let base = Config::default();
    let candidates: Vec<(&str, Config)> = vec![
        (
            "no augmentation, constant rate",
            Config {
                augment: false,
                schedule: Schedule::Constant,
                ..base.clone()
            },
        ),
        (
            "no augmentation, cosine",
            Config {
                augment: false,
                ..base.clone()
            },
        ),
        (
            "augmentation, constant rate",
            Config {
                schedule: Schedule::Constant,
                ..base.clone()
            },
        ),
        ("augmentation, cosine (default)", base.clone()),
        (
            "augmentation, cosine, weight decay 0.05",
            Config {
                weight_decay: 0.05,
                ..base.clone()
            },
        ),
        (
            "augmentation, cosine, learning rate 0.002",
            Config {
                learning_rate: Some(0.002),
                ..base.clone()
            },
        ),
        (
            "augmentation, cosine, 15 epochs",
            Config {
                epochs: 15,
                ..base.clone()
            },
        ),
        (
            "augmentation, cosine, 60 epochs",
            Config {
                epochs: 60,
                ..base.clone()
            },
        ),
    ];

    println!("| settings | epochs | held-out accuracy at the end, median (min–max) | best epoch's accuracy, median |");
    println!("|---|---|---|---|");
    for (name, config) in candidates {
        let mut finals = Vec::new();
        let mut bests = Vec::new();
        for seed in 1..=seed_count {
            let accuracies = run(
                Config {
                    seed,
                    ..config.clone()
                },
                &train,
                &test,
            )?;
            finals.push(*accuracies.last().unwrap_or(&0.0));
            bests.push(accuracies.iter().copied().fold(0.0, f32::max));
        }
        let (low, high) = finals
            .iter()
            .fold((f32::MAX, f32::MIN), |(l, h), &a| (l.min(a), h.max(a)));
        println!(
            "| {name} | {} | {:.2} % ({:.2}–{:.2}) | {:.2} % |",
            config.epochs,
            median(&mut finals) * 100.0,
            low * 100.0,
            high * 100.0,
            median(&mut bests) * 100.0
        );
    }
    Ok(())
}
