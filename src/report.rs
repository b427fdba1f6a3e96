//! Printing of results. STUB.
