;; A trap does not undo the stores before it: a global or memory write made before a
;; load or store that traps out of bounds stays visible. Found by the differential
;; fuzzer: with guard pages (AOT `--bounds-checks=guard`) the access itself is the bounds
;; check, and LLVM moved an ordinary global store after the (volatile) load that faulted,
;; so the global kept its old value after the trap. Each function writes, then accesses
;; out of bounds; the getters read what was written. The memory is one page.

(module
  (memory 1)
  (global $counter (mut i32) (i32.const 0))
  (global $wide (mut i64) (i64.const 0))
  (func (export "counter") (result i32) (global.get $counter))
  (func (export "wide") (result i64) (global.get $wide))
  (func (export "word") (param $a i32) (result i32) (i32.load (local.get $a)))

  ;; Global write, then a load out of bounds (the fuzzer's case).
  (func (export "set_then_load") (param $a i32) (result i32)
    (global.set $counter (i32.sub (global.get $counter) (i32.const 1)))
    (i32.load (local.get $a)))
  ;; Global write, then a store out of bounds.
  (func (export "set_then_store") (param $a i32)
    (global.set $wide (i64.const 0x1_0000_0002))
    (i64.store (local.get $a) (i64.const 7)))
  ;; Memory write, then a load out of bounds.
  (func (export "store_then_load") (param $a i32) (result i64)
    (i32.store (i32.const 8) (i32.const 0x1234_5678))
    (i64.load (local.get $a)))
  ;; Memory write, then a store out of bounds.
  (func (export "store_then_store") (param $a i32)
    (i32.store (i32.const 16) (i32.const 0x0bad_f00d))
    (i32.store16 (local.get $a) (i32.const 1)))
  ;; In a loop: the write of every iteration before the trapping one is kept.
  (func (export "count_until_trap") (param $a i32)
    (loop $again
      (global.set $counter (i32.add (global.get $counter) (i32.const 1)))
      (drop (i32.load8_u (local.get $a)))
      (local.set $a (i32.add (local.get $a) (i32.const 1)))
      (br $again))))

(assert_trap (invoke "set_then_load" (i32.const 65536)) "out of bounds memory access")
(assert_return (invoke "counter") (i32.const -1))
(assert_trap (invoke "set_then_load" (i32.const -1)) "out of bounds memory access")
(assert_return (invoke "counter") (i32.const -2))
(assert_return (invoke "set_then_load" (i32.const 0)) (i32.const 0))
(assert_return (invoke "counter") (i32.const -3))

(assert_trap (invoke "set_then_store" (i32.const 65529)) "out of bounds memory access")
(assert_return (invoke "wide") (i64.const 0x1_0000_0002))

(assert_trap (invoke "store_then_load" (i32.const 65529)) "out of bounds memory access")
(assert_return (invoke "word" (i32.const 8)) (i32.const 0x1234_5678))

(assert_trap (invoke "store_then_store" (i32.const 65535)) "out of bounds memory access")
(assert_return (invoke "word" (i32.const 16)) (i32.const 0x0bad_f00d))

(assert_trap (invoke "count_until_trap" (i32.const 65530)) "out of bounds memory access")
;; Iterations at 65530..65535 load in bounds, the seventh (65536) traps: seven writes.
(assert_return (invoke "counter") (i32.const 4))
