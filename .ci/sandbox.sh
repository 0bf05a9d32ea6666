# Sourced by the CI scripts that need the sandbox as a server: `start_sandbox [FLAGS]`
# builds and starts `cargo xtask sandbox` on a free port, sets `url` once it listens
# (10 s at most) and stops it when the script exits; its log is in "$sandbox_log". `api`
# calls it with its credentials.
start_sandbox() {
  cargo build --locked --quiet -p xtask
  sandbox_log="$(mktemp)"
  target/debug/xtask sandbox --addr 127.0.0.1:0 "$@" 2>"$sandbox_log" &
  sandbox_pid=$!
  trap 'kill $sandbox_pid 2>/dev/null || true; rm -f "$sandbox_log"' EXIT
  url=""
  for _ in $(seq 100); do
    url="$(grep -o -m1 'http://127\.0\.0\.1:[0-9]*' "$sandbox_log" || true)"
    [ -n "$url" ] && return 0
    sleep 0.1
  done
  cat "$sandbox_log"
  echo "the sandbox did not start"
  return 1
}

# One call of the sandbox's API (or control API) with its Digest credentials, failing
# on an error status: `api -X POST "$url/partner/customer" -d '{...}'`.
api() {
  curl --silent --show-error --fail-with-body --digest -u sandbox:sandbox -H 'content-type: application/json' "$@"
}
