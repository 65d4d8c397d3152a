//! When two engines agree. Exact, except where the spec leaves a choice to the engine.

use mote_core::Trap;

use crate::engine::{Item, Outcome, SetupError, Val};

/// Values agree when equal bit for bit, except NaNs: any NaN matches any NaN of the same
/// type. The spec makes the payload (and sign) of a NaN produced by an arithmetic
/// instruction nondeterministic (Wasm 2.0, 4.3.3 "NaN propagation"), and engines
/// legitimately differ there.
pub fn same_val(lhs: &Val, rhs: &Val) -> bool {
    match (lhs, rhs) {
        (Val::F32(l), Val::F32(r)) => {
            l == r || (f32::from_bits(*l).is_nan() && f32::from_bits(*r).is_nan())
        }
        (Val::F64(l), Val::F64(r)) => {
            l == r || (f64::from_bits(*l).is_nan() && f64::from_bits(*r).is_nan())
        }
        _ => lhs == rhs,
    }
}

/// Traps agree when they are the same trap. The spec has one trap for a `call_indirect`
/// whose index is past the table's end and for any other table access out of bounds; its
/// reference interpreter and mote word the first "undefined element", wasmi reports both
/// as `TableOutOfBounds`.
pub fn same_trap(lhs: &Trap, rhs: &Trap) -> bool {
    use Trap::{TableOutOfBounds, UndefinedElement};
    lhs == rhs
        || matches!(
            (lhs, rhs),
            (UndefinedElement, TableOutOfBounds) | (TableOutOfBounds, UndefinedElement)
        )
}

/// The result of comparing one call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Same,
    Differ,
    /// One engine ran out of stack. Engines have different stack limits (the spec leaves
    /// them to the implementation, 4.5.3 "Calls": "an implementation may ... exhaust
    /// resources"), so the outcomes are not comparable, and neither is any later state.
    StackExhausted,
}

pub fn outcomes(reference: &Outcome, other: &Outcome) -> Verdict {
    let exhausted = |o: &Outcome| matches!(o, Outcome::Trapped(Trap::StackExhausted));
    if exhausted(reference) || exhausted(other) {
        return Verdict::StackExhausted;
    }
    let same = match (reference, other) {
        (Outcome::Returned(l), Outcome::Returned(r)) => {
            l.len() == r.len() && l.iter().zip(r).all(|(l, r)| same_val(l, r))
        }
        (Outcome::Trapped(l), Outcome::Trapped(r)) => same_trap(l, r),
        // A failure that is not a trap is an engine or fuzzer bug on either side.
        _ => false,
    };
    if same {
        Verdict::Same
    } else {
        Verdict::Differ
    }
}

pub fn setups(reference: &SetupError, other: &SetupError) -> Verdict {
    match (reference, other) {
        (SetupError::Trapped(Trap::StackExhausted), _)
        | (_, SetupError::Trapped(Trap::StackExhausted)) => Verdict::StackExhausted,
        (SetupError::Trapped(l), SetupError::Trapped(r)) if same_trap(l, r) => Verdict::Same,
        // Both refused (or both failed to link): the module is out of scope for both.
        (SetupError::Refused(_), SetupError::Refused(_))
        | (SetupError::Failed(_), SetupError::Failed(_)) => Verdict::Same,
        _ => Verdict::Differ,
    }
}

pub fn items(reference: &Option<Item>, other: &Option<Item>) -> bool {
    match (reference, other) {
        (Some(Item::Global(l)), Some(Item::Global(r))) => same_val(l, r),
        _ => reference == other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nans_match_nans_of_their_type_only() {
        assert!(same_val(&Val::F32(0x7fc0_0000), &Val::F32(0xffc0_0001)));
        assert!(same_val(
            &Val::F64(0x7ff8_0000_0000_0000),
            &Val::F64(0xfff0_0000_0000_0001)
        ));
        assert!(
            !same_val(&Val::F32(0x7fc0_0000), &Val::F32(0x7f80_0000)),
            "NaN vs inf"
        );
        assert!(!same_val(&Val::F32(0x8000_0000), &Val::F32(0)), "-0 vs 0");
        assert!(!same_val(&Val::I32(-1), &Val::I32(1)));
    }

    #[test]
    fn stack_exhaustion_is_never_compared() {
        let exhausted = Outcome::Trapped(Trap::StackExhausted);
        let returned = Outcome::Returned(vec![Val::I32(1)]);
        assert_eq!(outcomes(&exhausted, &returned), Verdict::StackExhausted);
        assert_eq!(outcomes(&returned, &exhausted), Verdict::StackExhausted);
        assert_eq!(outcomes(&returned, &returned), Verdict::Same);
        let trapped = Outcome::Trapped(Trap::Unreachable);
        assert_eq!(outcomes(&returned, &trapped), Verdict::Differ);
        let table = Outcome::Trapped(Trap::TableOutOfBounds);
        let undefined = Outcome::Trapped(Trap::UndefinedElement);
        assert_eq!(outcomes(&table, &undefined), Verdict::Same);
    }
}
