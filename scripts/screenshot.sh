#!/usr/bin/env bash
# Runs the app under Xvfb, optionally drives it with xdotool, and saves a screenshot.
# usage: scripts/screenshot.sh OUT.png [SECONDS] [-- derail args...]
# Needs: xvfb xauth imagemagick xdotool (apt), and a release build.
set -euo pipefail
out=${1:-shot.png}; wait=${2:-8}; shift 2 || true
[ "${1:-}" = "--" ] && shift
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-$(mktemp -d)}
chmod 700 "$XDG_RUNTIME_DIR"
here=$(cd "$(dirname "$0")/.." && pwd)
xvfb-run -a -s "-screen 0 1280x800x24" bash -c "
  '$here/target/release/derail' $* &
  pid=\$!
  sleep $wait
  if [ -n \"\${DERAIL_XDOTOOL:-}\" ]; then eval \"\$DERAIL_XDOTOOL\"; sleep 2; fi
  if ! kill -0 \$pid 2>/dev/null; then echo 'the app exited early' >&2; exit 1; fi
  import -window root '$out'
  kill \$pid
"
echo "saved $out"
