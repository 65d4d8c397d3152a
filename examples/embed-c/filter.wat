;; The interpreter guest: the peak of n sensor readings and how many lie above a
;; threshold, reported through env.log with a message it formats in its own memory.
(module
  (import "env" "sensor_read" (func $sensor_read (param i32) (result i32)))
  (import "env" "log" (func $log (param i32 i32)))
  (memory (export "memory") 1 1)
  (data (i32.const 64) "interp guest: N readings above threshold")

  ;; Peak of channels 0..n-1; writes the count above `threshold` (one decimal digit,
  ;; capped at 9) into the message and logs it.
  (func (export "peak") (param $n i32) (param $threshold i32) (result i32)
    (local $i i32)
    (local $v i32)
    (local $max i32)
    (local $above i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $v (call $sensor_read (local.get $i)))
        (if (i32.gt_s (local.get $v) (local.get $max))
          (then (local.set $max (local.get $v))))
        (if (i32.gt_s (local.get $v) (local.get $threshold))
          (then (local.set $above (i32.add (local.get $above) (i32.const 1)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (if (i32.gt_u (local.get $above) (i32.const 9))
      (then (local.set $above (i32.const 9))))
    ;; "interp guest: " is 14 bytes; the digit replaces the 'N'.
    (i32.store8 (i32.const 78) (i32.add (i32.const 48) (local.get $above)))
    (call $log (i32.const 64) (i32.const 40))
    (local.get $max))

  ;; Channel `ch` plus its calibration offset, stored every 16 KiB of memory: channels 4
  ;; and up have no entry inside the one page, so the load traps with "out of bounds
  ;; memory access".
  (func (export "calibrated") (param $ch i32) (result i32)
    (i32.add (call $sensor_read (local.get $ch))
             (i32.load (i32.mul (local.get $ch) (i32.const 16384))))))
