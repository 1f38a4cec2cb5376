# kernel/kernel.mk: building and booting the rguest kernel.
# Included by the top-level Makefile; paths are relative to the repo root.
#
#   make user-build     build the user programs the kernel embeds
#   make kernel-build   build them, then the kernel ELF ($(KERNEL_ELF))
#   make kernel-run     boot it in QEMU; succeed iff it exits with status 33
#
# KERNEL_TARGET picks the Rust target: x86_64-unknown-none when rustup has
# it, else the host's x86_64-unknown-linux-gnu made freestanding by flags.

KERNEL_MANIFEST   := kernel/Cargo.toml
KERNEL_TARGET_DIR := target/kernel
#: KERNEL_TARGET  the Rust target (x86_64-unknown-none if installed, else x86_64-unknown-linux-gnu)
KERNEL_TARGET     ?= $(if $(filter x86_64-unknown-none,$(shell rustup target list --installed 2>/dev/null)),x86_64-unknown-none,x86_64-unknown-linux-gnu)
#: KERNEL_PROFILE dev (the default) or release
KERNEL_PROFILE    ?= dev
KERNEL_PROFILE_DIR = $(if $(filter dev,$(KERNEL_PROFILE)),debug,$(KERNEL_PROFILE))
#: KERNEL_ELF     the kernel make kernel-run boots, e.g. a checkpoint's: KERNEL_ELF=target/checkpoints/Host/rguest
KERNEL_ELF         = $(KERNEL_TARGET_DIR)/$(KERNEL_TARGET)/$(KERNEL_PROFILE_DIR)/rguest

# Flags for every kernel target: linked at KERNEL_BASE in the top 2 GiB,
# not position-independent; source paths in panic messages relative to the
# repo root.
KERNEL_RUSTFLAGS_COMMON := -C code-model=kernel -C relocation-model=static \
	--remap-path-prefix=../=
# x86_64-unknown-none is already freestanding: soft-float, no red zone.
KERNEL_RUSTFLAGS_x86_64-unknown-none :=
# The host target needs to be told: no red zone, frame pointers, and
# rust-lld instead of the system C toolchain.
KERNEL_RUSTFLAGS_x86_64-unknown-linux-gnu := -C no-redzone=yes \
	-C force-frame-pointers=yes -C linker=rust-lld -C linker-flavor=ld.lld
KERNEL_RUSTFLAGS ?= $(KERNEL_RUSTFLAGS_COMMON) $(KERNEL_RUSTFLAGS_$(KERNEL_TARGET))

# The user programs (kernel/user, sources in generated/user) are built for
# the same target and profile, but as ordinary small-code-model programs,
# static and not position-independent, linked at USER_BASE. The host target
# again needs rust-lld; the red zone is fine in ring 3.
USER_MANIFEST   := kernel/user/Cargo.toml
USER_TARGET_DIR := target/user
USER_DIR         = $(CURDIR)/$(USER_TARGET_DIR)/$(KERNEL_TARGET)/$(KERNEL_PROFILE_DIR)
USER_RUSTFLAGS_x86_64-unknown-none :=
USER_RUSTFLAGS_x86_64-unknown-linux-gnu := -C linker=rust-lld -C linker-flavor=ld.lld
USER_RUSTFLAGS ?= -C relocation-model=static --remap-path-prefix=../../= \
	$(USER_RUSTFLAGS_$(KERNEL_TARGET))

# Cargo applies CARGO_TARGET_<TRIPLE>_RUSTFLAGS to the target only, never to
# build scripts. A RUSTFLAGS in the environment would override it: drop that.
KERNEL_TRIPLE_VAR = CARGO_TARGET_$(shell echo $(KERNEL_TARGET) | tr 'a-z-' 'A-Z_')_RUSTFLAGS
USER_CARGO = env -u RUSTFLAGS -u CARGO_ENCODED_RUSTFLAGS \
	$(KERNEL_TRIPLE_VAR)="$(strip $(USER_RUSTFLAGS))" \
	cargo build --manifest-path $(USER_MANIFEST) --target $(KERNEL_TARGET) \
	--target-dir $(USER_TARGET_DIR) --profile $(KERNEL_PROFILE)
# The kernel's build script hands RGUEST_USER_DIR on to include_bytes!.
# KERNEL_FEATURES: the kernel's Cargo features, e.g. exit-costs (make
# exit-costs builds it into a target folder of its own).
#: KERNEL_FEATURES the kernel's Cargo features, e.g. exit-costs (make exit-costs sets it)
KERNEL_FEATURES ?=
KERNEL_CARGO = env -u RUSTFLAGS -u CARGO_ENCODED_RUSTFLAGS \
	$(KERNEL_TRIPLE_VAR)="$(strip $(KERNEL_RUSTFLAGS))" RGUEST_USER_DIR=$(USER_DIR) \
	cargo build --manifest-path $(KERNEL_MANIFEST) --target $(KERNEL_TARGET) \
	--target-dir $(KERNEL_TARGET_DIR) --profile $(KERNEL_PROFILE) \
	$(if $(KERNEL_FEATURES),--features $(KERNEL_FEATURES))

QEMU          ?= qemu-system-x86_64
QEMU_FLAGS    ?= -accel tcg -m 128M -display none -serial stdio -no-reboot \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04
# The kernel command line (multiboot), e.g. KERNEL_APPEND=panic-test.
# By default both worlds: the Host runs the demonstration programs itself,
# in ring 3, then launches two Guests from its own image (-initrd), each
# running the same programs in its own ring 3.
DEMO_PROGRAMS := hello,ping,pong,pages,sleeper,faulty,wild
#: KERNEL_APPEND  the kernel command line, e.g. KERNEL_APPEND="programs=hello guests=1"
KERNEL_APPEND ?= programs=$(DEMO_PROGRAMS) guests=2 guest-programs=$(DEMO_PROGRAMS)
# More QEMU arguments for one run, e.g. QEMU_EXTRA="-icount shift=0".
#: QEMU_EXTRA     more QEMU arguments, e.g. QEMU_EXTRA="-icount shift=0"
QEMU_EXTRA    ?=
# The status QEMU exits with when the kernel reports success (0x10 * 2 + 1).
KERNEL_SUCCESS_STATUS := 33

# Cargo's output on its way to the terminal (the top-level Makefile passes
# it through the tangler, which points compiler messages into the book),
# then through `announce`: nothing at all when there is nothing to build,
# else one line naming what is built, then cargo's own lines. (Recipes
# with pipes rely on the top-level Makefile's `pipefail`.)
KERNEL_BUILD_FILTER ?= cat
# (Cargo waiting for another cargo's lock on its package cache is no news.)
announce = awk -v what="$(1)" '/^ *Blocking waiting for file lock/ || /^ *Finished / && !n { next } \
	!n++ { print what } { print; fflush() }'

.PHONY: user-build kernel-build kernel-run

user-build: ## build only the user programs the kernel embeds
	@$(USER_CARGO) --color never 2>&1 | $(KERNEL_BUILD_FILTER) \
		| $(call announce,build: the user programs ($(KERNEL_TARGET)))

kernel-build: user-build ## build the kernel ELF, without tangling first
	@$(KERNEL_CARGO) --color never 2>&1 | $(KERNEL_BUILD_FILTER) \
		| $(call announce,build: the kernel ($(KERNEL_TARGET)))
	@echo "kernel: $(KERNEL_ELF)"

kernel-run: kernel-build ## boot the kernel as it is, with KERNEL_APPEND and QEMU_EXTRA
	@status=0; $(QEMU) $(QEMU_FLAGS) $(QEMU_EXTRA) -kernel $(KERNEL_ELF) -initrd $(KERNEL_ELF) \
		$(if $(KERNEL_APPEND),-append "$(KERNEL_APPEND)") || status=$$?; \
	if [ $$status -eq $(KERNEL_SUCCESS_STATUS) ]; then \
		echo "kernel-run: success (QEMU status $$status)"; \
	else \
		echo "kernel-run: FAILED (QEMU status $$status)"; exit 1; \
	fi
