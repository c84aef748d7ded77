#!/bin/sh
# build-fuzz.sh - build every libFuzzer harness fuzz/fuzz_<name>.c into
# build/fuzz/fuzz_<name> (clang, -fsanitize=fuzzer,address,undefined).
#
# The library sources, flags and link libraries are read from the Makefile
# itself (LIB_SRC, BASE_CFLAGS, LDLIBS) so this script cannot drift from
# the real build.  Library objects are compiled with coverage
# instrumentation (fuzzer-no-link) into an archive, so each harness links
# only the objects it actually uses: a harness for one parser does not
# depend on every other module compiling.
#
# Run one:   build/fuzz/fuzz_robots fuzz/corpus/robots -max_total_time=60
# (new inputs go into the corpus directory; crashes into ./crash-*).
#
# Usage: scripts/build-fuzz.sh [NAME...]   (default: every harness)
# Exit status: 0 when every requested harness was built.
set -u

cd "$(dirname "$0")/.." || exit 1
CC=${FUZZ_CC:-clang}
OUT=build/fuzz
SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"

if ! command -v "$CC" >/dev/null 2>&1; then
	echo "build-fuzz: $CC not found (scripts/install-deps installs clang)" >&2
	exit 1
fi

# Ask make for the variables; `print-fuzz-vars` exists only in this
# throw-away makefile layered over the real one.
vars=$(make --no-print-directory -s -f Makefile -f - print-fuzz-vars <<'EOF'
print-fuzz-vars:
	@echo "LIB_SRC=$(LIB_SRC)"
	@echo "BASE_CFLAGS=$(BASE_CFLAGS)"
	@echo "LDLIBS=$(LDLIBS)"
EOF
) || {
	echo "build-fuzz: cannot read variables from the Makefile" >&2
	exit 1
}
LIB_SRC=$(printf '%s\n' "$vars" | sed -n 's/^LIB_SRC=//p')
BASE_CFLAGS=$(printf '%s\n' "$vars" | sed -n 's/^BASE_CFLAGS=//p')
LDLIBS=$(printf '%s\n' "$vars" | sed -n 's/^LDLIBS=//p')

if [ $# -gt 0 ]; then
	harnesses=""
	for n in "$@"; do
		harnesses="$harnesses fuzz/fuzz_$n.c"
	done
else
	harnesses=$(ls fuzz/fuzz_*.c 2>/dev/null)
fi
if [ -z "$harnesses" ]; then
	echo "build-fuzz: no fuzz/fuzz_*.c harnesses" >&2
	exit 1
fi

mkdir -p "$OUT/obj"
rc=0
objs=""
# Library objects: a module that does not compile right now (someone is
# mid-edit) is reported, and only the harnesses that need it fail to link.
for src in $LIB_SRC; do
	obj="$OUT/obj/$(printf '%s' "$src" | sed 's|/|_|g; s|\.c$|.o|')"
	# shellcheck disable=SC2086
	if $CC $BASE_CFLAGS -Wno-error -O1 -g $SAN -fsanitize=fuzzer-no-link \
		-c "$src" -o "$obj" 2>"$obj.log"; then
		objs="$objs $obj"
	else
		echo "build-fuzz: warning: $src does not compile (see $obj.log)" >&2
		rm -f "$obj"
	fi
done
rm -f "$OUT/libpatroli-fuzz.a"
# shellcheck disable=SC2086
ar rcs "$OUT/libpatroli-fuzz.a" $objs || exit 1

for h in $harnesses; do
	name=$(basename "$h" .c)
	if [ ! -f "$h" ]; then
		echo "build-fuzz: $h: no such harness" >&2
		rc=1
		continue
	fi
	# shellcheck disable=SC2086
	if $CC $BASE_CFLAGS -O1 -g $SAN -fsanitize=fuzzer -o "$OUT/$name" \
		"$h" "$OUT/libpatroli-fuzz.a" $LDLIBS; then
		corpus="fuzz/corpus/${name#fuzz_}"
		echo "build-fuzz: $OUT/$name (corpus $corpus)"
	else
		echo "build-fuzz: $h: build failed" >&2
		rc=1
	fi
done
exit $rc
