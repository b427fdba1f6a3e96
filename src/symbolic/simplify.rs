//! Simplification and expansion. STUB.
