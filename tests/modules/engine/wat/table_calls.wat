;; Calls through a table, a ref.func in a global initializer and an imported function, to check
;; that metering renumbers every function reference correctly.
(module
  (import "cryfttee" "now_ms" (func $now (result i64)))
  (type $ret (func (result i32)))
  (memory (export "memory") 1)
  (table 3 funcref)
  (elem (i32.const 0) $seven $eight $nine)
  (global $g funcref (ref.func $eight))
  (func (export "cryfttee_abi_version") (result i32) (i32.const 1))
  (func (export "cryfttee_alloc") (param i32) (result i32) (i32.const 1024))
  (func (export "cryfttee_free") (param i32 i32))
  (func $seven (result i32) (i32.const 55))
  (func $eight (result i32) (i32.const 56))
  (func $nine (result i32) (i32.const 57))
  ;; Writes "789" via the table and returns it.
  (func (export "digits") (param i32 i32) (result i64)
    (drop (call $now))
    (i32.store8 (i32.const 0) (call_indirect (type $ret) (i32.const 0)))
    (i32.store8 (i32.const 1) (call_indirect (type $ret) (i32.const 1)))
    (i32.store8 (i32.const 2) (call $nine))
    (i64.const 3)))
