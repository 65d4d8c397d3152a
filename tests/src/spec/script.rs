//! Runs the directives of one `.wast` script, in order, against one engine.
//!
//! Each script gets fresh state: a store holding the `spectest` objects, a linker that
//! knows `spectest` and the instances the script registers, and the "current" module
//! that unnamed `invoke`s and `get`s address.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use mote_core::runtime::{
    Executor, Extern, InstanceAddr, InstantiationError, InvokeError, Linker, Store,
};
use mote_core::{Module, Trap, Value};
use wast::core::ModuleKind;
use wast::lexer::Lexer;
use wast::parser::{self, ParseBuffer};
use wast::token::{Id, Span};
use wast::{QuoteWat, Wast, WastDirective, WastExecute, WastInvoke, Wat};

use super::values::{self, message_matches, show_all, show_expected_all};
use super::{panics, spectest, Engine};

/// What happened to the directives of one script.
#[derive(Debug, Default)]
pub struct ScriptOutcome {
    pub passed: usize,
    pub failed: usize,
    /// Binary `assert_malformed` modules refused, and how many of them with the
    /// script's message (counted, not required: see `Script::expect_rejected`).
    pub malformed: usize,
    pub malformed_matching: usize,
    pub failures: Vec<Failure>,
}

/// One failed directive.
#[derive(Debug)]
pub struct Failure {
    /// 1-based line of the directive; 0 when the whole script could not run.
    pub line: usize,
    pub directive: &'static str,
    /// What was expected and what happened.
    pub detail: String,
}

impl ScriptOutcome {
    fn fail(&mut self, line: usize, directive: &'static str, detail: impl std::fmt::Display) {
        self.failed += 1;
        self.failures.push(Failure {
            line,
            directive,
            detail: detail.to_string(),
        });
    }
}

/// Number of directives in a script, for scripts that are counted but not run.
pub fn count_directives(path: &Path) -> Result<usize, String> {
    let text = read(path)?;
    let buf = parse_buffer(&text).map_err(|e| parse_error(e, path, &text))?;
    let wast = parser::parse::<Wast>(&buf).map_err(|e| parse_error(e, path, &text))?;
    Ok(wast.directives.len())
}

/// Runs every directive of the script at `path`. `at_line` is told the line of each
/// directive before it runs, so a watchdog can say where a run hangs.
pub fn run_script(path: &Path, engine: &Engine, at_line: &dyn Fn(usize)) -> ScriptOutcome {
    let mut outcome = ScriptOutcome::default();
    let text = match read(path) {
        Ok(text) => text,
        Err(e) => {
            outcome.fail(0, "read", e);
            return outcome;
        }
    };
    let buf = match parse_buffer(&text) {
        Ok(buf) => buf,
        Err(e) => {
            outcome.fail(0, "parse", parse_error(e, path, &text));
            return outcome;
        }
    };
    let wast = match parser::parse::<Wast>(&buf) {
        Ok(wast) => wast,
        Err(e) => {
            outcome.fail(0, "parse", parse_error(e, path, &text));
            return outcome;
        }
    };
    let mut script = match Script::new(engine) {
        Ok(script) => script,
        Err(e) => {
            outcome.fail(0, "spectest", e);
            return outcome;
        }
    };
    for directive in wast.directives {
        let line = line_of(directive.span(), &text);
        let kind = directive_name(&directive);
        at_line(line);
        match panics::catch(|| script.run(directive)) {
            Ok(Ok(Verdict::Pass)) => outcome.passed += 1,
            Ok(Ok(Verdict::Malformed { message_matches })) => {
                outcome.passed += 1;
                outcome.malformed += 1;
                outcome.malformed_matching += usize::from(message_matches);
            }
            Ok(Ok(Verdict::NotRun)) => {}
            Ok(Err(why)) => outcome.fail(line, kind, why),
            Err(panic) => {
                outcome.fail(line, kind, format_args!("engine panicked: {panic}"));
                // The executor may have been left mid-call; later directives get a
                // fresh one so that one panic does not cascade.
                script.exec = (engine.new_executor)();
            }
        }
    }
    outcome
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// `names.wast` exports names with bidi controls and other look-alike characters on
/// purpose; the lexer refuses those unless told they are expected.
fn parse_buffer(text: &str) -> Result<ParseBuffer<'_>, wast::Error> {
    let mut lexer = Lexer::new(text);
    lexer.allow_confusing_unicode(true);
    ParseBuffer::new_with_lexer(lexer)
}

fn parse_error(mut e: wast::Error, path: &Path, text: &str) -> String {
    e.set_path(path);
    e.set_text(text);
    e.to_string()
}

fn line_of(span: Span, text: &str) -> usize {
    span.linecol_in(text).0 + 1
}

fn directive_name(d: &WastDirective<'_>) -> &'static str {
    match d {
        WastDirective::Module(_) => "module",
        WastDirective::ModuleDefinition(_) => "module definition",
        WastDirective::ModuleInstance { .. } => "module instance",
        WastDirective::AssertMalformed { .. } => "assert_malformed",
        WastDirective::AssertInvalid { .. } => "assert_invalid",
        WastDirective::AssertInvalidCustom { .. } => "assert_invalid_custom",
        WastDirective::AssertMalformedCustom { .. } => "assert_malformed_custom",
        WastDirective::Register { .. } => "register",
        WastDirective::Invoke(_) => "invoke",
        WastDirective::AssertTrap { .. } => "assert_trap",
        WastDirective::AssertReturn { .. } => "assert_return",
        WastDirective::AssertExhaustion { .. } => "assert_exhaustion",
        WastDirective::AssertUnlinkable { .. } => "assert_unlinkable",
        WastDirective::AssertException { .. } => "assert_exception",
        WastDirective::AssertSuspension { .. } => "assert_suspension",
        WastDirective::Thread(_) => "thread",
        WastDirective::Wait { .. } => "wait",
    }
}

enum Verdict {
    Pass,
    /// A malformed binary module was refused; says whether with the script's message.
    Malformed {
        message_matches: bool,
    },
    /// Not this runner's to check (see `Script::expect_rejected`); counted nowhere.
    NotRun,
}

/// The result of running something: values, or the trap it stopped with. The outer
/// `Result` of the functions returning this is for the script being unrunnable (no such
/// export, wrong argument types, a module that does not load).
type Execution = Result<Vec<Value>, Trap>;

struct Script {
    store: Store,
    linker: Linker,
    exec: Box<dyn Executor>,
    current: Option<InstanceAddr>,
    /// Instances the script named with `(module $name ...)`.
    instances: HashMap<String, InstanceAddr>,
    /// Modules from `(module definition $name ...)`, instantiated by `(module instance)`.
    definitions: HashMap<String, Arc<Module>>,
    last_definition: Option<Arc<Module>>,
}

impl Script {
    fn new(engine: &Engine) -> Result<Script, String> {
        let mut store = Store::new();
        let mut linker = Linker::new();
        spectest::define(&mut store, &mut linker)?;
        Ok(Script {
            store,
            linker,
            exec: (engine.new_executor)(),
            current: None,
            instances: HashMap::new(),
            definitions: HashMap::new(),
            last_definition: None,
        })
    }

    fn run(&mut self, directive: WastDirective<'_>) -> Result<Verdict, String> {
        match directive {
            WastDirective::Module(module) => self.define_module(module),
            WastDirective::ModuleDefinition(mut module) => {
                let name = module.name().map(|id| id.name().to_string());
                let module = compile(&encode(&mut module)?)?;
                if let Some(name) = name {
                    self.definitions.insert(name, module.clone());
                }
                self.last_definition = Some(module);
                Ok(Verdict::Pass)
            }
            WastDirective::ModuleInstance {
                instance, module, ..
            } => self.instantiate_definition(instance, module),
            WastDirective::Register { name, module, .. } => {
                let instance = self.instance(module)?;
                self.linker.define_instance(&self.store, name, instance);
                Ok(Verdict::Pass)
            }
            WastDirective::Invoke(invoke) => match self.invoke(&invoke)? {
                Ok(_) => Ok(Verdict::Pass),
                Err(trap) => Err(format!(
                    "{}: trapped: {}",
                    describe(&invoke),
                    trap.message()
                )),
            },
            WastDirective::AssertReturn { exec, results, .. } => {
                let what = describe_execute(&exec);
                match self.execute(exec)? {
                    Ok(got)
                        if got.len() == results.len()
                            && results.iter().zip(&got).all(|(r, v)| values::matches(r, v)) =>
                    {
                        Ok(Verdict::Pass)
                    }
                    Ok(got) => Err(format!(
                        "{what}: expected {}, got {}",
                        show_expected_all(&results),
                        show_all(&got)
                    )),
                    Err(trap) => Err(format!(
                        "{what}: expected {}, got trap \"{}\"",
                        show_expected_all(&results),
                        trap.message()
                    )),
                }
            }
            WastDirective::AssertTrap { exec, message, .. } => {
                let what = describe_execute(&exec);
                expect_trap(&what, self.execute(exec)?, message)
            }
            WastDirective::AssertExhaustion { call, message, .. } => {
                expect_trap(&describe(&call), self.invoke(&call)?, message)
            }
            WastDirective::AssertUnlinkable {
                mut module,
                message,
                ..
            } => {
                let module = compile(&module.encode().map_err(|e| e.to_string())?)?;
                match self.instantiate(module) {
                    Ok(_) => Err(format!("instantiated, expected unlinkable \"{message}\"")),
                    Err(InstantiationError::Unlinkable(got)) if message_matches(message, &got) => {
                        Ok(Verdict::Pass)
                    }
                    Err(InstantiationError::Unlinkable(got)) => {
                        Err(format!("expected unlinkable \"{message}\", got \"{got}\""))
                    }
                    Err(InstantiationError::Trap(trap)) => Err(format!(
                        "expected unlinkable \"{message}\", got trap \"{}\"",
                        trap.message()
                    )),
                }
            }
            WastDirective::AssertMalformed {
                module, message, ..
            } => Self::expect_rejected(module, message, true),
            WastDirective::AssertInvalid {
                module, message, ..
            } => Self::expect_rejected(module, message, false),
            other => Err(format!(
                "directive not supported by this runner: {}",
                directive_name(&other)
            )),
        }
    }

    /// `(module ...)`: load, instantiate, and make it the current module.
    fn define_module(&mut self, mut module: QuoteWat<'_>) -> Result<Verdict, String> {
        // Until this module stands, later directives must not silently run against the
        // previous one.
        self.current = None;
        let name = module.name().map(|id| id.name().to_string());
        if let Some(name) = &name {
            self.instances.remove(name);
        }
        let module = compile(&encode(&mut module)?)?;
        let instance = self
            .instantiate(module)
            .map_err(|e| format!("instantiation failed: {e}"))?;
        self.current = Some(instance);
        if let Some(name) = name {
            self.instances.insert(name, instance);
        }
        Ok(Verdict::Pass)
    }

    fn instantiate_definition(
        &mut self,
        instance: Option<Id<'_>>,
        module: Option<Id<'_>>,
    ) -> Result<Verdict, String> {
        self.current = None;
        let module = match module {
            Some(id) => self.definitions.get(id.name()),
            None => self.last_definition.as_ref(),
        }
        .cloned()
        .ok_or("no such module definition")?;
        let addr = self
            .instantiate(module)
            .map_err(|e| format!("instantiation failed: {e}"))?;
        self.current = Some(addr);
        if let Some(id) = instance {
            self.instances.insert(id.name().to_string(), addr);
        }
        Ok(Verdict::Pass)
    }

    fn instantiate(&mut self, module: Arc<Module>) -> Result<InstanceAddr, InstantiationError> {
        self.linker
            .instantiate(&mut self.store, module, self.exec.as_mut())
    }

    /// The instance `id` names, or the current one.
    fn instance(&self, id: Option<Id<'_>>) -> Result<InstanceAddr, String> {
        match id {
            Some(id) => self
                .instances
                .get(id.name())
                .copied()
                .ok_or_else(|| format!("no module named ${}", id.name())),
            None => self
                .current
                .ok_or_else(|| "no current module (did its definition fail?)".to_string()),
        }
    }

    fn invoke(&mut self, invoke: &WastInvoke<'_>) -> Result<Execution, String> {
        let instance = self.instance(invoke.module)?;
        let Some(Extern::Func(func)) = self.store.export(instance, invoke.name) else {
            return Err(format!("no exported function \"{}\"", invoke.name));
        };
        let args = invoke
            .args
            .iter()
            .map(values::argument)
            .collect::<Result<Vec<_>, _>>()?;
        match self.store.invoke(self.exec.as_mut(), func, &args) {
            Ok(results) => Ok(Ok(results)),
            Err(InvokeError::Trap(trap)) => Ok(Err(trap)),
            Err(InvokeError::Signature(msg)) => Err(format!("{}: {msg}", describe(invoke))),
        }
    }

    fn execute(&mut self, exec: WastExecute<'_>) -> Result<Execution, String> {
        match exec {
            WastExecute::Invoke(invoke) => self.invoke(&invoke),
            WastExecute::Get { module, global, .. } => {
                let instance = self.instance(module)?;
                match self.store.export(instance, global) {
                    Some(Extern::Global(g)) => Ok(Ok(vec![self.store.global_value(g)])),
                    _ => Err(format!("no exported global \"{global}\"")),
                }
            }
            // A module as an action: instantiation is what may trap. It does not become
            // the current module.
            WastExecute::Wat(mut wat) => {
                let module = compile(&wat.encode().map_err(|e| e.to_string())?)?;
                match self.instantiate(module) {
                    Ok(_) => Ok(Ok(Vec::new())),
                    Err(InstantiationError::Trap(trap)) => Ok(Err(trap)),
                    Err(InstantiationError::Unlinkable(msg)) => Err(format!("unlinkable: {msg}")),
                }
            }
        }
    }

    /// `assert_malformed` / `assert_invalid`: the module must not load. Either the text
    /// parser (for `module quote`) or `Module::new` may reject it. An invalid module must
    /// be refused with the script's message (mote's validator words its errors as the
    /// spec does); a malformed one with any message, since those come from wasmparser's
    /// reader, which words them its own way: whether they match is only counted.
    fn expect_rejected(
        mut module: QuoteWat<'_>,
        message: &str,
        malformed: bool,
    ) -> Result<Verdict, String> {
        // A malformed text module never reaches us: the wast crate rejects it while
        // parsing the script, so such a directive cannot be expressed and has nothing of
        // ours to test.
        if malformed && is_text_module(&module) {
            return Ok(Verdict::NotRun);
        }
        let Ok(bytes) = module.encode() else {
            return Ok(Verdict::Pass);
        };
        match Module::new(&bytes) {
            Err(e) if malformed => Ok(Verdict::Malformed {
                message_matches: message_matches(message, &e.message),
            }),
            Err(e) if message_matches(message, &e.message) => Ok(Verdict::Pass),
            Err(e) => Err(format!("refused as \"{e}\", expected \"{message}\"")),
            Ok(_) if superseded(message, &bytes) => Ok(Verdict::NotRun),
            Ok(_) => Err(format!("module loaded, expected \"{message}\"")),
        }
    }
}

/// WebAssembly 2.0 rules a proposal mote runs has lifted, so that the 2.0 scripts'
/// refusals of them no longer hold (the proposal's own scripts test the new rule):
/// multi-memory allows several memories and reads `memory.size`/`memory.grow`'s zero
/// byte as a memory index (a long LEB128 zero is memory 0); memory64 reads every
/// memory's and table's limits as u64, so a limit in more than five LEB128 bytes is no
/// longer too long. That message also fits rules that still hold, so wasmparser's
/// validator decides: the module must be refused by 2.0 and accepted with the
/// proposals mote runs.
fn superseded(message: &str, bytes: &[u8]) -> bool {
    use wasmparser::{Validator, WasmFeatures};
    match message {
        "multiple memories" | "zero byte expected" => true,
        "integer representation too long" => {
            let accepts = |features| {
                Validator::new_with_features(features)
                    .validate_all(bytes)
                    .is_ok()
            };
            !accepts(WasmFeatures::WASM2)
                && accepts(mote_core::validate::Features::SUPPORTED.decoding())
        }
        _ => false,
    }
}

fn is_text_module(module: &QuoteWat<'_>) -> bool {
    matches!(module, QuoteWat::Wat(Wat::Module(m)) if matches!(m.kind, ModuleKind::Text(_)))
}

fn encode(module: &mut QuoteWat<'_>) -> Result<Vec<u8>, String> {
    module
        .encode()
        .map_err(|e| format!("cannot encode the module: {e}"))
}

fn compile(bytes: &[u8]) -> Result<Arc<Module>, String> {
    Module::new(bytes)
        .map(Arc::new)
        .map_err(|e| format!("module rejected: {e}"))
}

fn expect_trap(what: &str, execution: Execution, message: &str) -> Result<Verdict, String> {
    match execution {
        Ok(got) => Err(format!(
            "{what}: expected trap \"{message}\", got {}",
            show_all(&got)
        )),
        Err(trap) if message_matches(message, trap.message()) => Ok(Verdict::Pass),
        Err(trap) => Err(format!(
            "{what}: expected trap \"{message}\", got trap \"{}\"",
            trap.message()
        )),
    }
}

/// `$M."name"(args)` as failure reports show an invocation.
fn describe(invoke: &WastInvoke<'_>) -> String {
    let module = invoke
        .module
        .map(|id| format!("${}.", id.name()))
        .unwrap_or_default();
    let args: Vec<String> = invoke
        .args
        .iter()
        .map(|a| match values::argument(a) {
            Ok(v) => values::show(&v),
            Err(e) => e,
        })
        .collect();
    format!("{module}\"{}\"({})", invoke.name, args.join(", "))
}

fn describe_execute(exec: &WastExecute<'_>) -> String {
    match exec {
        WastExecute::Invoke(invoke) => describe(invoke),
        WastExecute::Get { module, global, .. } => match module {
            Some(id) => format!("get ${}.\"{global}\"", id.name()),
            None => format!("get \"{global}\""),
        },
        WastExecute::Wat(_) => "module".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mote_core::runtime::Store;
    use mote_core::{Cell, FuncAddr};

    /// An engine whose every call panics, to show that the runner survives it.
    struct Panicking;

    impl Executor for Panicking {
        fn call(&mut self, _: &mut Store, _: FuncAddr, _: &mut [Cell]) -> Result<(), Trap> {
            panic!("engine bug")
        }
    }

    const PANICKING: Engine = Engine {
        name: "panicking",
        new_executor: || Box::new(Panicking),
    };

    fn run_text(name: &str, text: &str) -> ScriptOutcome {
        let path = std::env::temp_dir().join(format!("mote-spec-{}-{name}", std::process::id()));
        std::fs::write(&path, text).unwrap();
        let outcome = run_script(&path, &PANICKING, &|_| {});
        std::fs::remove_file(&path).unwrap();
        outcome
    }

    #[test]
    fn engine_panics_fail_one_directive_each() {
        let outcome = run_text(
            "panics.wast",
            r#"(module (func (export "f")))
               (assert_return (invoke "f"))
               (invoke "f")
               (assert_invalid (module (func (result i32))) "type mismatch")
               (assert_malformed (module quote "(func (i32.const))") "unexpected token")
               (assert_unlinkable (module (import "spectest" "nope" (func))) "unknown import")
               (module (import "spectest" "print_i32" (func (param i32))))"#,
        );
        assert_eq!(
            (outcome.passed, outcome.failed),
            (5, 2),
            "{:?}",
            outcome.failures
        );
        assert!(outcome
            .failures
            .iter()
            .all(|f| f.detail.contains("engine bug")));
        assert_eq!(outcome.failures[0].line, 2);
    }

    #[test]
    fn unparsable_script_is_one_failure() {
        let outcome = run_text("broken.wast", "(module (func (export \"f\")");
        assert_eq!((outcome.passed, outcome.failed), (0, 1));
    }
}
