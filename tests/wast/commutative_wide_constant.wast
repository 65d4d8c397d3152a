;; A commutative 64-bit operation whose first operand is a constant too wide for an
;; immediate and whose second is a computed value. Found by the differential fuzzer:
;; the interpreter swapped the operands to use an immediate, then, the constant not
;; fitting one, materialised it into the second operand's stack slot, where the
;; computed value still lived, so the operation read the constant twice
;; ((i64.add (i64.const C) x) returned 2*C). Every commutative i64 operation, and an
;; f64 constant reinterpreted as an i64 (how the fuzzer met it), on every engine.

(module
  (global $g (mut i64) (i64.const 0))
  (func (export "add") (param i64 i64) (result i64)
    (i64.add (i64.const 0x1_2345_6789) (i64.add (local.get 0) (local.get 1))))
  (func (export "mul") (param i64 i64) (result i64)
    (i64.mul (i64.const 0x1_0000_0001) (i64.add (local.get 0) (local.get 1))))
  (func (export "and") (param i64 i64) (result i64)
    (i64.and (i64.const 0xff_0000_ffff) (i64.add (local.get 0) (local.get 1))))
  (func (export "or") (param i64 i64) (result i64)
    (i64.or (i64.const 0x10_0000_0000) (i64.add (local.get 0) (local.get 1))))
  (func (export "xor") (param i64 i64) (result i64)
    (i64.xor (i64.const 0x10_0000_0000) (i64.add (local.get 0) (local.get 1))))
  (func (export "eq") (param i64 i64) (result i32)
    (i64.eq (i64.const 0x10_0000_0000) (i64.add (local.get 0) (local.get 1))))
  (func (export "ne") (param i64 i64) (result i32)
    (i64.ne (i64.const 0x10_0000_0000) (i64.add (local.get 0) (local.get 1))))
  ;; The fuzzer's shape: the constant is pushed first, the global read second.
  (func (export "xor-global") (result i64)
    (global.set $g (i64.const 0))
    (global.set $g
      (i64.xor (i64.reinterpret_f64 (f64.const 0x1.fffffffffffp-1030)) (global.get $g)))
    (global.get $g))
)

(assert_return (invoke "add" (i64.const 1) (i64.const 2)) (i64.const 0x1_2345_678c))
(assert_return (invoke "mul" (i64.const 1) (i64.const 2)) (i64.const 0x3_0000_0003))
(assert_return (invoke "and" (i64.const -1) (i64.const 0)) (i64.const 0xff_0000_ffff))
(assert_return (invoke "and" (i64.const 0x0f) (i64.const 0)) (i64.const 0x0f))
(assert_return (invoke "or" (i64.const 1) (i64.const 2)) (i64.const 0x10_0000_0003))
(assert_return (invoke "xor" (i64.const 1) (i64.const 2)) (i64.const 0x10_0000_0003))
(assert_return (invoke "eq" (i64.const 1) (i64.const 2)) (i32.const 0))
(assert_return (invoke "eq" (i64.const 0x10_0000_0000) (i64.const 0)) (i32.const 1))
(assert_return (invoke "ne" (i64.const 1) (i64.const 2)) (i32.const 1))
(assert_return (invoke "ne" (i64.const 0x10_0000_0000) (i64.const 0)) (i32.const 0))
(assert_return (invoke "xor-global") (i64.const 0x1fff_ffff_ffff))
