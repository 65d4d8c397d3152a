//! `mote_core::aot::meta`: the metadata writer and the one reader both AOT runtimes use.
//! Modules written and read back equal the module model they came from; what the reader
//! refuses is named; no truncation, corruption or hostile count makes it panic or work
//! long.

use mote_core::aot::meta::layout::{self, Region};
use mote_core::aot::meta::{
    func_names, write, ConstExpr, DataMode, ElemMode, ImportDesc, Meta, MetaError,
};
use mote_core::{ExternKind, Limits, Module, ValType};

fn module(wat: &str) -> Module {
    Module::new(&wat::parse_str(wat).unwrap()).unwrap()
}

/// The metadata section of `wat`.
fn meta_of(wat: &str) -> Vec<u8> {
    write::metadata(&module(wat)).unwrap()
}

/// Two modules describe the same thing (everything but code and raw bytes).
fn assert_same(want: &Module, got: &Module) {
    let show = |m: &Module| {
        format!(
            "types {:?}\nimports {:?}\nfuncs {:?} ({} imported)\ntables {:?} ({})\nmemories {:?} ({})\nglobals {:?} ({}) {:?}\nexports {:?}\nstart {:?}\nelements {:?}\ndatas {:?}\nnames {:?}",
            m.types,
            m.imports,
            m.funcs,
            m.num_imported_funcs,
            m.tables,
            m.num_imported_tables,
            m.memories,
            m.num_imported_memories,
            m.globals,
            m.num_imported_globals,
            m.global_inits,
            m.exports,
            m.start,
            m.elements,
            m.datas,
            m.func_names
        )
    };
    assert_eq!(show(want), show(got));
}

/// Imports of every kind, globals of every type, every element and data encoding.
const RICH: &str = r#"(module
  (type $t (func (param i32 f64) (result i64)))
  (type (func (param i32 i32 i32) (result i32 i64)))
  (import "env" "f" (func $f (type $t)))
  (import "env" "m" (memory 1 2))
  (import "env" "g" (global $ig i32))
  (import "env" "tab" (table $it 3 externref))
  (import "wasi_snapshot_preview1" "h" (func $h (param i32)))
  (import "env" "gf" (global $igf funcref))
  (func $own (param i32) (result i32) (local.get 0))
  (func $other)
  (table $t1 5 10 funcref)
  (table $t2 2 funcref)
  (global $a (mut i32) (i32.const -7))
  (global $b f32 (f32.const 1.5))
  (global $c f64 (f64.const -0.25))
  (global $d i64 (i64.const -9000000000))
  (global $e funcref (ref.func $own))
  (global $n externref (ref.null extern))
  (global $gg i32 (global.get $ig))
  (export "own" (func $own))
  (export "a" (global $a))
  (export "mem" (memory 0))
  (export "t1" (table $t1))
  (start $other)
  (elem (table $t1) (i32.const 1) func $own $other)
  (elem func $other)
  (elem (table $t2) (global.get $ig) func $own)
  (elem declare func $other)
  (elem (table $t1) (i32.const 0) funcref (ref.func $own) (ref.null func))
  (elem funcref (global.get $igf) (ref.func $other))
  (elem (table $it) (i32.const 1) externref (ref.null extern))
  (elem declare funcref (ref.func $own))
  (data (i32.const 16) "hi")
  (data "passive")
  (data (memory 0) (global.get $ig) "x")
  (data (i32.const 0) ""))"#;

const SMALL: &[&str] = &[
    "(module)",
    r#"(module (func (export "f") (result i32) (i32.const 1)))"#,
    r#"(module (memory 0) (table 0 externref) (func $named_one) (func $named_two (param i64)))"#,
    r#"(module (import "a" "b" (func (param i32))) (memory 1 5) (global (mut i64) (i64.const 5))
        (export "m" (memory 0)) (func $s) (start $s) (data (i32.const 3) "xyz") (data "p"))"#,
    r#"(module (memory 65536) (table 4294967295 funcref) (global f32 (f32.const nan)))"#,
];

#[test]
fn modules_read_back_equal() {
    for wat in SMALL.iter().chain([&RICH]) {
        let m = module(wat);
        let bytes = write::metadata(&m).unwrap();
        let meta = Meta::parse(&bytes).unwrap_or_else(|e| panic!("{e}\n{wat}"));
        let names = write::names(&m);
        assert_same(&m, &Module::from_meta(&meta, names.as_deref()));
        assert!(Module::from_meta(&meta, None).func_names.is_empty());
    }
}

#[test]
fn the_reader_answers_in_place() {
    let bytes = meta_of(RICH);
    let meta = Meta::parse(&bytes).unwrap();
    assert_eq!(
        (
            meta.num_types(),
            meta.num_funcs(),
            meta.num_imported_funcs()
        ),
        (5, 4, 2)
    );
    assert_eq!(
        (meta.num_tables(), meta.num_memories(), meta.num_globals()),
        (3, 1, 9)
    );
    assert_eq!(
        (
            meta.num_imported_tables(),
            meta.num_imported_memories(),
            meta.num_imported_globals()
        ),
        (1, 1, 2)
    );
    assert_eq!((meta.num_elements(), meta.num_datas()), (8, 4));
    assert_eq!(meta.max_arity(), 3);
    assert!(meta.uses_float());
    let t = meta.func_type(0).unwrap();
    assert!(t.matches(&[ValType::I32, ValType::F64], &[ValType::I64]));
    assert_eq!(t.to_string(), "(i32 f64) -> (i64)");
    assert_eq!(meta.func_type(5), None);
    assert_eq!(meta.func_type_of(2).unwrap().to_string(), "(i32) -> (i32)");
    assert_eq!(meta.func_type_index(4), None);

    let imports: Vec<_> = meta.imports().collect();
    assert_eq!((imports[0].module, imports[0].name), ("env", "f"));
    assert_eq!(imports[0].desc, ImportDesc::Func(0));
    assert_eq!(
        imports[1].desc,
        ImportDesc::Memory(mote_core::MemoryType::new(Limits {
            min: 1,
            max: Some(2)
        }))
    );
    assert_eq!(imports[3].desc.kind(), ExternKind::Table);
    assert_eq!(
        (imports[4].module, imports[4].index),
        ("wasi_snapshot_preview1", 1)
    );
    assert_eq!(meta.import(6), None);

    assert_eq!(
        meta.table(1).unwrap().limits,
        Limits {
            min: 5,
            max: Some(10)
        }
    );
    assert_eq!(meta.table(2).unwrap().limits.max, None);
    let globals: Vec<_> = meta.globals().collect();
    assert_eq!(globals[0].init, None);
    assert_eq!(globals[2].init, Some(ConstExpr::I32(-7)));
    assert!(globals[2].ty.mutable);
    assert_eq!(globals[3].init, Some(ConstExpr::F32(1.5f32.to_bits())));
    assert_eq!(globals[5].init, Some(ConstExpr::I64(-9_000_000_000)));
    assert_eq!(globals[6].init, Some(ConstExpr::RefFunc(2)));
    assert_eq!(
        globals[7].init,
        Some(ConstExpr::RefNull(ValType::ExternRef))
    );
    assert_eq!(globals[8].init, Some(ConstExpr::GlobalGet(0)));

    let own = meta.export("own").unwrap();
    assert_eq!((own.kind, own.index), (ExternKind::Func, 2));
    assert_eq!(meta.export("mem").unwrap().kind, ExternKind::Memory);
    assert_eq!(meta.export("zzz"), None);
    assert_eq!(meta.export_at(3).unwrap().name, "t1");
    assert_eq!(meta.start(), Some(3));

    let segs: Vec<_> = meta.elements().collect();
    let items = |i: usize| -> Vec<ConstExpr> { segs[i].items.collect() };
    let active = |table, offset| ElemMode::Active { table, offset };
    assert_eq!(segs[0].mode, active(1, ConstExpr::I32(1)));
    assert_eq!(items(0), [ConstExpr::RefFunc(2), ConstExpr::RefFunc(3)]);
    assert_eq!(segs[1].mode, ElemMode::Passive);
    assert_eq!(segs[2].mode, active(2, ConstExpr::GlobalGet(0)));
    assert_eq!(segs[3].mode, ElemMode::Declared);
    assert_eq!(
        items(4),
        [ConstExpr::RefFunc(2), ConstExpr::RefNull(ValType::FuncRef)]
    );
    assert_eq!(items(5), [ConstExpr::GlobalGet(1), ConstExpr::RefFunc(3)]);
    assert_eq!(segs[6].mode, active(0, ConstExpr::I32(1)));
    assert_eq!(segs[6].ty, ValType::ExternRef);
    assert_eq!(items(6), [ConstExpr::RefNull(ValType::ExternRef)]);
    assert_eq!(segs[7].mode, ElemMode::Declared);
    // Only all-`ref.func` funcref segments are stored as plain function indices.
    let exprs: Vec<_> = segs.iter().map(|s| s.items.are_exprs()).collect();
    assert_eq!(exprs, [false, false, false, false, true, true, true, false]);
    assert_eq!(segs[4].items.item_count(), 2);

    let datas: Vec<_> = meta.datas().collect();
    assert_eq!(
        datas[0].mode,
        DataMode::Active {
            memory: 0,
            offset: ConstExpr::I32(16)
        }
    );
    assert_eq!(datas[0].bytes, b"hi");
    assert_eq!(&bytes[datas[0].offset..datas[0].offset + 2], b"hi");
    assert_eq!(datas[1].mode, DataMode::Passive);
    assert_eq!(datas[1].bytes, b"passive");
    assert_eq!(
        datas[2].mode,
        DataMode::Active {
            memory: 0,
            offset: ConstExpr::GlobalGet(0)
        }
    );
    assert_eq!(datas[3].bytes, b"");
    assert_eq!(meta.data(4), None);
    assert!(meta.element(8).is_none());
    assert_eq!(meta.functions().collect::<Vec<_>>(), [0, 2, 3, 4]);
}

#[test]
fn names_are_the_function_name_subsection() {
    let m = module(r#"(module (func $first) (func) (func $third (param i32)))"#);
    let names = write::names(&m).unwrap();
    let got: Vec<_> = func_names(&names).collect();
    assert_eq!(got, [(0, "first"), (2, "third")]);
    assert!(write::names(&module("(module (func))")).is_none());
    // Malformed or cut-off payloads give what came before, never a panic.
    for n in 0..names.len() {
        assert!(func_names(&names[..n]).count() <= 2);
    }
    for i in 0..names.len() {
        let mut bad = names.clone();
        bad[i] ^= 0x80;
        assert!(func_names(&bad).count() <= 3);
    }
    assert_eq!(func_names(&[]).count(), 0);
    // Other subsections (module name = 0) are skipped.
    let mut with_module = vec![0, 2, 1, b'm'];
    with_module.extend_from_slice(&names);
    assert_eq!(func_names(&with_module).count(), 2);
}

/// Offset of `field` of record `index` of `region` in `bytes`.
fn field(bytes: &[u8], region: Region, index: usize, field: usize) -> usize {
    let at = region.header_offset();
    let offset = u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap()) as usize;
    offset + index * region.record_size() + field
}

fn patched(bytes: &[u8], at: usize, value: &[u8]) -> Vec<u8> {
    let mut b = bytes.to_vec();
    b[at..at + value.len()].copy_from_slice(value);
    b
}

#[test]
fn unsupported_constructs_are_named() {
    let mem = meta_of(
        "(module (memory 1) (table 1 funcref) (global i32 (i32.const 0)) (func (param i32)))",
    );
    let mem_flags = field(&mem, Region::Memories, 0, layout::memory::FLAGS);
    let table_init = field(
        &mem,
        Region::Tables,
        0,
        layout::table::INIT + layout::expr::COUNT,
    );
    let page = field(&mem, Region::Memories, 0, layout::memory::PAGE_SIZE_LOG2);
    let op = field(&mem, Region::Ops, 0, layout::op::OPCODE);
    let types_at = {
        let at = Region::ValTypes.header_offset();
        u32::from_le_bytes(mem[at..at + 4].try_into().unwrap()) as usize
    };
    let cases: [(Vec<u8>, &str); 6] = [
        (
            patched(&mem, mem_flags, &[layout::limits::SHARED]),
            "shared memories",
        ),
        (
            patched(&mem, page, &[12]),
            "page sizes other than 1 byte and 64 KiB",
        ),
        (
            patched(&mem, table_init, &[1]),
            "table initialiser expressions",
        ),
        // 64-bit memories and tables (`limits::INDEX64`) are read now (memory64, on in
        // this test build); extended constant expressions are read now (tests/wast/extended_const.wast
        // round-trips them through the metadata on every AOT engine).
        (patched(&mem, op, &[0x0c, 0xfd]), "v128 constants (SIMD)"),
        (patched(&mem, types_at, &[0x7b]), "v128 values (SIMD)"),
        (patched(&mem, types_at, &[0x6e]), "GC reference types"),
    ];
    for (bytes, what) in cases {
        assert_eq!(
            Meta::parse(&bytes).err(),
            Some(MetaError::Unsupported(what))
        );
        assert_eq!(
            MetaError::Unsupported(what).to_string(),
            format!("unsupported: {what}")
        );
    }
    // The writer refuses what the reader would.
    let mut simd = module("(module)");
    simd.types
        .push(mote_core::FuncType::new([ValType::V128], []));
    assert_eq!(
        write::metadata(&simd).err(),
        Some(MetaError::Unsupported("v128 values (SIMD)"))
    );
}

#[test]
fn malformed_metadata_is_named() {
    let m = meta_of(RICH);
    #[track_caller]
    fn what(bytes: Vec<u8>) -> &'static str {
        match Meta::parse(&bytes) {
            Err(MetaError::Malformed { what, .. }) => what,
            other => panic!("{other:?}"),
        }
    }
    let u32le = |v: u32| v.to_le_bytes();
    let func = |i| field(&m, Region::Funcs, i, layout::func::TYPE);
    assert_eq!(
        what(patched(&m, func(2), &u32le(5))),
        "function type index out of range"
    );
    assert_eq!(
        what(patched(&m, layout::H_SIZE, &u32le(12))),
        "metadata header size"
    );
    assert_eq!(
        what(patched(&m, layout::H_START, &u32le(2))),
        "the start function takes parameters or returns results"
    );
    assert_eq!(
        what(patched(&m, layout::H_START, &u32le(4))),
        "start function index out of range"
    );
    // Imports must come first in their index space, in order.
    let imp = field(&m, Region::Imports, 4, layout::import::INDEX);
    assert_eq!(
        what(patched(&m, imp, &u32le(0))),
        "imports must come first in their index space"
    );
    let name = field(&m, Region::Imports, 0, layout::import::NAME_LEN);
    assert_eq!(
        what(patched(&m, name, &u32le(1 << 20))),
        "name outside the names region"
    );
    // An export past its index space.
    let export = field(&m, Region::Exports, 0, layout::export::INDEX);
    assert_eq!(
        what(patched(&m, export, &u32le(4))),
        "export index out of range"
    );
    // global.get of a later or a mutable global in an initialiser.
    let gg_op = {
        let at = field(
            &m,
            Region::Globals,
            8,
            layout::global::INIT + layout::expr::FIRST,
        );
        u32::from_le_bytes(m[at..at + 4].try_into().unwrap()) as usize
    };
    let imm = field(&m, Region::Ops, gg_op, layout::op::IMMEDIATE);
    for later_or_mutable in [8u8, 2] {
        assert_eq!(
            what(patched(&m, imm, &[later_or_mutable])),
            "global.get of a later, mutable or unknown global in a constant expression"
        );
    }
    // An i32 global initialised with an i64.
    let op = field(&m, Region::Ops, gg_op, layout::op::OPCODE);
    assert_eq!(
        what(patched(&m, op, &[0x42])),
        "constant expression of the wrong type"
    );
    // Element items claimed twice.
    let items = field(&m, Region::Elems, 1, layout::elem::ITEMS);
    assert_eq!(
        what(patched(&m, items, &u32le(0))),
        "element items out of order or outside their region"
    );
    let mode = field(&m, Region::Elems, 0, layout::elem::MODE);
    assert_eq!(what(patched(&m, mode, &[9])), "element segment mode");
    let table = field(&m, Region::Elems, 0, layout::elem::TABLE);
    assert_eq!(
        what(patched(&m, table, &[0])),
        "element segment table out of range or of another type"
    );
    let memory = field(&m, Region::Datas, 0, layout::data::MEMORY);
    assert_eq!(
        what(patched(&m, memory, &[1])),
        "data segment memory out of range"
    );
    // Regions in another order.
    let types = Region::Types.header_offset();
    assert_eq!(
        what(patched(&m, types, &u32le(8))),
        "metadata regions overlap or are out of order"
    );
    // A name that is not UTF-8.
    let strings = {
        let at = Region::Strings.header_offset();
        u32::from_le_bytes(m[at..at + 4].try_into().unwrap()) as usize
    };
    assert_eq!(what(patched(&m, strings, &[0xff])), "a name is not UTF-8");
}

#[test]
fn hostile_counts_are_refused_at_once() {
    let m = meta_of(RICH);
    for region in Region::ALL {
        let count = region.header_offset() + 4;
        for huge in [u32::MAX, 1 << 28, m.len() as u32] {
            let bytes = patched(&m, count, &huge.to_le_bytes());
            assert!(
                matches!(Meta::parse(&bytes), Err(MetaError::Truncated { .. })),
                "{region:?}"
            );
        }
    }
    // Many segments pointing at the same items would multiply the work: refused.
    let items = field(&m, Region::Elems, 4, layout::elem::ITEMS);
    assert!(Meta::parse(&patched(&m, items, &[0, 0, 0, 0])).is_err());
}

/// Every prefix is refused; corruptions of any byte are refused or read back
/// consistently, never panic.
#[test]
fn truncation_and_corruption_never_panic() {
    let exercise = |bytes: &[u8]| -> bool {
        let Ok(meta) = Meta::parse(bytes) else {
            return false;
        };
        // Everything parse accepted reads back, with the counts it announced.
        assert_eq!(meta.types().count(), meta.num_types() as usize);
        assert_eq!(meta.imports().count(), meta.num_imports() as usize);
        assert_eq!(meta.functions().count(), meta.num_funcs() as usize);
        assert_eq!(meta.tables().count(), meta.num_tables() as usize);
        assert_eq!(meta.memories().count(), meta.num_memories() as usize);
        assert_eq!(meta.globals().count(), meta.num_globals() as usize);
        assert_eq!(meta.exports().count(), meta.num_exports() as usize);
        for e in meta.elements() {
            assert_eq!(e.items.count(), e.items.item_count() as usize);
        }
        assert_eq!(meta.datas().count(), meta.num_datas() as usize);
        for f in meta.functions() {
            assert!(meta.func_type(f).is_some());
        }
        for g in meta.globals().skip(meta.num_imported_globals() as usize) {
            assert!(g.init.is_some());
        }
        let _ = Module::from_meta(&meta, None);
        true
    };
    for wat in SMALL.iter().chain([&RICH]) {
        let m = meta_of(wat);
        assert!(exercise(&m));
        for n in 0..m.len() {
            assert!(!exercise(&m[..n]), "prefix of {n} bytes accepted");
        }
        for i in 0..m.len() {
            for v in [0x00, 0x01, 0x02, 0x7f, 0x80, 0xff, m[i] ^ 0x40] {
                let mut c = m.clone();
                c[i] = v;
                exercise(&c);
            }
        }
    }
}
