# Sourced by scripts/setup and scripts/test: a named step says what it does and how long it took.
# shellcheck shell=bash

# Run "$@" as one step: a line before it, a line with its duration after it; its exit status.
# (set -e does not stop inside a step: chain a step's commands with &&.)
step() {
    local what=$1 started=$EPOCHREALTIME status=0
    shift
    echo "${0##*/}: $what…"
    "$@" || status=$?
    if [ "$status" -eq 0 ]; then
        echo "${0##*/}: $what: done in $(since "$started")"
    else
        echo "${0##*/}: $what: failed (exit $status) after $(since "$started")" >&2
    fi
    return "$status"
}

# Seconds since an $EPOCHREALTIME, e.g. "12.3 s".
since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f s", b - a }'; }
