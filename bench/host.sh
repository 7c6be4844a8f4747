#!/bin/sh
# nodewatch vs node_exporter, same collectors, one run (see host.py --help).
exec python3 "$(dirname "$0")/host.py" "$@"
