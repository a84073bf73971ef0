//! IDX files (the MNIST format), raw or gzip-compressed, and shuffled mini-batches.
//!
//! An IDX file is a big-endian header — two zero bytes, an element-type byte, a byte with the
//! number of dimensions, then one u32 size per dimension — followed by the elements. MNIST uses
//! unsigned bytes (type 0x08): images are 3-dimensional (magic 0x00000803 = 2051) and labels
//! 1-dimensional (magic 0x00000801 = 2049).

use std::borrow::Cow;
use std::io::Read;

use flate2::read::GzDecoder;
use ndarray::Array2;

use crate::error::{Error, Result};
use crate::rng::{Rng, Stream};

/// Magic number of an IDX file of unsigned-byte images.
pub const IMAGES_MAGIC: u32 = 0x0000_0803;
/// Magic number of an IDX file of unsigned-byte labels.
pub const LABELS_MAGIC: u32 = 0x0000_0801;
/// Largest decompressed size accepted: the full MNIST training images (47 MB) fit with room.
pub const MAX_DECOMPRESSED_BYTES: usize = 128 * 1024 * 1024;
/// Largest image side accepted. Every image is resized to the trainer's input size (at most
/// 28), so larger images only cost memory: 256×256 leaves room for scans at 9 times MNIST's
/// resolution.
pub const MAX_IMAGE_SIDE: usize = 256;
/// Number of digit classes.
pub const CLASSES: usize = 10;

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];
const UNSIGNED_BYTE: u8 = 0x08;

/// Returns the bytes, gunzipped if they start with the gzip magic number.
pub fn decompress<'a>(bytes: &'a [u8], file_kind: &str) -> Result<Cow<'a, [u8]>> {
    decompress_with_limit(bytes, file_kind, MAX_DECOMPRESSED_BYTES)
}

/// Like [`decompress`], with `limit` decompressed bytes in place of
/// [`MAX_DECOMPRESSED_BYTES`]. Decoding stops one byte past the limit, so a small file that
/// inflates to gigabytes costs no more than `limit` bytes of memory.
pub fn decompress_with_limit<'a>(
    bytes: &'a [u8],
    file_kind: &str,
    limit: usize,
) -> Result<Cow<'a, [u8]>> {
    if !bytes.starts_with(&GZIP_MAGIC) {
        return Ok(Cow::Borrowed(bytes));
    }
    let mut output = Vec::new();
    GzDecoder::new(bytes)
        .take(limit as u64 + 1)
        .read_to_end(&mut output)
        .map_err(|e| {
            Error::new(format!(
                "{file_kind}: the gzip data is corrupt ({e}); download the file again"
            ))
        })?;
    if output.len() > limit {
        return Err(Error::new(format!(
            "{file_kind}: decompresses to more than {limit} bytes, the limit; use a smaller file"
        )));
    }
    Ok(Cow::Owned(output))
}

/// Parses an IDX header of unsigned bytes with `expected_dims` dimensions and returns the sizes
/// and the element bytes, after checking that the bytes hold exactly the declared elements.
fn parse_idx<'a>(
    bytes: &'a [u8],
    expected_magic: u32,
    file_kind: &str,
) -> Result<(Vec<usize>, &'a [u8])> {
    let expected_dims = (expected_magic & 0xff) as usize;
    let header_len = 4 + 4 * expected_dims;
    if bytes.len() < 4 {
        return Err(Error::new(format!(
            "{file_kind}: {} bytes is too short for an IDX file; expected a header of {header_len} bytes",
            bytes.len()
        )));
    }
    let magic = u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
    if magic != expected_magic {
        let hint = match magic {
            IMAGES_MAGIC => " (this is an images file)",
            LABELS_MAGIC => " (this is a labels file)",
            _ if bytes[0] != 0 || bytes[1] != 0 => " (not an IDX file)",
            _ if bytes[2] != UNSIGNED_BYTE => " (elements are not unsigned bytes)",
            _ => "",
        };
        return Err(Error::new(format!(
            "{file_kind}: magic number {magic:#010x}{hint}; expected {expected_magic:#010x} ({expected_magic})"
        )));
    }
    if bytes.len() < header_len {
        return Err(Error::new(format!(
            "{file_kind}: the header is truncated at {} bytes; expected {header_len}",
            bytes.len()
        )));
    }

    let dims: Vec<usize> = bytes[4..header_len]
        .chunks_exact(4)
        .map(|c| u32::from_be_bytes([c[0], c[1], c[2], c[3]]) as usize)
        .collect();
    let declared = dims
        .iter()
        .try_fold(1usize, |total, &d| total.checked_mul(d))
        .filter(|&n| n <= MAX_DECOMPRESSED_BYTES)
        .ok_or_else(|| {
            Error::new(format!(
                "{file_kind}: declared sizes {dims:?} exceed the {MAX_DECOMPRESSED_BYTES}-byte limit"
            ))
        })?;
    let body = &bytes[header_len..];
    if body.len() != declared {
        return Err(Error::new(format!(
            "{file_kind}: the header declares {declared} bytes of data ({dims:?}) but the file has {}; the file is {}",
            body.len(),
            if body.len() < declared { "truncated" } else { "longer than declared" }
        )));
    }
    Ok((dims, body))
}

/// Images decoded from an IDX file: `count` images of `rows × cols` bytes, row-major.
#[derive(Clone, Debug)]
pub struct Images {
    pub count: usize,
    pub rows: usize,
    pub cols: usize,
    pub pixels: Vec<u8>,
}

/// Decodes an images file (magic 2051), raw or gzip-compressed.
pub fn decode_images(bytes: &[u8]) -> Result<Images> {
    decode_images_owned(bytes.to_vec())
}

/// Like [`decode_images`], but takes the file's bytes and reuses them for the pixels when they
/// are not compressed, so a 47 MB file needs 47 MB rather than twice that while it loads.
pub fn decode_images_owned(bytes: Vec<u8>) -> Result<Images> {
    let file_kind = "images file";
    let mut data = if bytes.starts_with(&GZIP_MAGIC) {
        decompress(&bytes, file_kind)?.into_owned()
    } else {
        bytes
    };
    let (dims, body) = parse_idx(&data, IMAGES_MAGIC, file_kind)?;
    let header_len = data.len() - body.len();
    let (count, rows, cols) = (dims[0], dims[1], dims[2]);
    if count == 0 {
        return Err(Error::new(format!(
            "{file_kind}: contains 0 images; expected at least 1"
        )));
    }
    if rows == 0 || cols == 0 {
        return Err(Error::new(format!(
            "{file_kind}: images are {rows}×{cols}; expected a nonzero size such as 28×28"
        )));
    }
    if rows != cols || rows > MAX_IMAGE_SIDE {
        return Err(Error::new(format!(
            "{file_kind}: images are {rows}×{cols}; expected square images of at most {MAX_IMAGE_SIDE}×{MAX_IMAGE_SIDE} pixels, such as MNIST's 28×28"
        )));
    }
    data.drain(..header_len);
    Ok(Images {
        count,
        rows,
        cols,
        pixels: data,
    })
}

/// Decodes a labels file (magic 2049), raw or gzip-compressed; every label must be a class 0–9.
pub fn decode_labels(bytes: &[u8]) -> Result<Vec<u8>> {
    let file_kind = "labels file";
    let bytes = decompress(bytes, file_kind)?;
    let (dims, body) = parse_idx(&bytes, LABELS_MAGIC, file_kind)?;
    if dims[0] == 0 {
        return Err(Error::new(format!(
            "{file_kind}: contains 0 labels; expected at least 1"
        )));
    }
    if let Some(position) = body.iter().position(|&l| usize::from(l) >= CLASSES) {
        return Err(Error::new(format!(
            "{file_kind}: label {} at index {position} is out of range; expected a class from 0 to {}, as in MNIST and Fashion-MNIST",
            body[position],
            CLASSES - 1
        )));
    }
    Ok(body.to_vec())
}

/// Labelled images. Pixels are kept as bytes, a quarter of the memory of floats, because the
/// full MNIST (60,000 images) must fit in a browser tab. They are scaled to [0, 1] as
/// batches are copied out.
#[derive(Clone, Debug)]
pub struct Dataset {
    /// `count × (rows·cols)` bytes, one image per row.
    images: Array2<u8>,
    labels: Vec<u8>,
    rows: usize,
    cols: usize,
}

impl Dataset {
    /// Builds a dataset from the bytes of an images file and a labels file (raw or gzip).
    pub fn from_idx(images: &[u8], labels: &[u8]) -> Result<Self> {
        Self::from_idx_owned(images.to_vec(), labels)
    }

    /// Like [`Dataset::from_idx`], taking the images file's bytes so that raw pixels are not
    /// copied again.
    pub fn from_idx_owned(images: Vec<u8>, labels: &[u8]) -> Result<Self> {
        let images = decode_images_owned(images)?;
        let labels = decode_labels(labels)?;
        Self::new(images, labels)
    }

    /// Builds a dataset from decoded images and labels; both must have the same nonzero count.
    pub fn new(images: Images, labels: Vec<u8>) -> Result<Self> {
        if images.count == 0 {
            return Err(Error::new(
                "the images file contains 0 images; expected at least 1",
            ));
        }
        if images.count != labels.len() {
            return Err(Error::new(format!(
                "the images file has {} images but the labels file has {} labels; use files from the same split",
                images.count,
                labels.len()
            )));
        }
        let width = images.rows * images.cols;
        let images_array = Array2::from_shape_vec((images.count, width), images.pixels)
            .map_err(|e| Error::new(format!("images: {e}")))?;
        Ok(Self {
            images: images_array,
            labels,
            rows: images.rows,
            cols: images.cols,
        })
    }

    /// Returns the dataset with every image scaled to `side × side` by area averaging, or
    /// itself if the images already have that size.
    pub fn resized(self, side: usize) -> Result<Self> {
        if self.rows == side && self.cols == side {
            return Ok(self);
        }
        let mut pixels = Vec::with_capacity(self.len() * side * side);
        for image in self.images.rows() {
            let image: Vec<f32> = image.iter().copied().map(scale).collect();
            let resized = crate::preprocess::resize(&image, self.cols, self.rows, side, side);
            pixels.extend(resized.into_iter().map(|v| (v * 255.0).round() as u8));
        }
        let images = Array2::from_shape_vec((self.len(), side * side), pixels)
            .map_err(|e| Error::new(format!("resizing images to {side}×{side}: {e}")))?;
        Ok(Self {
            images,
            labels: self.labels,
            rows: side,
            cols: side,
        })
    }

    pub fn len(&self) -> usize {
        self.labels.len()
    }

    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    pub fn rows(&self) -> usize {
        self.rows
    }

    pub fn cols(&self) -> usize {
        self.cols
    }

    /// Returns the pixel bytes, `count × (rows·cols)`, 0 to 255.
    pub fn pixels(&self) -> &Array2<u8> {
        &self.images
    }

    /// Returns a copy of all images as `count × (rows·cols)` values in [0, 1].
    pub fn images(&self) -> Array2<f32> {
        self.images.mapv(scale)
    }

    /// Returns a copy of the images in `range` as values in [0, 1], one per row.
    pub fn image_rows(&self, range: std::ops::Range<usize>) -> Array2<f32> {
        self.images.slice(ndarray::s![range, ..]).mapv(scale)
    }

    pub fn labels(&self) -> &[u8] {
        &self.labels
    }

    /// Copies the samples at `indices` into a batch: `indices.len() × (rows·cols)` and labels.
    pub fn gather(&self, indices: &[usize]) -> (Array2<f32>, Vec<u8>) {
        let mut batch = Array2::zeros((0, 0));
        let mut labels = Vec::new();
        self.gather_into(indices, &mut batch, &mut labels);
        (batch, labels)
    }

    /// Like [`Dataset::gather`], but fills buffers that are reused from batch to batch.
    pub fn gather_into(&self, indices: &[usize], batch: &mut Array2<f32>, labels: &mut Vec<u8>) {
        crate::layers::resize(batch, indices.len(), self.images.ncols());
        labels.clear();
        for (mut row, &index) in batch.rows_mut().into_iter().zip(indices) {
            row.zip_mut_with(&self.images.row(index), |value, &byte| *value = scale(byte));
            labels.push(self.labels[index]);
        }
    }
}

/// Scales a pixel byte to [0, 1].
fn scale(byte: u8) -> f32 {
    f32::from(byte) / 255.0
}

/// Endless shuffled mini-batches over `count` samples: a new permutation for every epoch.
#[derive(Clone, Debug)]
pub struct Batches {
    order: Vec<usize>,
    cursor: usize,
    epochs: u64,
    rng: Rng,
}

impl Batches {
    pub fn new(count: usize, seed: u64) -> Self {
        let mut rng = Rng::new(seed, Stream::Shuffle);
        let mut order: Vec<usize> = (0..count).collect();
        rng.shuffle(&mut order);
        Self {
            order,
            cursor: 0,
            epochs: 0,
            rng,
        }
    }

    /// Returns the indices of the next batch of up to `batch_size` samples.
    ///
    /// An epoch's last batch is smaller when `batch_size` does not divide the count, so every
    /// sample is seen exactly once per epoch.
    pub fn next_batch(&mut self, batch_size: usize) -> &[usize] {
        if self.cursor >= self.order.len() {
            self.rng.shuffle(&mut self.order);
            self.cursor = 0;
            self.epochs += 1;
        }
        let start = self.cursor;
        self.cursor = (start + batch_size).min(self.order.len());
        &self.order[start..self.cursor]
    }

    /// Returns the epochs completed, with the current one as a fraction.
    pub fn epoch(&self) -> f64 {
        if self.order.is_empty() {
            return 0.0;
        }
        self.epochs as f64 + self.cursor as f64 / self.order.len() as f64
    }
}
