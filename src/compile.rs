//! Compiles symbolic expressions to a flat tape. STUB.
