//! The `spectest` host module that the suite's scripts import from.
//!
//! Its contents are fixed by the reference interpreter (`interpreter/host/spectest.ml`).

use mote_core::runtime::{Extern, Linker, Memory, Store, Table};
use mote_core::{FuncType, GlobalType, Limits, MemoryType, TableType, ValType, Value};

const MODULE: &str = "spectest";

/// Creates the spectest objects in `store` and makes them importable through `linker`.
pub fn define(store: &mut Store, linker: &mut Linker) -> Result<(), String> {
    use ValType::{F32, F64, I32, I64};
    let prints: [(&str, &[ValType]); 7] = [
        ("print", &[]),
        ("print_i32", &[I32]),
        ("print_i64", &[I64]),
        ("print_f32", &[F32]),
        ("print_f64", &[F64]),
        ("print_i32_f32", &[I32, F32]),
        ("print_f64_f64", &[F64, F64]),
    ];
    for (name, params) in prints {
        // The reference interpreter prints the arguments; the scripts never check that
        // output, and printing it would bury the summary, so these do nothing.
        let ty = FuncType::new(params.to_vec(), Vec::new());
        linker.func(store, MODULE, name, ty, |_, _| Ok(()));
    }

    let globals = [
        ("global_i32", Value::I32(666)),
        ("global_i64", Value::I64(666)),
        ("global_f32", Value::F32(666.6f32.to_bits())),
        ("global_f64", Value::F64(666.6f64.to_bits())),
    ];
    for (name, value) in globals {
        let ty = GlobalType {
            content: value.ty(),
            mutable: false,
        };
        let global = store.add_global(ty, value);
        linker.define(MODULE, name, Extern::Global(global));
    }

    // `table64` is the reference interpreter's 64-bit twin of `table` (memory64).
    for (name, address64) in [("table", false), ("table64", true)] {
        let table_ty = TableType {
            element: ValType::FuncRef,
            limits: Limits {
                min: 10,
                max: Some(20),
            },
            address64,
        };
        let table = Table::new(table_ty, 0).map_err(|t| format!("spectest {name}: {t}"))?;
        linker.define(MODULE, name, Extern::Table(store.add_table(table)));
    }

    let memory_ty = MemoryType::new(Limits {
        min: 1,
        max: Some(2),
    });
    let memory = Memory::new(memory_ty).map_err(|t| format!("spectest memory: {t}"))?;
    linker.define(MODULE, "memory", Extern::Memory(store.add_memory(memory)));
    Ok(())
}
