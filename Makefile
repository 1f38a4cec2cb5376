# rguest: a hypervisor built in a book. One target per job; `make help`.
#
# The book in src-book/ is the source. `make tangle` writes generated/ from
# it; everything else builds from generated/.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
export PATH := $(HOME)/.cargo/bin:$(PATH)

include kernel/kernel.mk

# The tangler, without the website's preprocessor and the crates it needs
# (tangle/Cargo.toml). TANGLE_STAMP is its build, a step of its own so that
# its first compile shows cargo's progress; after that, `cargo run --quiet`
# is silent.
TANGLE_PACKAGE := --package tangle --no-default-features --bin tangle
TANGLE := cargo run --quiet $(TANGLE_PACKAGE) --
TANGLE_STAMP := target/.tangle-built
TANGLE_SOURCES := Cargo.toml Cargo.lock tangle/Cargo.toml $(shell find tangle/src -name '*.rs' 2>/dev/null)
# Compiler messages from the kernel's builds point into the book.
KERNEL_BUILD_FILTER := $(TANGLE) rewrite
PARTS  := Preparation Guest Drivers Launcher Host Switcher Mastery
# Every kernel target installed here; the host target always is.
KERNEL_TARGETS := $(filter x86_64-unknown-none,$(shell rustup target list --installed 2>/dev/null)) \
	x86_64-unknown-linux-gnu

.PHONY: help setup setup-book tangle check build qemu qemu-gdb gdb bench bench-baseline startup exit-costs fuzz hypercall-costs test test-tangle test-units test-boot test-site checkpoints \
	book serve clean Beer $(PARTS)

help: ## list the targets, and the variables that change them
	@grep -hE '^[A-Za-z$$()-]+:.*## ' $(MAKEFILE_LIST) | sed -e 's/:.*## /\t/' -e 's/^$$(PARTS)/Preparation.../' | sort | expand -t 16
	@echo; echo "variables (make qemu KERNEL_APPEND=..., and so on):"
	@grep -hE '^#: ' $(MAKEFILE_LIST) | sed -e 's/^#: //'

setup: ## install QEMU and the kernel target if missing
	@bash .ci/setup

#: RGUEST_MDBOOK  (environment) =cargo: make setup-book compiles mdbook from crates.io, not PyPI's wheel
#: RGUEST_KERNEL_ELF (environment) the kernel ELF `cargo test --package boot-tests` boots (make test-boot sets it)
setup-book: ## also install mdbook, at the pinned version
	@bash .ci/setup --book

$(TANGLE_STAMP): $(TANGLE_SOURCES)
	@echo "build: the tangler, which extracts the kernel's code from the book"
	@cargo build $(TANGLE_PACKAGE)
	@mkdir -p $(@D) && touch $@

user-build: $(TANGLE_STAMP)

tangle: $(TANGLE_STAMP) ## write generated/ from the book
	@$(TANGLE) tangle

check: $(TANGLE_STAMP) ## check the book, and that generated/ agrees with it
	@$(TANGLE) check

build: tangle ## build the user programs and the kernel; compiler messages point into the book
	@$(MAKE) --no-print-directory kernel-build

# kernel-run builds what it needs first (kernel/kernel.mk). Its output goes
# through kernel/demo.awk, which marks every line of the boot with who said
# it (Host, guest0, guest1) and ends with a summary.
qemu: setup tangle ## boot the kernel in QEMU (TCG): the Host's programs, then two Guests running the same, each line marked
	@$(MAKE) --no-print-directory kernel-run 2>&1 | $(TANGLE) rewrite | awk -f kernel/demo.awk

# The debugger. `make qemu-gdb` boots as `make qemu` does, but halted
# before the first instruction (-S), with QEMU's gdb server on GDB_PORT
# (-gdb tcp::1234 is what -s means); `make gdb`, in another terminal,
# attaches gdb with the kernel's symbols and kernel/gdb/rguest.py, which
# shows the book line beside gdb's own in generated/ (`book-break`,
# `book-where`; "Debugging with the book" in the appendix).
#: GDB_PORT       make qemu-gdb, make gdb: the port of QEMU's gdb server (1234)
GDB_PORT ?= 1234
GDB_FLAGS = -q -ex "set pagination off" -x kernel/gdb/rguest.py -ex "target remote localhost:$(GDB_PORT)"

qemu-gdb: setup tangle ## boot as make qemu does, halted, QEMU's gdb server on GDB_PORT (1234); then make gdb
	@$(MAKE) --no-print-directory kernel-build 2>&1 | $(TANGLE) rewrite
	@echo "qemu-gdb: the kernel is halted; QEMU's gdb server listens on localhost:$(GDB_PORT): make gdb (in another terminal)"
	@status=0; $(QEMU) $(QEMU_FLAGS) $(QEMU_EXTRA) -gdb tcp::$(GDB_PORT) -S -kernel $(KERNEL_ELF) -initrd $(KERNEL_ELF) \
		$(if $(KERNEL_APPEND),-append "$(KERNEL_APPEND)") 2>&1 | awk -f kernel/demo.awk || status=$$?; \
	echo "qemu-gdb: QEMU ended (status $$status)"

gdb: $(TANGLE_STAMP) ## attach gdb to make qemu-gdb's kernel, showing book lines (kernel/gdb/rguest.py)
	@command -v gdb >/dev/null || bash .ci/setup
	gdb $(GDB_FLAGS) $(KERNEL_ELF)

# One boot: the bench program natively, then in a Guest, which first times
# a hypercall (tests/boot/tests/bench.rs boots the same line). Then one
# more: the mixed workload natively, then in a Guest, alone so that the
# bench's measurements do not share the processor with it
# (tests/boot/tests/mixed_workload.rs boots the same line).
BENCH_APPEND := programs=bench guests=1 guest-programs=bench guest-test=bench
MIX_APPEND   := programs=mix guests=1 guest-programs=mix

# Then two short boots more, the walker on and off: a Guest program's
# demand-zero fault, its trips to the Host and its instructions
# (kernel/bench-walker.awk; Mastery, "A walker in the Switcher").
BENCH_WALKER_APPEND := guests=1 guest-test=walker-entries

# Each figure is then set beside its baseline (kernel/bench-baseline.txt,
# whose top says how it is kept), the limit the boot test holds it to, and
# issue 10's target.
BENCH_BASELINE := kernel/bench-baseline.txt
BENCH_AWK = awk -f kernel/bench.awk -v baseline=$(BENCH_BASELINE) -v target=$(KERNEL_TARGET)

bench: setup build ## two boots under -icount shift=0: the bench and the mixed workload, natively and in a Guest, beside the baseline
	@mkdir -p target
	@$(MAKE) --no-print-directory kernel-run KERNEL_APPEND="$(BENCH_APPEND)" \
		QEMU_EXTRA="-icount shift=0" > target/bench.log 2>&1 || { $(TANGLE) rewrite < target/bench.log; exit 1; }
	@$(MAKE) --no-print-directory kernel-run KERNEL_APPEND="$(MIX_APPEND)" \
		QEMU_EXTRA="-icount shift=0" >> target/bench.log 2>&1 || { $(TANGLE) rewrite < target/bench.log; exit 1; }
	@$(BENCH_AWK) target/bench.log || { $(TANGLE) rewrite < target/bench.log; exit 1; }
	@for walker in on off; do \
		$(MAKE) --no-print-directory kernel-run KERNEL_APPEND="$(BENCH_WALKER_APPEND) walker=$$walker" \
			QEMU_EXTRA="-icount shift=0" > target/bench-walker-$$walker.log 2>&1 \
			|| { $(TANGLE) rewrite < target/bench-walker-$$walker.log; exit 1; }; \
	done
	@awk -f kernel/bench-walker.awk target/bench-walker-on.log target/bench-walker-off.log

# The baseline, rewritten on purpose: `make bench` for every kernel target
# installed here, then its figures replace that target's lines.
bench-baseline: setup tangle ## rewrite kernel/bench-baseline.txt from `make bench` on each target; commit it with the change
	@for target in $(KERNEL_TARGETS); do \
		echo "== bench, kernel built for $$target"; \
		$(MAKE) --no-print-directory bench KERNEL_TARGET=$$target; \
		awk -f kernel/bench.awk -v baseline=$(BENCH_BASELINE) -v target=$$target -v write=1 target/bench.log > target/bench-baseline.new; \
		mv target/bench-baseline.new $(BENCH_BASELINE); \
	done
	@git --no-pager diff --stat -- $(BENCH_BASELINE) 2>/dev/null || true
	@echo "bench-baseline: $(BENCH_BASELINE) rewritten; commit it with the change that earns it"

# One boot, timed: wall milliseconds from QEMU's start to the first line
# of a Guest's first program (the Launcher's "Starting up"). Wall time on
# shared cores wanders: run it several times and take the median.
STARTUP_APPEND := programs= guests=1 guest-programs=hello

startup: setup build ## wall time from QEMU's start to a Guest program's first line (run it several times)
	@start=$$(date +%s%N); \
	coproc QEMU_RUN { exec $(QEMU) $(QEMU_FLAGS) -kernel $(KERNEL_ELF) -initrd $(KERNEL_ELF) \
		-append "$(STARTUP_APPEND)" 2>&1; }; \
	found=0; grep -m1 -q '^guest0: hello:' <&$${QEMU_RUN[0]} && found=1; end=$$(date +%s%N); \
	kill $$QEMU_RUN_PID 2>/dev/null || true; wait $$QEMU_RUN_PID 2>/dev/null || true; \
	if [ $$found -eq 0 ]; then echo "startup: no line from guest0's hello"; exit 1; fi; \
	echo "startup: $$(( (end - start) / 1000000 )) ms from QEMU's start to guest0's first program line"

# One boot under -icount shift=0 of a kernel built with the exit-costs
# feature (in a target folder of its own, so the ordinary build is left
# alone): a Guest's probe hypercalls, and the Host's table of where one
# round trip's instructions go; then the bench program in the Guest, and
# the Host's own steps by kind of exit (the book's Host part, "Where the
# instructions go").
EXIT_COSTS_APPEND := guests=1 guest-test=exit-costs guest-programs=bench

exit-costs: setup tangle ## one boot under -icount shift=0: where a hypercall's instructions go, step by step
	@mkdir -p target
	@$(MAKE) --no-print-directory kernel-run KERNEL_APPEND="$(EXIT_COSTS_APPEND)" \
		KERNEL_FEATURES=exit-costs KERNEL_TARGET_DIR=target/kernel-exit-costs \
		QEMU_EXTRA="-icount shift=0" > target/exit-costs.log 2>&1 || { $(TANGLE) rewrite < target/exit-costs.log; exit 1; }
	@sed -n -e 's/\r$$//' -e 's/^rguest: exit-costs: //p' -e 's/^guest0: rguest: guest-test: \(exit-costs: .*\)/\1/p' target/exit-costs.log \
		| tee target/exit-costs.txt
	@grep -q 'round trip' target/exit-costs.txt || { echo "exit-costs: no breakdown in target/exit-costs.log"; exit 1; }

# One boot: fuzzing Guests, one after another from seed FUZZ_SEED on, until
# the Host has made FUZZ_CALLS hypercalls; the whole transcript goes to
# target/fuzz.log, the terminal shows the progress, the kills by reason,
# the frames and heap bytes, and any panic.
#: FUZZ_SEED      make fuzz: the first Guest's seed (1)
#: FUZZ_CALLS     make fuzz: how many hypercalls (1000000)
FUZZ_SEED  ?= 1
FUZZ_CALLS ?= 1000000
# More words for the Host's command line, e.g. FUZZ_EXTRA=fuzz-trace.
#: FUZZ_EXTRA     make fuzz: more words for the command line, e.g. fuzz-trace
FUZZ_EXTRA ?=
FUZZ_SHOWN := ^rguest: (fuzz: [^g]|host: free)|PANIC|panicked|kernel-run
# The most the boot may take, in seconds: a Host that hangs fails, too.
#: FUZZ_TIMEOUT   make fuzz: the most the boot may take, in seconds (1800)
FUZZ_TIMEOUT ?= 1800

fuzz: setup build ## fuzz the Host: FUZZ_CALLS random hypercalls (1000000) from seed FUZZ_SEED (1)
	@mkdir -p target
	@start=$$(date +%s); status=0; \
	$(MAKE) --no-print-directory kernel-run QEMU="timeout $(FUZZ_TIMEOUT) $(QEMU)" \
		KERNEL_APPEND="programs= fuzz-seed=$(FUZZ_SEED) fuzz-calls=$(FUZZ_CALLS) $(FUZZ_EXTRA)" 2>&1 \
		| $(TANGLE) rewrite | tee target/fuzz.log | grep -E --line-buffered '$(FUZZ_SHOWN)' || status=$$?; \
	echo "fuzz: $$(( $$(date +%s) - start )) s; the whole transcript is in target/fuzz.log"; \
	grep -q '^kernel-run: success' target/fuzz.log

# One boot under -icount shift=0: a Guest times every hypercall with the
# arguments that cost the Host most (Testing the Host, "Hostile values").
COSTS_APPEND := guests=1 guest-test=hypercall-costs
COSTS_ROWS   := 16

hypercall-costs: setup build ## one boot under -icount shift=0: the worst case of every hypercall, in instructions
	@mkdir -p target
	@$(MAKE) --no-print-directory kernel-run KERNEL_APPEND="$(COSTS_APPEND)" \
		QEMU_EXTRA="-icount shift=0" > target/hypercall-costs.log 2>&1 || { $(TANGLE) rewrite < target/hypercall-costs.log; exit 1; }
	@sed -n -e 's/\r$$//' -e 's/^guest0: rguest: cost: //p' target/hypercall-costs.log | tee target/hypercall-costs.txt
	@rows=$$(grep -c '[0-9]$$' target/hypercall-costs.txt); if [ "$$rows" -ne $(COSTS_ROWS) ]; then \
		echo "hypercall-costs: $$rows rows, not $(COSTS_ROWS)"; exit 1; fi

# Every part's checkpoint: the book tangled up to the end of the part into
# target/checkpoints/PART (never generated/), built, booted in QEMU, its
# transcript held to tests/checkpoints/PART.expected. CHECKPOINTS= picks
# parts (default: every part the book has).
#: CHECKPOINTS    make checkpoints: which parts, e.g. CHECKPOINTS="Guest Host" (all)
CHECKPOINTS ?=

checkpoints: setup $(TANGLE_STAMP) user-build ## build and boot each part's checkpoint: the book up to the end of that part
	@TANGLE="$(TANGLE)" bash tests/checkpoints/run $(CHECKPOINTS)

test: setup-book test-tangle test-units test-boot checkpoints ## run every test
	@$(MAKE) --no-print-directory test-site
	@echo "make test: all tests passed"

# The website in headless Chromium, driven over WebDriver by Python's
# standard library (tests/site/site_test.py): pages, links, anchors,
# captions, the index of tags, the search, the assembler's colours;
# screenshots in target/site-screenshots/.
test-site: book ## build the website and test it in headless Chromium (setup-book installs it)
	@timeout 600 python3 tests/site/site_test.py target/book

test-tangle: ## the tangler's unit, golden, error-case and preprocessor tests
	cargo test --package tangle --features mdbook

test-units: ## unit tests of the kernel's pure modules, compiled for the host
	cargo test --package units

test-boot: setup ## build the kernel for each target and boot-test it in QEMU
	@targets="$(KERNEL_TARGETS)"; \
	if [ -n "$${RGUEST_BOTH_TARGETS:-}" ] && [ "$$(echo $$targets | wc -w)" -ne 2 ]; then \
		echo "test-boot: both kernel targets are required here, have: $$targets"; exit 1; fi; \
	for target in $$targets; do \
		echo "== boot tests, kernel built for $$target"; \
		$(MAKE) --no-print-directory kernel-build KERNEL_TARGET=$$target; \
		RGUEST_KERNEL_ELF=$(CURDIR)/$(KERNEL_TARGET_DIR)/$$target/$(KERNEL_PROFILE_DIR)/rguest \
			cargo test --package boot-tests; \
	done

# The preprocessor book.toml runs, built first so that cargo's progress shows.
MDBOOK_RGUEST_STAMP := target/.mdbook-rguest-built
$(MDBOOK_RGUEST_STAMP): $(TANGLE_SOURCES)
	@echo "build: the tangler's mdbook preprocessor, which weaves the book into the website"
	@cargo build --package tangle --bin mdbook-rguest
	@mkdir -p $(@D) && touch $@

book: setup-book $(MDBOOK_RGUEST_STAMP) ## build the website into target/book, failing on any warning
	@mdbook build 2>&1 | tee target/mdbook.log
	@if grep -Eq 'WARN|ERROR' target/mdbook.log; then echo "book: mdbook warned (see above)"; exit 1; fi

serve: setup-book $(MDBOOK_RGUEST_STAMP) ## serve the website with live reload
	mdbook serve

$(PARTS): $(TANGLE_STAMP) ## print one part of the journey (make Guest, ...)
	@$(TANGLE) journey $@

Beer: $(TANGLE_STAMP) ## print the whole journey
	@$(TANGLE) journey all

clean: ## remove build output (generated/ stays: it is committed)
	cargo clean
