#!/usr/bin/env bash
# scripts/lint.sh - `make lint`: the checks a reviewer should not have to make.
#
#  1. format:  clang-format --dry-run --Werror with the committed
#              .clang-format, on src/, tests/unit, tests/fixture and fuzz/
#  2. banned:  sprintf, vsprintf, strcpy, strcat, strtok, atoi, gets (no
#              bounds or hidden state: use buf_printf, snprintf, parse_i64),
#              and raw malloc/calloc/realloc outside src/base/xalloc.c
#              (x*alloc abort on OOM, so callers never check)
#  3. tidy:    clang-tidy with its default checks on src/, using a
#              compile_commands.json made from `make -n` (no bear needed)
#
# Prints every finding as file:line: message and exits 1 if there was any.
# Options: --no-tidy (skip clang-tidy, the slow part), -j N (tidy jobs).
# Files: all tracked and untracked C files under those directories, or the
# ones named on the command line.
set -uo pipefail

cd "$(dirname "$0")/.." || exit 2
TIDY=1
JOBS=$(nproc 2>/dev/null || echo 2)
FILES=()
while [ $# -gt 0 ]; do
	case $1 in
	--no-tidy) TIDY=0 ;;
	-j) JOBS=$2; shift ;;
	-h | --help) sed -n '2,17p' "$0"; exit 0 ;;
	-*) echo "lint.sh: unknown option $1" >&2; exit 2 ;;
	*) FILES+=("$1") ;;
	esac
	shift
done
if [ ${#FILES[@]} -eq 0 ]; then
	mapfile -t FILES < <(find src tests/unit tests/fixture fuzz \
		\( -name '*.c' -o -name '*.h' \) -type f 2>/dev/null | sort)
fi
[ ${#FILES[@]} -gt 0 ] || { echo "lint.sh: no C files"; exit 0; }

need() {
	command -v "$1" >/dev/null 2>&1 && return 0
	echo "lint.sh: $1 not found (scripts/install-deps installs clang)" >&2
	exit 2
}

findings=0
section() { printf '== %s\n' "$1"; }
report() { # COUNT WHAT
	findings=$((findings + $1))
	if [ "$1" -eq 0 ]; then
		printf '   ok\n'
	else
		printf '   %d %s\n' "$1" "$2"
	fi
}

# ---- 1. formatting ---------------------------------------------------------
section "clang-format (${#FILES[@]} files)"
need clang-format
out=$(clang-format --dry-run --Werror "${FILES[@]}" 2>&1)
# one finding per file that would change
bad=$(grep -oE '^[^:]+\.[ch]:[0-9]+:[0-9]+: error' <<<"$out" | cut -d: -f1 |
	sort -u)
# shellcheck disable=SC2001 # one suffix per line
[ -n "$bad" ] && sed 's/$/: not clang-formatted/' <<<"$bad"
n=$(grep -c . <<<"$bad" || true)
report "$n" "files need 'clang-format -i' (or 'make format')"

# ---- 2. banned functions ---------------------------------------------------
section "banned functions"
# Comments and string literals are blanked first (keeping line numbers),
# so a comment that says "no sprintf()" is not a finding.
out=$(python3 - "${FILES[@]}" <<'EOF'
import re, sys
BANNED = {
    "sprintf": "use buf_printf() or snprintf()",
    "vsprintf": "use buf_vprintf() or vsnprintf()",
    "strcpy": "use a struct buf, memcpy with a known length, or snprintf()",
    "strcat": "use a struct buf (buf_puts)",
    "strtok": "hidden state; walk a struct slice instead",
    "atoi": "no error detection; use parse_i64()",
    "gets": "unbounded; use fgets() or getline()",
}
ALLOC = {"malloc", "calloc", "realloc"}
EXEMPT_ALLOC = {"src/base/xalloc.c"}
call = re.compile(r"(?<![\w.>])(" + "|".join(sorted(set(BANNED) | ALLOC)) +
                  r")\s*\(")
def blank(src):
    out, i, n = [], 0, len(src)
    while i < n:
        c = src[i]
        if src.startswith("/*", i):
            j = src.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", src[i:j])); i = j
        elif src.startswith("//", i):
            j = src.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i)); i = j
        elif c in "\"'":
            j = i + 1
            while j < n and src[j] != c and src[j] != "\n":
                j += 2 if src[j] == "\\" else 1
            j = min(j + 1, n)
            out.append(c + " " * (j - i - 2) + c if j - i >= 2 else src[i:j])
            i = j
        else:
            out.append(c); i += 1
    return "".join(out)
for path in sys.argv[1:]:
    try:
        text = open(path, encoding="utf-8", errors="replace").read()
    except OSError as e:
        print("%s: %s" % (path, e)); continue
    for ln, line in enumerate(blank(text).split("\n"), 1):
        for m in call.finditer(line):
            f = m.group(1)
            if f in ALLOC:
                if path in EXEMPT_ALLOC:
                    continue
                why = "raw %s(): use x%s() (aborts on OOM)" % (f, f)
            else:
                why = "%s() is banned: %s" % (f, BANNED[f])
            print("%s:%d: %s" % (path, ln, why))
EOF
)
[ -n "$out" ] && printf '%s\n' "$out"
n=$(grep -c . <<<"$out" || true)
report "$n" "banned calls"

# ---- 3. clang-tidy ---------------------------------------------------------
if [ "$TIDY" = 1 ]; then
	need clang-tidy
	mapfile -t SRC < <(printf '%s\n' "${FILES[@]}" | grep -E '^src/.*\.c$')
	section "clang-tidy (${#SRC[@]} files in src/, default checks)"
	if [ ${#SRC[@]} -gt 0 ]; then
		# compile_commands.json from what make would run: the real flags,
		# without building anything (bear would need a full rebuild).
		make --no-print-directory build/gen/cmdlist.h >/dev/null
		make --no-print-directory -n -B patroli 2>/dev/null |
			python3 -c '
import json, os, shlex, sys
cwd = os.getcwd()
out = []
for line in sys.stdin:
    w = shlex.split(line)
    if "-c" not in w or not w[-1].endswith(".o"):
        continue
    src = w[w.index("-c") + 1]
    out.append({"directory": cwd, "file": src, "arguments": w})
json.dump(out, open("build/compile_commands.json", "w"), indent=1)
'
		# The one default check left out: it calls every memcpy and
		# memset in C "insecure" for not being Annex K's memcpy_s, which
		# glibc does not have.  Bounds are the buf/slice API's job.
		checks='-clang-analyzer-security.insecureAPI.DeprecatedOrUnsafeBufferHandling'
		# one output file per source: parallel runs must not interleave
		rm -rf build/tidy
		mkdir -p build/tidy
		# shellcheck disable=SC2016 # expanded by the inner sh
		printf '%s\n' "${SRC[@]}" | xargs -P "$JOBS" -I{} sh -c \
			'clang-tidy -p build --quiet --checks="$2" "$1" \
				>"build/tidy/$(echo "$1" | tr / _).txt" 2>/dev/null' \
			_ {} "$checks"
		out=$(cat build/tidy/*.txt 2>/dev/null |
			grep -E '^[^ ].*:[0-9]+:[0-9]+: (warning|error):' |
			sed "s#^$PWD/##" | sort -u)
		[ -n "$out" ] && printf '%s\n' "$out"
		n=$(grep -c . <<<"$out" || true)
		report "$n" "clang-tidy findings"
	fi
fi

if [ "$findings" -gt 0 ]; then
	printf 'lint: %d findings\n' "$findings"
	exit 1
fi
echo "lint: clean"
