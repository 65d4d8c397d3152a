;; Floating point, several results and a trap.
;;
;;   iwasm --interp -f hypot examples/calc.wasm 3 4       prints 5:f64
;;   iwasm --interp -f half examples/calc.wasm 1          prints 0.5:f32
;;   iwasm --interp -f divmod examples/calc.wasm -7 2     prints 0xfffffffd:i32,0xffffffff:i32
;;   iwasm --interp -f minmax examples/calc.wasm 2.5 -1   prints -1:f64,2.5:f64
;;   iwasm --interp -f divmod examples/calc.wasm 1 0      fails: Exception: integer divide by zero
(module
  (func (export "hypot") (param $x f64) (param $y f64) (result f64)
    (f64.sqrt
      (f64.add
        (f64.mul (local.get $x) (local.get $x))
        (f64.mul (local.get $y) (local.get $y)))))

  (func (export "half") (param $x f32) (result f32)
    (f32.mul (local.get $x) (f32.const 0.5)))

  ;; Signed quotient and remainder (both truncate toward zero, like C).
  (func (export "divmod") (param $a i32) (param $b i32) (result i32 i32)
    (i32.div_s (local.get $a) (local.get $b))
    (i32.rem_s (local.get $a) (local.get $b)))

  (func (export "minmax") (param $a f64) (param $b f64) (result f64 f64)
    (f64.min (local.get $a) (local.get $b))
    (f64.max (local.get $a) (local.get $b))))
