//! The reference engine: wasmi, configured for the features the generator uses.

use mote_core::{Trap, ValType};
use wasmi::{
    AsContext, AsContextMut, CompilationMode, Config, Engine as WasmiEngine, ExternRef, Linker,
    Module, Ref, Store, TrapCode, F32, F64,
};

use crate::engine::{Engine, HostImport, Instance, Item, Outcome, SetupError, StateKind, Val};
use crate::host;

/// wasmi fuel per call (and for the start function): far more than a module within its
/// own fuel ([`crate::generate::FUEL`]) can use, so only a module without that bound
/// (one the reducer edited) reaches it.
pub const STEPS: u64 = 100_000_000;

pub struct Wasmi {
    engine: WasmiEngine,
}

impl Default for Wasmi {
    fn default() -> Wasmi {
        let mut config = Config::default();
        config
            .compilation_mode(CompilationMode::Eager)
            .consume_fuel(true)
            // Wasm 2.0, as mote: nothing from 3.0 is generated, and none is accepted.
            .wasm_multi_memory(false)
            .wasm_tail_call(false)
            .wasm_extended_const(false)
            // Fuel (`generate::FUEL`) bounds recursion long before this; the default
            // (1000 frames) could trap first where mote's engines would not.
            .set_max_recursion_depth(100_000);
        Wasmi {
            engine: WasmiEngine::new(&config),
        }
    }
}

/// wasmi's errors as mote's traps; `None` for errors that are not traps.
///
/// - wasmi has one code for a `call_indirect` past the table's end and for other table
///   accesses out of bounds; mote (like the spec's reference interpreter) says
///   "undefined element" for the first, and `compare::same_trap` treats them as one trap.
/// - wasmi 1.1 reports a bulk table operation out of bounds (`table.copy`, `table.init`,
///   `table.fill`, `table.set`) as a table error rather than a trap code; the spec makes
///   it the out-of-bounds table trap like any other.
/// - wasmi 1.1 reports an active element segment that does not fit its table as an
///   instantiation error; the spec runs it as `table.init`, which traps out of bounds.
fn trap_of(error: &wasmi::Error) -> Option<Trap> {
    use wasmi::errors::{ErrorKind, InstantiationError, MemoryError, TableError};
    Some(match error.kind() {
        ErrorKind::TrapCode(code) => match code {
            TrapCode::UnreachableCodeReached => Trap::Unreachable,
            TrapCode::MemoryOutOfBounds => Trap::MemoryOutOfBounds,
            TrapCode::TableOutOfBounds => Trap::TableOutOfBounds,
            TrapCode::IndirectCallToNull => Trap::UninitializedElement,
            TrapCode::IntegerDivisionByZero => Trap::IntegerDivideByZero,
            TrapCode::IntegerOverflow => Trap::IntegerOverflow,
            TrapCode::BadConversionToInteger => Trap::InvalidConversionToInteger,
            TrapCode::StackOverflow => Trap::StackExhausted,
            TrapCode::BadSignature => Trap::IndirectCallTypeMismatch,
            _ => return None,
        },
        ErrorKind::Table(
            TableError::CopyOutOfBounds
            | TableError::InitOutOfBounds
            | TableError::FillOutOfBounds
            | TableError::SetOutOfBounds,
        ) => Trap::TableOutOfBounds,
        ErrorKind::Memory(MemoryError::OutOfBoundsAccess) => Trap::MemoryOutOfBounds,
        ErrorKind::Instantiation(InstantiationError::ElementSegmentDoesNotFit { .. }) => {
            Trap::TableOutOfBounds
        }
        _ => return None,
    })
}

fn val_type(ty: ValType) -> wasmi::ValType {
    match ty {
        ValType::I32 => wasmi::ValType::I32,
        ValType::I64 => wasmi::ValType::I64,
        ValType::F32 => wasmi::ValType::F32,
        ValType::F64 => wasmi::ValType::F64,
        ValType::FuncRef => wasmi::ValType::FuncRef,
        ValType::ExternRef => wasmi::ValType::ExternRef,
        ValType::V128 => wasmi::ValType::V128,
    }
}

fn to_val(ctx: impl AsContextMut, v: Val) -> wasmi::Val {
    match v {
        Val::I32(x) => wasmi::Val::I32(x),
        Val::I64(x) => wasmi::Val::I64(x),
        Val::F32(x) => wasmi::Val::F32(F32::from_bits(x)),
        Val::F64(x) => wasmi::Val::F64(F64::from_bits(x)),
        Val::FuncRef(_) => wasmi::Val::FuncRef(Ref::Null),
        Val::ExternRef(None) => wasmi::Val::ExternRef(Ref::Null),
        Val::ExternRef(Some(x)) => wasmi::Val::ExternRef(Ref::Val(ExternRef::new(ctx, x))),
    }
}

fn from_val(ctx: impl AsContext, v: &wasmi::Val) -> Val {
    match v {
        wasmi::Val::I32(x) => Val::I32(*x),
        wasmi::Val::I64(x) => Val::I64(*x),
        wasmi::Val::F32(x) => Val::F32(x.to_bits()),
        wasmi::Val::F64(x) => Val::F64(x.to_bits()),
        wasmi::Val::FuncRef(r) => Val::FuncRef(!r.is_null()),
        wasmi::Val::ExternRef(r) => Val::ExternRef(r.val().map(|e| {
            *e.data(ctx.as_context())
                .downcast_ref::<u32>()
                .expect("the fuzzer's externrefs hold u32")
        })),
        wasmi::Val::V128(_) => unreachable!("SIMD is not generated"),
    }
}

fn out_of_steps(error: &wasmi::Error) -> bool {
    matches!(
        error.kind(),
        wasmi::errors::ErrorKind::TrapCode(TrapCode::OutOfFuel)
    )
}

fn setup_error(e: wasmi::Error) -> SetupError {
    if out_of_steps(&e) {
        return SetupError::OutOfSteps;
    }
    match trap_of(&e) {
        Some(trap) => SetupError::Trapped(trap),
        None => SetupError::Failed(e.to_string()),
    }
}

impl Engine for Wasmi {
    fn name(&self) -> &str {
        "wasmi"
    }

    fn instantiate(
        &self,
        wasm: &[u8],
        imports: &[HostImport],
    ) -> Result<Box<dyn Instance>, SetupError> {
        let module =
            Module::new(&self.engine, wasm).map_err(|e| SetupError::Refused(e.to_string()))?;
        let mut linker = Linker::<()>::new(&self.engine);
        for import in imports {
            let ty = wasmi::FuncType::new(
                import.params.iter().map(|t| val_type(*t)),
                import.results.iter().map(|t| val_type(*t)),
            );
            let (module_name, name) = (import.module.clone(), import.name.clone());
            let result_types = import.results.clone();
            linker
                .func_new(
                    &import.module,
                    &import.name,
                    ty,
                    move |mut caller, params, results| {
                        let args: Vec<Val> = params.iter().map(|v| from_val(&caller, v)).collect();
                        let out = host::results(&module_name, &name, &args, &result_types);
                        for (slot, v) in results.iter_mut().zip(out) {
                            *slot = to_val(&mut caller, v);
                        }
                        Ok(())
                    },
                )
                .map_err(|e| SetupError::Failed(e.to_string()))?;
        }
        let mut store = Store::new(&self.engine, ());
        store
            .set_fuel(STEPS)
            .map_err(|e| SetupError::Failed(e.to_string()))?;
        let instance = linker
            .instantiate_and_start(&mut store, &module)
            .map_err(setup_error)?;
        Ok(Box::new(WasmiInstance { store, instance }))
    }
}

struct WasmiInstance {
    store: Store<()>,
    instance: wasmi::Instance,
}

impl Instance for WasmiInstance {
    fn call(&mut self, name: &str, args: &[Val], results: &[ValType]) -> Outcome {
        let Some(func) = self.instance.get_func(&self.store, name) else {
            return Outcome::Failed(format!("no function export `{name}`"));
        };
        let params: Vec<wasmi::Val> = args.iter().map(|v| to_val(&mut self.store, *v)).collect();
        let mut out: Vec<wasmi::Val> = results
            .iter()
            .map(|t| wasmi::Val::default(val_type(*t)))
            .collect();
        if let Err(e) = self.store.set_fuel(STEPS) {
            return Outcome::Failed(e.to_string());
        }
        match func.call(&mut self.store, &params, &mut out) {
            Ok(()) => Outcome::Returned(out.iter().map(|v| from_val(&self.store, v)).collect()),
            Err(e) if out_of_steps(&e) => Outcome::OutOfSteps,
            Err(e) => match trap_of(&e) {
                Some(trap) => Outcome::Trapped(trap),
                None => Outcome::Failed(e.to_string()),
            },
        }
    }

    fn set_global(&mut self, name: &str, value: Val) -> Result<(), String> {
        let global = self
            .instance
            .get_global(&self.store, name)
            .ok_or_else(|| format!("no global export `{name}`"))?;
        let value = to_val(&mut self.store, value);
        global
            .set(&mut self.store, value)
            .map_err(|e| e.to_string())
    }

    fn item(&self, name: &str, kind: StateKind) -> Option<Item> {
        let ext = self.instance.get_export(&self.store, name)?;
        match kind {
            StateKind::Global => Some(Item::Global(from_val(
                &self.store,
                &ext.into_global()?.get(&self.store),
            ))),
            StateKind::Memory => {
                let memory = ext.into_memory()?;
                Some(Item::Memory {
                    pages: memory.size(&self.store),
                    hash: crate::engine::hash_memory(memory.data(&self.store)),
                })
            }
            StateKind::Table => Some(Item::Table {
                size: ext.into_table()?.size(&self.store),
            }),
        }
    }
}
