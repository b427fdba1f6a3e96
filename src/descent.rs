//! The descent loop. STUB.
