#!/bin/sh
# Start-up time and idle RSS, median of 5 (see startup.py --help for options).
exec python3 "$(dirname "$0")/startup.py" "$@"
