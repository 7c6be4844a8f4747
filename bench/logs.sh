#!/bin/sh
# Log tailing into the on-disk queue: throughput, CPU per GiB and peak RSS of the agent (see logs.py --help).
exec python3 "$(dirname "$0")/logs.py" "$@"
