//! Symbolic differentiation. STUB.
