//! A training set held by the network's owner for a whole fit: written once in row slices (so the
//! caller's thread is never busy for long), scanned for non-finite values once, then trained on by
//! index (`Network::train_rows`) as many times as the epochs need, without copying rows per call.

/// Where the first non-finite value of a training set is: `in_y` false for x, row-major position.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NonFinite {
    pub in_y: bool,
    pub row: usize,
    pub column: usize,
    pub value: f32,
}

/// Index of the first NaN or ±∞ in `v`, or None. Blocks of 256 are tested with a branch-free OR of
/// "exponent bits all ones" (which the compiler vectorizes); only a flagged block is searched.
pub fn first_non_finite(v: &[f32]) -> Option<usize> {
    const EXP: u32 = 0x7f80_0000;
    for (b, block) in v.chunks(256).enumerate() {
        let any = block.iter().fold(false, |acc, x| acc | (x.to_bits() & EXP == EXP));
        if any {
            return block.iter().position(|x| !x.is_finite()).map(|i| b * 256 + i);
        }
    }
    None
}

/// Rows × `inputs` inputs and rows × `target_width` targets, filled front to back by `write`.
pub struct TrainingSet {
    rows: usize,
    inputs: usize,
    target_width: usize,
    pub(crate) x: Vec<f32>,
    pub(crate) y: Vec<f32>,
    filled: usize,
    checked: bool,
}

impl TrainingSet {
    /// An empty set of `rows` rows, zero-filled. The fill touches every page: fresh memory is mapped
    /// lazily and a first write to a page costs a fault (microseconds each on a virtual machine), so
    /// the owner allocates off its caller's thread and `write` is then a plain copy. A set that does not
    /// fit in memory is an error, not an abort.
    pub fn new(rows: usize, inputs: usize, target_width: usize) -> Result<TrainingSet, String> {
        if rows == 0 {
            return Err("rows must be ≥ 1, got 0".into());
        }
        let too_big = || format!("{rows} rows of {inputs} inputs and {target_width} targets do not fit in memory");
        let (nx, ny) = match (rows.checked_mul(inputs), rows.checked_mul(target_width)) {
            (Some(a), Some(b)) => (a, b),
            _ => return Err(too_big()),
        };
        let zeroed = |n: usize| -> Result<Vec<f32>, String> {
            let mut v = Vec::new();
            v.try_reserve_exact(n).map_err(|_| too_big())?;
            v.resize(n, 0.0);
            Ok(v)
        };
        Ok(TrainingSet { rows, inputs, target_width, x: zeroed(nx)?, y: zeroed(ny)?, filled: 0, checked: false })
    }

    pub fn rows(&self) -> usize {
        self.rows
    }

    pub fn inputs_width(&self) -> usize {
        self.inputs
    }

    pub fn target_width(&self) -> usize {
        self.target_width
    }

    /// Rows written so far.
    pub fn filled(&self) -> usize {
        self.filled
    }

    /// True once every row is written and `scan` found no non-finite value.
    pub fn ready(&self) -> bool {
        self.checked
    }

    /// Copies the next rows: `from` must equal `filled()` (slices arrive in order, none twice).
    pub fn write(&mut self, from: usize, x: &[f32], y: &[f32]) -> Result<(), String> {
        if from != self.filled {
            return Err(format!("rows must be written in order: the next row is {}, got {from}", self.filled));
        }
        if self.inputs == 0 || !x.len().is_multiple_of(self.inputs) {
            return Err(format!("x must hold whole rows of {} values, got {}", self.inputs, x.len()));
        }
        let n = x.len() / self.inputs;
        if n == 0 || from + n > self.rows {
            return Err(format!("x holds {n} rows from row {from}, but the set has {} rows", self.rows));
        }
        if y.len() != n * self.target_width {
            return Err(format!("y must hold {n}·{} = {} values for those rows, got {}", self.target_width, n * self.target_width, y.len()));
        }
        self.x[from * self.inputs..(from + n) * self.inputs].copy_from_slice(x);
        self.y[from * self.target_width..(from + n) * self.target_width].copy_from_slice(y);
        self.filled += n;
        Ok(())
    }

    /// Once every row is written: the first non-finite value (x before y, row-major), or None, after
    /// which the set is ready for training.
    pub fn scan(&mut self) -> Result<Option<NonFinite>, String> {
        if self.filled != self.rows {
            return Err(format!("only {} of {} rows have been written", self.filled, self.rows));
        }
        let found = first_non_finite(&self.x)
            .map(|i| NonFinite { in_y: false, row: i / self.inputs, column: i % self.inputs, value: self.x[i] })
            .or_else(|| {
                first_non_finite(&self.y)
                    .map(|i| NonFinite { in_y: true, row: i / self.target_width, column: i % self.target_width, value: self.y[i] })
            });
        self.checked = found.is_none();
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_non_finite_finds_the_first_bad_value_anywhere_in_a_block() {
        let mut v = vec![1.5f32; 1000];
        assert_eq!(first_non_finite(&v), None);
        for &(i, bad) in &[(0, f32::NAN), (255, f32::INFINITY), (256, f32::NEG_INFINITY), (999, f32::NAN), (700, -f32::NAN)] {
            v[i] = bad;
            assert_eq!(first_non_finite(&v), Some(i));
            v[i] = 1.5;
        }
        v[600] = f32::NAN;
        v[300] = f32::INFINITY;
        assert_eq!(first_non_finite(&v), Some(300));
        // Largest finite and subnormal values are finite.
        assert_eq!(first_non_finite(&[f32::MAX, f32::MIN, 1e-45, -0.0]), None);
    }

    #[test]
    fn a_set_is_written_in_order_then_scanned() {
        let mut s = TrainingSet::new(3, 2, 1).unwrap();
        assert!(s.x.iter().chain(&s.y).all(|&v| v == 0.0));
        // An overflowing size, and 4 TiB that the allocator refuses: errors, not aborts.
        assert!(TrainingSet::new(usize::MAX / 2, 3, 1).err().unwrap().contains("do not fit in memory"));
        assert!(TrainingSet::new(1 << 40, 1, 1).err().unwrap().contains("do not fit in memory"));
        assert!(s.write(1, &[0.0; 2], &[0.0]).unwrap_err().contains("next row is 0"));
        s.write(0, &[1.0, 2.0, 3.0, 4.0], &[0.0, 1.0]).unwrap();
        assert!(s.scan().unwrap_err().contains("2 of 3"));
        assert!(s.write(2, &[1.0, 2.0, 3.0, 4.0], &[0.0, 1.0]).unwrap_err().contains("3 rows"));
        assert!(s.write(2, &[1.0, 2.0], &[0.0, 1.0]).unwrap_err().contains("y must hold"));
        s.write(2, &[5.0, f32::NAN], &[f32::INFINITY]).unwrap();
        let f = s.scan().unwrap().unwrap();
        assert_eq!((f.in_y, f.row, f.column), (false, 2, 1));
        assert!(f.value.is_nan());
        assert!(!s.ready());
        let mut t = TrainingSet::new(2, 1, 2).unwrap();
        t.write(0, &[1.0, 2.0], &[0.0, 1.0, f32::NEG_INFINITY, 0.5]).unwrap();
        assert_eq!(t.scan().unwrap(), Some(NonFinite { in_y: true, row: 1, column: 0, value: f32::NEG_INFINITY }));
        let mut u = TrainingSet::new(1, 1, 1).unwrap();
        u.write(0, &[1.0], &[2.0]).unwrap();
        assert_eq!(u.scan().unwrap(), None);
        assert!(u.ready());
    }
}
