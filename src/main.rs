//! The `gd` command line. STUB.

fn main() {}
