;; Recursive factorial and Fibonacci: the first things to try with `iwasm -f`.
;;
;;   iwasm --interp -f fac examples/fac.wasm 20   prints 0x21c3677c82b40000:i64
;;   iwasm --interp -f fib examples/fac.wasm 20   prints 0x1a6d:i32
(module
  ;; n! for n >= 0 (wraps modulo 2^64 past 20!).
  (func $fac (export "fac") (param $n i64) (result i64)
    (if (result i64) (i64.le_u (local.get $n) (i64.const 1))
      (then (i64.const 1))
      (else
        (i64.mul
          (local.get $n)
          (call $fac (i64.sub (local.get $n) (i64.const 1)))))))

  ;; The n-th Fibonacci number, the slow doubly recursive way.
  (func $fib (export "fib") (param $n i32) (result i32)
    (if (result i32) (i32.lt_u (local.get $n) (i32.const 2))
      (then (local.get $n))
      (else
        (i32.add
          (call $fib (i32.sub (local.get $n) (i32.const 1)))
          (call $fib (i32.sub (local.get $n) (i32.const 2))))))))
