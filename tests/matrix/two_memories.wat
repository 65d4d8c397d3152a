;; Two memories (multi-memory): `run` copies a byte of memory 1 into memory 0 and returns
;; it. iwasm runs it by default; an iwasm built without the `multi-memory` feature refuses
;; it naming the proposal (.ci/feature-matrix checks both).
(module
  (memory $a 1)
  (memory $b 1)
  (data (memory $b) (i32.const 7) "\2a")
  (func (export "run") (result i32)
    (memory.copy $a $b (i32.const 0) (i32.const 7) (i32.const 1))
    (i32.load8_u $a (i32.const 0))))
