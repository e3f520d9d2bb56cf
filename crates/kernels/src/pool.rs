//! The owned thread pool. Placeholder; filled in by the RNG work.
