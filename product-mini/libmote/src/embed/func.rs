//! Functions: untyped and typed handles, and the Rust types that map onto WebAssembly
//! signatures (for calls into WebAssembly and for host functions).

use std::marker::PhantomData;
use std::rc::Rc;
use std::vec;
use std::vec::Vec;

use mote_core::{Cell, FuncAddr, FuncType, Trap, ValType, Value};

use super::error::Error;
use super::store::{AsContext, Caller, Store};

/// Host functions as the store keeps them: the caller, then cells holding the arguments
/// on entry and the results on return.
pub(crate) type HostFn = dyn Fn(Caller<'_>, &mut [Cell]) -> Result<(), Trap>;

/// The most parameters or results a typed signature has (one cell each).
const MAX_TYPED: usize = 8;

pub(crate) mod sealed {
    use super::*;

    pub trait Ty: Copy + 'static {
        const TYPE: ValType;
        fn to_cell(self) -> Cell;
        fn from_cell(cell: Cell) -> Self;
    }

    /// A list of values: `()`, one value, or a tuple of up to eight.
    pub trait List: Sized + 'static {
        const COUNT: usize;
        fn push_types(out: &mut Vec<ValType>);
        /// `cells.len() >= COUNT`.
        fn write(self, cells: &mut [Cell]);
        /// `cells.len() >= COUNT`.
        fn read(cells: &[Cell]) -> Self;
    }

    /// What a host function may return: a list, or a list or a trap.
    pub trait Ret: 'static {
        type List: List;
        fn into_result(self) -> Result<Self::List, Trap>;
    }

    pub trait IntoHost<Params, Results>: 'static {
        fn into_host(self) -> (FuncType, Rc<HostFn>);
    }
}

use sealed::{IntoHost, List, Ret, Ty};

/// A Rust type that is one WebAssembly value: `i32`, `i64`, `f32`, `f64`, and `u32`/`u64`
/// (the same bits as `i32`/`i64`).
pub trait WasmTy: sealed::Ty {}

/// The parameters of a typed function: `()`, one [`WasmTy`], or a tuple of up to eight.
pub trait WasmParams: sealed::List {}

/// The results of a typed function: `()`, one [`WasmTy`], or a tuple of up to eight.
pub trait WasmResults: sealed::List {}

/// What a host function returns: `()`, a value, a tuple of values, or any of these in
/// `Result<_, Trap>` to trap.
pub trait HostResult: sealed::Ret {}

/// A Rust closure that can be a host function. Implemented for `Fn` closures (and
/// functions) of up to eight [`WasmTy`] parameters, optionally preceded by a
/// [`Caller`], returning a [`HostResult`]; the WebAssembly signature is derived from
/// those types. See [`Linker::func_wrap`](super::Linker::func_wrap).
pub trait IntoFunc<Params, Results>: sealed::IntoHost<Params, Results> {}

impl<T: sealed::List> WasmParams for T {}
impl<T: sealed::List> WasmResults for T {}
impl<T: sealed::Ret> HostResult for T {}
impl<F: sealed::IntoHost<P, R>, P, R> IntoFunc<P, R> for F {}

macro_rules! wasm_ty {
    ($($t:ty => $vt:ident, $to:expr, $from:expr;)*) => {$(
        impl Ty for $t {
            const TYPE: ValType = ValType::$vt;
            fn to_cell(self) -> Cell {
                $to(self)
            }
            fn from_cell(cell: Cell) -> Self {
                $from(cell)
            }
        }
        impl WasmTy for $t {}
    )*};
}

wasm_ty! {
    i32 => I32, |v: i32| v as u32 as Cell, |c: Cell| c as u32 as i32;
    u32 => I32, |v: u32| v as Cell, |c: Cell| c as u32;
    i64 => I64, |v: i64| v as Cell, |c: Cell| c as i64;
    u64 => I64, |v: u64| v, |c: Cell| c;
    f32 => F32, |v: f32| v.to_bits() as Cell, |c: Cell| f32::from_bits(c as u32);
    f64 => F64, |v: f64| v.to_bits(), f64::from_bits;
}

impl<T: Ty> List for T {
    const COUNT: usize = 1;
    fn push_types(out: &mut Vec<ValType>) {
        out.push(T::TYPE);
    }
    fn write(self, cells: &mut [Cell]) {
        cells[0] = self.to_cell();
    }
    fn read(cells: &[Cell]) -> Self {
        T::from_cell(cells[0])
    }
}

macro_rules! count {
    () => { 0 };
    ($head:ident $($tail:ident)*) => { 1 + count!($($tail)*) };
}

macro_rules! tuple_list {
    ($($t:ident),*) => {
        impl<$($t: Ty),*> List for ($($t,)*) {
            const COUNT: usize = count!($($t)*);
            fn push_types(_out: &mut Vec<ValType>) {
                $(_out.push($t::TYPE);)*
            }
            #[allow(non_snake_case, unused_assignments, unused_mut, unused_variables)]
            fn write(self, cells: &mut [Cell]) {
                let ($($t,)*) = self;
                let mut i = 0;
                $(cells[i] = $t.to_cell(); i += 1;)*
            }
            #[allow(unused_assignments, unused_mut, unused_variables, clippy::unused_unit)]
            fn read(cells: &[Cell]) -> Self {
                let mut i = 0;
                ($({ let v = $t::from_cell(cells[i]); i += 1; v },)*)
            }
        }
    };
}

tuple_list!();
tuple_list!(A1);
tuple_list!(A1, A2);
tuple_list!(A1, A2, A3);
tuple_list!(A1, A2, A3, A4);
tuple_list!(A1, A2, A3, A4, A5);
tuple_list!(A1, A2, A3, A4, A5, A6);
tuple_list!(A1, A2, A3, A4, A5, A6, A7);
tuple_list!(A1, A2, A3, A4, A5, A6, A7, A8);

impl<T: List> Ret for T {
    type List = T;
    fn into_result(self) -> Result<T, Trap> {
        Ok(self)
    }
}

impl<T: List> Ret for Result<T, Trap> {
    type List = T;
    fn into_result(self) -> Result<T, Trap> {
        self
    }
}

/// The WebAssembly type of a Rust signature.
pub(crate) fn func_type<P: List, R: List>() -> FuncType {
    let mut params = Vec::with_capacity(P::COUNT);
    P::push_types(&mut params);
    let mut results = Vec::with_capacity(R::COUNT);
    R::push_types(&mut results);
    FuncType::new(params, results)
}

/// Engines always pass max(params, results) cells; a shorter slice would be an engine
/// bug, reported as a trap rather than a panic.
fn check_cells(cells: &[Cell], needed: usize) -> Result<(), Trap> {
    if cells.len() < needed {
        return Err(Trap::Host(
            "host function called with too few argument cells",
        ));
    }
    Ok(())
}

macro_rules! into_host {
    ($($a:ident),*) => {
        impl<F, $($a: Ty,)* R: Ret> IntoHost<($($a,)*), R> for F
        where
            F: Fn($($a),*) -> R + 'static,
        {
            fn into_host(self) -> (FuncType, Rc<HostFn>) {
                let needed = <($($a,)*) as List>::COUNT.max(R::List::COUNT);
                let f = move |_caller: Caller<'_>, cells: &mut [Cell]| -> Result<(), Trap> {
                    check_cells(cells, needed)?;
                    #[allow(non_snake_case)]
                    let ($($a,)*) = <($($a,)*) as List>::read(cells);
                    self($($a),*).into_result()?.write(cells);
                    Ok(())
                };
                (func_type::<($($a,)*), R::List>(), Rc::new(f))
            }
        }

        impl<F, $($a: Ty,)* R: Ret> IntoHost<(Caller<'_>, $($a,)*), R> for F
        where
            F: Fn(Caller<'_>, $($a),*) -> R + 'static,
        {
            fn into_host(self) -> (FuncType, Rc<HostFn>) {
                let needed = <($($a,)*) as List>::COUNT.max(R::List::COUNT);
                let f = move |caller: Caller<'_>, cells: &mut [Cell]| -> Result<(), Trap> {
                    check_cells(cells, needed)?;
                    #[allow(non_snake_case)]
                    let ($($a,)*) = <($($a,)*) as List>::read(cells);
                    self(caller, $($a),*).into_result()?.write(cells);
                    Ok(())
                };
                (func_type::<($($a,)*), R::List>(), Rc::new(f))
            }
        }
    };
}

into_host!();
into_host!(A1);
into_host!(A1, A2);
into_host!(A1, A2, A3);
into_host!(A1, A2, A3, A4);
into_host!(A1, A2, A3, A4, A5);
into_host!(A1, A2, A3, A4, A5, A6);
into_host!(A1, A2, A3, A4, A5, A6, A7);
into_host!(A1, A2, A3, A4, A5, A6, A7, A8);

/// A function in a store (exported by an instance), called with untyped [`Value`]s.
///
/// For repeated calls with a signature known at compile time, [`Func::typed`] (or
/// [`Instance::get_typed_func`](super::Instance::get_typed_func)) gives a
/// [`TypedFunc`], which checks the signature once and calls without allocating.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Func {
    pub(crate) store: u64,
    pub(crate) addr: FuncAddr,
}

impl Func {
    fn check(&self, store: &impl AsContext) {
        assert!(
            store.store_id() == self.store,
            "mote: a function was used with a store it does not belong to"
        );
    }

    /// The function's type.
    ///
    /// # Panics
    /// If `store` is not the store the function belongs to.
    pub fn ty(&self, store: &impl AsContext) -> FuncType {
        self.check(store);
        store.core().func_type(self.addr).clone()
    }

    /// Calls the function with `params`, writing its results into `results`, which must
    /// have room for exactly as many values as the function returns.
    ///
    /// # Errors
    /// [`Error::Signature`] if the parameters' number or types, or the number of result
    /// slots, do not match; [`Error::Trap`] if the function traps (the instance stays
    /// usable); [`Error::WrongStore`] for a store the function does not belong to.
    ///
    /// ```
    /// # #[cfg(feature = "interp")] {
    /// use mote::{Error, Linker, Module, Store, Trap, Value};
    ///
    /// let wasm = wat::parse_str(r#"(module (func (export "div") (param i32 i32) (result i32)
    ///     (i32.div_s (local.get 0) (local.get 1))))"#)?;
    /// let mut store = Store::new();
    /// let instance = Linker::new().instantiate(&mut store, &Module::new(&wasm)?)?;
    /// let div = instance.get_func(&store, "div").expect("exported");
    ///
    /// let mut out = [Value::I32(0)];
    /// div.call(&mut store, &[Value::I32(7), Value::I32(2)], &mut out)?;
    /// assert_eq!(out, [Value::I32(3)]);
    ///
    /// let err = div.call(&mut store, &[Value::I32(7), Value::I32(0)], &mut out).unwrap_err();
    /// assert_eq!(err, Error::Trap(Trap::IntegerDivideByZero));
    /// assert_eq!(err.to_string(), "integer divide by zero");
    ///
    /// let err = div.call(&mut store, &[Value::I64(7)], &mut out).unwrap_err();
    /// assert!(matches!(err, Error::Signature { .. }), "{err}");
    /// # }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn call(
        &self,
        store: &mut Store,
        params: &[Value],
        results: &mut [Value],
    ) -> Result<(), Error> {
        if store.id != self.store {
            return Err(Error::WrongStore);
        }
        let ty = store.inner.func_type(self.addr);
        let params_ok = params.len() == ty.params.len()
            && params
                .iter()
                .zip(ty.params.iter())
                .all(|(v, t)| v.ty() == *t)
            && params.iter().all(|v| store_ref_ok(&store.inner, v));
        if !params_ok || results.len() != ty.results.len() {
            return Err(Error::Signature {
                expected: FuncType::new(
                    params.iter().map(Value::ty).collect::<Vec<_>>(),
                    // The result slots' types are placeholders; only their number counts.
                    match ty.results.len() == results.len() {
                        true => ty.results.clone(),
                        false => results.iter().map(Value::ty).collect(),
                    },
                ),
                found: ty.clone(),
            });
        }
        let result_types = ty.results.clone();
        let mut cells = vec![0 as Cell; params.len().max(results.len())];
        for (cell, v) in cells.iter_mut().zip(params) {
            *cell = v.to_cell();
        }
        store
            .call_cells(self.addr, &mut cells)
            .map_err(Error::Trap)?;
        for ((slot, ty), cell) in results.iter_mut().zip(result_types.iter()).zip(&cells) {
            *slot = Value::from_cell(*ty, *cell);
        }
        Ok(())
    }

    /// This function as a [`TypedFunc`], after checking that its type is the one `P` and
    /// `R` describe.
    ///
    /// # Errors
    /// [`Error::Signature`] on a mismatch, [`Error::WrongStore`] for another store.
    pub fn typed<P: WasmParams, R: WasmResults>(
        &self,
        store: &impl AsContext,
    ) -> Result<TypedFunc<P, R>, Error> {
        if store.store_id() != self.store {
            return Err(Error::WrongStore);
        }
        let expected = func_type::<P, R>();
        let found = store.core().func_type(self.addr);
        if *found != expected {
            return Err(Error::Signature {
                expected,
                found: found.clone(),
            });
        }
        Ok(TypedFunc {
            func: *self,
            _ty: PhantomData,
        })
    }
}

/// A reference value must name a function of this store, or be null: engines index the
/// store's functions with it.
pub(crate) fn store_ref_ok(store: &mote_core::runtime::Store, v: &Value) -> bool {
    match *v {
        Value::FuncRef(Some(f)) => (f as usize) < store.funcs.len(),
        _ => true,
    }
}

/// A function whose signature was checked against the Rust types `P` (parameters) and
/// `R` (results), so calls pass values without checks or allocation.
///
/// `P` and `R` are `()`, one of `i32`, `i64`, `f32`, `f64`, `u32`, `u64`, or a tuple of up
/// to eight of them.
///
/// ```
/// # #[cfg(feature = "interp")] {
/// use mote::{Linker, Module, Store};
///
/// let wasm = wat::parse_str(r#"(module
///     (func (export "divmod") (param i64 i64) (result i64 i64)
///       (i64.div_u (local.get 0) (local.get 1))
///       (i64.rem_u (local.get 0) (local.get 1))))"#)?;
/// let mut store = Store::new();
/// let instance = Linker::new().instantiate(&mut store, &Module::new(&wasm)?)?;
/// let divmod = instance.get_typed_func::<(u64, u64), (u64, u64)>(&store, "divmod")?;
/// assert_eq!(divmod.call(&mut store, (17, 5))?, (3, 2));
///
/// // The wrong Rust types are refused when the function is looked up.
/// let err = instance.get_typed_func::<(i32, i32), i32>(&store, "divmod").unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "function type mismatch: the function is (i64 i64) -> (i64 i64), \
///      but (i32 i32) -> (i32) was asked for"
/// );
/// # }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct TypedFunc<P, R> {
    func: Func,
    _ty: PhantomData<fn(P) -> R>,
}

impl<P, R> Clone for TypedFunc<P, R> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<P, R> Copy for TypedFunc<P, R> {}

impl<P, R> core::fmt::Debug for TypedFunc<P, R> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_tuple("TypedFunc").field(&self.func).finish()
    }
}

impl<P: WasmParams, R: WasmResults> TypedFunc<P, R> {
    /// Calls the function. A trap comes back as `Err`, and the instance stays usable:
    ///
    /// ```
    /// # #[cfg(feature = "interp")] {
    /// use mote::{Linker, Module, Store, Trap};
    ///
    /// let wasm = wat::parse_str(r#"(module
    ///     (memory 1)
    ///     (func (export "load") (param i32) (result i32) (i32.load (local.get 0))))"#)?;
    /// let mut store = Store::new();
    /// let instance = Linker::new().instantiate(&mut store, &Module::new(&wasm)?)?;
    /// let load = instance.get_typed_func::<i32, i32>(&store, "load")?;
    ///
    /// let trap = load.call(&mut store, 65536).unwrap_err();
    /// assert_eq!(trap, Trap::MemoryOutOfBounds);
    /// assert_eq!(trap.to_string(), "out of bounds memory access");
    /// assert_eq!(load.call(&mut store, 0)?, 0); // still usable
    /// # }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// A store other than the function's gives
    /// `Trap::Host("function called with a store it does not belong to")`.
    pub fn call(&self, store: &mut Store, params: P) -> Result<R, Trap> {
        if store.id != self.func.store {
            return Err(Trap::Host(
                "function called with a store it does not belong to",
            ));
        }
        let mut cells = [0 as Cell; MAX_TYPED];
        let n = P::COUNT.max(R::COUNT);
        params.write(&mut cells);
        store.call_cells(self.func.addr, &mut cells[..n])?;
        Ok(R::read(&cells))
    }

    /// The untyped handle.
    pub fn func(&self) -> Func {
        self.func
    }
}
