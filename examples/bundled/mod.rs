//! The bundled digits in `www/data/`, read the same way by every example.

use std::error::Error;

use lazynet::data::Dataset;

const DATA_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/www/data");

fn read(name: &str) -> Result<Vec<u8>, Box<dyn Error>> {
    let path = format!("{DATA_DIR}/{name}");
    std::fs::read(&path).map_err(|e| format!("cannot read {path}: {e}").into())
}

/// Returns the training split (9,000 digits) and the held-out split (1,000 digits).
pub fn splits() -> Result<(Dataset, Dataset), Box<dyn Error>> {
    let train = Dataset::from_idx(
        &read("train-images.idx3-ubyte.gz")?,
        &read("train-labels.idx1-ubyte.gz")?,
    )?;
    let test = Dataset::from_idx(
        &read("test-images.idx3-ubyte.gz")?,
        &read("test-labels.idx1-ubyte.gz")?,
    )?;
    Ok((train, test))
}
