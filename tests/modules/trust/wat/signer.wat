;; A minimal ABI v1 module with the BLS capabilities. Each capability echoes its JSON request
;; back, so a test can tell calls apart. Bump allocator; cryfttee_free is a no-op.
(module
  (memory (export "memory") 2)
  (global $next (mut i32) (i32.const 1024))
  (func (export "cryfttee_abi_version") (result i32) (i32.const 1))
  (func $alloc (export "cryfttee_alloc") (param $n i32) (result i32)
    (local $p i32)
    (local.set $p (global.get $next))
    (global.set $next (i32.add (global.get $next) (local.get $n)))
    ;; Wrap around instead of growing: requests in these tests are tiny.
    (if (i32.gt_u (global.get $next) (i32.const 120000))
      (then (global.set $next (i32.const 1024))
            (local.set $p (i32.const 1024))
            (global.set $next (i32.add (i32.const 1024) (local.get $n)))))
    (local.get $p))
  (func (export "cryfttee_free") (param i32 i32))
  (func $echo (param $p i32) (param $l i32) (result i64)
    (i64.or (i64.shl (i64.extend_i32_u (local.get $p)) (i64.const 32))
            (i64.extend_i32_u (local.get $l))))
  (func (export "bls_register") (param i32 i32) (result i64) (call $echo (local.get 0) (local.get 1)))
  (func (export "bls_sign") (param i32 i32) (result i64) (call $echo (local.get 0) (local.get 1))))
