//! The metadata writer: the validated module model as the section [`Meta::parse`] reads
//! (layout in [`layout`]).

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;

use super::layout::{self, Region};
use super::names::encode_func_names;
use super::{extern_kind_byte, val_type_byte, ConstExpr, DataMode, ElemMode, Meta, MetaError};
use crate::module::Module;
use crate::types::{Limits, ValType};

type Result<T> = core::result::Result<T, MetaError>;

const TOO_LARGE: MetaError =
    MetaError::Unsupported("a module larger than the .aot metadata can describe");

fn u32_of(n: usize) -> Result<u32> {
    u32::try_from(n).map_err(|_| TOO_LARGE)
}

/// The metadata section of `module`. Fails only for what the format cannot describe
/// (what [`Meta::parse`] would refuse, e.g. `v128`, or sizes beyond 4 GiB): the result
/// is read back once, so the writer never produces a section the reader refuses.
pub fn metadata(module: &Module) -> Result<Vec<u8>> {
    let mut w = Writer::default();
    for ty in &module.types {
        w.func_type(&ty.params, &ty.results)?;
    }
    let mut next_import = [0u32; 4];
    for import in &module.imports {
        let kind = extern_kind_byte(import.desc.kind());
        let module_name = w.string(&import.module)?;
        let name = w.string(&import.name)?;
        let index = &mut next_import[kind as usize];
        let r = w.record(Region::Imports);
        use layout::import as i;
        put32(r, i::MODULE, module_name.0);
        put32(r, i::MODULE_LEN, module_name.1);
        put32(r, i::NAME, name.0);
        put32(r, i::NAME_LEN, name.1);
        r[i::KIND] = kind;
        put32(r, i::INDEX, *index);
        // The import's type is in the entity's own record (below).
        *index += 1;
    }
    for &ty in &module.funcs {
        put32(w.record(Region::Funcs), layout::func::TYPE, ty);
    }
    for t in &module.tables {
        use layout::table as t_;
        let r = w.record(Region::Tables);
        r[t_::ELEMENT] = val_type_byte(t.element);
        put_limits(r, t_::FLAGS, (t_::MIN, t_::MAX), &t.limits, t.address64);
    }
    for m in &module.memories {
        use layout::memory as m_;
        let r = w.record(Region::Memories);
        r[m_::PAGE_SIZE_LOG2] = m.page_size_log2;
        put_limits(r, m_::FLAGS, (m_::MIN, m_::MAX), &m.limits, m.address64);
    }
    let imported_globals = module.num_imported_globals as usize;
    for (i, g) in module.globals.iter().enumerate() {
        use layout::global as g_;
        let init = match i.checked_sub(imported_globals) {
            Some(defined) => {
                let init = module
                    .global_inits
                    .get(defined)
                    .ok_or(MetaError::Malformed {
                        offset: 0,
                        what: "a defined global without an initialiser",
                    })?;
                w.expr(init, &module.const_ops)?
            }
            None => (0, 0),
        };
        let r = w.record(Region::Globals);
        r[g_::TYPE] = val_type_byte(g.content);
        r[g_::MUTABLE] = u8::from(g.mutable);
        put_expr(r, g_::INIT, init);
    }
    for e in &module.exports {
        use layout::export as e_;
        let name = w.string(&e.name)?;
        let r = w.record(Region::Exports);
        put32(r, e_::NAME, name.0);
        put32(r, e_::NAME_LEN, name.1);
        r[e_::KIND] = extern_kind_byte(e.kind);
        put32(r, e_::INDEX, e.index);
    }
    for seg in &module.elements {
        w.element(seg.mode, seg.ty, &seg.items, &module.const_ops)?;
    }
    for seg in &module.datas {
        use layout::data as d;
        let (mode, memory, offset) = match seg.mode {
            DataMode::Passive => (layout::seg_mode::PASSIVE, 0, (0, 0)),
            DataMode::Active { memory, offset } => (
                layout::seg_mode::ACTIVE,
                memory,
                w.expr(&offset, &module.const_ops)?,
            ),
        };
        let bytes = w.pool(Region::Data, &seg.bytes)?;
        let r = w.record(Region::Datas);
        r[d::MODE] = mode;
        put32(r, d::MEMORY, memory);
        put_expr(r, d::OFFSET, offset);
        put32(r, d::BYTES, bytes.0);
        put32(r, d::LEN, bytes.1);
    }
    let out = w.finish(module.start.unwrap_or(layout::NO_START))?;
    Meta::parse(&out)?;
    Ok(out)
}

/// The Names section for `module`: its function names as a `name` section payload, or
/// `None` if it has none.
pub fn names(module: &Module) -> Option<Vec<u8>> {
    if module.func_names.is_empty() {
        return None;
    }
    Some(encode_func_names(
        module.func_names.iter().map(|(i, n)| (*i, n.as_str())),
    ))
}

/// The regions being written; offsets into the pools are relative to their pool until
/// `finish` knows where the pools land.
#[derive(Default)]
struct Writer {
    regions: [Vec<u8>; Region::ALL.len()],
    strings: BTreeMap<String, (u32, u32)>,
}

impl Writer {
    /// A new zeroed record of `region`.
    fn record(&mut self, region: Region) -> &mut [u8] {
        let v = &mut self.regions[region as usize];
        let at = v.len();
        v.resize(at + region.record_size(), 0);
        &mut v[at..]
    }

    fn count(&self, region: Region) -> Result<u32> {
        u32_of(self.regions[region as usize].len() / region.record_size())
    }

    /// Appends `bytes` to a pool; (offset in the pool, length).
    fn pool(&mut self, region: Region, bytes: &[u8]) -> Result<(u32, u32)> {
        let v = &mut self.regions[region as usize];
        let at = u32_of(v.len())?;
        v.extend_from_slice(bytes);
        Ok((at, u32_of(bytes.len())?))
    }

    /// A name, stored once however often it is used.
    fn string(&mut self, s: &str) -> Result<(u32, u32)> {
        if let Some(&at) = self.strings.get(s) {
            return Ok(at);
        }
        let at = self.pool(Region::Strings, s.as_bytes())?;
        self.strings.insert(s.into(), at);
        Ok(at)
    }

    fn func_type(&mut self, params: &[ValType], results: &[ValType]) -> Result<()> {
        use layout::func_type as t;
        let bytes: Vec<u8> = params
            .iter()
            .chain(results)
            .map(|&v| val_type_byte(v))
            .collect();
        let (at, _) = self.pool(Region::ValTypes, &bytes)?;
        let count = |n: usize| u16::try_from(n).map_err(|_| TOO_LARGE);
        let (params, results) = (count(params.len())?, count(results.len())?);
        let r = self.record(Region::Types);
        put32(r, t::TYPES, at);
        r[t::PARAMS..t::PARAMS + 2].copy_from_slice(&params.to_le_bytes());
        r[t::RESULTS..t::RESULTS + 2].copy_from_slice(&results.to_le_bytes());
        Ok(())
    }

    /// One constant expression, an extended one's instructions from `const_ops`; (first
    /// instruction, instruction count).
    fn expr(&mut self, e: &ConstExpr, const_ops: &[ConstExpr]) -> Result<(u32, u32)> {
        let ConstExpr::Extended { first, count } = *e else {
            return Ok((self.op(e)?, 1));
        };
        let ops = (first as usize)
            .checked_add(count as usize)
            .and_then(|end| const_ops.get(first as usize..end))
            .ok_or(MetaError::Malformed {
                offset: 0,
                what: "an extended constant expression outside the module's list",
            })?;
        let at = self.count(Region::Ops)?;
        for op in ops {
            self.op(op)?;
        }
        Ok((at, count))
    }

    /// One constant instruction; its index in the ops region.
    fn op(&mut self, e: &ConstExpr) -> Result<u32> {
        use layout::opcode as o;
        let (opcode, immediate) = match *e {
            ConstExpr::I32(v) => (o::I32_CONST, u64::from(v as u32)),
            ConstExpr::I64(v) => (o::I64_CONST, v as u64),
            ConstExpr::F32(bits) => (o::F32_CONST, u64::from(bits)),
            ConstExpr::F64(bits) => (o::F64_CONST, bits),
            ConstExpr::GlobalGet(g) => (o::GLOBAL_GET, u64::from(g)),
            ConstExpr::RefFunc(f) => (o::REF_FUNC, u64::from(f)),
            ConstExpr::RefNull(t) => (o::REF_NULL, u64::from(val_type_byte(t))),
            ConstExpr::Binary(op) => (op.opcode(), 0),
            ConstExpr::V128(_) => return Err(MetaError::Unsupported("v128 constants (SIMD)")),
            ConstExpr::Extended { .. } => {
                return Err(MetaError::Malformed {
                    offset: 0,
                    what: "an extended constant expression inside another",
                })
            }
        };
        let index = self.count(Region::Ops)?;
        let r = self.record(Region::Ops);
        r[layout::op::OPCODE..layout::op::OPCODE + 2].copy_from_slice(&opcode.to_le_bytes());
        put64(r, layout::op::IMMEDIATE, immediate);
        Ok(index)
    }

    fn element(
        &mut self,
        mode: ElemMode,
        ty: ValType,
        items: &[ConstExpr],
        const_ops: &[ConstExpr],
    ) -> Result<()> {
        use layout::{elem as e, items as form, seg_mode};
        let (mode, table, offset) = match mode {
            ElemMode::Passive => (seg_mode::PASSIVE, 0, (0, 0)),
            ElemMode::Declared => (seg_mode::DECLARED, 0, (0, 0)),
            ElemMode::Active { table, offset } => {
                (seg_mode::ACTIVE, table, self.expr(&offset, const_ops)?)
            }
        };
        // Plain function indices where every item is `ref.func` (the compact form).
        let funcs =
            ty == ValType::FuncRef && items.iter().all(|i| matches!(i, ConstExpr::RefFunc(_)));
        let first = self.count(Region::Items)?;
        for item in items {
            match (funcs, item) {
                (true, ConstExpr::RefFunc(f)) => {
                    put32(self.record(Region::Items), 0, *f);
                }
                _ => {
                    let (op, count) = self.expr(item, const_ops)?;
                    put32(self.record(Region::Items), 0, op);
                    put32(self.record(Region::Items), 0, count);
                }
            }
        }
        let r = self.record(Region::Elems);
        r[e::MODE] = mode;
        r[e::FORM] = if funcs { form::FUNCS } else { form::EXPRS };
        r[e::ELEMENT] = val_type_byte(ty);
        put32(r, e::TABLE, table);
        put_expr(r, e::OFFSET, offset);
        put32(r, e::ITEMS, first);
        put32(r, e::ITEM_COUNT, u32_of(items.len())?);
        Ok(())
    }

    /// The section: header, then the regions in order, pool offsets made absolute.
    fn finish(mut self, start: u32) -> Result<Vec<u8>> {
        let mut offsets = [0u32; Region::ALL.len()];
        let mut at = layout::HEADER_SIZE;
        for r in Region::ALL {
            offsets[r as usize] = u32_of(at)?;
            at += self.regions[r as usize].len();
        }
        u32_of(at)?;
        let base = |r: Region| offsets[r as usize];
        let (valtypes, strings, data) = (
            base(Region::ValTypes),
            base(Region::Strings),
            base(Region::Data),
        );
        let rebase = |w: &mut Writer, region: Region, fields: &[(usize, u32)]| {
            for rec in w.regions[region as usize].chunks_exact_mut(region.record_size()) {
                for &(field, pool) in fields {
                    let v = u32::from_le_bytes(rec[field..field + 4].try_into().unwrap_or([0; 4]));
                    put32(rec, field, v + pool);
                }
            }
        };
        rebase(
            &mut self,
            Region::Types,
            &[(layout::func_type::TYPES, valtypes)],
        );
        rebase(
            &mut self,
            Region::Imports,
            &[
                (layout::import::MODULE, strings),
                (layout::import::NAME, strings),
            ],
        );
        rebase(
            &mut self,
            Region::Exports,
            &[(layout::export::NAME, strings)],
        );
        rebase(&mut self, Region::Datas, &[(layout::data::BYTES, data)]);

        let mut out = alloc::vec![0u8; layout::HEADER_SIZE];
        put32(&mut out, layout::H_SIZE, layout::HEADER_SIZE as u32);
        put32(&mut out, layout::H_START, start);
        for r in Region::ALL {
            let at = r.header_offset();
            put32(&mut out, at, offsets[r as usize]);
            put32(&mut out, at + 4, self.count(r)?);
        }
        for r in Region::ALL {
            out.extend_from_slice(&self.regions[r as usize]);
        }
        Ok(out)
    }
}

fn put32(rec: &mut [u8], at: usize, v: u32) {
    rec[at..at + 4].copy_from_slice(&v.to_le_bytes());
}

fn put64(rec: &mut [u8], at: usize, v: u64) {
    rec[at..at + 8].copy_from_slice(&v.to_le_bytes());
}

fn put_expr(rec: &mut [u8], at: usize, (first, count): (u32, u32)) {
    put32(rec, at + layout::expr::FIRST, first);
    put32(rec, at + layout::expr::COUNT, count);
}

fn put_limits(
    rec: &mut [u8],
    flags: usize,
    (min, max): (usize, usize),
    limits: &Limits,
    address64: bool,
) {
    put64(rec, min, limits.min);
    if let Some(m) = limits.max {
        rec[flags] |= layout::limits::HAS_MAX;
        put64(rec, max, m);
    }
    if address64 {
        rec[flags] |= layout::limits::INDEX64;
    }
}
