//! Single-pass translation of validated Wasm operators into register bytecode.
//!
//! The operand stack is kept lazily as `Local`, `Temp` and `Const` entries. Every stack
//! height `h` has a fixed home slot `num_locals + h`; a `Temp` entry always lives in its
//! home, so a call's arguments are already contiguous and the callee's frame simply starts
//! at the first argument. `local.get` and constants emit nothing; a producer followed by
//! `local.set` writes the local directly.

use alloc::vec::Vec;

use mote_core::fuel::SegmentCounter;
use mote_core::module::Module;
use mote_core::operators::{memory_of, BrTable, Operator};
use mote_core::types::saturate_u32;
use mote_core::FuncType;
use wasmparser::BlockType;

#[cfg(any(feature = "multi-memory", feature = "memory64"))]
use crate::access;
use crate::code::{CompiledFunc, Offset, Op, Slot};

#[derive(Debug, Clone, Copy, PartialEq)]
enum Entry {
    Local(Slot),
    Temp(Slot),
    /// A constant cell; `wide` when all 64 bits matter (i64/f64).
    Const {
        cell: u64,
        wide: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum CtrlKind {
    Block,
    Loop,
    If,
    Else,
}

struct Ctrl {
    kind: CtrlKind,
    /// Stack height below the block's parameters.
    height: usize,
    params: usize,
    results: usize,
    /// Loop: index of the first instruction.
    start: usize,
    /// Forward branches to patch when the label is placed.
    patches: Vec<usize>,
    /// `if`: the branch taken when the condition is false.
    else_branch: Option<usize>,
    reachable_at_entry: bool,
    label_used: bool,
    /// Opened in unreachable code: nothing is emitted for it.
    dead: bool,
}

impl Ctrl {
    fn label_arity(&self) -> usize {
        if self.kind == CtrlKind::Loop {
            self.params
        } else {
            self.results
        }
    }
}

/// What translated code checks besides the Wasm semantics. Each combination is its own
/// translation variant (`exec::ModuleVariants`); the default checks nothing and emits
/// nothing extra.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Metering {
    /// Charge fuel (`mote_core::fuel`) with a `Meter` at each segment start.
    pub fuel: bool,
    /// Check the interrupt flag (a `Meter` with `interrupt`) at function entry and loop
    /// headers.
    pub interrupt: bool,
    /// Deterministic mode: a `CanonNan` after each operator whose result may be a NaN
    /// (`mote_core::nan`).
    pub deterministic: bool,
}

impl Metering {
    /// The number of variants.
    pub const VARIANTS: usize = 8;

    /// This variant's index, `< VARIANTS`.
    pub fn index(self) -> usize {
        self.fuel as usize | (self.interrupt as usize) << 1 | (self.deterministic as usize) << 2
    }
}

/// Why a function could not be translated (valid Wasm beyond the interpreter's limits).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TranslateError(pub &'static str);

type Result<T> = core::result::Result<T, TranslateError>;

pub struct Translator<'m> {
    module: &'m Module,
    code: Vec<Op>,
    stack: Vec<Entry>,
    ctrl: Vec<Ctrl>,
    num_locals: usize,
    num_results: usize,
    max_height: usize,
    reachable: bool,
    /// Index of the last instruction if it wrote the stack top and may be retargeted.
    last_producer: Option<usize>,
    /// Shared `br_table` stubs: (target depth, stack height, stub index).
    br_table_stubs: Vec<(usize, usize, usize)>,
    /// Fuel metering: the instructions of the current segment so far, and its
    /// `Meter` to patch with their count (`None` when the segment is unreachable).
    fuel: Option<(SegmentCounter, Option<usize>)>,
    /// Emit an interrupt check at entry and loop headers.
    interrupt: bool,
    /// When asked for (`translate_with_offsets`, for a trap's backtrace): the Wasm
    /// offset of each instruction of `code`, parallel to it.
    #[cfg(feature = "backtrace")]
    offsets: Option<Vec<u32>>,
    /// The module-file offset of the Wasm instruction being translated.
    #[cfg(feature = "backtrace")]
    at: u32,
    /// Canonicalise NaN results (`Metering::deterministic`).
    #[cfg(feature = "float")]
    deterministic: bool,
}

/// Translates the module's defined function `defined_index`.
pub fn translate(module: &Module, defined_index: u32) -> Result<CompiledFunc> {
    translate_metered(module, defined_index, Metering::default())
}

/// Translates the module's defined function `defined_index` with the checks `metering`
/// asks for.
pub fn translate_metered(
    module: &Module,
    defined_index: u32,
    metering: Metering,
) -> Result<CompiledFunc> {
    translate_recording(module, defined_index, metering, None).map(|(f, _)| f)
}

/// Translates like [`translate_metered`] and also returns the Wasm offset (in the module
/// file) of the instruction each bytecode instruction was translated from. Translation
/// is deterministic, so the code is the same as the cached translation's: a backtrace
/// maps the pcs of a trap's frames through this table without any table kept in memory
/// while nothing traps.
#[cfg(feature = "backtrace")]
pub fn translate_with_offsets(
    module: &Module,
    defined_index: u32,
    metering: Metering,
) -> Result<(CompiledFunc, Vec<u32>)> {
    translate_recording(module, defined_index, metering, Some(Vec::new()))
        .map(|(f, offsets)| (f, offsets.unwrap_or_default()))
}

#[cfg_attr(not(feature = "backtrace"), allow(unused_variables))]
fn translate_recording(
    module: &Module,
    defined_index: u32,
    metering: Metering,
    offsets: Option<Vec<u32>>,
) -> Result<(CompiledFunc, Option<Vec<u32>>)> {
    // A validator built with memory64 (cargo feature unification) accepted 64-bit
    // memories or tables this interpreter does not take; `is_64` is `false` in a build
    // without it, so such a build has no check.
    if !cfg!(feature = "memory64")
        && (module.memories.iter().any(|m| m.is_64()) || module.tables.iter().any(|t| t.is_64()))
    {
        return Err(NO_MEMORY64);
    }
    let func_index = module.num_imported_funcs + defined_index;
    let ty = module.func_type(func_index);
    let body = &module.bodies[defined_index as usize];
    let num_params = ty.params.len();
    let num_locals = num_params + body.num_locals as usize;
    let mut t = Translator {
        module,
        code: Vec::new(),
        stack: Vec::new(),
        ctrl: Vec::new(),
        num_locals,
        num_results: ty.results.len(),
        max_height: 0,
        reachable: true,
        last_producer: None,
        br_table_stubs: Vec::new(),
        fuel: metering.fuel.then(|| (SegmentCounter::default(), None)),
        interrupt: metering.interrupt,
        #[cfg(feature = "backtrace")]
        offsets,
        #[cfg(feature = "backtrace")]
        at: body.code.start as u32,
        #[cfg(feature = "float")]
        deterministic: metering.deterministic,
    };
    t.ctrl.push(Ctrl {
        kind: CtrlKind::Block,
        height: 0,
        params: 0,
        results: ty.results.len(),
        start: 0,
        patches: Vec::new(),
        else_branch: None,
        reachable_at_entry: true,
        label_used: false,
        dead: false,
    });
    if t.interrupt {
        t.emit(Op::Meter {
            units: 0,
            interrupt: 1,
        });
    }
    t.start_segment();
    let mut reader = module.instructions(defined_index);
    while !reader.eof() {
        #[cfg(feature = "backtrace")]
        {
            t.at = reader.original_position() as u32;
        }
        let op = reader
            .read()
            .map_err(|_| TranslateError("unreadable function body"))?;
        let segment_cost = match &mut t.fuel {
            Some((counter, _)) => counter.count(&op),
            None => None,
        };
        t.operator(op)?;
        if let Some(units) = segment_cost {
            t.end_segment(units);
        }
    }
    // Slot invariant, established here and relied on by the executor's unchecked slot
    // access (`rd`/`wr` in exec.rs, whose frames `Machine::enter`/`Machine::call` check
    // against `frame_size`): every slot an instruction of this function names is below
    // `frame_size`. Slots are locals (`< num_locals`), results `0..n` of a return
    // (`n` values are on the stack, so `n <= max_height`), or homes (see `home`), which are
    // `< num_locals + max_height`. The `+ 1` keeps every frame at least one slot.
    let frame_size = num_locals + t.max_height + 1;
    if frame_size > Slot::MAX as usize {
        return Err(TranslateError(
            "function needs more than 65535 frame slots, beyond the interpreter's limit",
        ));
    }
    let compiled = CompiledFunc {
        code: t.code.into(),
        num_params: num_params as u32,
        num_locals: num_locals as u32,
        frame_size: frame_size as u32,
        #[cfg(threaded)]
        threaded: alloc::boxed::Box::new([]),
    };
    #[cfg(feature = "backtrace")]
    return Ok((compiled, t.offsets));
    #[cfg(not(feature = "backtrace"))]
    Ok((compiled, None))
}

fn fits_imm(cell: u64, wide: bool) -> bool {
    !wide || (cell as i64) == (cell as i64 as i32 as i64)
}

impl Translator<'_> {
    // ---- fuel ----

    /// With fuel metering, emits the charge of the segment starting here (its amount is
    /// patched in `end_segment`). Branches to this point were patched before, so they
    /// land on the charge; an unreachable segment gets none.
    fn start_segment(&mut self) {
        if self.fuel.is_none() || !self.reachable || self.ctrl.is_empty() {
            return;
        }
        let at = self.emit(Op::Meter {
            units: 0,
            interrupt: 0,
        });
        if let Some((_, charge)) = &mut self.fuel {
            *charge = Some(at);
        }
    }

    /// The segment's last instruction was translated: sets its charge, starts the next.
    fn end_segment(&mut self, units: u32) {
        if let Some((_, charge)) = &mut self.fuel {
            if let Some(at) = charge.take() {
                self.code[at] = Op::Meter {
                    units,
                    interrupt: 0,
                };
            }
        }
        self.start_segment();
    }

    // ---- stack and slots ----

    /// The slot of operand-stack height `height`: `num_locals + height`.
    ///
    /// Slot invariant (stated at `frame_size` in `translate`): callers ask only for heights
    /// the stack has reached — an entry's own height, or the height of a result that
    /// `push_temp` then pushes, which raises `max_height` to cover it — so every home is
    /// below `num_locals + max_height < frame_size`. The executor reads and writes slots
    /// unchecked on that basis (`rd`/`wr` in exec.rs).
    fn home(&self, height: usize) -> Result<Slot> {
        let slot = self.num_locals + height;
        Slot::try_from(slot).map_err(|_| {
            TranslateError(
                "function needs more than 65535 frame slots, beyond the interpreter's limit",
            )
        })
    }

    fn push_temp(&mut self) -> Result<Slot> {
        let slot = self.home(self.stack.len())?;
        self.stack.push(Entry::Temp(slot));
        self.max_height = self.max_height.max(self.stack.len());
        Ok(slot)
    }

    fn push(&mut self, e: Entry) {
        self.stack.push(e);
        self.max_height = self.max_height.max(self.stack.len());
    }

    fn pop(&mut self) -> Entry {
        self.stack.pop().expect("validated code never underflows")
    }

    fn emit(&mut self, op: Op) -> usize {
        self.code.push(op);
        #[cfg(feature = "backtrace")]
        if let Some(offsets) = &mut self.offsets {
            offsets.push(self.at);
        }
        self.last_producer = None;
        self.code.len() - 1
    }

    /// Emits an instruction whose destination is the new stack top.
    fn emit_producer(&mut self, op: Op) -> Result<()> {
        let i = self.emit(op);
        self.push_temp()?;
        self.last_producer = Some(i);
        Ok(())
    }

    /// Writes `e` into `dst` unless it is already there.
    fn materialize_into(&mut self, e: Entry, dst: Slot) {
        match e {
            Entry::Local(s) | Entry::Temp(s) if s == dst => {}
            Entry::Local(s) | Entry::Temp(s) => {
                self.emit(Op::Copy {
                    result: dst,
                    value: s,
                });
            }
            Entry::Const { cell, wide } => {
                let op = if !wide {
                    Op::Const32 {
                        result: dst,
                        value: cell as u32,
                    }
                } else if fits_imm(cell, true) {
                    Op::ConstI64S {
                        result: dst,
                        value: cell as i32,
                    }
                } else {
                    Op::Const64 {
                        result: dst,
                        low: cell as u32,
                        high: (cell >> 32) as u32,
                    }
                };
                self.emit(op);
            }
        }
    }

    /// The slot holding `e`; a constant is first written to `home`.
    fn slot_of(&mut self, e: Entry, home: Slot) -> Slot {
        match e {
            Entry::Local(s) | Entry::Temp(s) => s,
            Entry::Const { .. } => {
                self.materialize_into(e, home);
                home
            }
        }
    }

    /// Moves every stack entry that still refers to a local into its home slot, so that
    /// writes to locals inside a block cannot change values pushed before it.
    fn materialize_locals(&mut self, params_from: usize) -> Result<()> {
        for h in 0..self.stack.len() {
            let e = self.stack[h];
            let is_param = h >= params_from;
            if matches!(e, Entry::Local(_)) || (is_param && matches!(e, Entry::Const { .. })) {
                let home = self.home(h)?;
                self.materialize_into(e, home);
                self.stack[h] = Entry::Temp(home);
            }
        }
        Ok(())
    }

    /// Before local `x` is overwritten, older stack entries reading it get their own copy.
    fn preserve_local(&mut self, x: Slot) -> Result<()> {
        for h in 0..self.stack.len() {
            if self.stack[h] == Entry::Local(x) {
                let home = self.home(h)?;
                self.emit(Op::Copy {
                    result: home,
                    value: x,
                });
                self.stack[h] = Entry::Temp(home);
            }
        }
        Ok(())
    }

    fn block_arity(&self, bt: BlockType) -> (usize, usize) {
        match bt {
            BlockType::Empty => (0, 0),
            BlockType::Type(_) => (0, 1),
            BlockType::FuncType(i) => {
                let ty: &FuncType = &self.module.types[i as usize];
                (ty.params.len(), ty.results.len())
            }
        }
    }

    // ---- branches ----

    fn ctrl_at(&self, depth: u32) -> &Ctrl {
        &self.ctrl[self.ctrl.len() - 1 - depth as usize]
    }

    /// Points the branch at `idx` to the label `depth` levels up.
    fn link(&mut self, idx: usize, depth: u32) {
        let pos = self.ctrl.len() - 1 - depth as usize;
        let target = &mut self.ctrl[pos];
        if target.kind == CtrlKind::Loop {
            let off = target.start as i64 - (idx as i64 + 1);
            *self.code[idx].branch_offset_mut().expect("branch") = off as Offset;
        } else {
            target.patches.push(idx);
            target.label_used = true;
        }
    }

    fn patch_to_here(&mut self, idx: usize) {
        let off = self.code.len() as i64 - (idx as i64 + 1);
        *self.code[idx].branch_offset_mut().expect("branch") = off as Offset;
    }

    /// Whether the label's values are already in the label's home slots.
    fn values_in_place(&self, depth: u32) -> bool {
        let target = self.ctrl_at(depth);
        let arity = target.label_arity();
        let h = self.stack.len();
        h - arity == target.height
            && self.stack[h - arity..]
                .iter()
                .all(|e| matches!(e, Entry::Temp(_)))
    }

    /// Copies the label's values from the stack top into the label's home slots. Copying in
    /// increasing order is safe: a destination is never above its source.
    fn transfer(&mut self, depth: u32) -> Result<()> {
        let target = self.ctrl_at(depth);
        let (arity, base) = (target.label_arity(), target.height);
        let h = self.stack.len();
        for i in 0..arity {
            let e = self.stack[h - arity + i];
            let dst = self.home(base + i)?;
            self.materialize_into(e, dst);
        }
        Ok(())
    }

    fn is_function_label(&self, depth: u32) -> bool {
        depth as usize == self.ctrl.len() - 1
    }

    fn br(&mut self, depth: u32) -> Result<()> {
        if self.is_function_label(depth) {
            return self.emit_return();
        }
        self.transfer(depth)?;
        let i = self.emit(Op::Br { offset: 0 });
        self.link(i, depth);
        Ok(())
    }

    /// If the condition was computed by the instruction just emitted and that is a
    /// comparison, removes it and returns its operands as a fused branch.
    fn take_fusable_compare(&mut self, cond: Entry) -> Option<Op> {
        let Entry::Temp(slot) = cond else { return None };
        let i = self.last_producer?;
        if i + 1 != self.code.len() {
            return None;
        }
        let last = self.code[i];
        if last.result() != Some(slot) || fused_branch(last, true).is_none() {
            return None;
        }
        self.code.pop();
        #[cfg(feature = "backtrace")]
        if let Some(offsets) = &mut self.offsets {
            offsets.pop();
        }
        self.last_producer = None;
        Some(last)
    }

    /// Emits a branch taken when the condition is `when`; returns its index.
    fn emit_cond_branch(&mut self, cond: Entry, fused: Option<Op>, when: bool) -> Result<usize> {
        if let Some(cmp) = fused {
            let op = fused_branch(cmp, when).expect("checked fusable");
            return Ok(self.emit(op));
        }
        let condition = self.slot_of(cond, self.home(self.stack.len())?);
        Ok(self.emit(if when {
            Op::BrIfNez {
                condition,
                offset: 0,
            }
        } else {
            Op::BrIfEqz {
                condition,
                offset: 0,
            }
        }))
    }

    fn br_if(&mut self, depth: u32) -> Result<()> {
        let cond = self.pop();
        let fused = self.take_fusable_compare(cond);
        if self.is_function_label(depth) || !self.values_in_place(depth) {
            let skip = self.emit_cond_branch(cond, fused, false)?;
            self.br(depth)?;
            self.patch_to_here(skip);
        } else {
            let i = self.emit_cond_branch(cond, fused, true)?;
            self.link(i, depth);
        }
        Ok(())
    }

    fn br_table(&mut self, targets: &BrTable<'_>) -> Result<()> {
        let index = self.pop();
        let index = self.slot_of(index, self.home(self.stack.len())?);
        let mut depths = Vec::with_capacity(targets.len() as usize + 1);
        for t in targets.targets() {
            depths.push(t.map_err(|_| TranslateError("unreadable br_table"))?);
        }
        depths.push(targets.default());
        self.emit(Op::BrTable {
            index,
            targets: targets.len(),
        });
        let first = self.code.len();
        for _ in &depths {
            self.emit(Op::Br { offset: 0 });
        }
        self.br_table_stubs.clear();
        for (k, &depth) in depths.iter().enumerate() {
            let entry = first + k;
            if !self.is_function_label(depth) && self.values_in_place(depth) {
                self.link(entry, depth);
                continue;
            }
            let h = self.stack.len();
            if let Some(&(_, _, stub)) = self
                .br_table_stubs
                .iter()
                .find(|(d, sh, _)| *d == depth as usize && *sh == h)
            {
                let off = stub as i64 - (entry as i64 + 1);
                *self.code[entry].branch_offset_mut().expect("branch") = off as Offset;
                continue;
            }
            let stub = self.code.len();
            self.patch_to_here(entry);
            self.br_table_stubs.push((depth as usize, h, stub));
            self.br(depth)?;
        }
        Ok(())
    }

    /// Moves the results into slots `0..n` (where the caller expects them) and returns.
    fn emit_return(&mut self) -> Result<()> {
        let n = self.num_results;
        let h = self.stack.len();
        if n == 1 {
            match self.stack[h - 1] {
                Entry::Local(value) | Entry::Temp(value) => {
                    self.emit(Op::Return1 { value });
                }
                e @ Entry::Const { .. } => {
                    self.materialize_into(e, 0);
                    self.emit(Op::Return);
                }
            }
            return Ok(());
        }
        // A local below `n` could be overwritten by an earlier result: copy it out first.
        // Work on a copy of the entries: this code may sit on a conditional path.
        let mut results: Vec<Entry> = self.stack[h - n..].to_vec();
        for (i, e) in results.iter_mut().enumerate() {
            if let Entry::Local(s) = *e {
                if (s as usize) < n {
                    let home = self.home(h - n + i)?;
                    self.materialize_into(*e, home);
                    *e = Entry::Temp(home);
                }
            }
        }
        for (i, e) in results.into_iter().enumerate() {
            self.materialize_into(e, i as Slot);
        }
        self.emit(Op::Return);
        Ok(())
    }

    // ---- blocks ----

    fn enter(&mut self, kind: CtrlKind, bt: BlockType) -> Result<()> {
        let (params, results) = self.block_arity(bt);
        if !self.reachable {
            self.ctrl.push(Ctrl {
                kind,
                height: self.stack.len(),
                params,
                results,
                start: 0,
                patches: Vec::new(),
                else_branch: None,
                reachable_at_entry: false,
                label_used: false,
                dead: true,
            });
            return Ok(());
        }
        let mut fused = None;
        let mut cond = None;
        if kind == CtrlKind::If {
            let c = self.pop();
            fused = self.take_fusable_compare(c);
            cond = Some(c);
        }
        let height = self.stack.len() - params;
        self.materialize_locals(height)?;
        let else_branch = match cond {
            Some(c) => Some(self.emit_cond_branch(c, fused, false)?),
            None => None,
        };
        self.last_producer = None;
        self.ctrl.push(Ctrl {
            kind,
            height,
            params,
            results,
            start: self.code.len(),
            patches: Vec::new(),
            else_branch,
            reachable_at_entry: true,
            label_used: false,
            dead: false,
        });
        Ok(())
    }

    fn else_(&mut self) -> Result<()> {
        let top = self.ctrl.last().expect("validated");
        if top.dead {
            self.ctrl.last_mut().expect("validated").kind = CtrlKind::Else;
            return Ok(());
        }
        if self.reachable {
            self.br(0)?;
        }
        let frame = self.ctrl.last_mut().expect("validated");
        frame.kind = CtrlKind::Else;
        let (height, params) = (frame.height, frame.params);
        let else_branch = frame.else_branch.take().expect("if has an else branch");
        self.patch_to_here(else_branch);
        self.stack.truncate(height);
        for _ in 0..params {
            self.push_temp()?;
        }
        self.reachable = true;
        self.last_producer = None;
        Ok(())
    }

    fn end(&mut self) -> Result<()> {
        if self.ctrl.len() == 1 {
            if self.reachable {
                self.emit_return()?;
            }
            let frame = self.ctrl.pop().expect("function frame");
            for idx in frame.patches {
                self.patch_to_here(idx);
            }
            return Ok(());
        }
        let frame = self.ctrl.pop().expect("validated");
        if frame.dead {
            return Ok(());
        }
        if self.reachable {
            let h = self.stack.len();
            for i in 0..frame.results {
                let e = self.stack[h - frame.results + i];
                let home = self.home(frame.height + i)?;
                self.materialize_into(e, home);
            }
        }
        if let Some(idx) = frame.else_branch {
            self.patch_to_here(idx);
        }
        for &idx in &frame.patches {
            self.patch_to_here(idx);
        }
        self.reachable = self.reachable
            || frame.label_used
            || (frame.kind == CtrlKind::If && frame.reachable_at_entry);
        self.last_producer = None;
        self.stack.truncate(frame.height);
        for _ in 0..frame.results {
            self.push_temp()?;
        }
        Ok(())
    }

    // ---- operator shapes ----

    fn binary(
        &mut self,
        with_rhs: fn(Slot, Slot, Slot) -> Op,
        with_imm: Option<fn(Slot, Slot, i32) -> Op>,
        commutative: bool,
        wide: bool,
    ) -> Result<()> {
        let mut rhs = self.pop();
        let mut lhs = self.pop();
        let result = self.home(self.stack.len())?;
        // Each operand's own stack slot, where a constant may be materialised: a
        // temporary can live in the other one, so the homes travel with the operands.
        let (mut lhs_home, mut rhs_home) = (result, self.home(self.stack.len() + 1)?);
        if commutative && matches!(lhs, Entry::Const { .. }) && !matches!(rhs, Entry::Const { .. })
        {
            core::mem::swap(&mut lhs, &mut rhs);
            core::mem::swap(&mut lhs_home, &mut rhs_home);
        }
        let op = match (with_imm, rhs) {
            (Some(with_imm), Entry::Const { cell, .. }) if fits_imm(cell, wide) => {
                let lhs = self.slot_of(lhs, lhs_home);
                with_imm(result, lhs, cell as i32)
            }
            _ => {
                let lhs = self.slot_of(lhs, lhs_home);
                let rhs = self.slot_of(rhs, rhs_home);
                with_rhs(result, lhs, rhs)
            }
        };
        self.emit_producer(op)
    }

    fn unary(&mut self, make: fn(Slot, Slot) -> Op) -> Result<()> {
        let value = self.pop();
        let result = self.home(self.stack.len())?;
        let value = self.slot_of(value, result);
        self.emit_producer(make(result, value))
    }

    /// Pops `n` operands, materialising constants into their homes; returns their slots
    /// bottom-first.
    fn pop_slots<const N: usize>(&mut self) -> Result<[Slot; N]> {
        let base = self.stack.len() - N;
        let mut slots = [0; N];
        for (i, slot) in slots.iter_mut().enumerate() {
            let e = self.stack[base + i];
            *slot = self.slot_of(e, self.home(base + i)?);
        }
        self.stack.truncate(base);
        Ok(slots)
    }

    /// Whether an access to `memory` needs `LoadMem`/`StoreMem`: another memory than 0,
    /// or a 64-bit memory (whose addresses the memory-0 instructions do not take).
    fn any_memory_access(&self, memory: u32) -> Result<bool> {
        let address64 = cfg!(feature = "memory64")
            && self
                .module
                .memories
                .get(memory as usize)
                .is_some_and(|m| m.is_64());
        if memory != 0 && !cfg!(feature = "multi-memory") {
            return Err(NO_MULTI_MEMORY);
        }
        Ok(memory != 0 || address64)
    }

    /// A load: `make` builds the memory-0 instruction; another memory or a 64-bit one
    /// gets `LoadMem` with the same access.
    fn load(&mut self, make: fn(Slot, Slot, u32) -> Op, memarg: wasmparser::MemArg) -> Result<()> {
        let [address] = self.pop_slots::<1>()?;
        let result = self.home(self.stack.len())?;
        let static_offset = offset32(memarg.offset);
        #[allow(unused_mut)]
        let mut op = make(result, address, static_offset);
        if self.any_memory_access(memory_of(&memarg))? {
            #[cfg(any(feature = "multi-memory", feature = "memory64"))]
            {
                op = Op::LoadMem {
                    result,
                    address,
                    static_offset,
                    memory: memory8(memory_of(&memarg))?,
                    kind: access::Load::of(&op).expect("a load instruction") as u8,
                };
            }
        }
        self.emit_producer(op)
    }

    /// A store: as [`Translator::load`], with `StoreMem` for another or a 64-bit memory.
    fn store(&mut self, make: fn(Slot, Slot, u32) -> Op, memarg: wasmparser::MemArg) -> Result<()> {
        let [address, value] = self.pop_slots::<2>()?;
        let static_offset = offset32(memarg.offset);
        #[allow(unused_mut)]
        let mut op = make(address, value, static_offset);
        if self.any_memory_access(memory_of(&memarg))? {
            #[cfg(any(feature = "multi-memory", feature = "memory64"))]
            {
                op = Op::StoreMem {
                    address,
                    value,
                    static_offset,
                    memory: memory8(memory_of(&memarg))?,
                    width: access::store_width(&op).expect("a store instruction"),
                };
            }
        }
        self.emit(op);
        Ok(())
    }

    fn local_set(&mut self, x: u32, tee: bool) -> Result<()> {
        let x = x as Slot;
        let v = self.pop();
        if v != Entry::Local(x) {
            let retarget = match v {
                Entry::Temp(s) => self
                    .last_producer
                    .filter(|&i| i + 1 == self.code.len())
                    .is_some_and(|i| self.code[i].result() == Some(s)),
                _ => false,
            };
            if retarget {
                let mut producer = self.code.pop().expect("producer");
                // The producer keeps its own instruction's offset (it is what can trap).
                #[cfg(feature = "backtrace")]
                let producer_at = self.offsets.as_mut().and_then(|offsets| offsets.pop());
                self.preserve_local(x)?;
                *producer.result_mut().expect("producer") = x;
                #[cfg_attr(not(feature = "backtrace"), allow(unused_variables))]
                let i = self.emit(producer);
                #[cfg(feature = "backtrace")]
                if let (Some(offsets), Some(at)) = (&mut self.offsets, producer_at) {
                    offsets[i] = at;
                }
            } else {
                self.preserve_local(x)?;
                self.materialize_into(v, x);
            }
        }
        self.last_producer = None;
        if tee {
            self.push(Entry::Local(x));
        }
        Ok(())
    }

    fn call(&mut self, params: usize, results: usize, make: impl FnOnce(Slot) -> Op) -> Result<()> {
        let base_h = self.stack.len() - params;
        for h in base_h..self.stack.len() {
            let e = self.stack[h];
            let home = self.home(h)?;
            self.materialize_into(e, home);
        }
        let base = self.home(base_h)?;
        self.emit(make(base));
        self.stack.truncate(base_h);
        for _ in 0..results {
            self.push_temp()?;
        }
        Ok(())
    }

    fn konst(&mut self, cell: u64, wide: bool) {
        self.push(Entry::Const { cell, wide });
    }

    fn operator(&mut self, op: Operator<'_>) -> Result<()> {
        use Operator as O;
        // Without `float` no operator returns a float, and deterministic mode changes
        // nothing.
        #[cfg(feature = "float")]
        let nan_result = if self.deterministic {
            mote_core::nan_result!(&op)
        } else {
            None
        };
        if !self.reachable {
            return match op {
                O::Block { blockty } => self.enter(CtrlKind::Block, blockty),
                O::Loop { blockty } => self.enter(CtrlKind::Loop, blockty),
                O::If { blockty } => self.enter(CtrlKind::If, blockty),
                O::Else => self.else_(),
                O::End => self.end(),
                _ => Ok(()),
            };
        }
        macro_rules! bin {
            ($with_rhs:ident, $with_imm:ident, $comm:expr, $wide:expr) => {
                self.binary(
                    |result, lhs, rhs| Op::$with_rhs { result, lhs, rhs },
                    Some(|result, lhs, imm| Op::$with_imm { result, lhs, imm }),
                    $comm,
                    $wide,
                )
            };
            ($with_rhs:ident) => {
                self.binary(
                    |result, lhs, rhs| Op::$with_rhs { result, lhs, rhs },
                    None,
                    false,
                    true,
                )
            };
        }
        macro_rules! un {
            ($op:ident) => {
                self.unary(|result, value| Op::$op { result, value })
            };
        }
        macro_rules! load {
            ($op:ident, $m:expr) => {
                self.load(
                    |result, address, static_offset| Op::$op {
                        result,
                        address,
                        static_offset,
                    },
                    $m,
                )
            };
        }
        macro_rules! store {
            ($op:ident, $m:expr) => {
                self.store(
                    |address, value, static_offset| Op::$op {
                        address,
                        value,
                        static_offset,
                    },
                    $m,
                )
            };
        }
        match op {
            O::Unreachable => {
                self.emit(Op::Unreachable);
                self.reachable = false;
            }
            O::Nop => {}
            O::Block { blockty } => self.enter(CtrlKind::Block, blockty)?,
            O::Loop { blockty } => {
                self.enter(CtrlKind::Loop, blockty)?;
                // First at the header: back-edges land here (before the fuel charge).
                if self.interrupt {
                    self.emit(Op::Meter {
                        units: 0,
                        interrupt: 1,
                    });
                }
            }
            O::If { blockty } => self.enter(CtrlKind::If, blockty)?,
            O::Else => self.else_()?,
            O::End => self.end()?,
            O::Br { relative_depth } => {
                self.br(relative_depth)?;
                self.reachable = false;
            }
            O::BrIf { relative_depth } => self.br_if(relative_depth)?,
            O::BrTable { targets } => {
                self.br_table(&targets)?;
                self.reachable = false;
            }
            O::Return => {
                self.emit_return()?;
                self.reachable = false;
            }
            O::Call { function_index } | O::ReturnCall { function_index } => {
                let ty = self.module.func_type(function_index);
                let (p, r) = (ty.params.len(), ty.results.len());
                // A tail call of a defined function reuses the frame; one that leaves the
                // instance (an import) is a call and a return.
                let tail = matches!(op, O::ReturnCall { .. });
                if tail && function_index >= self.module.num_imported_funcs {
                    self.call(p, r, |args| Op::ReturnCall {
                        func: function_index,
                        args,
                    })?;
                    self.reachable = false;
                } else {
                    self.call(p, r, |args| Op::Call {
                        func: function_index,
                        args,
                    })?;
                    if tail {
                        self.emit_return()?;
                        self.reachable = false;
                    }
                }
            }
            O::CallIndirect {
                type_index,
                table_index,
            }
            | O::ReturnCallIndirect {
                type_index,
                table_index,
            } => {
                let ty = &self.module.types[type_index as usize];
                let (p, r) = (ty.params.len(), ty.results.len());
                let index = self.pop();
                let index = self.slot_of(index, self.home(self.stack.len())?);
                let type_index = u16::try_from(type_index)
                    .map_err(|_| TranslateError("type index beyond the interpreter's limit"))?;
                let table = u16::try_from(table_index)
                    .map_err(|_| TranslateError("table index beyond the interpreter's limit"))?;
                // The index sits just above the arguments, so moving them cannot clobber it.
                // `ReturnCallIndirect` reuses the frame for a function of this instance;
                // for one elsewhere it is a call, and the return follows.
                let tail = matches!(op, O::ReturnCallIndirect { .. });
                self.call(p, r, |args| Op::CallIndirect {
                    type_index,
                    table,
                    args,
                    index,
                    tail: u8::from(tail),
                })?;
                if tail {
                    self.emit_return()?;
                    self.reachable = false;
                }
            }
            O::Drop => {
                self.pop();
                self.last_producer = None;
            }
            O::Select | O::TypedSelect { .. } => {
                let [if_true, if_false, condition] = self.pop_slots::<3>()?;
                let result = self.home(self.stack.len())?;
                self.emit_producer(Op::Select {
                    result,
                    if_true,
                    if_false,
                    condition,
                })?;
            }
            O::LocalGet { local_index } => self.push(Entry::Local(local_index as Slot)),
            O::LocalSet { local_index } => self.local_set(local_index, false)?,
            O::LocalTee { local_index } => self.local_set(local_index, true)?,
            O::GlobalGet { global_index } => {
                let result = self.home(self.stack.len())?;
                self.emit_producer(Op::GlobalGet {
                    result,
                    global: global_index,
                })?;
            }
            O::GlobalSet { global_index } => {
                let [value] = self.pop_slots::<1>()?;
                self.emit(Op::GlobalSet {
                    value,
                    global: global_index,
                });
            }
            O::I32Load { memarg } | O::F32Load { memarg } => load!(I32Load, memarg)?,
            O::I64Load { memarg } | O::F64Load { memarg } => load!(I64Load, memarg)?,
            O::I32Load8S { memarg } => load!(I32Load8S, memarg)?,
            O::I32Load8U { memarg } => load!(I32Load8U, memarg)?,
            O::I32Load16S { memarg } => load!(I32Load16S, memarg)?,
            O::I32Load16U { memarg } => load!(I32Load16U, memarg)?,
            O::I64Load8S { memarg } => load!(I64Load8S, memarg)?,
            O::I64Load8U { memarg } => load!(I64Load8U, memarg)?,
            O::I64Load16S { memarg } => load!(I64Load16S, memarg)?,
            O::I64Load16U { memarg } => load!(I64Load16U, memarg)?,
            O::I64Load32S { memarg } => load!(I64Load32S, memarg)?,
            O::I64Load32U { memarg } => load!(I64Load32U, memarg)?,
            O::I32Store { memarg } | O::F32Store { memarg } => store!(I32Store, memarg)?,
            O::I64Store { memarg } | O::F64Store { memarg } => store!(I64Store, memarg)?,
            O::I32Store8 { memarg } => store!(I32Store8, memarg)?,
            O::I32Store16 { memarg } => store!(I32Store16, memarg)?,
            O::I64Store8 { memarg } => store!(I64Store8, memarg)?,
            O::I64Store16 { memarg } => store!(I64Store16, memarg)?,
            O::I64Store32 { memarg } => store!(I64Store32, memarg)?,
            O::MemorySize { mem } => {
                let result = self.home(self.stack.len())?;
                self.emit_producer(Op::MemorySize {
                    result,
                    memory: memory8(mem)?,
                })?;
            }
            O::MemoryGrow { mem } => {
                let [delta] = self.pop_slots::<1>()?;
                let result = self.home(self.stack.len())?;
                self.emit_producer(Op::MemoryGrow {
                    result,
                    delta,
                    memory: memory8(mem)?,
                })?;
            }
            O::MemoryFill { mem } => {
                let [dst, value, len] = self.pop_slots::<3>()?;
                self.emit(Op::MemoryFill {
                    dst,
                    value,
                    len,
                    memory: memory8(mem)?,
                });
            }
            O::MemoryCopy { dst_mem, src_mem } => {
                let [dst, src, len] = self.pop_slots::<3>()?;
                self.emit(Op::MemoryCopy {
                    dst,
                    src,
                    len,
                    dst_memory: memory8(dst_mem)?,
                    src_memory: memory8(src_mem)?,
                });
            }
            O::MemoryInit { data_index, mem } => {
                let [dst, src, len] = self.pop_slots::<3>()?;
                self.emit(Op::MemoryInit {
                    segment: data_index,
                    dst,
                    src,
                    len,
                    memory: memory8(mem)?,
                });
            }
            O::DataDrop { data_index } => {
                self.emit(Op::DataDrop {
                    segment: data_index,
                });
            }
            O::TableGet { table } => {
                let [index] = self.pop_slots::<1>()?;
                let result = self.home(self.stack.len())?;
                self.emit_producer(Op::TableGet {
                    result,
                    table: table16(table)?,
                    index,
                })?;
            }
            O::TableSet { table } => {
                let [index, value] = self.pop_slots::<2>()?;
                self.emit(Op::TableSet {
                    table: table16(table)?,
                    index,
                    value,
                });
            }
            O::TableSize { table } => {
                let result = self.home(self.stack.len())?;
                self.emit_producer(Op::TableSize {
                    result,
                    table: table16(table)?,
                })?;
            }
            O::TableGrow { table } => {
                let [value, delta] = self.pop_slots::<2>()?;
                let result = self.home(self.stack.len())?;
                self.emit_producer(Op::TableGrow {
                    result,
                    table: table16(table)?,
                    value,
                    delta,
                })?;
            }
            O::TableFill { table } => {
                let [dst, value, len] = self.pop_slots::<3>()?;
                self.emit(Op::TableFill {
                    table: table16(table)?,
                    dst,
                    value,
                    len,
                });
            }
            O::TableCopy {
                dst_table,
                src_table,
            } => {
                let [dst, src, len] = self.pop_slots::<3>()?;
                self.emit(Op::TableCopy {
                    dst_table: table16(dst_table)?,
                    src_table: table16(src_table)?,
                    dst,
                    src,
                    len,
                });
            }
            O::TableInit { elem_index, table } => {
                let [dst, src, len] = self.pop_slots::<3>()?;
                let segment = u16::try_from(elem_index).map_err(|_| {
                    TranslateError("element segment index beyond the interpreter's limit")
                })?;
                self.emit(Op::TableInit {
                    table: table16(table)?,
                    segment,
                    dst,
                    src,
                    len,
                });
            }
            O::ElemDrop { elem_index } => {
                self.emit(Op::ElemDrop {
                    segment: elem_index,
                });
            }
            O::RefNull { .. } => self.konst(0, true),
            O::RefIsNull => un!(I64Eqz)?,
            O::RefFunc { function_index } => {
                let result = self.home(self.stack.len())?;
                self.emit_producer(Op::RefFunc {
                    result,
                    func: function_index,
                })?;
            }

            O::I32Const { value } => self.konst(value as u32 as u64, false),
            O::I64Const { value } => self.konst(value as u64, true),
            O::F32Const { value } => self.konst(value.bits() as u64, false),
            O::F64Const { value } => self.konst(value.bits(), true),

            O::I32Eqz => un!(I32Eqz)?,
            O::I32Eq => bin!(I32Eq, I32EqI, true, false)?,
            O::I32Ne => bin!(I32Ne, I32NeI, true, false)?,
            O::I32LtS => bin!(I32LtS, I32LtSI, false, false)?,
            O::I32LtU => bin!(I32LtU, I32LtUI, false, false)?,
            O::I32GtS => bin!(I32GtS, I32GtSI, false, false)?,
            O::I32GtU => bin!(I32GtU, I32GtUI, false, false)?,
            O::I32LeS => bin!(I32LeS, I32LeSI, false, false)?,
            O::I32LeU => bin!(I32LeU, I32LeUI, false, false)?,
            O::I32GeS => bin!(I32GeS, I32GeSI, false, false)?,
            O::I32GeU => bin!(I32GeU, I32GeUI, false, false)?,
            O::I64Eqz => un!(I64Eqz)?,
            O::I64Eq => bin!(I64Eq, I64EqI, true, true)?,
            O::I64Ne => bin!(I64Ne, I64NeI, true, true)?,
            O::I64LtS => bin!(I64LtS, I64LtSI, false, true)?,
            O::I64LtU => bin!(I64LtU, I64LtUI, false, true)?,
            O::I64GtS => bin!(I64GtS, I64GtSI, false, true)?,
            O::I64GtU => bin!(I64GtU, I64GtUI, false, true)?,
            O::I64LeS => bin!(I64LeS, I64LeSI, false, true)?,
            O::I64LeU => bin!(I64LeU, I64LeUI, false, true)?,
            O::I64GeS => bin!(I64GeS, I64GeSI, false, true)?,
            O::I64GeU => bin!(I64GeU, I64GeUI, false, true)?,
            #[cfg(feature = "float")]
            O::F32Eq => bin!(F32Eq)?,
            #[cfg(feature = "float")]
            O::F32Ne => bin!(F32Ne)?,
            #[cfg(feature = "float")]
            O::F32Lt => bin!(F32Lt)?,
            #[cfg(feature = "float")]
            O::F32Gt => bin!(F32Gt)?,
            #[cfg(feature = "float")]
            O::F32Le => bin!(F32Le)?,
            #[cfg(feature = "float")]
            O::F32Ge => bin!(F32Ge)?,
            #[cfg(feature = "float")]
            O::F64Eq => bin!(F64Eq)?,
            #[cfg(feature = "float")]
            O::F64Ne => bin!(F64Ne)?,
            #[cfg(feature = "float")]
            O::F64Lt => bin!(F64Lt)?,
            #[cfg(feature = "float")]
            O::F64Gt => bin!(F64Gt)?,
            #[cfg(feature = "float")]
            O::F64Le => bin!(F64Le)?,
            #[cfg(feature = "float")]
            O::F64Ge => bin!(F64Ge)?,

            O::I32Clz => un!(I32Clz)?,
            O::I32Ctz => un!(I32Ctz)?,
            O::I32Popcnt => un!(I32Popcnt)?,
            O::I32Add => bin!(I32Add, I32AddI, true, false)?,
            O::I32Sub => bin!(I32Sub, I32SubI, false, false)?,
            O::I32Mul => bin!(I32Mul, I32MulI, true, false)?,
            O::I32DivS => bin!(I32DivS, I32DivSI, false, false)?,
            O::I32DivU => bin!(I32DivU, I32DivUI, false, false)?,
            O::I32RemS => bin!(I32RemS, I32RemSI, false, false)?,
            O::I32RemU => bin!(I32RemU, I32RemUI, false, false)?,
            O::I32And => bin!(I32And, I32AndI, true, false)?,
            O::I32Or => bin!(I32Or, I32OrI, true, false)?,
            O::I32Xor => bin!(I32Xor, I32XorI, true, false)?,
            O::I32Shl => bin!(I32Shl, I32ShlI, false, false)?,
            O::I32ShrS => bin!(I32ShrS, I32ShrSI, false, false)?,
            O::I32ShrU => bin!(I32ShrU, I32ShrUI, false, false)?,
            O::I32Rotl => bin!(I32Rotl, I32RotlI, false, false)?,
            O::I32Rotr => bin!(I32Rotr, I32RotrI, false, false)?,
            O::I64Clz => un!(I64Clz)?,
            O::I64Ctz => un!(I64Ctz)?,
            O::I64Popcnt => un!(I64Popcnt)?,
            O::I64Add => bin!(I64Add, I64AddI, true, true)?,
            O::I64Sub => bin!(I64Sub, I64SubI, false, true)?,
            O::I64Mul => bin!(I64Mul, I64MulI, true, true)?,
            O::I64DivS => bin!(I64DivS, I64DivSI, false, true)?,
            O::I64DivU => bin!(I64DivU, I64DivUI, false, true)?,
            O::I64RemS => bin!(I64RemS, I64RemSI, false, true)?,
            O::I64RemU => bin!(I64RemU, I64RemUI, false, true)?,
            O::I64And => bin!(I64And, I64AndI, true, true)?,
            O::I64Or => bin!(I64Or, I64OrI, true, true)?,
            O::I64Xor => bin!(I64Xor, I64XorI, true, true)?,
            O::I64Shl => bin!(I64Shl, I64ShlI, false, true)?,
            O::I64ShrS => bin!(I64ShrS, I64ShrSI, false, true)?,
            O::I64ShrU => bin!(I64ShrU, I64ShrUI, false, true)?,
            O::I64Rotl => bin!(I64Rotl, I64RotlI, false, true)?,
            O::I64Rotr => bin!(I64Rotr, I64RotrI, false, true)?,

            #[cfg(feature = "float")]
            O::F32Abs => self.unary(|result, value| Op::F32Sign {
                result,
                value,
                flip: 0,
            })?,
            #[cfg(feature = "float")]
            O::F32Neg => self.unary(|result, value| Op::F32Sign {
                result,
                value,
                flip: i32::MIN,
            })?,
            #[cfg(feature = "float")]
            O::F32Ceil => un!(F32Ceil)?,
            #[cfg(feature = "float")]
            O::F32Floor => un!(F32Floor)?,
            #[cfg(feature = "float")]
            O::F32Trunc => un!(F32Trunc)?,
            #[cfg(feature = "float")]
            O::F32Nearest => un!(F32Nearest)?,
            #[cfg(feature = "float")]
            O::F32Sqrt => un!(F32Sqrt)?,
            #[cfg(feature = "float")]
            O::F32Add => bin!(F32Add)?,
            #[cfg(feature = "float")]
            O::F32Sub => bin!(F32Sub)?,
            #[cfg(feature = "float")]
            O::F32Mul => bin!(F32Mul)?,
            #[cfg(feature = "float")]
            O::F32Div => bin!(F32Div)?,
            #[cfg(feature = "float")]
            O::F32Min => bin!(F32Min)?,
            #[cfg(feature = "float")]
            O::F32Max => bin!(F32Max)?,
            #[cfg(feature = "float")]
            O::F32Copysign => bin!(F32Copysign)?,
            #[cfg(feature = "float")]
            O::F64Abs => un!(F64Abs)?,
            #[cfg(feature = "float")]
            O::F64Neg => un!(F64Neg)?,
            #[cfg(feature = "float")]
            O::F64Ceil => un!(F64Ceil)?,
            #[cfg(feature = "float")]
            O::F64Floor => un!(F64Floor)?,
            #[cfg(feature = "float")]
            O::F64Trunc => un!(F64Trunc)?,
            #[cfg(feature = "float")]
            O::F64Nearest => un!(F64Nearest)?,
            #[cfg(feature = "float")]
            O::F64Sqrt => un!(F64Sqrt)?,
            #[cfg(feature = "float")]
            O::F64Add => bin!(F64Add)?,
            #[cfg(feature = "float")]
            O::F64Sub => bin!(F64Sub)?,
            #[cfg(feature = "float")]
            O::F64Mul => bin!(F64Mul)?,
            #[cfg(feature = "float")]
            O::F64Div => bin!(F64Div)?,
            #[cfg(feature = "float")]
            O::F64Min => bin!(F64Min)?,
            #[cfg(feature = "float")]
            O::F64Max => bin!(F64Max)?,
            #[cfg(feature = "float")]
            O::F64Copysign => bin!(F64Copysign)?,

            O::I32WrapI64 => un!(I32WrapI64)?,
            #[cfg(feature = "float")]
            O::I32TruncF32S => un!(I32TruncF32S)?,
            #[cfg(feature = "float")]
            O::I32TruncF32U => un!(I32TruncF32U)?,
            #[cfg(feature = "float")]
            O::I32TruncF64S => un!(I32TruncF64S)?,
            #[cfg(feature = "float")]
            O::I32TruncF64U => un!(I32TruncF64U)?,
            O::I64ExtendI32S => un!(I64ExtendI32S)?,
            O::I64ExtendI32U => un!(I64ExtendI32U)?,
            #[cfg(feature = "float")]
            O::I64TruncF32S => un!(I64TruncF32S)?,
            #[cfg(feature = "float")]
            O::I64TruncF32U => un!(I64TruncF32U)?,
            #[cfg(feature = "float")]
            O::I64TruncF64S => un!(I64TruncF64S)?,
            #[cfg(feature = "float")]
            O::I64TruncF64U => un!(I64TruncF64U)?,
            #[cfg(feature = "float")]
            O::F32ConvertI32S => un!(F32ConvertI32S)?,
            #[cfg(feature = "float")]
            O::F32ConvertI32U => un!(F32ConvertI32U)?,
            #[cfg(feature = "float")]
            O::F32ConvertI64S => un!(F32ConvertI64S)?,
            #[cfg(feature = "float")]
            O::F32ConvertI64U => un!(F32ConvertI64U)?,
            #[cfg(feature = "float")]
            O::F32DemoteF64 => un!(F32DemoteF64)?,
            #[cfg(feature = "float")]
            O::F64ConvertI32S => un!(F64ConvertI32S)?,
            #[cfg(feature = "float")]
            O::F64ConvertI32U => un!(F64ConvertI32U)?,
            #[cfg(feature = "float")]
            O::F64ConvertI64S => un!(F64ConvertI64S)?,
            #[cfg(feature = "float")]
            O::F64ConvertI64U => un!(F64ConvertI64U)?,
            #[cfg(feature = "float")]
            O::F64PromoteF32 => un!(F64PromoteF32)?,
            // Reinterpretations change only the static type; cells hold the bits.
            O::I32ReinterpretF32
            | O::I64ReinterpretF64
            | O::F32ReinterpretI32
            | O::F64ReinterpretI64 => {}
            O::I32Extend8S => un!(I32Extend8S)?,
            O::I32Extend16S => un!(I32Extend16S)?,
            O::I64Extend8S => un!(I64Extend8S)?,
            O::I64Extend16S => un!(I64Extend16S)?,
            O::I64Extend32S => un!(I64Extend32S)?,
            #[cfg(feature = "float")]
            O::I32TruncSatF32S => un!(I32TruncSatF32S)?,
            #[cfg(feature = "float")]
            O::I32TruncSatF32U => un!(I32TruncSatF32U)?,
            #[cfg(feature = "float")]
            O::I32TruncSatF64S => un!(I32TruncSatF64S)?,
            #[cfg(feature = "float")]
            O::I32TruncSatF64U => un!(I32TruncSatF64U)?,
            #[cfg(feature = "float")]
            O::I64TruncSatF32S => un!(I64TruncSatF32S)?,
            #[cfg(feature = "float")]
            O::I64TruncSatF32U => un!(I64TruncSatF32U)?,
            #[cfg(feature = "float")]
            O::I64TruncSatF64S => un!(I64TruncSatF64S)?,
            #[cfg(feature = "float")]
            O::I64TruncSatF64U => un!(I64TruncSatF64U)?,
            _ => {
                return Err(TranslateError(
                    "instruction not supported by the interpreter",
                ))
            }
        }
        #[cfg(feature = "float")]
        if let Some(wide) = nan_result {
            self.canonicalize_nan(wide)?;
        }
        Ok(())
    }

    /// Deterministic mode: replaces the stack top, the result of an operator that may
    /// return a NaN, with the canonical NaN if it is one (`mote_core::nan`). In place,
    /// and retargetable like the operator was, so a following `local.set` costs no copy.
    #[cfg(feature = "float")]
    fn canonicalize_nan(&mut self, wide: bool) -> Result<()> {
        let value = self.pop();
        let result = self.home(self.stack.len())?;
        let value = self.slot_of(value, result);
        self.emit_producer(Op::CanonNan {
            result,
            value,
            wide: wide as u8,
        })
    }
}

/// A 64-bit memory or table in an interpreter built without memory64 (a validator built
/// with it accepted the module: cargo feature unification).
const NO_MEMORY64: TranslateError =
    TranslateError("the memory64 proposal is not enabled in this build of the interpreter");

/// A load or store on another memory than 0 in an interpreter built without multi-memory
/// (a validator built with it accepted the module: cargo feature unification).
const NO_MULTI_MEMORY: TranslateError = TranslateError(
    "multi-memory is not in this build of the interpreter (cargo feature `multi-memory`)",
);

/// A memarg offset as instructions hold it: only a 64-bit memory's can exceed u32, and
/// saturates then (see `access`).
fn offset32(offset: u64) -> u32 {
    if cfg!(feature = "memory64") {
        saturate_u32(offset)
    } else {
        offset as u32
    }
}

/// A memory index as instructions hold it (validation allows at most 100 memories).
fn memory8(m: u32) -> Result<u8> {
    u8::try_from(m).map_err(|_| TranslateError("memory index beyond the interpreter's limit"))
}

fn table16(t: u32) -> Result<u16> {
    u16::try_from(t).map_err(|_| TranslateError("table index beyond the interpreter's limit"))
}

/// The branch that fuses comparison `cmp` with a conditional branch taken when the
/// comparison is `when`.
fn fused_branch(cmp: Op, when: bool) -> Option<Op> {
    use Op::*;
    let offset = 0;
    macro_rules! pick {
        ($lhs:ident, $rhs:ident, $yes:ident, $no:ident) => {
            if when {
                $yes {
                    lhs: $lhs,
                    rhs: $rhs,
                    offset,
                }
            } else {
                $no {
                    lhs: $lhs,
                    rhs: $rhs,
                    offset,
                }
            }
        };
    }
    macro_rules! pick_imm {
        ($lhs:ident, $imm:ident, $yes:ident, $no:ident) => {
            if when {
                $yes {
                    lhs: $lhs,
                    imm: $imm,
                    offset,
                }
            } else {
                $no {
                    lhs: $lhs,
                    imm: $imm,
                    offset,
                }
            }
        };
    }
    Some(match cmp {
        I32Eqz { value, .. } => {
            if when {
                BrIfEqz {
                    condition: value,
                    offset,
                }
            } else {
                BrIfNez {
                    condition: value,
                    offset,
                }
            }
        }
        I32Eq { lhs, rhs, .. } => pick!(lhs, rhs, BrI32Eq, BrI32Ne),
        I32Ne { lhs, rhs, .. } => pick!(lhs, rhs, BrI32Ne, BrI32Eq),
        I32LtS { lhs, rhs, .. } => pick!(lhs, rhs, BrI32LtS, BrI32GeS),
        I32LtU { lhs, rhs, .. } => pick!(lhs, rhs, BrI32LtU, BrI32GeU),
        I32GtS { lhs, rhs, .. } => pick!(lhs, rhs, BrI32GtS, BrI32LeS),
        I32GtU { lhs, rhs, .. } => pick!(lhs, rhs, BrI32GtU, BrI32LeU),
        I32LeS { lhs, rhs, .. } => pick!(lhs, rhs, BrI32LeS, BrI32GtS),
        I32LeU { lhs, rhs, .. } => pick!(lhs, rhs, BrI32LeU, BrI32GtU),
        I32GeS { lhs, rhs, .. } => pick!(lhs, rhs, BrI32GeS, BrI32LtS),
        I32GeU { lhs, rhs, .. } => pick!(lhs, rhs, BrI32GeU, BrI32LtU),
        I32EqI { lhs, imm, .. } => pick_imm!(lhs, imm, BrI32EqI, BrI32NeI),
        I32NeI { lhs, imm, .. } => pick_imm!(lhs, imm, BrI32NeI, BrI32EqI),
        I32LtSI { lhs, imm, .. } => pick_imm!(lhs, imm, BrI32LtSI, BrI32GeSI),
        I32LtUI { lhs, imm, .. } => pick_imm!(lhs, imm, BrI32LtUI, BrI32GeUI),
        I32GtSI { lhs, imm, .. } => pick_imm!(lhs, imm, BrI32GtSI, BrI32LeSI),
        I32GtUI { lhs, imm, .. } => pick_imm!(lhs, imm, BrI32GtUI, BrI32LeUI),
        I32LeSI { lhs, imm, .. } => pick_imm!(lhs, imm, BrI32LeSI, BrI32GtSI),
        I32LeUI { lhs, imm, .. } => pick_imm!(lhs, imm, BrI32LeUI, BrI32GtUI),
        I32GeSI { lhs, imm, .. } => pick_imm!(lhs, imm, BrI32GeSI, BrI32LtSI),
        I32GeUI { lhs, imm, .. } => pick_imm!(lhs, imm, BrI32GeUI, BrI32LtUI),
        _ => return None,
    })
}
