;; Custom page sizes: a memory of one-byte pages is exactly as large as declared, and
;; every access traps at its byte size, not at the next 64 KiB or OS page. With guard
;; pages (AOT `--bounds-checks=guard`) a reservation faults only at whole OS pages, so
;; such a memory is checked explicitly there too; this script checks the edges on every
;; engine, before and after growth, for loads, stores, bulk operations and data.

(module
  (memory 5 9 (pagesize 1))
  (data (i32.const 3) "\aa\bb")
  (func (export "size") (result i32) (memory.size))
  (func (export "grow") (param $delta i32) (result i32) (memory.grow (local.get $delta)))
  (func (export "load8") (param $a i32) (result i32) (i32.load8_u (local.get $a)))
  (func (export "load16") (param $a i32) (result i32) (i32.load16_u (local.get $a)))
  (func (export "load32") (param $a i32) (result i32) (i32.load (local.get $a)))
  (func (export "load32_off2") (param $a i32) (result i32)
    (i32.load offset=2 (local.get $a)))
  (func (export "store8") (param $a i32) (param $v i32)
    (i32.store8 (local.get $a) (local.get $v)))
  (func (export "fill") (param $a i32) (param $n i32)
    (memory.fill (local.get $a) (i32.const 0x5a) (local.get $n)))
  (func (export "copy") (param $dst i32) (param $src i32) (param $n i32)
    (memory.copy (local.get $dst) (local.get $src) (local.get $n))))

(assert_return (invoke "size") (i32.const 5))
(assert_return (invoke "load8" (i32.const 3)) (i32.const 0xaa))
(assert_return (invoke "load8" (i32.const 4)) (i32.const 0xbb))
(assert_return (invoke "load16" (i32.const 3)) (i32.const 0xbbaa))
(assert_trap (invoke "load8" (i32.const 5)) "out of bounds memory access")
(assert_trap (invoke "load16" (i32.const 4)) "out of bounds memory access")
(assert_return (invoke "load32" (i32.const 1)) (i32.const 0xbbaa0000))
(assert_trap (invoke "load32" (i32.const 2)) "out of bounds memory access")
(assert_trap (invoke "load32_off2" (i32.const 0)) "out of bounds memory access")
(assert_trap (invoke "store8" (i32.const 5) (i32.const 1)) "out of bounds memory access")
(assert_trap (invoke "fill" (i32.const 1) (i32.const 5)) "out of bounds memory access")
(assert_return (invoke "fill" (i32.const 5) (i32.const 0)))

;; Growth counts bytes, up to the declared maximum of nine.
(assert_return (invoke "grow" (i32.const 3)) (i32.const 5))
(assert_return (invoke "size") (i32.const 8))
(assert_return (invoke "load8" (i32.const 7)) (i32.const 0))
(assert_trap (invoke "load8" (i32.const 8)) "out of bounds memory access")
(assert_return (invoke "store8" (i32.const 7) (i32.const 0x77)))
(assert_return (invoke "load8" (i32.const 7)) (i32.const 0x77))
(assert_return (invoke "load32_off2" (i32.const 2)) (i32.const 0x7700_00bb))
(assert_trap (invoke "load32_off2" (i32.const 3)) "out of bounds memory access")
(assert_return (invoke "grow" (i32.const 2)) (i32.const -1))
(assert_return (invoke "grow" (i32.const 1)) (i32.const 8))
(assert_return (invoke "size") (i32.const 9))
(assert_return (invoke "copy" (i32.const 6) (i32.const 3) (i32.const 3)))
(assert_return (invoke "load16" (i32.const 6)) (i32.const 0xbbaa))
(assert_trap (invoke "copy" (i32.const 7) (i32.const 3) (i32.const 3)) "out of bounds memory access")
(assert_trap (invoke "load16" (i32.const 8)) "out of bounds memory access")
(assert_return (invoke "grow" (i32.const 0)) (i32.const 9))
(assert_return (invoke "grow" (i32.const 1)) (i32.const -1))

;; A data segment past the declared bytes fails instantiation.
(assert_trap
  (module (memory 4 (pagesize 1)) (data (i32.const 3) "\01\02"))
  "out of bounds memory access")

;; Import matching compares page sizes.
(module $small (memory (export "mem") 1 (pagesize 1)))
(register "small" $small)
(module (import "small" "mem" (memory 1 (pagesize 1))))
(assert_unlinkable
  (module (import "small" "mem" (memory 1)))
  "memory types incompatible")
(assert_unlinkable
  (module (import "small" "mem" (memory 0 (pagesize 65536))))
  "memory types incompatible")
(assert_unlinkable
  (module (import "small" "mem" (memory 2 (pagesize 1))))
  "incompatible import type")
