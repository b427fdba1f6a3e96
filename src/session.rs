//! The session: definitions and statement evaluation. STUB.
