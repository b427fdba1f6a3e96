//! The handle of a data vector: a name, an id and the values, shared.
//! Expressions hold it as a leaf (`Node::Data`); what data mean inside an
//! expression (lengths, reductions) is `data`'s business.
//!
//! Invariant: a `DataRef` is identified by its id (one per definition or
//! file column), never by comparing values, so interning a million-row
//! vector costs nothing.

use rustc_hash::FxHashMap as HashMap;
use std::cmp::Ordering;
use std::hash::{Hash, Hasher};
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering as AtomicOrdering};

/// A named data vector: the values of one definition (`X = [1, 2, 3]`) or
/// one column of a file. Printed as its name.
#[derive(Clone, Debug)]
pub struct DataRef {
    name: Rc<str>,
    id: u64,
    values: Rc<[f64]>,
}

static NEXT_DATA_ID: AtomicU64 = AtomicU64::new(1);

thread_local! {
    /// Lists written in expressions, by the bits of their values.
    static LITERALS: std::cell::RefCell<HashMap<Vec<u64>, DataRef>> =
        std::cell::RefCell::new(HashMap::default());
}

impl DataRef {
    /// A new vector (with an id of its own) called `name`.
    pub fn new(name: &str, values: Vec<f64>) -> DataRef {
        DataRef {
            name: name.into(),
            id: NEXT_DATA_ID.fetch_add(1, AtomicOrdering::Relaxed),
            values: values.into(),
        }
    }

    /// A list written in an expression, `[1, 2, 3]`, named by its text:
    /// the same list gives the same vector (so a printed expression parses
    /// back to the same handle).
    pub fn literal(text: &str, values: Vec<f64>) -> DataRef {
        LITERALS.with(|cache| {
            let key: Vec<u64> = values.iter().map(|v| v.to_bits()).collect();
            cache
                .borrow_mut()
                .entry(key)
                .or_insert_with(|| DataRef::new(text, values))
                .clone()
        })
    }

    /// How it prints: the name of the definition, or the literal list.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether it was written as a list (`[1, 2]`) rather than named.
    pub fn is_literal(&self) -> bool {
        self.name.starts_with('[')
    }

    pub fn values(&self) -> &Rc<[f64]> {
        &self.values
    }

    pub fn len(&self) -> usize {
        self.values.len()
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    pub fn id(&self) -> u64 {
        self.id
    }

    /// By name, then by age: deterministic for a given script.
    pub fn order(&self, other: &DataRef) -> Ordering {
        self.name
            .cmp(&other.name)
            .then_with(|| self.id.cmp(&other.id))
    }
}

impl PartialEq for DataRef {
    fn eq(&self, other: &DataRef) -> bool {
        self.id == other.id
    }
}

impl Eq for DataRef {}

impl Hash for DataRef {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.id.hash(state);
    }
}

/// Whether any data vector was ever made (in this process): passes that
/// only matter for data can be skipped when none was.
pub fn any_data() -> bool {
    NEXT_DATA_ID.load(AtomicOrdering::Relaxed) > 1
}

/// Forgets the lists written so far (see `store`).
pub(super) fn clear_literals() {
    LITERALS.with(|cache| cache.borrow_mut().clear());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_literal_is_the_same_vector() {
        let a = DataRef::literal("[1, 2]", vec![1.0, 2.0]);
        let b = DataRef::literal("[1.0, 2.0]", vec![1.0, 2.0]);
        assert_eq!(a, b);
        assert_eq!(b.name(), "[1, 2]");
        assert!(a.is_literal() && !DataRef::new("X", vec![1.0]).is_literal());
    }
}
