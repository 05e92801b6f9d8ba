#!/usr/bin/env bash
# The two commands of the README quick start.
#   ./build.sh demo [tool arguments]  run the overlay tool on the bundled demo model and sample image
#   ./build.sh test [dotnet test arguments]  run the whole test suite (except the soak test) and print its summary
#   ./build.sh soak                          run only the soak test (10,000 detections, a few minutes) and print its figures
#   ./build.sh pack [dotnet pack arguments]  pack MaskRcnn, MaskRcnn.Coco, MaskRcnn.Models, MaskRcnn.Synthetic and the tool
#                                            into artifacts/packages (version 0.1.<git height>[-dev.<hash of changes>])
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

# OpenCvSharp's linux-x64 native library links GTK 3; without it nothing in OpenCV loads.
ensure_native_dependencies() {
  [ "$(uname -s)" = "Linux" ] || return 0
  if ldconfig -p 2>/dev/null | grep 'libgtk-3\.so\.0' >/dev/null; then return 0; fi
  local install="apt-get install -y libgtk-3-0"
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "error: OpenCV needs GTK 3 (libgtk-3.so.0), which is missing. Install it with your package manager (Debian/Ubuntu: sudo $install)." >&2
    exit 1
  fi
  if [ "$(id -u)" = "0" ]; then
    echo "Installing GTK 3 for OpenCV: $install"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libgtk-3-0 >/dev/null
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    echo "Installing GTK 3 for OpenCV: sudo $install"
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libgtk-3-0 >/dev/null
  else
    echo "error: OpenCV needs GTK 3 (libgtk-3.so.0), which is missing. Run: sudo $install" >&2
    exit 1
  fi
}

run_demo() {
  ensure_native_dependencies
  dotnet run --project samples/MaskRcnn.Overlay -c Release -- detect samples/images/shapes.png --output artifacts/demo "$@"
}

run_tests() {
  ensure_native_dependencies
  # The soak test runs for minutes: only `./build.sh soak` runs it, unless a filter of your own is given.
  local filter=(--filter "Category!=Soak")
  for argument in "$@"; do
    case "$argument" in --filter|--filter=*) filter=() ;; esac
  done
  local log
  log="$(mktemp)"
  set +e
  dotnet test MaskRcnn.sln -c Release --logger "console;verbosity=normal" "${filter[@]}" "$@" 2>&1 | tee "$log"
  local status=${PIPESTATUS[0]}
  set -e
  # One closing line with the totals over every test project (both of dotnet test's summary layouts).
  local summary
  summary="$(awk '
    /^[[:space:]]+Passed:[[:space:]]+[0-9]+[[:space:]]*$/  { p += $2 }
    /^[[:space:]]+Failed:[[:space:]]+[0-9]+[[:space:]]*$/  { f += $2 }
    /^[[:space:]]+Skipped:[[:space:]]+[0-9]+[[:space:]]*$/ { s += $2 }
    /(Passed|Failed)! +- +Failed:/ {
      gsub(",", ""); for (i = 1; i <= NF; i++) {
        if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) } }
    END { printf "%d %d %d\n", p, f, s }' "$log")"
  read -r passed failed skipped <<<"$summary"
  echo "tests: $passed passed, $failed failed, $skipped skipped"
  if [ "$status" -eq 0 ] && [ "$passed" -eq 0 ]; then
    echo "error: no test ran" >&2
    status=1
  fi
  rm -f "$log"
  return "$status"
}

run_soak() {
  ensure_native_dependencies
  dotnet test tests/MaskRcnn.Tests -c Release --filter "Category=Soak" --logger "console;verbosity=detailed" "$@"
}

run_pack() {
  rm -rf artifacts/packages
  dotnet pack MaskRcnn.sln -c Release -o artifacts/packages "$@"
  echo "packages:"
  ls -1 artifacts/packages
}

case "${1:-}" in
  demo) shift; run_demo "$@" ;;
  test) shift; run_tests "$@" ;;
  soak) shift; run_soak "$@" ;;
  pack) shift; run_pack "$@" ;;
  *) echo "usage: ./build.sh demo|test|soak|pack [arguments]" >&2; exit 2 ;;
esac
