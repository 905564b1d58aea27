# SPDX-License-Identifier: GPL-2.0
#
# Latency of one report against the service time, per completion mode.
#   gnuplot -e "dat='latency.dat'; png='latency.png'" latency.gp
# latency.dat (bench/report.awk): service_delay_ms, then p50 and p99 in ms
# for interrupt, polling fallback and 1 s polling, then the service time
# (delay + the quoting service's own p50).

set terminal pngcairo size 900,560 font ",10"
set output png
set datafile missing "?"
set title "TDX quote through configfs-tsm: latency against service time (QEMU TCG)"
set xlabel "service time set in the emulated VMM (service\\_delay\\_ms, ms)"
set ylabel "one report: mkdir, inblob, outblob, rmdir (ms, log scale)"
set logscale y
set yrange [5:*]
set grid ytics mytics xtics
set key top left box opaque
set offsets 0.3, 0.3, 0, 0
set style data yerrorlines
set bars 2

plot dat using 0:2:2:3:xtic(1) title "interrupt: p50, bar to p99" lw 2 pt 7 lc rgb "#1b7837", \
     dat using 0:4:4:5 title "polling fallback (1-100 ms backoff): p50, bar to p99" lw 2 pt 5 lc rgb "#2166ac", \
     dat using 0:6:6:7 title "polling every 1 s (upstream design): p50, bar to p99" lw 2 pt 9 lc rgb "#b2182b", \
     dat using 0:8 with linespoints title "service time (delay + quoting service alone, p50)" dt 2 lw 1.5 pt 1 lc rgb "#555555"
