;; A command-style module: iwasm runs `_start` when no -f is given. Without WASI it cannot
;; print, so it reports through the exit status: 0 when 10! computes to 3628800, and a
;; trap ("unreachable", exit status 1) otherwise.
;;
;;   iwasm --interp examples/selftest.wasm && echo ok
(module
  (func $fac (param $n i64) (result i64)
    (if (result i64) (i64.le_u (local.get $n) (i64.const 1))
      (then (i64.const 1))
      (else
        (i64.mul
          (local.get $n)
          (call $fac (i64.sub (local.get $n) (i64.const 1)))))))

  (func (export "_start")
    (if (i64.ne (call $fac (i64.const 10)) (i64.const 3628800))
      (then (unreachable)))))
