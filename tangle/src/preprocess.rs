//! The mdbook preprocessor (to come).
