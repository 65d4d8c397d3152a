;; The AOT guest: averages sensor readings. Compiled by aotc (build.sh) into sensor.aot.
;; Its linear memory is exactly 2 KiB: one-byte pages (custom page sizes) let a module
;; declare the bytes it needs instead of a 64 KiB page, so main.c lends it a 2 KiB array.
(module
  ;; reading of sensor channel `ch` (host: env.sensor_read)
  (import "env" "sensor_read" (func $sensor_read (param i32) (result i32)))
  ;; prints `len` bytes of guest memory at `ptr` (host: env.log)
  (import "env" "log" (func $log (param i32 i32)))
  (memory (export "memory") 2048 2048 (pagesize 1))
  (data (i32.const 64) "aot guest: averaging sensor readings")

  ;; The mean of channels 0..n-1, rounded down. n = 0 divides by zero: a trap.
  (func (export "average") (param $n i32) (result i32)
    (local $i i32)
    (local $sum i32)
    (call $log (i32.const 64) (i32.const 36))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $sum
          (i32.add (local.get $sum) (call $sensor_read (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (i32.div_u (local.get $sum) (local.get $n)))

  ;; The byte at `addr`: 2047 is the last one, 2048 traps (out of bounds).
  (func (export "peek") (param $addr i32) (result i32)
    (i32.load8_u (local.get $addr))))
