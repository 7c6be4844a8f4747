#!/bin/sh
# Files -> queue -> Kafka through the whole agent, against a local broker (see forward.py --help).
exec python3 "$(dirname "$0")/forward.py" "$@"
