#!/usr/bin/env bash
# The project's test command: unit tests, then integration tests against the real MLflow.
# It creates its own Python virtual environment with a pinned mlflow, starts an MLflow tracking
# server on a free loopback port (SQLite backend, artifacts in a temporary directory), runs
# `./mvnw verify` with the server's URI and the venv's python, and stops the server at the end,
# also when tests fail.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

VENV="${SCORELAB_TEST_VENV:-$ROOT/target/test-venv}"
if [ ! -x "$VENV/bin/python" ] || ! cmp -s scripts/test-requirements.txt "$VENV/.requirements"; then
  echo "test.sh: creating the Python environment in $VENV" >&2
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check -r scripts/test-requirements.txt
  cp scripts/test-requirements.txt "$VENV/.requirements"
fi

WORK="$(mktemp -d)"
PORT="$("$VENV/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
# In a session of its own, so that its process group holds the server and everything it starts
# (mlflow server runs uvicorn, which runs the workers; killing mlflow alone leaves them running).
setsid "$VENV/bin/mlflow" server --host 127.0.0.1 --port "$PORT" \
  --backend-store-uri "sqlite:///$WORK/mlflow.db" --artifacts-destination "$WORK/artifacts" \
  > "$WORK/server.log" 2>&1 &
SERVER=$!
stop_server() {
  kill -TERM -- "-$SERVER" 2>/dev/null || true
  for _ in $(seq 1 20); do
    pgrep -g "$SERVER" >/dev/null 2>&1 || break
    sleep 0.5
  done
  kill -KILL -- "-$SERVER" 2>/dev/null || true
  wait "$SERVER" 2>/dev/null || true
  rm -rf "$WORK"
}
trap stop_server EXIT

for _ in $(seq 1 120); do
  if curl -fsS "http://127.0.0.1:$PORT/health" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$SERVER" 2>/dev/null; then cat "$WORK/server.log" >&2; echo "test.sh: mlflow server died" >&2; exit 1; fi
  sleep 1
done
curl -fsS "http://127.0.0.1:$PORT/health" >/dev/null || { cat "$WORK/server.log" >&2; echo "test.sh: mlflow server did not start" >&2; exit 1; }
echo "test.sh: mlflow server on http://127.0.0.1:$PORT" >&2

export SCORELAB_TEST_PYTHON="$VENV/bin/python"
export SCORELAB_TEST_MLFLOW_URI="http://127.0.0.1:$PORT"
./mvnw -B verify "$@"
