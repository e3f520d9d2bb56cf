//! Dense linear algebra for initializers: Householder QR (Golub & Van Loan, "Matrix Computations",
//! 4th ed., §5.2) and the orthogonal initializer of Saxe, McClelland & Ganguli (2014) built on it.

pub mod qr;

pub use qr::{orthogonal, OrthogonalError};
