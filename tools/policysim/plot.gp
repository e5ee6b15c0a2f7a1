# plot.gp - faults against frames, one line per policy, from policysim's
# CSV (trace,policy,frames,references,faults,hit_ratio; a trace's rows
# policy by policy, so each policy is one run of rows and one line).
#
# usage: gnuplot -c tools/policysim/plot.gp CSV OUT TITLE "POLICY ..."
#   writes OUT.png (pngcairo) and OUT.svg; POLICY ... are the policies of
#   servers/mm to draw (coloured lines); exact LRU and OPT, the
#   simulator's references, are always drawn on top of them, LRU dashed
#   grey and OPT thick black, so every plot reads the same way.
# gnuplot-nox (Debian 12, gnuplot 5.4) has both terminals.

csv = ARG1
out = ARG2
name = ARG3
policies = ARG4

set datafile separator comma
set key outside right top vertical title "policy"
set title name noenhanced
set xlabel "frames"
set ylabel "page faults"
set grid
set yrange [0:*]
set offsets 0, 0, graph 0.05, 0
# few frame counts (Belady's string): a tic at each
stats csv skip 1 using 3 nooutput
if (STATS_max - STATS_min <= 20) set xtics 1
set style data linespoints
set linetype 9 lc rgb "#8c564b"
set linetype 10 lc rgb "#17becf"
set linetype 11 lc rgb "#bcbd22"
set linetype 12 lc rgb "#7f7f7f"
set linetype cycle 12

# Column 5 of the rows of policy p, undefined on the others' rows.
faults(p) = strcol(2) eq p ? column(5) : NaN

draw = 'plot for [i=1:words(policies)] csv skip 1 using 3:(faults(word(policies, i))) \
          lt i pt (i % 13) + 1 ps 0.6 lw 1.5 title word(policies, i), \
        csv skip 1 using 3:(faults("lru")) lc rgb "#555555" dt 2 lw 2 pt 0 title "lru", \
        csv skip 1 using 3:(faults("opt")) lc rgb "black" lw 3 pt 0 title "opt"'

set terminal pngcairo size 1000,600 font ",10" noenhanced
set output out.".png"
eval draw

set terminal svg size 1000,600 dynamic font ",10" noenhanced
set output out.".svg"
eval draw
unset output
