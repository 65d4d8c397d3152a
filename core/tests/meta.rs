//! `mote_core::aot::meta`, the no-heap metadata reader the bare runtime instantiates
//! from: every element and data encoding, constant expressions, what it refuses, and
//! that no truncation or corruption makes it panic.

use mote_core::aot::meta::{ConstExpr, DataMode, ElemMode, ImportDesc, Meta, MetaError, Reader};
use mote_core::{ExternKind, Limits, ValType};

fn leb(mut v: u32, out: &mut Vec<u8>) {
    loop {
        let b = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

fn section(id: u8, body: &[u8], out: &mut Vec<u8>) {
    out.push(id);
    leb(body.len() as u32, out);
    out.extend_from_slice(body);
}

fn module(sections: &[(u8, Vec<u8>)]) -> Vec<u8> {
    let mut m = b"\0asm\x01\0\0\0".to_vec();
    for (id, body) in sections {
        section(*id, body, &mut m);
    }
    m
}

/// Two functions of type () -> (), a funcref table, an externref table, an immutable
/// funcref global, and `elements` as the element section (count first).
fn with_elements(elements: &[u8]) -> Vec<u8> {
    module(&[
        (1, vec![1, 0x60, 0, 0]),
        (3, vec![2, 0, 0]),
        (4, vec![2, 0x70, 0, 4, 0x6f, 0, 2]),
        (6, vec![1, 0x70, 0, 0xd2, 1, 0x0b]),
        (9, elements.to_vec()),
        (10, vec![2, 2, 0, 0x0b, 2, 0, 0x0b]),
    ])
}

#[test]
fn all_eight_element_encodings() {
    let mut e = vec![8];
    // 0: active table 0, offset, function indices.
    e.extend([0, 0x41, 1, 0x0b, 2, 0, 1]);
    // 1: passive, elemkind, indices.
    e.extend([1, 0, 1, 1]);
    // 2: active explicit table, offset, elemkind, indices.
    e.extend([2, 0, 0x41, 2, 0x0b, 0, 1, 0]);
    // 3: declared, elemkind, indices.
    e.extend([3, 0, 1, 1]);
    // 4: active table 0, offset, expressions (funcref).
    e.extend([4, 0x41, 0, 0x0b, 2, 0xd2, 0, 0x0b, 0xd0, 0x70, 0x0b]);
    // 5: passive, reftype, expressions (global.get of a funcref global).
    e.extend([5, 0x70, 1, 0x23, 0, 0x0b]);
    // 6: active explicit table (externref), offset, reftype, expressions.
    e.extend([6, 1, 0x41, 1, 0x0b, 0x6f, 1, 0xd0, 0x6f, 0x0b]);
    // 7: declared, reftype, expressions.
    e.extend([7, 0x70, 1, 0xd2, 1, 0x0b]);
    let m = with_elements(&e);
    let meta = Meta::parse(&m).unwrap();
    assert_eq!(meta.num_elements, 8);
    let segs: Vec<_> = meta.elements().map(|s| s.unwrap()).collect();
    let items = |i: usize| -> Vec<ConstExpr> { segs[i].items.map(|x| x.unwrap()).collect() };
    let active = |table, v| ElemMode::Active {
        table,
        offset: ConstExpr::I32(v),
    };
    assert_eq!(segs[0].mode, active(0, 1));
    assert_eq!(items(0), [ConstExpr::RefFunc(0), ConstExpr::RefFunc(1)]);
    assert_eq!(segs[1].mode, ElemMode::Passive);
    assert_eq!(items(1), [ConstExpr::RefFunc(1)]);
    assert_eq!(segs[2].mode, active(0, 2));
    assert_eq!(items(2), [ConstExpr::RefFunc(0)]);
    assert_eq!(segs[3].mode, ElemMode::Declared);
    assert_eq!(segs[4].mode, active(0, 0));
    assert_eq!(
        items(4),
        [ConstExpr::RefFunc(0), ConstExpr::RefNull(ValType::FuncRef)]
    );
    assert_eq!(segs[5].mode, ElemMode::Passive);
    assert_eq!(items(5), [ConstExpr::GlobalGet(0)]);
    assert_eq!(segs[6].mode, active(1, 1));
    assert_eq!(segs[6].ty, ValType::ExternRef);
    assert_eq!(items(6), [ConstExpr::RefNull(ValType::ExternRef)]);
    assert_eq!(segs[7].mode, ElemMode::Declared);
    assert_eq!(items(7), [ConstExpr::RefFunc(1)]);
    assert!(segs
        .iter()
        .enumerate()
        .all(|(i, s)| s.items.are_exprs() == (i >= 4)));
    // The items can be re-read from their remembered offset.
    let again: Vec<_> = mote_core::aot::meta::ElemItems::at(
        meta.bytes(),
        segs[4].items.offset(),
        segs[4].items.item_count(),
        true,
    )
    .map(|x| x.unwrap())
    .collect();
    assert_eq!(again, items(4));
}

#[test]
fn element_errors() {
    // ref.func in an externref segment; a function index out of range; flags > 7.
    for (e, what) in [
        (vec![1, 5, 0x6f, 1, 0xd2, 0, 0x0b], "element item type"),
        (vec![1, 1, 0, 1, 9], "ref.func index out of range"),
        (vec![1, 8, 0], "element segment flags"),
        (
            vec![1, 2, 7, 0x41, 0, 0x0b, 0, 0],
            "element segment table out of range",
        ),
    ] {
        let m = with_elements(&e);
        match Meta::parse(&m) {
            Err(MetaError::Malformed { what: w, .. }) => assert_eq!(w, what),
            other => panic!("{e:?}: {other:?}"),
        }
    }
}

#[test]
fn a_whole_module_from_wat() {
    let wasm = wat::parse_str(
        r#"(module
          (type $t (func (param i32 f64) (result i64)))
          (import "env" "f" (func $f (type $t)))
          (import "env" "m" (memory 1 2))
          (import "env" "g" (global $ig i64))
          (import "env" "tab" (table 3 externref))
          (func $own (param i32) (result i32) (local.get 0))
          (table 5 10 funcref)
          (memory 2)
          (global $a (mut i32) (i32.const -7))
          (global $b f32 (f32.const 1.5))
          (global $c f64 (f64.const -0.25))
          (global $d i64 (global.get $ig))
          (global $e funcref (ref.func $own))
          (global $n externref (ref.null extern))
          (export "own" (func $own))
          (export "a" (global $a))
          (export "mem" (memory 0))
          (start $own2)
          (func $own2)
          (data (i32.const 16) "hi")
          (data "passive")
          (data (memory 1) (i32.const 0) "x"))"#,
    )
    .unwrap();
    let meta = Meta::parse(&wasm).unwrap();
    assert_eq!(
        (meta.num_types, meta.num_funcs, meta.num_imported_funcs),
        (3, 3, 1)
    );
    assert_eq!(
        (meta.num_tables, meta.num_memories, meta.num_globals),
        (2, 2, 7)
    );
    assert_eq!(meta.num_imported_globals, 1);
    assert_eq!(meta.max_arity, 2);
    let t = meta.func_type(0).unwrap();
    assert!(t.matches(&[ValType::I32, ValType::F64], &[ValType::I64]));
    assert!(!t.matches(&[ValType::I32], &[ValType::I64]));
    assert_eq!(t.to_string(), "(i32 f64) -> (i64)");
    let offsets: Vec<_> = meta.types().map(|t| t.unwrap()).collect();
    for (off, ty) in &offsets {
        assert_eq!(meta.type_at(*off).unwrap(), *ty);
    }
    let imports: Vec<_> = meta.imports().map(|i| i.unwrap()).collect();
    assert_eq!(imports[0].module, "env");
    assert_eq!(imports[0].desc, ImportDesc::Func(0));
    assert_eq!(
        imports[1].desc,
        ImportDesc::Memory(Limits {
            min: 1,
            max: Some(2)
        })
    );
    assert_eq!(imports[2].desc.kind(), ExternKind::Global);
    assert_eq!(imports[3].desc.kind(), ExternKind::Table);
    let tables: Vec<_> = meta.tables().map(|t| t.unwrap()).collect();
    assert_eq!(tables[0].element, ValType::FuncRef);
    assert_eq!(
        tables[0].limits,
        Limits {
            min: 5,
            max: Some(10)
        }
    );
    let globals: Vec<_> = meta.globals().map(|g| g.unwrap()).collect();
    assert_eq!(globals[0].init, ConstExpr::I32(-7));
    assert!(globals[0].ty.mutable);
    assert_eq!(globals[1].init, ConstExpr::F32(1.5f32.to_bits()));
    assert_eq!(globals[2].init, ConstExpr::F64((-0.25f64).to_bits()));
    assert_eq!(globals[3].init, ConstExpr::GlobalGet(0));
    assert_eq!(globals[4].init, ConstExpr::RefFunc(1));
    assert_eq!(globals[5].init, ConstExpr::RefNull(ValType::ExternRef));
    let own = meta.export("own").unwrap().unwrap();
    assert_eq!((own.kind, own.index), (ExternKind::Func, 1));
    assert_eq!(
        meta.export("mem").unwrap().unwrap().kind,
        ExternKind::Memory
    );
    assert!(meta.export("zzz").unwrap().is_none());
    assert_eq!(meta.start(), Some(2));
    let datas: Vec<_> = meta.datas().map(|d| d.unwrap()).collect();
    assert_eq!(
        datas[0].mode,
        DataMode::Active {
            memory: 0,
            offset: ConstExpr::I32(16)
        }
    );
    assert_eq!(datas[0].bytes, b"hi");
    assert_eq!(&wasm[datas[0].offset..datas[0].offset + 2], b"hi");
    assert_eq!(datas[1].mode, DataMode::Passive);
    assert_eq!(datas[1].bytes, b"passive");
    assert!(matches!(datas[2].mode, DataMode::Active { memory: 1, .. }));
    let funcs: Vec<_> = meta.functions().map(|f| f.unwrap()).collect();
    assert_eq!(funcs.len(), 2);
}

#[test]
fn unsupported_constructs_are_named() {
    let cases = [
        (
            r#"(module (global i32 (i32.add (i32.const 1) (i32.const 2))))"#,
            "extended constant expressions",
        ),
        (r#"(module (func (param v128)))"#, "v128 values (SIMD)"),
        (r#"(module (memory i64 1))"#, "64-bit memories"),
        (r#"(module (memory 1 1 shared))"#, "shared memories"),
        (r#"(module (tag))"#, "exception tags"),
        (
            r#"(module (type (struct (field i32))))"#,
            "GC types (rec, sub, struct, array)",
        ),
    ];
    for (wat, what) in cases {
        let wasm = wat::parse_str(wat).unwrap();
        assert_eq!(
            Meta::parse(&wasm).err(),
            Some(MetaError::Unsupported(what)),
            "{wat}"
        );
        assert_eq!(
            MetaError::Unsupported(what).to_string(),
            format!("unsupported: {what}")
        );
    }
}

#[test]
fn leb_edge_cases() {
    fn r(b: &[u8]) -> Reader<'_> {
        Reader::new(b, 0, b.len())
    }
    assert_eq!(r(&[0xff, 0xff, 0xff, 0xff, 0x0f]).u32(), Ok(u32::MAX));
    assert!(r(&[0xff, 0xff, 0xff, 0xff, 0x1f]).u32().is_err());
    assert!(r(&[0x80, 0x80, 0x80, 0x80, 0x80, 0x00]).u32().is_err());
    assert_eq!(
        r(&[0x80, 0x80]).u32(),
        Err(MetaError::Truncated { offset: 2 })
    );
    assert_eq!(r(&[0x7f]).i32(), Ok(-1));
    assert_eq!(r(&[0x80, 0x80, 0x80, 0x80, 0x78]).i32(), Ok(i32::MIN));
    assert_eq!(r(&[0xff, 0xff, 0xff, 0xff, 0x07]).i32(), Ok(i32::MAX));
    assert!(r(&[0xff, 0xff, 0xff, 0xff, 0x4f]).i32().is_err());
    assert!(r(&[0x80, 0x80, 0x80, 0x80, 0x70]).i32().is_err());
    let mut min64 = vec![0x80; 9];
    min64.push(0x7f);
    assert_eq!(r(&min64).i64(), Ok(i64::MIN));
    let mut bad64 = vec![0x80; 9];
    bad64.push(0x01);
    assert!(r(&bad64).i64().is_err());
    assert_eq!(r(&[2, b'h', b'i']).name(), Ok("hi"));
    assert!(r(&[2, 0xff, 0xfe]).name().is_err());
    assert!(r(&[3, b'h', b'i']).name().is_err());
    // Out-of-range reader bounds read as empty instead of panicking.
    assert!(Reader::new(&[1, 2], 5, 9).u8().is_err());
}

/// Every prefix and many single-byte corruptions of real modules: errors, never panics.
#[test]
fn truncation_and_corruption_never_panic() {
    let mut e = vec![3];
    e.extend([0, 0x41, 1, 0x0b, 2, 0, 1]);
    e.extend([5, 0x70, 1, 0x23, 0, 0x0b]);
    e.extend([6, 1, 0x41, 1, 0x0b, 0x6f, 1, 0xd0, 0x6f, 0x0b]);
    let inputs = [
        with_elements(&e),
        wat::parse_str(
            r#"(module (import "a" "b" (func (param i32)))
              (memory 1 5) (global (mut i64) (i64.const 5))
              (export "m" (memory 0)) (func $s) (start $s)
              (data (i32.const 3) "xyz") (data "p"))"#,
        )
        .unwrap(),
    ];
    let exercise = |bytes: &[u8]| {
        let Ok(meta) = Meta::parse(bytes) else {
            return;
        };
        // Everything Meta::parse accepted reads back without error.
        for t in meta.types() {
            t.unwrap();
        }
        for i in meta.imports() {
            i.unwrap();
        }
        for g in meta.globals() {
            g.unwrap();
        }
        for e in meta.exports() {
            e.unwrap();
        }
        for s in meta.elements() {
            for item in s.unwrap().items {
                item.unwrap();
            }
        }
        for d in meta.datas() {
            d.unwrap();
        }
    };
    for m in &inputs {
        assert!(Meta::parse(m).is_ok());
        // Only cuts between sections (before the code section) can give a module.
        let accepted = (0..m.len())
            .filter(|&n| Meta::parse(&m[..n]).is_ok())
            .count();
        assert!(accepted <= 8, "{accepted} prefixes accepted");
        assert!(Meta::parse(&m[..7]).is_err());
        for n in 0..m.len() {
            exercise(&m[..n]);
        }
        for i in 8..m.len() {
            for v in [0x00, 0x01, 0x7f, 0x80, 0xff, m[i] ^ 0x40] {
                let mut c = m.clone();
                c[i] = v;
                exercise(&c);
            }
        }
    }
}
