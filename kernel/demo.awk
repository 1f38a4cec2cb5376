# kernel/demo.awk: what `make qemu` shows, from the boot's output as it
# comes. The build's lines pass unchanged; from the kernel's first line on,
# every line is marked with who said it: the Host (its kernel, or one of
# its programs in ring 3), or guest0, guest1, ... (whose lines the Host
# relays with their name in front). At the end, a summary a newcomer can
# read: what each of them ran, how it ended, and what came back; and,
# once, what the Host's counters for each Guest count.
#
# The kernel's own lines stay as they are beside the mark, so that what
# the book quotes ("rguest: process 6 (faulty) killed: ...") is what the
# reader sees. Every line is flushed at once: the boot is shown as it runs.

BEGIN { booted = 0; speakers = 0 }

{ sub(/\r$/, "") }  # the serial port ends its lines with CR LF

# Until the kernel speaks, the build's lines.
!booted && !/^rguest: / { print; fflush(); next }
{ booted = 1 }

/^kernel-run: / { ended = $0; print; fflush(); next }

{
    who = "Host"
    text = $0
    if (match($0, /^guest[0-9]+: /)) {
        who = substr($0, 1, RLENGTH - 2)
        text = substr($0, RLENGTH + 1)
    }
    if (!(who in seen)) { seen[who] = 1; order[++speakers] = who }
    printf "%-7s| %s\n", who, text
    fflush()
    tally(who, text)
}

# What each speaker's programs did, from its kernel's lines about them.
function tally(who, text,    name) {
    if (text ~ /^rguest: process [0-9]+ \(.*\) started$/) started[who]++
    else if (text ~ /^rguest: process [0-9]+ \(.*\) exited with status 0$/) exited[who]++
    else if (text ~ /^rguest: process [0-9]+ \(.*\) (exited with status|killed: )/) {
        name = text
        sub(/^rguest: process [0-9]+ \(/, "", name)
        sub(/\).*/, "", name)
        failed[who] = failed[who] (failed[who] == "" ? "" : ", ") name
    }
    else if (text ~ /^rguest: all programs done; free frames: /) {
        frames = text
        sub(/^rguest: all programs done; free frames: /, "", frames)
        done[who] = frames
    }
    else if (who == "Host" && match(text, /^rguest: host: guest[0-9]+ (shut down|killed)/)) {
        name = text
        sub(/^rguest: host: /, "", name)
        guest = name
        sub(/ .*/, "", guest)
        sub(/^guest[0-9]+ /, "", name)
        ending[guest] = name
    }
    else if (who == "Host" && text ~ /^rguest: host: guest[0-9]+ exits /) counted = 1
    else if (who == "Host" && text ~ /^rguest: host: free frames /) {
        back = text
        sub(/^rguest: host: /, "", back)
    }
}

# "3092 (at start 3092)", or "free frames 28758 (before the Guests 28758),
# free heap bytes ... (before ...)": each figure beside its earlier self,
# the same pairs being everything back.
function all_back(s,    n, i, k, f, g) {
    n = split(s, f, /[^0-9]+/)
    k = 0
    for (i = 1; i <= n; i++) if (f[i] != "") g[++k] = f[i]
    if (k == 0 || k % 2) return 0
    for (i = 1; i < k; i += 2) if (g[i] != g[i + 1]) return 0
    return 1
}

function summarize(who,    line, killed) {
    killed = started[who] - exited[who]
    line = sprintf("  %-7s %d programs in ring 3: %d exited, %d killed by their kernel", who, started[who], exited[who], killed)
    if (failed[who] != "") line = line " (" failed[who] ")"
    if (who in done) line = line (all_back(done[who]) ? "; frames all back" : "; frames LOST: " done[who])
    if (who in ending) line = line "; then " ending[who]
    print line
}

END {
    if (!booted) exit
    print ""
    print "summary: who ran what, and how it ended"
    if ("Host" in started) summarize("Host")
    for (i = 0; i < speakers; i++) if (("guest" i) in seen) summarize("guest" i)
    if (failed["Host"] ~ /faulty/ && failed["Host"] ~ /wild/)
        print "  (faulty divides by zero and wild writes to kernel memory, on purpose: each kernel kills its own)"
    if (back != "")
        print "  Host    after the Guests: " (all_back(back) ? "every frame and heap byte back" : "MEMORY LOST (" back ")")
    if (counted) {
        print ""
        print "The Host's counters for each Guest, above (rguest: host: guestN ...):"
        print "  exits            times the Guest ran and came back to the Host: for a hypercall"
        print "                   (int 0x1f), a trap (an exception the Host must see), or an"
        print "                   interrupt (the Host's timer);"
        print "  ring hypercalls  calls queued in the Guest's shared page, costing no exit;"
        print "  injected         interrupts the Host delivered into the Guest;"
        print "  GDT copies       times its segment table was copied for the Switcher;"
        print "  system calls through the Host: its programs' calls that exited (0 when the"
        print "                   Guest takes them itself); drains split: turns that ended"
        print "                   with calls still queued;"
        print "  page tables      faults the Host answered from the Guest's page tables, and"
        print "                   those it passed on to the Guest; page-table switches, and"
        print "                   those whose shadow was kept; shadows emptied for their size;"
        print "  Host frames      the Host's own frames for the Guest's shadows: now, at the"
        print "                   most, the budget; and times all were emptied for it."
    }
    if (ended == "") print "summary: the boot did not end (no kernel-run line)"
}
