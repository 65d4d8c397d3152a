//! A simple reducer: drops calls, blanks function bodies (to `unreachable`), then drops
//! lines of the module's text (one instruction or field per line) while the same kind of
//! difference between the same two engines persists.

use std::time::{Duration, Instant};

use crate::driver::{self, Call, Difference};
use crate::engine::Engine;
use crate::{module_info, wasm_edit};

/// A module and the calls that show a difference on it.
#[derive(Clone)]
pub struct Case {
    pub wasm: Vec<u8>,
    pub calls: Vec<Call>,
}

/// The difference `case` shows between `reference` and `other`, if it is of `kind`.
pub fn check(
    case: &Case,
    reference: &dyn Engine,
    other: &dyn Engine,
    kind: &str,
) -> Option<Difference> {
    let info = module_info::read(&case.wasm).ok()?;
    let report = driver::run(
        &case.wasm,
        &info,
        &info.imports,
        &[reference, other],
        &case.calls,
    );
    report
        .differences
        .into_iter()
        .map(|(_, d)| d)
        .find(|d| d.kind == kind)
}

/// Removes runs of `items` (halves, then quarters, ... then single items) as long as
/// `keeps` holds for what is left.
fn shrink<T: Clone>(mut items: Vec<T>, mut keeps: impl FnMut(&[T]) -> bool) -> Vec<T> {
    let mut chunk = items.len().div_ceil(2);
    while chunk > 0 {
        let mut start = 0;
        while start < items.len() {
            let mut candidate = items.clone();
            candidate.drain(start..(start + chunk).min(items.len()));
            if keeps(&candidate) {
                items = candidate;
            } else {
                start += chunk;
            }
        }
        chunk /= 2;
    }
    items
}

/// The smallest case this reducer finds within `budget` that still shows a difference of
/// `kind` (each check compiles the module again for AOT engines, so time is bounded).
pub fn reduce(
    case: Case,
    reference: &dyn Engine,
    other: &dyn Engine,
    kind: &str,
    budget: Duration,
) -> Case {
    let deadline = Instant::now() + budget;
    let still = |c: &Case| Instant::now() < deadline && check(c, reference, other, kind).is_some();
    // Calls: keep only those the difference needs.
    let calls = shrink(case.calls.clone(), |calls| {
        still(&Case {
            wasm: case.wasm.clone(),
            calls: calls.to_vec(),
        })
    });
    let case = Case {
        wasm: case.wasm,
        calls,
    };
    // Bodies: the functions whose code matters stay, the others trap at once.
    let all: Vec<usize> = (0..wasm_edit::body_count(&case.wasm)).collect();
    let blanked = |kept: &[usize]| wasm_edit::blank_bodies(&case.wasm, |i| !kept.contains(&i));
    let kept = shrink(all, |kept| {
        blanked(kept).is_some_and(|wasm| {
            still(&Case {
                wasm,
                calls: case.calls.clone(),
            })
        })
    });
    let case = match blanked(&kept) {
        Some(wasm) => Case {
            wasm,
            calls: case.calls,
        },
        None => case,
    };
    // Text lines: most single-instruction deletions leave an invalid module, which
    // validation rejects cheaply; the rest often keep the difference.
    let Ok(text) = wasmprinter::print_bytes(&case.wasm) else {
        return case;
    };
    let assemble = |lines: &[&str]| -> Option<Vec<u8>> {
        let wasm = wat::parse_str(lines.join("\n")).ok()?;
        wasmparser::Validator::new().validate_all(&wasm).ok()?;
        Some(wasm)
    };
    let lines = shrink(text.lines().collect(), |lines| {
        assemble(lines).is_some_and(|wasm| {
            still(&Case {
                wasm,
                calls: case.calls.clone(),
            })
        })
    });
    match assemble(&lines) {
        Some(wasm) => Case {
            wasm,
            calls: case.calls,
        },
        None => case,
    }
}

#[cfg(test)]
mod tests {
    use super::shrink;

    #[test]
    fn shrink_keeps_what_the_predicate_needs() {
        let items: Vec<u32> = (0..40).collect();
        let out = shrink(items, |s| s.contains(&7) && s.contains(&31));
        assert_eq!(out, [7, 31]);
    }
}
