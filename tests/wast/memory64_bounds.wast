;; memory64: bounds checks on a 64-bit memory must not wrap. The effective address is
;; `address + offset` in 64 bits, and a sum past 2^64 is out of bounds, not a small
;; address. Guard pages cover only 32-bit addresses and offsets, so AOT guard mode checks
;; a 64-bit memory explicitly; this script checks the edges on every engine at full
;; optimisation, for loads, stores and the bulk operations, with a one-byte-page memory
;; and a 64-bit table too. mote gives a 64-bit memory at most 4 GiB - 64 KiB
;; (`MAX_MEMORY64_BYTES`): growth beyond it returns -1.

(module
  (memory i64 1 70000)
  (data (i64.const 0xfffc) "\01\02\03\04")
  (func (export "load32") (param $a i64) (result i32) (i32.load (local.get $a)))
  (func (export "load32_top") (param $a i64) (result i32)
    (i32.load offset=0xffff_ffff_ffff_fffc (local.get $a)))
  (func (export "load8_far") (param $a i64) (result i32)
    (i32.load8_u offset=0x1_0000_0000 (local.get $a)))
  (func (export "store64") (param $a i64) (param $v i64)
    (i64.store offset=8 (local.get $a) (local.get $v)))
  (func (export "load64") (param $a i64) (result i64) (i64.load offset=8 (local.get $a)))
  ;; A dropped load must still trap (the value is unused).
  (func (export "drop_load") (param $a i64) (drop (i64.load (local.get $a))))
  (func (export "size") (result i64) (memory.size))
  (func (export "grow") (param $d i64) (result i64) (memory.grow (local.get $d)))
  (func (export "fill") (param $a i64) (param $n i64)
    (memory.fill (local.get $a) (i32.const 0x5a) (local.get $n)))
  (func (export "copy") (param $d i64) (param $s i64) (param $n i64)
    (memory.copy (local.get $d) (local.get $s) (local.get $n))))

(assert_return (invoke "load32" (i64.const 0xfffc)) (i32.const 0x04030201))
(assert_trap (invoke "load32" (i64.const 0xfffd)) "out of bounds memory access")
(assert_trap (invoke "load32" (i64.const 0x1_0000_0000)) "out of bounds memory access")
(assert_trap (invoke "load32" (i64.const -1)) "out of bounds memory access")
(assert_trap (invoke "load32" (i64.const -4)) "out of bounds memory access")
;; 4 + 0xffff_ffff_ffff_fffc is 2^64: wraps to 0 in 64-bit arithmetic.
(assert_trap (invoke "load32_top" (i64.const 4)) "out of bounds memory access")
(assert_trap (invoke "load32_top" (i64.const 0)) "out of bounds memory access")
(assert_trap (invoke "load8_far" (i64.const 0)) "out of bounds memory access")
(assert_trap (invoke "load8_far" (i64.const -0x1_0000_0000)) "out of bounds memory access")
(assert_return (invoke "store64" (i64.const 0xfff0) (i64.const 7)))
(assert_return (invoke "load64" (i64.const 0xfff0)) (i64.const 7))
(assert_trap (invoke "store64" (i64.const 0xfff1) (i64.const 7)) "out of bounds memory access")
(assert_trap (invoke "store64" (i64.const -8) (i64.const 7)) "out of bounds memory access")
(assert_trap (invoke "drop_load" (i64.const 0xfff9)) "out of bounds memory access")
(assert_trap (invoke "drop_load" (i64.const 0x8000_0000_0000_0000)) "out of bounds memory access")
(assert_return (invoke "size") (i64.const 1))
(assert_return (invoke "grow" (i64.const 0x1_0000_0000)) (i64.const -1))
(assert_return (invoke "grow" (i64.const 65535)) (i64.const -1))
(assert_return (invoke "grow" (i64.const 1)) (i64.const 1))
(assert_return (invoke "size") (i64.const 2))
(assert_return (invoke "load32" (i64.const 0x1fffc)) (i32.const 0))
(assert_trap (invoke "load32" (i64.const 0x1fffd)) "out of bounds memory access")
(assert_return (invoke "fill" (i64.const 0x1fff0) (i64.const 16)))
(assert_return (invoke "load32" (i64.const 0x1fffc)) (i32.const 0x5a5a5a5a))
(assert_trap (invoke "fill" (i64.const 0x1fff0) (i64.const 17)) "out of bounds memory access")
(assert_trap (invoke "fill" (i64.const 1) (i64.const -1)) "out of bounds memory access")
(assert_trap (invoke "fill" (i64.const 0x1_0000_0000) (i64.const 0)) "out of bounds memory access")
(assert_return (invoke "fill" (i64.const 0x20000) (i64.const 0)))
(assert_trap (invoke "copy" (i64.const 0) (i64.const -1) (i64.const 1)) "out of bounds memory access")
(assert_trap (invoke "copy" (i64.const 0) (i64.const 0) (i64.const 0x1_0000_0000)) "out of bounds memory access")

;; One-byte pages and 64-bit addresses together.
(module
  (memory i64 3 (pagesize 1))
  (func (export "load8") (param $a i64) (result i32) (i32.load8_u (local.get $a)))
  (func (export "size") (result i64) (memory.size))
  (func (export "grow") (param $d i64) (result i64) (memory.grow (local.get $d))))

(assert_return (invoke "load8" (i64.const 2)) (i32.const 0))
(assert_trap (invoke "load8" (i64.const 3)) "out of bounds memory access")
(assert_return (invoke "grow" (i64.const 0xffff_ffff)) (i64.const -1))
(assert_return (invoke "grow" (i64.const 2)) (i64.const 3))
(assert_return (invoke "size") (i64.const 5))
(assert_return (invoke "load8" (i64.const 4)) (i32.const 0))
(assert_trap (invoke "load8" (i64.const 5)) "out of bounds memory access")

;; A 64-bit table: i64 indices that do not fit 32 bits are out of bounds, not truncated.
(module
  (type $t (func (result i32)))
  (table $tab i64 2 funcref)
  (elem (table $tab) (i64.const 1) func $five)
  (func $five (result i32) (i32.const 5))
  (func (export "call") (param $i i64) (result i32)
    (call_indirect $tab (type $t) (local.get $i)))
  (func (export "is_null") (param $i i64) (result i32)
    (ref.is_null (table.get $tab (local.get $i))))
  (func (export "grow") (param $d i64) (result i64)
    (table.grow $tab (ref.null func) (local.get $d)))
  (func (export "size") (result i64) (table.size $tab)))

(assert_return (invoke "call" (i64.const 1)) (i32.const 5))
(assert_trap (invoke "call" (i64.const 0x1_0000_0001)) "undefined element")
(assert_trap (invoke "call" (i64.const -1)) "undefined element")
(assert_return (invoke "is_null" (i64.const 0)) (i32.const 1))
(assert_trap (invoke "is_null" (i64.const 0x1_0000_0000)) "out of bounds table access")
(assert_return (invoke "grow" (i64.const 0x1_0000_0000)) (i64.const -1))
(assert_return (invoke "grow" (i64.const 3)) (i64.const 2))
(assert_return (invoke "size") (i64.const 5))
