#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mkseeds.sh TESTDATA DIR: seed corpora for the harnesses from the real
# TDX quotes in TESTDATA (tools/testing/testdata/tdx-quotes):
#   DIR/quote_parse/  every file as it is
#   DIR/quote_check/  each quote as a host would leave it in the GetQuote
#                     buffer (fuzz_quote_check.c input format), once with
#                     its real out_len and status SUCCESS, once with a
#                     failure status, once with out_len one past the data
#                     area of a 8 KiB buffer; and answers no quote gives:
#                     unknown statuses, service unavailable
set -eu

src=$1
dir=$2
mkdir -p "$dir/quote_parse" "$dir/quote_check"

# le N BYTES: N as BYTES little-endian bytes, as printf escapes
le() {
	local v=$1 i out=

	for ((i = 0; i < $2; i++)); do
		out+=$(printf '\\%03o' $((v & 255)))
		v=$((v >> 8))
	done
	printf '%s' "$out"
}

# seed FILE SELECTOR STATUS OUT_LEN: selector byte, header, quote
seed() {
	printf "$(le "$2" 1)$(le 1 8)$(le "$3" 8)$(le 1024 4)$(le "$4" 4)"
	cat "$1"
}

for f in "$src"/*.dat; do
	name=$(basename "$f" .dat)
	cat "$f" >"$dir/quote_parse/$name"
	len=$(stat -c %s "$f")
	# selector 1: an 8 KiB buffer, like upstream Linux before 2026
	seed "$f" 1 0 "$len" >"$dir/quote_check/$name-ok"
	seed "$f" 1 $((1 << 63)) "$len" >"$dir/quote_check/$name-error"
	seed "$f" 1 0 $((8192 - 24 + 1)) >"$dir/quote_check/$name-past"
done
# statuses the GHCI does not define, each with a quote-sized out_len: a
# failure like any other (EIO), never a success; one with the error bit,
# one without
for st in 8000000000000002 1234; do
	{
		# shellcheck disable=SC2059 # the format is le()'s escapes
		printf "$(le 1 1)$(le 1 8)$(le $((0x$st)) 8)$(le 1024 4)$(le 1000 4)"
		head -c 1000 /dev/zero
	} >"$dir/quote_check/status-unknown-$st"
done
# a header-only answer of a host without quoting service
printf "$(le 31 1)$(le 1 8)$(le $(((1 << 63) + 1)) 8)$(le 1024 4)$(le 0 4)" \
	>"$dir/quote_check/service-unavailable"
