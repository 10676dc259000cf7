;; bls_sign spins for a while before echoing, so calls are still running when a reload swaps the
;; registry snapshot.
(module
  (memory (export "memory") 2)
  (func (export "cryfttee_abi_version") (result i32) (i32.const 1))
  (func (export "cryfttee_alloc") (param i32) (result i32) (i32.const 1024))
  (func (export "cryfttee_free") (param i32 i32))
  (func (export "bls_sign") (param $p i32) (param $l i32) (result i64)
    (local $i i32)
    (local.set $i (i32.const 20000))
    (loop $spin
      (local.set $i (i32.sub (local.get $i) (i32.const 1)))
      (br_if $spin (i32.ne (local.get $i) (i32.const 0))))
    (i64.or (i64.shl (i64.extend_i32_u (local.get $p)) (i64.const 32))
            (i64.extend_i32_u (local.get $l)))))
