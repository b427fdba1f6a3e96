//! `check A == B`. STUB.
