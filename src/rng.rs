//! The one source of randomness: a seeded ChaCha8 stream per purpose.
//!
//! ChaCha8 (from `rand_chacha`) gives the same sequence for the same seed on every platform and
//! version of that crate, which is what makes a seeded run reproducible. The conversions to
//! floats and bounded integers are written here rather than taken from `rand`'s distributions,
//! because `rand` documents those as free to change between versions.

use rand_chacha::ChaCha8Rng;
use rand_core::{RngCore, SeedableRng};

/// Largest seed `fresh_seed` returns: 2⁵³ − 1, the largest integer a JavaScript number represents exactly.
pub const MAX_SEED: u64 = (1 << 53) - 1;

/// Independent random streams derived from one seed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stream {
    /// Weight initialization.
    Init = 0,
    /// Shuffling the training set into mini-batches.
    Shuffle = 1,
    /// Random distortions of training images.
    Augment = 2,
}

/// A seeded random number generator.
#[derive(Clone, Debug)]
pub struct Rng {
    inner: ChaCha8Rng,
}

impl Rng {
    /// Creates the generator for `stream` of `seed`; different streams never overlap.
    pub fn new(seed: u64, stream: Stream) -> Self {
        let mut inner = ChaCha8Rng::seed_from_u64(seed);
        inner.set_stream(stream as u64);
        Self { inner }
    }

    /// Draws a seed from the operating system (the browser's `crypto.getRandomValues` in wasm).
    ///
    /// The seed has 53 bits, so a JavaScript number represents it exactly and a run started without
    /// a seed can be repeated by passing the reported one.
    pub fn fresh_seed() -> u64 {
        // NOTE: a platform without an entropy source gets a fixed seed, so a run still starts.
        // Callers report the seed they used, so the run stays reproducible either way.
        getrandom::u64().unwrap_or(0x5eed_1a2e_9e77_0001) & MAX_SEED
    }

    pub fn next_u32(&mut self) -> u32 {
        self.inner.next_u32()
    }

    /// Returns a float uniformly distributed in [0, 1), with 24 random bits.
    pub fn next_f32(&mut self) -> f32 {
        (self.next_u32() >> 8) as f32 * (1.0 / (1u32 << 24) as f32)
    }

    /// Returns a float uniformly distributed in [low, high).
    pub fn uniform(&mut self, low: f32, high: f32) -> f32 {
        low + (high - low) * self.next_f32()
    }

    /// Returns a standard normal sample (Box–Muller transform).
    pub fn normal(&mut self) -> f32 {
        // 1 - u lies in (0, 1], so the logarithm is finite.
        let u1 = 1.0 - self.next_f32();
        let u2 = self.next_f32();
        (-2.0 * u1.ln()).sqrt() * (std::f32::consts::TAU * u2).cos()
    }

    /// Returns an integer uniformly distributed in [0, bound); `bound` must be positive.
    pub fn below(&mut self, bound: u32) -> u32 {
        // Lemire's multiply-and-reject method: unbiased, and usually one draw.
        debug_assert!(bound > 0);
        let threshold = bound.wrapping_neg() % bound;
        loop {
            let product = u64::from(self.next_u32()) * u64::from(bound);
            if (product as u32) >= threshold {
                return (product >> 32) as u32;
            }
        }
    }

    /// Shuffles `items` in place (Fisher–Yates).
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i as u32 + 1) as usize;
            items.swap(i, j);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_draws() {
        let mut a = Rng::new(7, Stream::Init);
        let mut b = Rng::new(7, Stream::Init);
        for _ in 0..100 {
            assert_eq!(a.next_u32(), b.next_u32());
        }
    }

    #[test]
    fn streams_differ() {
        let mut a = Rng::new(7, Stream::Init);
        let mut b = Rng::new(7, Stream::Shuffle);
        let draws_a: Vec<u32> = (0..8).map(|_| a.next_u32()).collect();
        let draws_b: Vec<u32> = (0..8).map(|_| b.next_u32()).collect();
        assert_ne!(draws_a, draws_b);
    }

    #[test]
    fn below_stays_in_range_and_covers_it() {
        let mut rng = Rng::new(1, Stream::Shuffle);
        let mut seen = [0usize; 10];
        for _ in 0..10_000 {
            let k = rng.below(10) as usize;
            assert!(k < 10);
            seen[k] += 1;
        }
        for (value, &count) in seen.iter().enumerate() {
            assert!(
                (800..1200).contains(&count),
                "value {value} drawn {count} times of 10,000"
            );
        }
    }

    #[test]
    fn next_f32_is_in_unit_interval() {
        let mut rng = Rng::new(3, Stream::Init);
        for _ in 0..10_000 {
            let x = rng.next_f32();
            assert!((0.0..1.0).contains(&x));
        }
    }
}
