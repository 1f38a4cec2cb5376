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

.PHONY: help setup setup-book tangle check build qemu bench bench-baseline fuzz hypercall-costs test test-tangle test-units test-boot \
	book serve clean Beer $(PARTS)

help: ## list the targets, and the variables that change them
	@grep -hE '^[A-Za-z$$()-]+:.*## ' $(MAKEFILE_LIST) | sed -e 's/:.*## /\t/' -e 's/^$$(PARTS)/Preparation.../' | sort | expand -t 16
	@echo; echo "variables (make qemu KERNEL_APPEND=..., and so on):"
	@grep -hE '^#: ' $(MAKEFILE_LIST) | sed -e 's/^#: //'

setup: ## install QEMU and the kernel target if missing
	@bash .ci/setup

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

# kernel-run builds what it needs first (kernel/kernel.mk).
qemu: setup tangle ## boot the kernel in QEMU (TCG) and show its serial output
	@$(MAKE) --no-print-directory kernel-run 2>&1 | $(TANGLE) rewrite

# One boot: the bench program natively, then in a Guest, which first times
# a hypercall (tests/boot/tests/bench.rs boots the same line).
BENCH_APPEND := programs=bench guests=1 guest-programs=bench guest-test=bench

# Then two short boots more, the walker on and off: a Guest program's
# demand-zero fault, its trips to the Host and its instructions
# (kernel/bench-walker.awk; Mastery, "A walker in the Switcher").
BENCH_WALKER_APPEND := guests=1 guest-test=walker-entries

# Each figure is then set beside its baseline (kernel/bench-baseline.txt,
# whose top says how it is kept), the limit the boot test holds it to, and
# issue 10's target.
BENCH_BASELINE := kernel/bench-baseline.txt
BENCH_AWK = awk -f kernel/bench.awk -v baseline=$(BENCH_BASELINE) -v target=$(KERNEL_TARGET)

bench: setup build ## one boot under -icount shift=0: the bench natively and in a Guest, beside the baseline
	@mkdir -p target
	@$(MAKE) --no-print-directory kernel-run KERNEL_APPEND="$(BENCH_APPEND)" \
		QEMU_EXTRA="-icount shift=0" > target/bench.log 2>&1 || { $(TANGLE) rewrite < target/bench.log; exit 1; }
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

test: setup-book test-tangle test-units test-boot ## run every test
	@$(MAKE) --no-print-directory book
	@echo "make test: all tests passed"

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
