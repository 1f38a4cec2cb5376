# kernel/bench-walker.awk: the lines `make bench` adds for the Switcher's
# walker (Mastery, "A walker in the Switcher"): a Guest program's
# demand-zero fault, its trips to the Host and its instructions, from two
# boots of `guest-test=walker-entries` under -icount shift=0, the first
# file with ideas=walker and the second with ideas=no-walker.

{ sub(/\r$/, "") }
/guest-test: walker-entries: [0-9]+ demand-zero faults/ {
    for (i = 1; i <= NF; i++) {
        if ($i == "each") trips[FILENAME] = $(i + 1)
        if ($i == "instructions") instructions[FILENAME] = $(i - 1)
    }
    if (!(FILENAME in order)) { order[FILENAME] = ++files; name[files] = FILENAME }
}
END {
    if (files != 2) { print "bench: no walker-entries figures (walker on and off)"; exit 1 }
    on = name[1]; off = name[2]
    print "bench:"
    print "bench: a Guest program's demand-zero fault, ideas=walker and ideas=no-walker (guest-test=walker-entries)"
    printf "bench: %-32s %10s %10s\n", "", "on", "off"
    printf "bench: %-32s %10s %10s    target <= 1\n", "trips to the Host", trips[on], trips[off]
    printf "bench: %-32s %10d %10d %+9.1f%%\n", "instructions", instructions[on], instructions[off],
        (instructions[on] - instructions[off]) * 100 / instructions[off]
}
