# SPDX-License-Identifier: GPL-2.0
#
# Throughput (reports/s) against concurrent entries, one line per service
# time in interrupt mode with the driver's default pool, the widest point
# again with 16 buffers, the upstream design (1 s polling, one buffer) and,
# if it ran, the in-tree core's pass (bench/run --lane).
#   gnuplot -e "dat='throughput.dat'; png='throughput.png'" throughput.gp
# throughput.dat (bench/report.awk): entries, then reports/s for interrupt
# at 0, 10, 100 ms; 16 buffers at 0, 10, 100 ms; 1 s polling at 100 ms;
# the in-tree core at 100 ms; the polling fallback at 0 and 100 ms ("?"
# where not measured). Its last line names the in-tree pass.

set terminal pngcairo size 900,620 font ",10"
set output png
set datafile missing "?"
set title "TDX quotes through configfs-tsm: throughput against concurrent entries (QEMU TCG, 2 vCPUs)"
set xlabel "entries, each cycling reports in its own thread" offset 0,0.3
set ylabel "reports/s (log scale)"
set logscale x 2
set logscale y
set yrange [0.5:*]
set xrange [0.8:20]
set xtics ("1" 1, "2" 2, "4" 4, "8" 8, "16" 16)
set grid ytics mytics xtics
set key below box horizontal maxcols 2 left Left reverse height 1

# The in-tree pass's title; without the pass its column is all "?" and
# gnuplot skips it with a warning
intree = system("sed -n 's/^# intree_label //p' '" . dat . "'")

plot dat using 1:2 with linespoints title "interrupt, 0 ms service" lw 2 pt 7 lc rgb "#1b7837", \
     dat using 1:3 with linespoints title "interrupt, 10 ms" lw 2 pt 7 lc rgb "#5aae61", \
     dat using 1:4 with linespoints title "interrupt, 100 ms" lw 2 pt 7 lc rgb "#2166ac", \
     dat using 1:5 with points title "16 buffers, 0 ms" pt 6 ps 2 lc rgb "#1b7837", \
     dat using 1:6 with points title "16 buffers, 10 ms" pt 6 ps 2 lc rgb "#5aae61", \
     dat using 1:7 with points title "16 buffers, 100 ms" pt 6 ps 2 lc rgb "#2166ac", \
     dat using 1:8 with linespoints title "1 s polling, one buffer (upstream), 100 ms" lw 2 pt 9 lc rgb "#b2182b", \
     dat using 1:9 with linespoints title intree . ", 100 ms" dt 2 lw 2 pt 5 lc rgb "#762a83"
