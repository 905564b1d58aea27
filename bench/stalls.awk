# SPDX-License-Identifier: GPL-2.0
#
# Put the benchmark's slow samples on the timeline of the kprobe events
# taken while they ran, in the guest (bench/guest.sh, trace_disarm):
#
#   awk -v mode=MODE -v probes=a,b,... -v misses=N -v overrun=N \
#       [-v stall_ms=500] -f stalls.awk TRACE STALLS
#
# TRACE is tracefs's "trace" with trace_clock "mono", whose timestamps
# (seconds, microsecond resolution) are CLOCK_MONOTONIC as tsm-bench reads
# it. STALLS has one line per slow pair (slow=1) and per run's first pair
# (ref=1) (tsm-bench latency -T, prefixed with run= and svc_ms=): the
# quoting-service round trip q0..q1, then the report cycle t0 (mkdir) t1
# (inblob written) t2 (outblob read) t3 (rmdir done), in ns. The first
# pair's timeline is printed as a reference (kind=timeline_ref): what a
# sample looks like when nothing stalls, and a check that the two clocks
# agree (its events fall inside its cycle).
#
# The probes (see probe_defs in guest.sh), in the order a quote meets them:
#   drv_in   the driver's report_new is entered (after the core's locking)
#   qgs_in   the emulated VMM calls the quoting service
#   qgs_out  ... and has its answer
#   raise    the VMM raises the event-notify vector (after the status
#            write; in the polling fallback the call sends nothing)
#   irq      the driver's interrupt handler runs
#   woke     the reader is past its wait (tdx_quote_check_response)
#   drv_out  report_new returns
#
# A sample's events are those inside its cycle, t0..t3; together with the
# four userspace points they make its timeline, and the sample goes to
# the longest gap between two neighbours on it, named "from-to". A pair
# whose cycle was fast but whose round trip was slow goes to "qgs_rtt":
# the quoting service alone, no driver involved.
#
# Every quote of the mode is also read off the trace alone: the driver
# serialises quotes, so each runs from a qgs_in to the next woke, with its
# qgs_out, raise and irq in between (drv_in and drv_out of concurrent
# entries interleave, and are not used for this). Per gap, over all
# quotes: "BENCH kind=gaps gap=NAME n= p50_us= p99_us= max_us=". Each
# quote with a raise but no irq before its woke (interrupt mode: the
# vector was sent, the handler did not run before the reader's status
# check found the completion) is one "BENCH kind=no_irq" line, with
# "late_irq=1" if the handler ran after the woke, before the next quote.
#
# Prints "BENCH kind=stall ..." per slow sample, "BENCH kind=timeline_ref
# ..." per reference, and one "BENCH kind=trace ..." line of event counts.
# Figures only: nothing is judged.

BEGIN {
	if (stall_ms == "")
		stall_ms = 500
	ne = 0
	nstalls = 0
}

# ---- the trace: "comm-pid [cpu] flags   SEC.USEC: name: (...)" ----
FNR == NR {
	if ($0 ~ /^#/)
		next
	for (i = 1; i < NF; i++) {
		if ($i ~ /^[0-9]+\.[0-9]+:$/) {
			ts = substr($i, 1, length($i) - 1)
			name = $(i + 1)
			sub(/:$/, "", name)
			split(ts, p, ".")
			ne++
			et[ne] = p[1] * 1000000 + p[2]	# microseconds
			en[ne] = name
			count[name]++
			break
		}
	}
	next
}

# First event at or after time @t (µs), or ne + 1
function first_at(t,    lo, hi, mid) {
	lo = 1
	hi = ne + 1
	while (lo < hi) {
		mid = int((lo + hi) / 2)
		if (et[mid] < t)
			lo = mid + 1
		else
			hi = mid
	}
	return lo
}

# Print the timeline of the sample in f[] as a "BENCH kind=KIND" line
function timeline(kind,    t0, t3, n, k, j, a, b, xn, xt, best, gap, tl) {
	# Fields are strings: numbers only once converted
	t0 = f["t0"] / 1000
	t3 = f["t3"] / 1000

	# The userspace points and the events inside the cycle
	n = 0
	pn[++n] = "start";   pt[n] = t0
	pn[++n] = "inblob";  pt[n] = f["t1"] / 1000
	pn[++n] = "outblob"; pt[n] = f["t2"] / 1000
	pn[++n] = "end";     pt[n] = t3
	k = 0
	for (j = first_at(t0); j <= ne && et[j] <= t3; j++) {
		pn[++n] = en[j]
		pt[n] = et[j]
		k++
	}
	# Insertion sort by time, stable
	for (a = 2; a <= n; a++) {
		xn = pn[a]
		xt = pt[a]
		for (b = a - 1; b >= 1 && pt[b] > xt; b--) {
			pn[b + 1] = pn[b]
			pt[b + 1] = pt[b]
		}
		pn[b + 1] = xn
		pt[b + 1] = xt
	}
	best = 0
	gap = ""
	tl = ""
	for (a = 1; a <= n; a++) {
		tl = tl sprintf("%s%s:%.1f", a > 1 ? "," : "", pn[a], (pt[a] - t0) / 1000)
		if (a > 1 && pt[a] - pt[a - 1] > best) {
			best = pt[a] - pt[a - 1]
			gap = pn[a - 1] "-" pn[a]
		}
	}
	printf "BENCH kind=%s mode=%s run=%s svc_ms=%s i=%s cycle_us=%s rtt_us=%s events=%d gap=%s gap_us=%.0f rtt_slow=%d timeline_ms=%s\n", \
		kind, mode, f["run"], f["svc_ms"], f["i"], f["cycle_us"], f["rtt_us"], k, gap, best, \
		(f["rtt_us"] + 0 >= stall_ms * 1000), tl
}

# ---- the slow samples and the references ----
{
	delete f
	for (i = 1; i <= NF; i++) {
		eq = index($i, "=")
		if (eq)
			f[substr($i, 1, eq - 1)] = substr($i, eq + 1)
	}
	if (f["ref"] + 0)
		timeline("timeline_ref")
	if (!(f["slow"] + 0))
		next
	nstalls++
	if (f["cycle_us"] + 0 < stall_ms * 1000) {
		printf "BENCH kind=stall mode=%s run=%s svc_ms=%s i=%s cycle_us=%s rtt_us=%s events=0 gap=qgs_rtt gap_us=%s rtt_slow=1\n", \
			mode, f["run"], f["svc_ms"], f["i"], f["cycle_us"], f["rtt_us"], f["rtt_us"]
		next
	}
	timeline("stall")
}

# Sort v[1..n] in place (shell sort: mawk has no asort)
function sort_n(v, n,    gap, i, j, x) {
	for (gap = int(n / 2); gap > 0; gap = int(gap / 2))
		for (i = gap + 1; i <= n; i++) {
			x = v[i]
			for (j = i; j > gap && v[j - gap] > x; j -= gap)
				v[j] = v[j - gap]
			v[j] = x
		}
}

# Nearest-rank percentile of sorted v[1..n]
function pct(v, n, p,    r) {
	r = int((n * p + 99) / 100)
	return v[r < 1 ? 1 : r]
}

function gap_add(name, us) {
	GN[name]++
	GV[name, GN[name]] = us
}

function gap_print(name,    n, i, v) {
	n = GN[name] + 0
	for (i = 1; i <= n; i++)
		v[i] = GV[name, i]
	sort_n(v, n)
	printf "BENCH kind=gaps mode=%s gap=%s n=%d p50_us=%.0f p99_us=%.0f max_us=%.0f\n", \
		mode, name, n, n ? pct(v, n, 50) : 0, n ? pct(v, n, 99) : 0, n ? v[n] : 0
}

# Walk the events as quotes: qgs_in .. woke
function quotes(    j, name, q, open_q, last_woke, t, pend) {
	open_q = 0
	pend = 0
	for (j = 1; j <= ne; j++) {
		name = en[j]
		if (name == "qgs_in") {
			open_q = 1
			delete t
			t["qgs_in"] = et[j]
			pend = 0
		} else if (!open_q) {
			# Between a woke and the next quote: a late handler?
			if (name == "irq" && pend) {
				late[pend] = 1
				pend = 0
			}
		} else if (name == "woke") {
			open_q = 0
			nq++
			if (("qgs_out" in t))
				gap_add("qgs_in-qgs_out", t["qgs_out"] - t["qgs_in"])
			if (("qgs_out" in t) && ("raise" in t))
				gap_add("qgs_out-raise", t["raise"] - t["qgs_out"])
			if (("raise" in t) && ("irq" in t))
				gap_add("raise-irq", t["irq"] - t["raise"])
			if ("irq" in t)
				gap_add("irq-woke", et[j] - t["irq"])
			if ("raise" in t)
				gap_add("raise-woke", et[j] - t["raise"])
			gap_add("qgs_in-woke", et[j] - t["qgs_in"])
			if (("raise" in t) && !("irq" in t) && count["irq"]) {
				nnoirq++
				NI[nnoirq, "at"] = t["qgs_in"]
				NI[nnoirq, "svc"] = ("qgs_out" in t) ? t["qgs_out"] - t["qgs_in"] : -1
				NI[nnoirq, "r2w"] = et[j] - t["raise"]
				NI[nnoirq, "total"] = et[j] - t["qgs_in"]
				pend = nnoirq
			}
		} else if (!(name in t)) {
			t[name] = et[j]
		}
	}
	split("qgs_in-qgs_out qgs_out-raise raise-irq irq-woke raise-woke qgs_in-woke", gl, " ")
	for (j = 1; j <= 6; j++)
		gap_print(gl[j])
	for (q = 1; q <= nnoirq; q++)
		printf "BENCH kind=no_irq mode=%s at_s=%.6f service_us=%.0f raise_woke_us=%.0f qgs_in_woke_us=%.0f late_irq=%d\n", \
			mode, NI[q, "at"] / 1000000, NI[q, "svc"], NI[q, "r2w"], NI[q, "total"], (q in late)
}

END {
	quotes()
	printf "BENCH kind=trace mode=%s probes=%s misses=%s overrun=%s events=%d stalls=%d", \
		mode, probes, misses, overrun, ne, nstalls
	printf " quotes=%d no_irq=%d", nq, nnoirq
	split("drv_in qgs_in qgs_out raise irq woke drv_out", names, " ")
	for (i = 1; i <= 7; i++)
		printf " ev_%s=%d", names[i], count[names[i]]
	printf "\n"
}
