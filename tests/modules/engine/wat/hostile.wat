;; A module that follows ABI v1 but whose exports misbehave on purpose, one way each. Also has
;; well-behaved exports (echo, count, log_ok, random_ok, spin_n) so tests can show that the module
;; keeps working after a trap.
(module
  (import "cryfttee" "log" (func $log (param i32 i32 i32)))
  (import "cryfttee" "random_bytes" (func $random (param i32 i32) (result i32)))
  (import "cryfttee" "now_ms" (func $now (result i64)))
  (memory (export "memory") 1)
  (global $heap (mut i32) (i32.const 1024))
  (global $calls (mut i32) (i32.const 0))

  (func (export "cryfttee_abi_version") (result i32) (i32.const 1))

  ;; Bump allocator; grows memory when needed, returns 0 when it cannot.
  (func (export "cryfttee_alloc") (param $len i32) (result i32)
    (local $p i32) (local $end i32)
    (local.set $p (global.get $heap))
    (local.set $end (i32.and (i32.add (i32.add (local.get $p) (local.get $len)) (i32.const 7))
                             (i32.const -8)))
    (block $fits
      (br_if $fits (i32.le_u (local.get $end) (i32.mul (memory.size) (i32.const 65536))))
      (if (i32.eq (memory.grow (i32.add (i32.shr_u (local.get $end) (i32.const 16)) (i32.const 1)))
                  (i32.const -1))
        (then (return (i32.const 0)))))
    (global.set $heap (local.get $end))
    (local.get $p))

  ;; The host frees the request and the response after every call, so everything can go.
  (func (export "cryfttee_free") (param i32 i32) (global.set $heap (i32.const 1024)))

  (func $pack (param $ptr i32) (param $len i32) (result i64)
    (i64.or (i64.shl (i64.extend_i32_u (local.get $ptr)) (i64.const 32))
            (i64.extend_i32_u (local.get $len))))

  (func (export "echo") (param $ptr i32) (param $len i32) (result i64)
    (call $pack (local.get $ptr) (local.get $len)))

  ;; Returns one byte, '0' + number of calls on this instance (mod 10): shows re-instantiation.
  (func (export "count") (param i32 i32) (result i64)
    (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
    (i32.store8 (i32.const 16) (i32.add (i32.const 48) (i32.rem_u (global.get $calls) (i32.const 10))))
    (call $pack (i32.const 16) (i32.const 1)))

  ;; Loops len * 100 times, then echoes: a bounded amount of work proportional to the request.
  (func (export "spin_n") (param $ptr i32) (param $len i32) (result i64)
    (local $i i32)
    (local.set $i (i32.mul (local.get $len) (i32.const 100)))
    (block $done
      (loop $again
        (br_if $done (i32.eqz (local.get $i)))
        (local.set $i (i32.sub (local.get $i) (i32.const 1)))
        (br $again)))
    (call $pack (local.get $ptr) (local.get $len)))

  (func (export "spin") (param i32 i32) (result i64)
    (loop $forever (br $forever))
    (i64.const 0))

  ;; Asks for 4 GiB at once, then grows a page at a time until refused, then returns a buffer
  ;; whose length is the page count it reached.
  (func (export "grow_bomb") (param i32 i32) (result i64)
    (drop (memory.grow (i32.const 65535)))
    (block $refused
      (loop $more
        (br_if $refused (i32.eq (memory.grow (i32.const 1)) (i32.const -1)))
        (br $more)))
    (call $pack (i32.const 0) (memory.size)))

  (func $recurse (param $n i32) (result i32)
    (call $recurse (i32.add (local.get $n) (i32.const 1))))
  (func (export "recurse") (param i32 i32) (result i64)
    (drop (call $recurse (i32.const 0)))
    (i64.const 0))

  (func (export "oob") (param i32 i32) (result i64)
    (drop (i32.load (i32.const 0xfffffff0)))
    (i64.const 0))

  (func (export "trap_unreachable") (param i32 i32) (result i64)
    (unreachable))

  (func (export "div_zero") (param i32 i32) (result i64)
    (drop (i32.div_u (i32.const 1) (i32.sub (local.get 1) (local.get 1))))
    (i64.const 0))

  ;; Claims a 2 GiB response: past memory and past any output cap.
  (func (export "bad_len") (param i32 i32) (result i64)
    (call $pack (i32.const 0) (i32.const 0x7fffffff)))

  ;; A small response at an address far past the end of memory.
  (func (export "bad_ptr") (param i32 i32) (result i64)
    (call $pack (i32.const 0x7fff0000) (i32.const 16)))

  ;; A response that straddles the end of memory by one byte.
  (func (export "edge_ptr") (param i32 i32) (result i64)
    (call $pack (i32.sub (i32.mul (memory.size) (i32.const 65536)) (i32.const 15)) (i32.const 16)))

  (func (export "log_ok") (param $ptr i32) (param $len i32) (result i64)
    (call $log (i32.const 1) (local.get $ptr) (local.get $len))
    (call $pack (local.get $ptr) (local.get $len)))

  (func (export "log_bad_ptr") (param i32 i32) (result i64)
    (call $log (i32.const 3) (i32.const 0xfffffff0) (i32.const 100))
    (i64.const 0))

  ;; ptr + len wraps around 2^32: must be caught, not wrapped.
  (func (export "log_wrap") (param i32 i32) (result i64)
    (call $log (i32.const 1) (i32.const 16) (i32.const 0xfffffff8))
    (i64.const 0))

  ;; Fills the request buffer with random bytes and returns it.
  (func (export "random_ok") (param $ptr i32) (param $len i32) (result i64)
    (drop (call $random (local.get $ptr) (local.get $len)))
    (call $pack (local.get $ptr) (local.get $len)))

  (func (export "random_bad_ptr") (param i32 i32) (result i64)
    (drop (call $random (i32.const 65530) (i32.const 100)))
    (i64.const 0))

  ;; Writes now_ms as 8 little-endian bytes.
  (func (export "clock") (param i32 i32) (result i64)
    (i64.store (i32.const 32) (call $now))
    (call $pack (i32.const 32) (i32.const 8)))
)
