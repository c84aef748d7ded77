#!/bin/sh
# Build bench/extract_bench (optimised, no sanitizers) from src/base,
# src/html and src/extract only, so it builds while other modules are in flux, and run
# it with the given arguments.
#   bench/extract_bench.sh [-p data/platforms] [-n 20] ROOT
set -eu
cd "$(dirname "$0")/.."
out=build/bench/extract_bench
bench/build-c.sh "$out" "libxml-2.0 jansson libpcre2-8 libcrypto libcurl" \
	bench/extract_bench.c src/base/*.c src/extract/*.c src/html/html.c
exec "$out" "$@"
