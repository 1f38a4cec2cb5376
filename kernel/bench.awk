# kernel/bench.awk: the table `make bench` prints, from its boot log. The
# bench program's figures natively ("bench: ...") and in a Guest
# ("guest0: bench: ..."), side by side with the Guest/native ratio, and
# the Guest's hypercall round trip. Exits with failure unless every figure
# is there and positive.

{ sub(/\r$/, "") }  # the serial port ends its lines with CR LF

function figure(line, prefix) {
    sub(prefix, "", line)
    sub(/ +[0-9]+$/, "", line)
    return line
}

/^bench: median / { header = $0 }
/^bench: .* [0-9]+$/ { name = figure($0, "^bench: "); native[name] = $NF; order[++count] = name }
/^guest0: bench: .* [0-9]+$/ { guest[figure($0, "^guest0: bench: ")] = $NF }
/^guest0: rguest: guest-test: bench: a hypercall [0-9]+ cycles/ { hypercall = $7 }

END {
    if (header == "" || count == 0) { print "bench: no native figures"; exit 1 }
    print header
    printf "bench: %-32s %10s %10s %8s\n", "", "native", "guest", "ratio"
    for (i = 1; i <= count; i++) {
        name = order[i]
        if (!(name in guest) || native[name] <= 0 || guest[name] <= 0) {
            print "bench: no positive figures for " name; exit 1
        }
        printf "bench: %-32s %10d %10d %7.1fx\n", name, native[name], guest[name], guest[name] / native[name]
    }
    if (hypercall <= 0) { print "bench: no hypercall figure"; exit 1 }
    printf "bench: %-32s %10s %10d\n", "hypercall round trip", "", hypercall
}
