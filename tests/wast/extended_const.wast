;; Extended constant expressions: i32/i64 add, sub and mul over constants and imported
;; immutable globals, in global initialisers and data and element offsets (the spec
;; suite's 3.0 scripts for them also need GC's `global.get` of defined globals).

(module
  (global $base (import "spectest" "global_i32") i32)  ;; 666
  (global $base64 (import "spectest" "global_i64") i64)  ;; 666
  (global (export "sum") i32 (i32.add (global.get $base) (i32.const 4)))
  (global (export "poly") i32
    (i32.sub (i32.mul (global.get $base) (i32.const 3)) (i32.add (i32.const 1) (i32.const 1))))
  (global (export "wrap") i32 (i32.mul (i32.const 0x10000) (i32.const 0x10001)))
  (global (export "sum64") i64 (i64.add (global.get $base64) (i64.const -1000)))
  (global (export "wrap64") i64
    (i64.mul (i64.const 0x7fffffffffffffff) (i64.sub (i64.const 0) (i64.const 2))))
  (global (export "neg") i32 (i32.sub (i32.const 0) (global.get $base)))
  (memory 1)
  (data (i32.add (global.get $base) (i32.const 334)) "\2a")  ;; at 1000
  (data (i32.sub (i32.mul (i32.const 10) (i32.const 200)) (i32.const 1)) "\07")  ;; at 1999
  (table 8 funcref)
  (elem (i32.sub (global.get $base) (i32.const 661)) $seven)  ;; at 5
  (func $seven (result i32) (i32.const 7))
  (func (export "load") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "call") (param i32) (result i32) (call_indirect (result i32) (local.get 0)))
)

(assert_return (get "sum") (i32.const 670))
(assert_return (get "poly") (i32.const 1996))
(assert_return (get "wrap") (i32.const 0x10000))
(assert_return (get "sum64") (i64.const -334))
(assert_return (get "wrap64") (i64.const 2))
(assert_return (get "neg") (i32.const -666))
(assert_return (invoke "load" (i32.const 1000)) (i32.const 42))
(assert_return (invoke "load" (i32.const 1999)) (i32.const 7))
(assert_return (invoke "call" (i32.const 5)) (i32.const 7))
(assert_trap (invoke "call" (i32.const 4)) "uninitialized element")

;; An offset computed out of bounds traps at instantiation.
(assert_trap
  (module
    (memory 1)
    (data (i32.mul (i32.const 0x100) (i32.const 0x100)) "x"))
  "out of bounds memory access")

(assert_invalid
  (module (global i32 (i32.add (i32.const 1) (i64.const 2))))
  "type mismatch")
(assert_invalid
  (module (global i64 (i32.add (i32.const 1) (i32.const 2))))
  "type mismatch")
(assert_invalid
  (module (global i32 (i32.const 1) (i32.const 2)))
  "type mismatch")
(assert_invalid
  (module (global i32 (i32.add (i32.const 1))))
  "type mismatch")
(assert_invalid
  (module (global i32 (i32.div_u (i32.const 1) (i32.const 1))))
  "constant expression required")
(assert_invalid
  (module (global i64 (i64.and (i64.const 1) (i64.const 1))))
  "constant expression required")
