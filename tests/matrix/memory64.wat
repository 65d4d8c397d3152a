;; A 64-bit memory (memory64): `run` stores 42 at an i64 address and loads it back.
;; iwasm runs it by default; an iwasm built without the `memory64` feature refuses it
;; naming the proposal (.ci/feature-matrix checks both).
(module
  (memory i64 1)
  (func (export "run") (result i32)
    (i32.store8 (i64.const 0x1234) (i32.const 42))
    (i32.load8_u (i64.const 0x1234))))
