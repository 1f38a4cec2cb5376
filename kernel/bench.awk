# kernel/bench.awk: the table `make bench` prints, from its boot log. The
# bench program's figures natively ("bench: ...") and in a Guest
# ("guest0: bench: ..."), side by side with the Guest/native ratio, and
# the Guest's hypercall round trip. Exits with failure unless every figure
# is there and positive.
#
# Then each figure beside its baseline for the kernel target (-v
# target=..., from -v baseline=FILE, kernel/bench-baseline.txt), the limit
# the boot test holds it to (the baseline plus 10%), and issue 10's target.
# With -v write=1 it prints instead the baseline file as it should now be:
# the old one, with this target's lines replaced by the figures of this run
# (`make bench-baseline`).

{ sub(/\r$/, "") }  # the serial port ends its lines with CR LF

function figure(line, prefix) {
    sub(prefix, "", line)
    sub(/ +[0-9]+$/, "", line)
    return line
}

# The log may hold two boots, the bench's and the mixed workload's
# (`make bench` runs both); their figures make one table.
#
# The baseline's name for each figure (the boot test, tests/boot/tests/
# bench.rs, knows the same names), in the order of the table.
BEGIN {
    key["null system call (getpid)"] = "null-syscall"
    key["demand-zero page fault"] = "demand-zero-fault"
    key["context switch (yield)"] = "context-switch"
    key["mixed workload (mix)"] = "mixed-workload"
    # Issue 10's targets, in instructions, or as a multiple of the native
    # figure. "1.0x native" means a ratio that rounds to 1.0x.
    goal["null-syscall.guest"] = "ratio 1.05"
    goal["demand-zero-fault.native"] = "at-most 4000"
    goal["demand-zero-fault.guest"] = "ratio 1.5"
    goal["context-switch.native"] = "at-most 2500"
    goal["context-switch.guest"] = "ratio 1.1"
    goal["hypercall.guest"] = "at-most 300"
    goal["mixed-workload.guest"] = "ratio 1.15"
    if (baseline != "") {
        while ((getline line < baseline) > 0) {
            old[++lines] = line
            split(line, f, " ")
            if (line !~ /^#/ && f[1] == target && f[3] ~ /^[0-9]+$/) base[f[2]] = f[3]
        }
        close(baseline)
    }
}

/^bench: median / { header = $0 }
/^bench: .* [0-9]+$/ { name = figure($0, "^bench: "); native[name] = $NF; order[++count] = name }
/^guest0: bench: .* [0-9]+$/ { guest[figure($0, "^guest0: bench: ")] = $NF }
/^guest0: rguest: guest-test: bench: a hypercall [0-9]+ cycles/ { hypercall = $7 }

# One line of the second table: the figure now, its baseline, the change,
# the boot test's limit, and the target, met or not.
function against(name, now, native_now,    line, b, limit, change, g, kind, bound, want, met) {
    if (name in base) {
        b = base[name]; limit = int(b * 11 / 10)
        change = sprintf("%+.1f%%", (now - b) * 100 / b)
        if (now > limit) { change = change " OVER"; over++ }
    } else {
        b = "-"; limit = "-"; change = "no baseline"; missing++
    }
    want = "-"; met = ""
    if (name in goal) {
        split(goal[name], g, " "); kind = g[1]; bound = g[2]
        if (kind == "at-most") {
            want = "<= " bound; met = now <= bound ? "yes" : "no"
        } else {
            want = bound == 1.05 ? "1.0x native" : sprintf("<= %sx native", bound)
            met = sprintf("%s (%.2fx)", now <= bound * native_now ? "yes" : "no", now / native_now)
        }
    }
    line = sprintf("bench: %-26s %7d %9s %7s %12s  %-16s %s", name, now, b, limit, change, want, met)
    sub(/ +$/, "", line)
    print line
}

END {
    if (header == "" || count == 0) { print "bench: no native figures"; exit 1 }
    if (!write) {
        print header
        printf "bench: %-32s %10s %10s %8s\n", "", "native", "guest", "ratio"
    }
    for (i = 1; i <= count; i++) {
        name = order[i]
        if (!(name in guest) || native[name] <= 0 || guest[name] <= 0) {
            print "bench: no positive figures for " name; exit 1
        }
        if (!write)
            printf "bench: %-32s %10d %10d %7.1fx\n", name, native[name], guest[name], guest[name] / native[name]
    }
    if (hypercall <= 0) { print "bench: no hypercall figure"; exit 1 }
    if (!write) {
        printf "bench: %-32s %10s %10d\n", "hypercall round trip", "", hypercall
        print "bench:"
        printf "bench: against the baseline for %s (%s), and the targets\n", target, baseline
        printf "bench: %-26s %7s %9s %7s %12s  %-16s %s\n", "figure", "now", "baseline", "limit", "change", "target", "met"
    }
    rows = 0
    for (i = 1; i <= count; i++) {
        name = order[i]
        k = (name in key) ? key[name] : name
        if (write) { row[++rows] = k ".native " native[name]; row[++rows] = k ".guest " guest[name]; continue }
        against(k ".native", native[name], native[name])
        against(k ".guest", guest[name], native[name])
    }
    if (write) {
        row[++rows] = "hypercall.guest " hypercall
        # The old file, with this target's lines replaced where the first
        # of them stood (or, for a new target, appended).
        done = 0
        for (i = 1; i <= lines; i++) {
            split(old[i], f, " ")
            if (old[i] !~ /^#/ && f[1] == target) {
                if (!done++) for (j = 1; j <= rows; j++) print target, row[j]
                continue
            }
            print old[i]
        }
        if (!done) for (j = 1; j <= rows; j++) print target, row[j]
        exit 0
    }
    against("hypercall.guest", hypercall, 0)
    if (over) printf "bench: %d %s more than 10%% over the baseline: the boot test (tests/boot/tests/bench.rs) fails\n", over, over == 1 ? "figure" : "figures"
    if (missing) printf "bench: %d %s without a baseline for %s: `make bench-baseline`\n", missing, missing == 1 ? "figure" : "figures", target
}
