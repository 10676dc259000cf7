;; Calls cryfttee.http_request with the request it is given and returns the host's answer: lets
;; the tests ask for any target, including other origins, as a module would.
(module
  (import "cryfttee" "http_request" (func $http (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "cryfttee_abi_version") (result i32) (i32.const 1))
  (func (export "cryfttee_alloc") (param i32) (result i32) (i32.const 1024))
  (func (export "cryfttee_free") (param i32 i32))
  (func (export "probe") (param $ptr i32) (param $len i32) (result i64)
    (local $n i32)
    (local.set $n (call $http (local.get $ptr) (local.get $len) (i32.const 32768) (i32.const 32768)))
    (if (i32.lt_s (local.get $n) (i32.const 0)) (then (local.set $n (i32.const 0))))
    (i64.or (i64.shl (i64.const 32768) (i64.const 32)) (i64.extend_i32_u (local.get $n)))))
