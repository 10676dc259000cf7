;; A start function that does bounded work and sets state the exports read.
(module
  (memory (export "memory") 1)
  (global $ready (mut i32) (i32.const 0))
  (func (export "cryfttee_abi_version") (result i32) (i32.const 1))
  (func (export "cryfttee_alloc") (param i32) (result i32) (i32.const 1024))
  (func (export "cryfttee_free") (param i32 i32))
  (func $start
    (local $i i32)
    (loop $l
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 100))))
    (i32.store8 (i32.const 0) (i32.const 121))  ;; 'y'
    (global.set $ready (i32.const 1)))
  (func (export "ready") (param i32 i32) (result i64)
    (i64.extend_i32_u (global.get $ready)))  ;; ptr 0, len = 1 if the start function ran
  (func (export "boom") (param i32 i32) (result i64) (unreachable))
  (start $start))
