//! Runs one module on the reference and on mote's engines, call by call, and reports
//! where they first differ.

use std::fmt;

use mote_core::ValType;

use crate::compare::{self, Verdict};
use crate::engine::{Engine, HostImport, Instance, Outcome, SetupError, StateKind, Val};
use crate::generate::{FUEL, FUEL_EXPORT};
use crate::module_info::ModuleInfo;
use crate::rng::Rng;

/// One call of an exported function.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    pub func: String,
    pub args: Vec<Val>,
    pub results: Vec<ValType>,
}

impl fmt::Display for Call {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{}\"(", self.func.escape_debug())?;
        for (i, arg) in self.args.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{arg}")?;
        }
        f.write_str(")")
    }
}

/// How many times each export is called, in rounds over the export list: later rounds
/// see the state earlier calls left.
const ROUNDS: usize = 3;
const MAX_CALLS: usize = 150;

/// The calls made on a module: `ROUNDS` passes over its exported functions.
pub fn plan(info: &ModuleInfo, rng: &mut Rng) -> Vec<Call> {
    let mut calls = Vec::new();
    for _ in 0..ROUNDS {
        for func in &info.funcs {
            calls.push(Call {
                func: func.name.clone(),
                args: crate::args::values(rng, &func.params),
                results: func.results.clone(),
            });
        }
    }
    calls.truncate(MAX_CALLS);
    calls
}

/// Where engines first differed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Point {
    /// Instantiating, or the state right after it.
    Setup,
    /// The call at this index of the plan, or the state right after it.
    Call(usize),
}

/// A difference between the reference and another engine.
#[derive(Debug, Clone)]
pub struct Difference {
    pub point: Point,
    /// What differed: `result`, `setup` or the name of an exported item.
    pub what: String,
    /// The shape of the difference (what and the kinds of both sides), kept while
    /// reducing so the reducer does not wander off to another difference.
    pub kind: String,
    pub reference: String,
    pub other: String,
}

/// What happened to one module.
#[derive(Debug, Default)]
pub struct Report {
    /// The reference instantiated it.
    pub instantiated: bool,
    /// Calls made on the reference.
    pub calls: usize,
    /// Some engine exhausted its stack, or the reference its step bound; comparison
    /// stopped there.
    pub exhausted: bool,
    /// Per engine (index into the engine list, never 0), its first difference.
    pub differences: Vec<(usize, Difference)>,
}

fn outcome_kind(o: &Outcome) -> &'static str {
    match o {
        Outcome::Returned(_) => "returned",
        Outcome::Trapped(_) => "trapped",
        Outcome::Failed(_) => "failed",
        Outcome::OutOfSteps => "out of steps",
    }
}

fn setup_kind<T>(r: &Result<T, SetupError>) -> &'static str {
    match r {
        Ok(_) => "instantiated",
        Err(SetupError::Refused(_)) => "refused",
        Err(SetupError::Trapped(_)) => "trapped",
        Err(SetupError::Failed(_)) => "failed",
        Err(SetupError::OutOfSteps) => "out of steps",
    }
}

fn describe_setup(r: &Result<Box<dyn Instance>, SetupError>) -> String {
    match r {
        Ok(_) => "instantiated".to_string(),
        Err(e) => e.to_string(),
    }
}

/// Runs `calls` on every engine; `engines[0]` is the reference the others are compared
/// with. An engine leaves the comparison at its first difference.
pub fn run(
    wasm: &[u8],
    info: &ModuleInfo,
    imports: &[HostImport],
    engines: &[&dyn Engine],
    calls: &[Call],
) -> Report {
    let mut report = Report::default();
    let reference_setup = engines[0].instantiate(wasm, imports);
    if matches!(reference_setup, Err(SetupError::OutOfSteps)) {
        report.exhausted = true;
        return report;
    }
    let setups: Vec<_> = std::iter::once(reference_setup)
        .chain(engines[1..].iter().map(|e| e.instantiate(wasm, imports)))
        .collect();
    let mut live = Vec::new();
    for (i, setup) in setups.iter().enumerate().skip(1) {
        let verdict = match (&setups[0], setup) {
            (Ok(_), Ok(_)) => {
                live.push(i);
                Verdict::Same
            }
            (Err(l), Err(r)) => compare::setups(l, r),
            _ => Verdict::Differ,
        };
        match verdict {
            Verdict::Same => {}
            Verdict::StackExhausted => report.exhausted = true,
            Verdict::Differ => report.differences.push((
                i,
                Difference {
                    point: Point::Setup,
                    what: "setup".to_string(),
                    kind: format!("setup: {} vs {}", setup_kind(&setups[0]), setup_kind(setup)),
                    reference: describe_setup(&setups[0]),
                    other: describe_setup(setup),
                },
            )),
        }
    }
    let mut instances: Vec<Option<Box<dyn Instance>>> =
        setups.into_iter().map(Result::ok).collect();
    let Some(mut reference) = instances[0].take() else {
        return report;
    };
    report.instantiated = true;
    compare_state(
        info,
        reference.as_ref(),
        &instances,
        &mut live,
        Point::Setup,
        &mut report,
    );

    for (index, call) in calls.iter().enumerate() {
        if live.is_empty() {
            break;
        }
        let fuel = Val::I32(FUEL as i32);
        let _ = reference.set_global(FUEL_EXPORT, fuel);
        let expected = reference.call(&call.func, &call.args, &call.results);
        report.calls += 1;
        if expected == Outcome::OutOfSteps {
            report.exhausted = true;
            break;
        }
        let mut still = Vec::new();
        for &i in &live {
            let instance = instances[i].as_mut().expect("live engines have instances");
            let _ = instance.set_global(FUEL_EXPORT, fuel);
            let got = instance.call(&call.func, &call.args, &call.results);
            match compare::outcomes(&expected, &got) {
                Verdict::Same => still.push(i),
                Verdict::StackExhausted => report.exhausted = true,
                Verdict::Differ => report.differences.push((
                    i,
                    Difference {
                        point: Point::Call(index),
                        what: "result".to_string(),
                        kind: format!(
                            "result: {} vs {}",
                            outcome_kind(&expected),
                            outcome_kind(&got)
                        ),
                        reference: expected.to_string(),
                        other: got.to_string(),
                    },
                )),
            }
        }
        live = still;
        if report.exhausted {
            break;
        }
        compare_state(
            info,
            reference.as_ref(),
            &instances,
            &mut live,
            Point::Call(index),
            &mut report,
        );
    }
    report
}

/// Compares every exported global, memory and table of the live engines with the
/// reference's; an engine that differs leaves `live`.
fn compare_state(
    info: &ModuleInfo,
    reference: &dyn Instance,
    instances: &[Option<Box<dyn Instance>>],
    live: &mut Vec<usize>,
    point: Point,
    report: &mut Report,
) {
    let expected: Vec<_> = info
        .state
        .iter()
        .map(|(name, kind)| reference.item(name, *kind))
        .collect();
    live.retain(|&i| {
        let instance = instances[i].as_ref().expect("live engines have instances");
        for ((name, kind), want) in info.state.iter().zip(&expected) {
            let got = instance.item(name, *kind);
            if !compare::items(want, &got) {
                let show = |item: &Option<crate::engine::Item>| match item {
                    Some(item) => item.to_string(),
                    None => "missing".to_string(),
                };
                let kind_name = match kind {
                    StateKind::Global => "global",
                    StateKind::Memory => "memory",
                    StateKind::Table => "table",
                };
                report.differences.push((
                    i,
                    Difference {
                        point,
                        what: format!("{kind_name} \"{}\"", name.escape_debug()),
                        kind: format!("state: {kind_name}"),
                        reference: show(want),
                        other: show(&got),
                    },
                ));
                return false;
            }
        }
        true
    });
}
