#!/bin/sh
# Files -> queue -> Kafka or ClickHouse through the whole agent, against a local server (see forward.py --help).
exec python3 "$(dirname "$0")/forward.py" "$@"
