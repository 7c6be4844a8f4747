#!/bin/sh
# Files -> queue -> Kafka, ClickHouse or Loki through the whole agent, against a local server (see forward.py --help).
exec python3 "$(dirname "$0")/forward.py" "$@"
