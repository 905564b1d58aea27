# SPDX-License-Identifier: GPL-2.0
#
# Turn the benchmark's raw figures (bench/results/raw.txt: one measurement
# a line, "kind=... key=value ...", times in microseconds) into the
# markdown report on stdout, and the plots' data into the files `dat`
# (latency.gp) and `tdat` (throughput.gp).
#
#   awk -v dat=latency.dat -v tdat=throughput.dat -f report.awk raw.txt > RESULTS.md

function ms(us) { return sprintf("%.1f", us / 1000) }
function kib(b) { return sprintf("%.1f", b / 1024) }
function v(k) { return (k in V) ? V[k] : "" }

BEGIN {
	label["interrupt"] = "interrupt"
	label["polling"] = "polling fallback"
	label["poll1s"] = "polling, 1 s, one buffer (upstream design)"
	label["pool16"] = "interrupt, 16 buffers"
	label["qgs-only"] = "quoting service alone"
	GAP["raise-irq"] = "emulator raise -> handler"
	GAP["irq-woke"] = "handler -> wake"
	GAP["raise-woke"] = "raise -> wake, no interrupt (status check)"
	GAP["qgs_in-qgs_out"] = "inside the quoting service"
	GAP["qgs_rtt"] = "the paired quoting-service round trip (no driver)"
	GAP["drv_in-qgs_in"] = "driver -> quoting service call (TDREPORT, GetQuote, VMM queue, service delay)"
	GAP["qgs_out-raise"] = "VMM writes the response"
	GAP["woke-drv_out"] = "driver checks and copies the quote"
	GAP["start-inblob"] = "mkdir + inblob write"
	GAP["inblob-drv_in"] = "report core -> driver"
	GAP["drv_out-outblob"] = "report core -> userspace"
	GAP["outblob-end"] = "rmdir"
}

{
	# The guest's serial console ends its lines with CR
	sub(/\r$/, "")
	delete f
	for (i = 1; i <= NF; i++) {
		eq = index($i, "=")
		if (eq)
			f[substr($i, 1, eq - 1)] = substr($i, eq + 1)
	}
	kind = f["kind"]
	key = kind SUBSEP f["mode"] SUBSEP f["svc_ms"] SUBSEP f["jobs"]
	for (k in f)
		V[key, k] = f[k]
	if (kind == "slabtop")
		slabtop[f["mode"]] = slabtop[f["mode"]] sprintf("| %s | %s | %s | %+d |\n", \
			(f["mode"] in label) ? label[f["mode"]] : f["mode"], f["cache"], f["objs"], f["bytes"])
	if (kind == "env" || kind == "done" || kind == "entries" || kind == "trace_setup")
		for (k in f)
			G[kind, k] = f[k]
	if (kind == "env_intree")
		for (k in f)
			G[f["mode"], k] = f[k]
	# The throughput modes in the order they ran, and their points
	if (kind == "throughput" && !(f["mode"] in TMseen)) {
		TMseen[f["mode"]] = 1
		TM[++ntm] = f["mode"]
	}
	if (kind == "throughput" && !((f["mode"], f["svc_ms"]) in TSseen)) {
		TSseen[f["mode"], f["svc_ms"]] = 1
		TSV[f["mode"], ++TSN[f["mode"]]] = f["svc_ms"]
	}
	if (kind == "throughput" && !((f["mode"], f["svc_ms"], f["jobs"]) in TJseen)) {
		TJseen[f["mode"], f["svc_ms"], f["jobs"]] = 1
		TJV[f["mode"], f["svc_ms"], ++TJN[f["mode"], f["svc_ms"]]] = f["jobs"]
	}
	if (kind == "driver")
		for (k in f)
			DP[f["mode"], f["phase"], k] = f[k]
	if (kind == "trace")
		for (k in f)
			TR[f["mode"], k] = f[k]
	if (kind == "stall") {
		ns++
		for (k in f)
			S[ns, k] = f[k]
	}
	if (kind == "gaps")
		for (k in f)
			GP[f["mode"], f["gap"], k] = f[k]
	if (kind == "no_irq") {
		nni++
		for (k in f)
			NI[nni, k] = f[k]
	}
	if (kind == "timeline_ref" && (f["run"] == "long" || f["svc_ms"] == 10)) {
		nref++
		for (k in f)
			REF[nref, k] = f[k]
	}
}

function L(mode, svc, k) { return v("latency" SUBSEP mode SUBSEP svc SUBSEP "" SUBSEP k) }
function T(mode, svc, j, k) { return v("throughput" SUBSEP mode SUBSEP svc SUBSEP j SUBSEP k) }
# A figure of the first throughput point of interrupt mode (its window)
function tfirst(k) { return "throughput" SUBSEP "interrupt" SUBSEP TSV["interrupt", 1] SUBSEP TJV["interrupt", TSV["interrupt", 1], 1] SUBSEP k }
function I(mode, k) { return v("isolation" SUBSEP mode SUBSEP 100 SUBSEP "" SUBSEP k) }
function M(mode, k) { return v("memory" SUBSEP mode SUBSEP "" SUBSEP "" SUBSEP k) }
function LL(mode, k) { return v("latency_long" SUBSEP mode SUBSEP 0 SUBSEP "" SUBSEP k) }
function LD(mode, k) { return v("load" SUBSEP mode SUBSEP "" SUBSEP "" SUBSEP k) }
function D(mode, k) { return ((mode, "end", k) in DP) ? DP[mode, "end", k] : "" }
function DPh(mode, ph, k) { return ((mode, ph, k) in DP) ? DP[mode, ph, k] : "-" }

# The histogram's bucket labels from "1,2,5,...": "<1", "1-2", ..., ">=5000"
function hist_labels(edges,    n, e, i) {
	n = split(edges, e, ",")
	HL[1] = "<" e[1]
	for (i = 2; i <= n; i++)
		HL[i] = e[i - 1] "-" e[i]
	HL[n + 1] = ">=" e[n]
	return n + 1
}

# What a gap of the stall timeline (bench/stalls.awk) is
function gap_name(g) {
	if (g in GAP)
		return GAP[g]
	return "`" g "`"
}

# Free pages in blocks of order >= 3 (32 KiB and up), from "o0:o1:...:o10"
function high_order(s,    n, a, i, t) {
	n = split(s, a, ":")
	t = 0
	for (i = 4; i <= n; i++)
		t += a[i] * 2 ^ (i - 1)
	return t
}

# A mode's name in the tables; intree-LANE: the in-tree pass on LANE
function mlabel(md) {
	if (md in label)
		return label[md]
	if (md ~ /^intree-/)
		return sprintf("interrupt, the kernel's own core (%s, %s)", substr(md, 8), G[md, "kernel"])
	if (md ~ /^upstream-/)
		return sprintf("the kernel's own tdx_guest, unchanged (%s, %s)", substr(md, 10), \
			G["intree-" substr(md, 10), "kernel"])
	return md
}

# A throughput point's figure, or "-"
function TP(md, sv, j, k,    x) {
	x = T(md, sv, j, k)
	return x == "" ? "-" : x
}

# Throughput of a point relative to one entry at the same service time
# (the 16-buffer mode runs 16 entries only: interrupt mode's one entry)
function xone(md, sv, j,    a, b) {
	a = T(md, sv, j, "reports_per_s")
	b = T(md == "pool16" ? "interrupt" : md, sv, 1, "reports_per_s")
	return (a != "" && b + 0 > 0) ? sprintf("%.1fx", a / b) : "-"
}

# What caps a throughput point, read off its figures: the CPU when the
# guest's CPUs were 90 % busy or more over the window; else one quote at
# a time when no two were ever in flight together (or, without the peak
# counter, when more entries did not give 1.5x one entry's rate, halfway
# to the 2x of two entries: something serialises them, and it is not
# the CPU); else the driver's pool when the
# entries outnumber the buffers and the requests in flight reached the
# pool (or no peak was read); else the entries themselves: every entry
# in flight, each waiting out its report's time.
function cap(md, sv, j,    busy, peak, pool, one) {
	busy = T(md, sv, j, "cpu_busy_pct")
	peak = T(md, sv, j, "peak")
	pool = T(md, sv, j, "pool")
	one = T(md == "pool16" ? "interrupt" : md, sv, 1, "reports_per_s")
	if (busy != "" && busy + 0 >= 90)
		return "CPU"
	if (j + 0 > 1 && peak ~ /^[0-9]+$/ && peak + 0 <= 1)
		return "one at a time"
	if (j + 0 > 1 && peak !~ /^[0-9]+$/ && one + 0 > 0 && \
	    T(md, sv, j, "reports_per_s") + 0 < 1.5 * one)
		return "one at a time"
	if (pool ~ /^[0-9]+$/ && j + 0 > pool + 0 && (peak !~ /^[0-9]+$/ || peak + 0 >= pool + 0))
		return "pool (" pool ")"
	if (j + 0 == 1)
		return "one entry's cycle"
	return "entries (all in flight)"
}

END {
	nmodes = split("interrupt polling poll1s", modes, " ")
	nsvc = split("0 1 10 100", svcs, " ")

	print "# Benchmark results: TDX quotes through configfs-tsm"
	print ""
	printf "Measured by `make bench` (bench/run) on %s, kernel %s (Debian stock, %s vCPUs, %s MiB), " \
		"QEMU TCG (software CPU emulation: absolute times are far slower and noisier than on hardware; " \
		"compare the modes with each other). Run %s to %s.\n", \
		"QEMU -accel tcg -cpu max", G["env", "kernel"], G["env", "cpus"], \
		int(G["env", "mem_kb"] / 1024), G["env", "started"], G["done", "finished"]
	print ""
	print "Completion modes of the driver (reloaded between modes, with a fresh emulator):"
	print ""
	print "- **interrupt**: the emulated VMM raises the event-notify vector the driver registered; the waiting " \
		"reader is woken by the interrupt and also checks the status on the polling backoff schedule below, " \
		"so a late or lost interrupt costs at most one backoff step;"
	print "- **polling fallback**: the VMM refuses the vector (emulator `refuse_event_notify=1`), the driver " \
		"checks the status with its default backoff (`poll_min_ms=1` doubling to `poll_max_ms=100`, in jiffies of 4 ms at HZ=250);"
	print "- **polling, 1 s, one buffer**: `force_polling=1 poll_min_ms=1000 poll_max_ms=1000 quote_buffers=1`: " \
		"one check a second, one quote at a time, what the upstream tdx-guest driver does " \
		"(`msleep_interruptible(1000)` loop, one shared buffer)."
	printf "- **interrupt, 16 buffers**: interrupt mode loaded with `quote_buffers=16`, the largest pool, for " \
		"the widest throughput point only%s. The other modes run with the driver's default pool: %s.\n", \
		LD("pool16", "pool") == "" ? " (not run: the driver has no `quote_buffers`)" : "", \
		LD("interrupt", "pool") ~ /^[0-9]+$/ ? LD("interrupt", "pool") " GetQuote buffers" : \
		"here none, the driver has one buffer and makes one quote at a time (`pool` NA below)"
	print ""
	print "Service time: set with the emulator's debugfs knob `service_delay_ms` (0, 1, 10, 100 ms): the emulated " \
		"VMM waits that long (a delayed work, so rounded to 4 ms jiffies: 1 ms is 0..4 ms) before it forwards the " \
		"request to the quoting service `tdx-qgs`, which then adds its own time (fork, ECDSA signature, report check " \
		"on TCG). That own time is measured directly (`tsm-bench qgs`: GET_QUOTE round trips on the QGS socket, " \
		"one connection each, as the VMM does) and reported as \"QGS alone\"."
	print ""

	# ---- headline ----
	hs = 10
	hi = L("interrupt", hs, "cycle_p50_us")
	hp = L("poll1s", hs, "cycle_p50_us")
	hf = L("polling", hs, "cycle_p50_us")
	print "## Headline"
	print ""
	if (hi != "" && hp != "" && hi > 0) {
		printf "With a %d ms service time, one report through configfs (mkdir, write inblob, read outblob, rmdir) " \
			"takes **%s ms** (p50) in interrupt mode against **%s ms** with upstream's 1 s polling: " \
			"**%.0fx faster**", hs, ms(hi), ms(hp), hp / hi
		if (hf != "")
			printf "; the polling fallback takes %s ms (%.0fx faster than 1 s polling)", ms(hf), hp / hf
		print "."
		headline = 1
	}
	print ""
	print "Ratio of the 1 s polling p50 to the interrupt p50, per service time:"
	print ""
	line = "| service time (ms) |"
	sep = "|---|"
	row = "| 1 s polling / interrupt (p50) |"
	row2 = "| 1 s polling / polling fallback (p50) |"
	for (s = 1; s <= nsvc; s++) {
		line = line " " svcs[s] " |"
		sep = sep "---|"
		a = L("interrupt", svcs[s], "cycle_p50_us")
		b = L("poll1s", svcs[s], "cycle_p50_us")
		c = L("polling", svcs[s], "cycle_p50_us")
		row = row sprintf(" %s |", (a > 0 && b != "") ? sprintf("%.1fx", b / a) : "-")
		row2 = row2 sprintf(" %s |", (c > 0 && b != "") ? sprintf("%.1fx", b / c) : "-")
	}
	print line
	print sep
	print row
	print row2
	print ""

	# The issue's throughput target, printed, not judged
	t1 = T("interrupt", 100, 1, "reports_per_s")
	t8 = T("interrupt", 100, 8, "reports_per_s")
	b1 = T("poll1s", 100, 1, "reports_per_s")
	b8 = T("poll1s", 100, 8, "reports_per_s")
	if (t1 + 0 > 0 && t8 != "") {
		printf "Throughput at a 100 ms service time, interrupt mode, pool of %s: **%s reports/s with 8 entries " \
			"against %s with one: %.1fx** (the issue's target: at least 4x; what caps it: %s, see " \
			"*Throughput* below).", TP("interrupt", 100, 8, "pool"), t8, t1, t8 / t1, cap("interrupt", 100, 8)
		if (b1 != "" && b8 + 0 > 0)
			printf " The upstream design (1 s polling, one buffer) makes %s reports/s with one entry and %s " \
				"with 8: interrupt mode with the pool makes %.0fx as many with 8 entries.", b1, b8, t8 / b8
		print ""
		print ""
	}

	# ---- latency ----
	print "## Latency of one report"
	print ""
	print "One full cycle per report, in a fresh entry each time, sequential (`tsm-bench latency`). Times in ms. " \
		"*read* is the outblob read alone, where the quote is made. Each report is paired with a round trip " \
		"straight to the quoting service just before it (*QGS alone*); *service* is the configured delay plus " \
		"its p50. *overhead* is the p50 of the per-pair difference (cycle minus round trip) minus the delay: " \
		"what the guest (configfs, report core, driver, completion wait) and the emulated VMM add to the " \
		"service time. Pairing cancels the drift of a shared, emulated CPU; *overhead (min)* does the same " \
		"with minimums, which that noise affects least. *stalls* counts samples of 0.5 s or more: whole " \
		"cycles, cycle-minus-round-trip differences, and the round trips themselves; each is explained in " \
		"*Stalls* below. The driver checks the status on its polling backoff schedule in interrupt mode " \
		"too, so a late or lost interrupt costs at most one `poll_max_ms` (100 ms) step, no longer the " \
		"1 s safety slice of the earlier wait. With 1 s polling every cycle is a stall, by design."
	print ""
	print "![latency against service time](latency.png)"
	print ""
	print "| mode | service_delay_ms | reports | cycle p50 | cycle p99 | cycle max | read p50 | QGS alone p50 | service | overhead p50 | overhead (min) | stalls: cycles / pairs / QGS |"
	print "|---|---|---|---|---|---|---|---|---|---|---|---|"
	printf "" >dat
	for (s = 1; s <= nsvc; s++) {
		sv = svcs[s]
		out = sv
		for (m = 1; m <= nmodes; m++) {
			md = modes[m]
			if (L(md, sv, "cycle_n") == "")
				continue
			q50 = L(md, sv, "rtt_p50_us")
			qmin = L(md, sv, "rtt_min_us")
			printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s / %s / %s |\n", label[md], sv, \
				L(md, sv, "cycle_n"), ms(L(md, sv, "cycle_p50_us")), ms(L(md, sv, "cycle_p99_us")), \
				ms(L(md, sv, "cycle_max_us")), ms(L(md, sv, "read_p50_us")), ms(q50), \
				ms(sv * 1000 + q50), ms(L(md, sv, "paired_p50_us") - sv * 1000), \
				ms(L(md, sv, "cycle_min_us") - sv * 1000 - qmin), \
				L(md, sv, "cycle_stalls"), L(md, sv, "paired_stalls"), L(md, sv, "rtt_stalls")
		}
		for (m = 1; m <= nmodes; m++) {
			md = modes[m]
			out = out sprintf(" %s %s", L(md, sv, "cycle_n") == "" ? "?" : ms(L(md, sv, "cycle_p50_us")), \
				L(md, sv, "cycle_n") == "" ? "?" : ms(L(md, sv, "cycle_p99_us")))
		}
		out = out sprintf(" %s", ms(sv * 1000 + L("interrupt", sv, "rtt_p50_us")))
		print out >>dat
	}
	close(dat)
	print ""
	q = "qgs" SUBSEP "qgs-only" SUBSEP "" SUBSEP "" SUBSEP
	if ((q "rtt_n") in V)
		printf "The quoting service alone, before any driver was loaded (%s round trips): p50 %s ms, " \
			"p99 %s ms, min %s ms, max %s ms.\n\n", V[q "rtt_n"], ms(V[q "rtt_p50_us"]), \
			ms(V[q "rtt_p99_us"]), ms(V[q "rtt_min_us"]), ms(V[q "rtt_max_us"])
	print "## Long runs"
	print ""
	print "At service_delay_ms=0 (the memory runs below), the same cycle, each report paired with a " \
		"quoting-service round trip just before it, as in the table above. Times in ms; *stalls* are " \
		"samples of 0.5 s or more (cycles / QGS round trips), *0.9 s* the count the earlier runs reported."
	print ""
	print "| mode | reports | cycle p50 | cycle p99 | cycle max | cycle mean | QGS alone p50 | QGS alone p99 | QGS alone max | overhead p50 | stalls: cycles / QGS | cycles of 0.9 s or more |"
	print "|---|---|---|---|---|---|---|---|---|---|---|---|"
	for (m = 1; m <= nmodes; m++) {
		md = modes[m]
		if (LL(md, "cycle_n") == "")
			continue
		printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s / %s | %s |\n", label[md], \
			LL(md, "cycle_n"), ms(LL(md, "cycle_p50_us")), ms(LL(md, "cycle_p99_us")), \
			ms(LL(md, "cycle_max_us")), ms(LL(md, "cycle_mean_us")), ms(LL(md, "rtt_p50_us")), \
			ms(LL(md, "rtt_p99_us")), ms(LL(md, "rtt_max_us")), ms(LL(md, "paired_p50_us")), \
			LL(md, "cycle_stalls"), LL(md, "rtt_stalls"), LL(md, "cycle_slow")
	}
	print ""
	print "Histogram of the long runs' samples (count per bucket, bucket bounds in ms, lower bound included):"
	print ""
	nb = 0
	for (m = 1; m <= nmodes && !nb; m++)
		if (LL(modes[m], "hist_ms") != "")
			nb = hist_labels(LL(modes[m], "hist_ms"))
	if (nb) {
		line = "| mode | samples |"
		sep = "|---|---|"
		for (b = 1; b <= nb; b++) {
			line = line " " HL[b] " |"
			sep = sep "---|"
		}
		print line
		print sep
		for (m = 1; m <= nmodes; m++) {
			md = modes[m]
			split("cycle rtt", hk, " ")
			for (h = 1; h <= 2; h++) {
				if (LL(md, hk[h] "_hist") == "")
					continue
				n = split(LL(md, hk[h] "_hist"), hc, ",")
				line = sprintf("| %s | %s |", label[md], hk[h] == "cycle" ? "report cycles" : "QGS round trips")
				for (b = 1; b <= n; b++)
					line = line " " (hc[b] ? hc[b] : "") " |"
				print line
			}
		}
	} else {
		print "(no histogram in raw.txt)"
	}
	print ""
	print "The short runs' histograms (100 samples per point) are in raw.txt (`cycle_hist`, `rtt_hist`, " \
		"buckets `hist_ms`)."
	print ""

	# ---- stalls ----
	print "## Stalls"
	print ""
	print "Every latency sample (short and long runs) of 0.5 s or more, put on a timeline of kprobe events " \
		"(tracefs `kprobe_events`, `trace_clock` mono, so the timestamps are the CLOCK_MONOTONIC that " \
		"`tsm-bench` reads; no function tracer): the driver's `tdx_report_new` (entry *drv_in*, return " \
		"*drv_out*; `tdx_quote_wait` and `tdx_quote_exchange` are inlined into it), the emulated VMM's " \
		"call to the quoting service `tdx_emu_qgs_get_quote` (entry *qgs_in*, return *qgs_out*), " \
		"`tdx_emu_raise_irq` (*raise*, after the status write), the driver's interrupt handler " \
		"`tdx_event_handler` (*irq*) and `tdx_quote_check_response`, its first call after the wait " \
		"(*woke*), with the cycle's own points *start* (mkdir), *inblob* (written), *outblob* (read) and " \
		"*end* (rmdir done). Each sample goes to the longest gap between neighbours on its timeline " \
		"(bench/stalls.awk); a pair whose cycle was fast but whose QGS round trip was slow goes to that " \
		"round trip."
	print ""
	if (G["trace_setup", "available"] != "yes")
		print "Tracing was not available in the guest: the stalls below are counted, not attributed."
	else {
		print "| mode | probes | events | missed probe hits | overrun events | drv_in | qgs_in | qgs_out | raise | irq | woke | drv_out | samples of 0.5 s or more |"
		print "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
		for (m = 1; m <= nmodes; m++) {
			md = modes[m]
			if (!((md, "events") in TR))
				continue
			printf "| %s | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", label[md], \
				split(TR[md, "probes"], tmp, ","), TR[md, "events"], TR[md, "misses"], TR[md, "overrun"], \
				TR[md, "ev_drv_in"], TR[md, "ev_qgs_in"], TR[md, "ev_qgs_out"], TR[md, "ev_raise"], \
				TR[md, "ev_irq"], TR[md, "ev_woke"], TR[md, "ev_drv_out"], TR[md, "stalls"]
		}
	}
	print ""
	# Counts per mode and gap
	for (i = 1; i <= ns; i++) {
		key = S[i, "mode"] SUBSEP S[i, "gap"]
		if (!(key in SC))
			SK[++nsk] = key
		SC[key]++
		SG[key] += S[i, "gap_us"]
		if (S[i, "gap_us"] > SM[key])
			SM[key] = S[i, "gap_us"]
	}
	nint = 0
	for (i = 1; i <= ns; i++)
		if (S[i, "mode"] != "poll1s")
			nint++
	if (nint == 0) {
		printf "**No sample of 0.5 s or more in interrupt mode or in the polling fallback**: none among "
		first = 1
		for (m = 1; m <= nmodes; m++) {
			md = modes[m]
			if (md == "poll1s" || L(md, 0, "cycle_n") == "")
				continue
			tot = LL(md, "cycle_n")
			for (s = 1; s <= nsvc; s++)
				tot += L(md, svcs[s], "cycle_n")
			printf "%s%d %s report cycles (and as many QGS round trips)", first ? "" : ", ", tot, label[md]
			first = 0
		}
		print "."
		print ""
	}
	if (nsk) {
		print "Per mode, the gap each sample of 0.5 s or more went to:"
		print ""
		print "| mode | gap | samples | mean gap (ms) | longest gap (ms) |"
		print "|---|---|---|---|---|"
		for (i = 1; i <= nsk; i++) {
			split(SK[i], kk, SUBSEP)
			printf "| %s | %s (`%s`) | %d | %s | %s |\n", label[kk[1]], gap_name(kk[2]), kk[2], \
				SC[SK[i]], ms(SG[SK[i]] / SC[SK[i]]), ms(SM[SK[i]])
		}
		print ""
	}
	if (nint) {
		print "Each one outside the 1 s polling mode (timeline in ms from mkdir):"
		print ""
		print "| mode | run | service_delay_ms | sample | cycle (ms) | QGS round trip (ms) | gap | gap (ms) | timeline |"
		print "|---|---|---|---|---|---|---|---|---|"
		for (i = 1; i <= ns; i++) {
			if (S[i, "mode"] == "poll1s")
				continue
			printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", label[S[i, "mode"]], S[i, "run"], \
				S[i, "svc_ms"], S[i, "i"], ms(S[i, "cycle_us"]), ms(S[i, "rtt_us"]), \
				gap_name(S[i, "gap"]), ms(S[i, "gap_us"]), \
				((i, "timeline_ms") in S) ? "`" S[i, "timeline_ms"] "`" : "-"
		}
		print ""
	}
	# ---- every quote, from the trace alone ----
	if (("interrupt", "raise-woke", "n") in GP || ("polling", "raise-woke", "n") in GP) {
		print "Every quote of each mode, read off the trace alone (quotes are serialised, so each runs from " \
			"its *qgs_in* to its *woke*; the short runs, isolation and the long run together, not the throughput " \
			"points, where quotes overlap and the probes are off). " \
			"Gaps in ms, p50 / p99 / max; *raise -> wake* is what the reader waited after the emulated VMM " \
			"had written the status:"
		print ""
		print "| mode | quotes | inside the quoting service | VMM writes the response | raise -> handler | handler -> wake | raise -> wake | quoting service call -> wake |"
		print "|---|---|---|---|---|---|---|---|"
		split("qgs_in-qgs_out qgs_out-raise raise-irq irq-woke raise-woke qgs_in-woke", gl, " ")
		for (m = 1; m <= nmodes; m++) {
			md = modes[m]
			if (!((md, "raise-woke", "n") in GP))
				continue
			line = sprintf("| %s | %s |", label[md], TR[md, "quotes"])
			for (g = 1; g <= 6; g++) {
				if (GP[md, gl[g], "n"] + 0 == 0)
					line = line " - |"
				else
					line = line sprintf(" %.2f / %.2f / %.2f |", GP[md, gl[g], "p50_us"] / 1000, \
						GP[md, gl[g], "p99_us"] / 1000, GP[md, gl[g], "max_us"] / 1000)
			}
			print line
		}
		print ""
		nlate = 0
		for (i = 1; i <= nni; i++)
			nlate += NI[i, "late_irq"]
		if (("interrupt", "quotes") in TR && nni == 0) {
			printf "Interrupt mode: **the interrupt handler ran before the reader woke for every one of " \
				"the %s quotes**: no late or lost interrupt (the driver's `completions_by_check`, below, " \
				"says the same from inside).\n", TR["interrupt", "quotes"]
			print ""
		} else if (("interrupt", "quotes") in TR) {
			printf "Interrupt mode: **%d of %s quotes had no interrupt handler run before the reader's " \
				"status check found the completion** (the emulator raised the vector for every quote: " \
				"`irqs_raised` counts them), %d of them with a handler run after it (late), the others " \
				"with none before the next quote (lost). The driver's `completions_by_check` counts " \
				"the same from inside.\n", nni, TR["interrupt", "quotes"], nlate
			print ""
		}
		if (nni) {
			print "Each one, with what the reader waited after the raise (ms):"
			print ""
			print "| at (s, CLOCK_MONOTONIC) | quoting service (ms) | raise -> wake by status check (ms) | quoting service call -> wake (ms) | handler ran later |"
			print "|---|---|---|---|---|"
			for (i = 1; i <= nni; i++)
				printf "| %s | %s | %s | %s | %s |\n", NI[i, "at_s"], ms(NI[i, "service_us"]), \
					ms(NI[i, "raise_woke_us"]), ms(NI[i, "qgs_in_woke_us"]), NI[i, "late_irq"] ? "yes" : "no"
			print ""
		}
	}
	if (nref) {
		print "For reference, the first sample of the 10 ms run and of the long run in each mode, stall or not " \
			"(they also show that the trace clock and tsm-bench's agree: every event falls inside its cycle; " \
			"in the polling modes *raise* is the emulator's call, which sends nothing, and there is no *irq*):"
		print ""
		print "| mode | run | service_delay_ms | cycle (ms) | events | longest gap | gap (ms) | timeline (ms from mkdir) |"
		print "|---|---|---|---|---|---|---|---|"
		for (i = 1; i <= nref; i++)
			printf "| %s | %s | %s | %s | %s | %s | %s | `%s` |\n", label[REF[i, "mode"]], REF[i, "run"], \
				REF[i, "svc_ms"], ms(REF[i, "cycle_us"]), REF[i, "events"], gap_name(REF[i, "gap"]), \
				ms(REF[i, "gap_us"]), REF[i, "timeline_ms"]
		print ""
	}

	# ---- throughput ----
	print "## Throughput with concurrent entries"
	print ""
	printf "N threads, each cycling reports (mkdir, inblob, outblob, rmdir) in its own entry (`tsm-bench " \
		"throughput -t`). A point counts the reports that end in a window of %s s after a warm-up of %s s " \
		"(%s s with 1 s polling), so the ramps at both ends stay out of it. Over the window: the guest's CPU " \
		"busy time (/proc/stat, all %s vCPUs: the quoting service `tdx-qgs` runs in the same guest, a forked " \
		"process per request signing with ECDSA, so this is the reports' whole cost; the busy share of the " \
		"ticks counted, as TCG's ticks fall short of the wall clock), that share of the vCPUs over the window " \
		"divided by the reports and the probes below, which cost about as much (*CPU ms/report*), and the rate " \
		"that cost allows on %s vCPUs (*CPU ceiling*); a GET_QUOTE round trip straight to the quoting service " \
		"every 500 ms (*QGS under load*, against its p50 alone, %s ms, at the " \
		"start of the run). *peak* is the emulated VMM's most requests in flight at once during the point " \
		"(debugfs `quotes_in_flight_peak`, reset before it; `NA`: an emulator without the counter); the VMM " \
		"takes up to 16 (`max_in_flight`). The kprobe events of *Stalls* are off during these points (quotes overlap there). " \
		"*cap* is read off each point's figures, the first that applies: *CPU* (90 %% busy or more), *one at " \
		"a time* (peak 1, or without a peak, under 1.5x one entry's rate), *pool* (more entries than buffers, and the peak reached the pool), else *entries* " \
		"(every entry in flight, each waiting out its report).\n", \
		v(tfirst("window_s")) == "" ? "?" : v(tfirst("window_s")) + 0, \
		v(tfirst("warm_s")) == "" ? "?" : v(tfirst("warm_s")) + 0, \
		T("poll1s", 100, 1, "window_s") == "" ? "-" : T("poll1s", 100, 1, "window_s") + 0, \
		G["env", "cpus"], G["env", "cpus"], ms(v("qgs" SUBSEP "qgs-only" SUBSEP "" SUBSEP "" SUBSEP "rtt_p50_us"))
	print ""
	print "![throughput against entries](throughput.png)"
	print ""
	print "| mode | service_delay_ms | entries | pool | reports | reports/s | x 1 entry | cycle p50 (ms) | cycle p99 (ms) | peak in flight | CPU busy % | CPU ms/report | CPU ceiling (reports/s) | QGS under load p50 (ms) | cap |"
	print "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
	for (m = 1; m <= ntm; m++) {
		md = TM[m]
		for (a = 1; a <= TSN[md]; a++) {
			sv = TSV[md, a]
			for (b = 1; b <= TJN[md, sv]; b++) {
				j = TJV[md, sv, b]
				cpr = T(md, sv, j, "cpu_ms_per_report")
				printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", \
					mlabel(md), sv, j, TP(md, sv, j, "pool"), TP(md, sv, j, "reports"), \
					TP(md, sv, j, "reports_per_s"), xone(md, sv, j), \
					ms(T(md, sv, j, "cycle_p50_us")), ms(T(md, sv, j, "cycle_p99_us")), \
					TP(md, sv, j, "peak"), TP(md, sv, j, "cpu_busy_pct"), \
					cpr == "" ? "-" : cpr, \
					(cpr + 0 > 0 ? sprintf("%.0f", T(md, sv, j, "ncpu") * 1000 / cpr) : "-"), \
					(T(md, sv, j, "rtt_n") + 0 > 0 ? ms(T(md, sv, j, "rtt_p50_us")) : "-"), cap(md, sv, j)
			}
		}
	}
	print ""

	# What caps it, in words, from the figures of the widest points
	print "### What caps throughput"
	print ""
	q0 = v("qgs" SUBSEP "qgs-only" SUBSEP "" SUBSEP "" SUBSEP "rtt_p50_us")
	for (a = 1; a <= TSN["interrupt"]; a++) {
		sv = TSV["interrupt", a]
		jmax = TJV["interrupt", sv, TJN["interrupt", sv]]
		njl = split(((jmax + 0 != 8 && T("interrupt", sv, 8, "reports") != "") ? "8 " : "") jmax, jl, " ")
		for (b = 1; b <= njl; b++) {
			j = jl[b]
			cpr = T("interrupt", sv, j, "cpu_ms_per_report")
			printf "- %s ms service, %d entries (pool %s): %s reports/s, %s the single entry's %s; CPU %s %% busy, " \
				"%s ms of CPU per report (a ceiling of %s reports/s); peak %s in flight; cycle p50 %s ms " \
				"against %s ms with one entry; QGS round trip %s ms under load (%s ms alone). Cap: **%s**.\n", \
				sv, j, TP("interrupt", sv, j, "pool"), TP("interrupt", sv, j, "reports_per_s"), \
				xone("interrupt", sv, j), TP("interrupt", sv, 1, "reports_per_s"), \
				TP("interrupt", sv, j, "cpu_busy_pct"), cpr == "" ? "-" : cpr, \
				(cpr + 0 > 0 ? sprintf("%.0f", T("interrupt", sv, j, "ncpu") * 1000 / cpr) : "-"), \
				TP("interrupt", sv, j, "peak"), ms(T("interrupt", sv, j, "cycle_p50_us")), \
				ms(T("interrupt", sv, 1, "cycle_p50_us")), \
				(T("interrupt", sv, j, "rtt_n") + 0 > 0 ? ms(T("interrupt", sv, j, "rtt_p50_us")) : "-"), \
				ms(q0), cap("interrupt", sv, j)
		}
		if (T("pool16", sv, 16, "reports") != "")
			printf "  With 16 buffers, 16 entries: %s reports/s (%s with the default pool), CPU %s %% busy, " \
				"peak %s in flight. Cap: **%s**.\n", T("pool16", sv, 16, "reports_per_s"), \
				TP("interrupt", sv, 16, "reports_per_s"), TP("pool16", sv, 16, "cpu_busy_pct"), \
				TP("pool16", sv, 16, "peak"), cap("pool16", sv, 16)
	}
	# More entries than buffers: the waiters' order shows in the tail
	for (a = TSN["interrupt"]; a >= 1; a--) {
		sv = TSV["interrupt", a]
		jmax = TJV["interrupt", sv, TJN["interrupt", sv]]
		if (jmax + 0 <= TP("interrupt", sv, jmax, "pool") + 0 || T("interrupt", sv, 1, "cycle_p50_us") == "")
			continue
		printf "\nEntries beyond the pool wait for a buffer, served in the order they came: at %s ms service, " \
			"%d entries on %s buffers have a cycle p50 of %s ms and a p99 of %s ms, against %s ms for one " \
			"entry alone (%.1fx and %.1fx: a reader waits its turn, about %d rounds of the pool, and is not " \
			"overtaken by newer ones).\n", sv, jmax, TP("interrupt", sv, jmax, "pool"), \
			ms(T("interrupt", sv, jmax, "cycle_p50_us")), ms(T("interrupt", sv, jmax, "cycle_p99_us")), \
			ms(T("interrupt", sv, 1, "cycle_p50_us")), \
			T("interrupt", sv, jmax, "cycle_p50_us") / T("interrupt", sv, 1, "cycle_p50_us"), \
			T("interrupt", sv, jmax, "cycle_p99_us") / T("interrupt", sv, 1, "cycle_p50_us"), \
			int((jmax + TP("interrupt", sv, jmax, "pool") - 1) / TP("interrupt", sv, jmax, "pool"))
		break
	}
	print ""
	print "The quoting service shares the guest's vCPUs with everything else here: on hardware it runs on the " \
		"host, and a guest's reports would cost only the guest's own part (configfs, the driver, a TDREPORT). " \
		"TCG accounts no steal time, so the CPU figures hold only for a run on an otherwise idle host."
	print ""

	# The kernel's own core next to ours, 100 ms service
	nin = 0
	for (m = 1; m <= ntm; m++)
		if (TM[m] ~ /^(intree|upstream)-/)
			IN[++nin] = TM[m]
	if (nin) {
		print "### The kernel's own configfs-tsm core"
		print ""
		print "The same driver under the in-tree report core of a newer kernel (a separate VM on that lane, " \
			"`bench/run --lane`), against ours, at a 100 ms service time. The in-tree core (6.7 and later) " \
			"generates every report holding its global `tsm_rwsem` for write, so quotes cannot overlap " \
			"whatever the provider does: *peak* says how many were in flight at once."
		print ""
		line = "| entries | ours: reports/s (peak) |"
		sep = "|---|---|"
		for (i = 1; i <= nin; i++) {
			line = line " " mlabel(IN[i]) ": reports/s (peak) |"
			sep = sep "---|"
		}
		print line
		print sep
		split("1 2 4 8 16", jj, " ")
		for (b = 1; b <= 5; b++) {
			j = jj[b]
			row = ""
			for (i = 1; i <= nin; i++)
				if (T(IN[i], 100, j, "reports") != "")
					row = row sprintf(" %s (%s) |", T(IN[i], 100, j, "reports_per_s"), T(IN[i], 100, j, "peak"))
				else
					row = row " - |"
			if (row ~ /^( - \|)+$/)
				continue
			printf "| %s | %s |%s\n", j, T("interrupt", 100, j, "reports") == "" ? "-" : \
				sprintf("%s (%s)", T("interrupt", 100, j, "reports_per_s"), T("interrupt", 100, j, "peak")), row
		}
		print ""
		for (i = 1; i <= nin; i++)
			if (IN[i] ~ /^upstream-/ && L(IN[i], 10, "cycle_p50_us") != "")
				printf "%s: one report at a 10 ms service time takes %s ms (p50), " \
					"ours %s ms on the stock lane.\n\n", mlabel(IN[i]), \
					ms(L(IN[i], 10, "cycle_p50_us")), ms(L("interrupt", 10, "cycle_p50_us"))
	}

	# The plot's data: one row per entry count, "?" where not measured
	if (tdat == "")
		tdat = "/dev/null"
	printf "# entries int0 int10 int100 pool16_0 pool16_10 pool16_100 poll1s_100 intree_100 polling_0 polling_100\n" >tdat
	split("1 2 4 8 16", jj, " ")
	for (b = 1; b <= 5; b++) {
		j = jj[b]
		row = j
		split("interrupt:0 interrupt:10 interrupt:100 pool16:0 pool16:10 pool16:100 poll1s:100 " \
			(nin ? IN[1] : "none") ":100 polling:0 polling:100", cols, " ")
		for (c = 1; c <= 10; c++) {
			split(cols[c], mc, ":")
			x = T(mc[1], mc[2], j, "reports_per_s")
			row = row " " (x == "" ? "?" : x)
		}
		print row >>tdat
	}
	close(tdat)
	printf "# intree_label %s\n", nin ? mlabel(IN[1]) : "" >>tdat
	close(tdat)

	# ---- isolation ----
	print "## Isolation: a cached report while another entry waits on a quote"
	print ""
	print "Entry B holds a report already made; entry A asks for a new one with service_delay_ms=100. " \
		"B's outblob is read (open, read to EOF, close) about every millisecond, first with nothing else " \
		"going on (*idle*), then from 2 ms after A started its read until A's report came back (*during A*) " \
		"(`tsm-bench isolation`). Times in ms."
	print ""
	print "| mode | rounds | A's quote p50 | B idle p50 | B idle p99 | B during A: reads | p50 | p99 | max |"
	print "|---|---|---|---|---|---|---|---|---|"
	for (m = 1; m <= nmodes; m++) {
		md = modes[m]
		if (I(md, "rounds") == "")
			continue
		printf "| %s | %s | %s | %.2f | %.2f | %s | %.2f | %.2f | %.2f |\n", label[md], I(md, "rounds"), \
			ms(I(md, "a_quote_p50_us")), I(md, "b_idle_p50_us") / 1000, I(md, "b_idle_p99_us") / 1000, \
			I(md, "b_busy_n"), I(md, "b_busy_p50_us") / 1000, I(md, "b_busy_p99_us") / 1000, \
			I(md, "b_busy_max_us") / 1000
	}
	print ""
	print "Upstream (v6.7+ `drivers/virt/coco/tsm.c`) generates a report holding the global `tsm_rwsem` for " \
		"write, and a cached read takes it for read: B's read would wait for the whole of A's quote, about " \
		"A's quote time in the table above (and, with upstream's 1 s polling, at least a second). Here B's " \
		"reads during A stay at their idle cost; the tail left is CPU contention with the quoting service " \
		"running in the same 2-vCPU guest."
	print ""

	# ---- memory ----
	print "## Memory"
	print ""
	print "Shared buffers and driver, measured at `insmod tdx-guest.ko` (MemFree and Slab of /proc/meminfo " \
		"before and after; the driver's GetQuote buffers are allocated and shared at load, not per " \
		"request):"
	print ""
	print "| mode | GetQuote buffers (pool) | MemFree taken (KiB) | Slab grown (KiB) | module core size (KiB) |"
	print "|---|---|---|---|---|"
	split("interrupt pool16 polling poll1s", lm, " ")
	for (m = 1; m <= 4; m++) {
		md = lm[m]
		if (LD(md, "memfree_kb") == "")
			continue
		printf "| %s | %s | %s | %s | %s |\n", label[md], LD(md, "pool") == "" ? "-" : LD(md, "pool"), \
			LD(md, "memfree_kb"), LD(md, "slab_kb"), kib(LD(md, "module_bytes"))
	}
	print ""
	if (G["entries", "entries"] != "") {
		printf "Entries holding a cached report (`tsm-bench entries`, interrupt mode): %s entries grew Slab by " \
			"%s KiB (%s bytes each; a quote is %s bytes) and took %s KiB of MemFree; after their rmdir Slab is " \
			"%+d KiB from where it started.\n", G["entries", "entries"], G["entries", "slab_kb"], \
			G["entries", "slab_bytes_per_entry"], L("interrupt", 0, "outblob_bytes"), \
			G["entries", "memfree_kb"], G["entries", "slab_kb_after_rmdir"]
		print ""
	}
	print "Across many reports at service_delay_ms=0 (entries created and removed each time). *pages/report* " \
		"is the page-allocator traffic (pgalloc_* of /proc/vmstat, all zones) divided by the reports; it " \
		"counts the whole guest, so the quoting service's fork per request dominates: the *quoting service " \
		"alone* row is the same number of QGS round trips without configfs or driver. *high-order free* is " \
		"the free memory in buddy blocks of order 3 and up (/proc/buddyinfo), before and after: a drop would " \
		"mean fragmentation. The 1 s polling mode runs only a handful of reports (each takes a second). " \
		"Each report of these runs is paired with a QGS round trip (see *Long runs*), so *pages/report* " \
		"counts two quoting-service requests; *less one QGS request* subtracts the quoting service " \
		"alone's pages per request."
	print ""
	print "| run | reports | Slab before → after (KiB) | SUnreclaim before → after (KiB) | MemFree change (KiB) | pages allocated | pages/report | less one QGS request | pages freed | high-order free before → after (pages) |"
	print "|---|---|---|---|---|---|---|---|---|---|"
	split("qgs-only interrupt polling poll1s", mm, " ")
	qpp = M("qgs-only", "quotes") ? M("qgs-only", "pgalloc") / M("qgs-only", "quotes") : 0
	for (m = 1; m <= 4; m++) {
		md = mm[m]
		if (M(md, "quotes") == "")
			continue
		printf "| %s | %s | %s → %s | %s → %s | %+d | %s | %.1f | %s | %s | %d → %d |\n", label[md], M(md, "quotes"), \
			M(md, "slab_kb_before"), M(md, "slab_kb_after"), M(md, "sunreclaim_kb_before"), \
			M(md, "sunreclaim_kb_after"), M(md, "memfree_kb_after") - M(md, "memfree_kb_before"), \
			M(md, "pgalloc"), M(md, "pgalloc") / M(md, "quotes"), \
			md == "qgs-only" ? "-" : sprintf("%.1f", M(md, "pgalloc") / M(md, "quotes") - qpp), \
			M(md, "pgfree"), high_order(M(md, "buddy_before")), high_order(M(md, "buddy_after"))
	}
	print ""
	print "Slab caches that changed most over each run (/proc/slabinfo, active objects × object size):"
	print ""
	print "| run | cache | objects | bytes |"
	print "|---|---|---|---|"
	for (m = 1; m <= 4; m++)
		printf "%s", slabtop[mm[m]]
	print ""

	# ---- driver counters ----
	print "## Driver counters after each mode"
	print ""
	print "The driver's debugfs counters (/sys/kernel/debug/tdx_guest) at the end of each mode, and the " \
		"emulator's. *completions_by_check* counts quotes whose completion a status check of the waiter " \
		"found without the interrupt (interrupt mode only): at load (*start*), before the long run, at the end."
	print ""
	print "| mode | completion_mode | event CPU / vector | interrupts | spurious | completions_by_check: start / before long run / end | quotes_ok | quotes_failed | emulator irqs raised | emulator requests |"
	print "|---|---|---|---|---|---|---|---|---|---|"
	for (m = 1; m <= nmodes; m++) {
		md = modes[m]
		if (D(md, "completion_mode") == "")
			continue
		printf "| %s | %s | %s / %s | %s | %s | %s / %s / %s | %s | %s | %s | %s |\n", label[md], \
			D(md, "completion_mode"), D(md, "event_cpu"), D(md, "event_vector"), \
			D(md, "interrupts"), D(md, "spurious"), DPh(md, "start", "completions_by_check"), \
			DPh(md, "long", "completions_by_check"), DPh(md, "end", "completions_by_check"), \
			D(md, "quotes_ok"), D(md, "quotes_failed"), D(md, "emu_irqs"), D(md, "emu_requests")
	}
	print ""
	print "Raw figures: raw.txt (times in µs); the guest's output: guest.log."
}
