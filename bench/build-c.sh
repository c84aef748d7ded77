#!/bin/sh
# bench/build-c.sh OUT "PKGS" SOURCE... - build a benchmark program,
# optimised and without sanitizers, from the sources named (a few modules
# of src/, so it builds while other modules are in flux).
set -eu
out=$1
pkgs=$2
shift 2
mkdir -p "$(dirname "$out")"
# shellcheck disable=SC2046,SC2086
${CC:-cc} -std=c17 -D_GNU_SOURCE -O2 -g -Wall -Wextra -Werror \
	-Wno-unused-parameter -Isrc $(pkg-config --cflags $pkgs) \
	-o "$out" "$@" $(pkg-config --libs $pkgs) -lm -lpthread
