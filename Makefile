# irqvisor: `make help` lists the targets.
BUILD      ?= build
CC         := gcc
LD         := ld
NASM       := nasm
OBJCOPY    := objcopy
NEWLIB     := $(BUILD)/newlib
GCC_INC    := $(shell $(CC) -print-file-name=include)
LIBGCC     := $(shell $(CC) -print-libgcc-file-name)
EFI_INC    := /usr/include/efi
EFI_LIB    := /usr/lib

Q          := $(if $(V),,@)
WARN       := -Wall -Wextra -Werror -Wmissing-prototypes -Wshadow -Wstrict-prototypes
BASE_CFLAGS := -std=gnu11 -O2 -g -ffreestanding -fno-stack-protector -mno-red-zone \
	-fno-asynchronous-unwind-tables -nostdinc -isystem $(NEWLIB)/include \
	-isystem $(GCC_INC) -I. $(WARN)
# hv: position-independent (relocated by the UEFI stage), no SSE in hv code.
HV_CFLAGS  := $(BASE_CFLAGS) -fpie -fvisibility=hidden -mgeneral-regs-only
# guest: linked at its fixed guest-physical address.
GUEST_CFLAGS := $(BASE_CFLAGS) -fno-pic -mcmodel=small -mgeneral-regs-only
# UEFI stage (GNU-EFI).
BOOT_CFLAGS := $(BASE_CFLAGS) -fpic -fshort-wchar -isystem $(EFI_INC) \
	-isystem $(EFI_INC)/x86_64 -DEFI_FUNCTION_WRAPPER -Wno-strict-prototypes
NASMFLAGS  := -f elf64 -g

HV_SRCS    := $(wildcard hv/*.c hv/delivery/*.c hv/svm/*.c hv/vmx/*.c drivers/*.c)
HV_ASMS    := $(wildcard hv/*.asm hv/svm/*.asm hv/vmx/*.asm) drivers/cpu.asm
GUEST_SRCS := $(wildcard guest/*.c) hv/libc_nofs.c drivers/pci.c drivers/text.c drivers/msix.c \
	drivers/vtd_irte.c \
	drivers/e1000e.c $(wildcard drivers/nvme*.c drivers/irq_source*.c)
GUEST_ASMS := $(wildcard guest/*.asm) drivers/cpu.asm
BOOT_SRCS  := $(wildcard boot/*.c) hv/options.c hv/libc_nofs.c

HV_OBJS    := $(HV_SRCS:%.c=$(BUILD)/hv-obj/%.o) $(HV_ASMS:%.asm=$(BUILD)/hv-obj/%.o)
GUEST_OBJS := $(GUEST_SRCS:%.c=$(BUILD)/guest-obj/%.o) $(GUEST_ASMS:%.asm=$(BUILD)/guest-obj/%.o)
BOOT_OBJS  := $(BOOT_SRCS:%.c=$(BUILD)/boot-obj/%.o) $(BUILD)/boot-obj/drivers/cpu.o \
	$(BUILD)/boot-obj/boot/images.o

EFI_APP    := $(BUILD)/irqvisor.efi
USB_IMG    := $(BUILD)/irqvisor-usb.img

.SECONDARY:
.PHONY: FORCE all help deps run shell bench report profile soak test unit scenarios usb clean distclean headers \
	fuzz fuzz-ci
all: $(EFI_APP)

help:
	@echo "make            build $(EFI_APP) (hv core + guest embedded)"
	@echo "make run        install what is missing, build, boot in QEMU, run info; selftest; bench all; poweroff"
	@echo "make shell      boot in QEMU with the interactive console on this terminal"
	@echo "make bench      the benchmark suite under QEMU with -icount shift=0; its report in"
	@echo "                build/report/ (ITERS=N BENCH_AUTORUN='bench vmexit' for a short run)"
	@echo "make report     LOG=FILE [BASE=FILE] [OUT=DIR] [FORCE=1]: Markdown, CSV and PNG"
	@echo "                pictures of a console log; with BASE a comparison (tools/report.py)"
	@echo "make profile    BENCH=vmexit|irq-latency|vmexit.hypercall|...: instructions per"
	@echo "                function and category of one warm iteration (tools/profile.py)"
	@echo "make soak       N (default 10) plain-QEMU boots of selftest, each must pass"
	@echo "make test       unit tests, fuzz corpus replay, emulator scenarios; ends with 'N passed, N failed, N skipped'"
	@echo "make unit       host unit tests only"
	@echo "make scenarios  emulator scenarios only (tests/scenarios.cfg)"
	@echo "make fuzz       every libFuzzer harness for FUZZ_SECONDS (default 60) each"
	@echo "make fuzz-ci    replay every fuzz corpus, then a few seconds of fuzzing each"
	@echo "make usb        $(USB_IMG): GPT + FAT32 ESP for a USB stick"
	@echo "make headers    check that every header compiles on its own"
	@echo "make deps       install the Debian packages the build and tests need"
	@echo "make clean      remove build outputs (keeps the newlib build)"

deps:
	@tools/install-deps.sh

$(NEWLIB)/lib/libc.a:
	tools/build-newlib.sh $(BUILD)

# Every object depends on newlib's headers being there.
$(BUILD)/hv-obj/%.o: %.c | $(NEWLIB)/lib/libc.a
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) $(HV_CFLAGS) -MMD -c $< -o $@
$(BUILD)/hv-obj/%.o: %.asm $(BUILD)/hv-obj/vcpu_regs.inc hv/vcpu_gprs.mac
	@mkdir -p $(dir $@)
	@echo "  NASM    $@"
	$(Q)$(NASM) $(NASMFLAGS) -I$(BUILD)/hv-obj/ $< -o $@
# struct vcpu_regs' offsets for the world-switch files, from the C
# definition itself (hv/gen/vcpu_regs.c): one layout, no hand copy.
$(BUILD)/hv-obj/vcpu_regs.inc: hv/gen/vcpu_regs.c hv/vcpu.h | $(NEWLIB)/lib/libc.a
	@mkdir -p $(dir $@)
	@echo "  GEN     $@"
	$(Q)$(CC) $(HV_CFLAGS) -S $< -o $@.s
	$(Q)sed -n 's/.*@@\(define [A-Z0-9_]* \)\$$\{0,1\}\([0-9]*\).*/%\1\2/p' $@.s > $@.tmp
	$(Q)test -s $@.tmp && mv $@.tmp $@
$(BUILD)/guest-obj/%.o: %.c | $(NEWLIB)/lib/libc.a
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) $(GUEST_CFLAGS) -MMD -c $< -o $@
$(BUILD)/guest-obj/%.o: %.asm
	@mkdir -p $(dir $@)
	@echo "  NASM    $@"
	$(Q)$(NASM) $(NASMFLAGS) $< -o $@
$(BUILD)/boot-obj/%.o: %.c | $(NEWLIB)/lib/libc.a
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) $(BOOT_CFLAGS) -MMD -c $< -o $@
$(BUILD)/boot-obj/drivers/cpu.o: drivers/cpu.asm
	@mkdir -p $(dir $@)
	@echo "  NASM    $@"
	$(Q)$(NASM) $(NASMFLAGS) $< -o $@
$(BUILD)/boot-obj/boot/images.o: boot/images.asm $(BUILD)/hv.bin $(BUILD)/guest.bin
	@mkdir -p $(dir $@)
	$(NASM) $(NASMFLAGS) -DHV_BIN='"$(BUILD)/hv.bin"' -DGUEST_BIN='"$(BUILD)/guest.bin"' $< -o $@

# The build's `git describe` for the PLATFORM and RESULT lines (hv/platform.c):
# name characters only, its last 64 (hv/provenance.h: the hash and "-dirty"
# are at the end), "unknown" outside git. The header is rewritten only when
# the describe changed, which rebuilds the image.
BUILD_DESCRIBE := $(shell git describe --always --dirty 2>/dev/null | \
	tr -c 'A-Za-z0-9._\n-' '_' | sed -E 's/.*(.{64})$$/\1/')
$(BUILD)/gen/build_describe.h: FORCE
	@mkdir -p $(dir $@)
	@echo '#define BUILD_DESCRIBE "$(or $(BUILD_DESCRIBE),unknown)"' > $@.tmp
	@if cmp -s $@.tmp $@; then rm $@.tmp; else mv $@.tmp $@; echo "  GEN     $@"; fi
$(BUILD)/hv-obj/hv/platform.o: $(BUILD)/gen/build_describe.h
$(BUILD)/hv-obj/hv/platform.o: HV_CFLAGS += -I$(BUILD)/gen
FORCE:

# The hv image may carry only R_X86_64_RELATIVE relocations (boot/image.c).
$(BUILD)/hv.elf: $(HV_OBJS) linker.ld $(NEWLIB)/lib/libc.a
	$(LD) -T linker.ld -pie --no-dynamic-linker -z notext -z noexecstack -nostdlib -o $@ \
		$(HV_OBJS) $(NEWLIB)/lib/libc.a $(LIBGCC)
	@if readelf -rW $@ | grep -E '^[0-9a-f]+ ' | grep -v R_X86_64_RELATIVE; then \
		echo "hv.elf: relocations other than R_X86_64_RELATIVE" >&2; rm -f $@; exit 1; fi
$(BUILD)/guest.elf: $(GUEST_OBJS) guest/guest.ld $(NEWLIB)/lib/libc.a
	$(LD) -T guest/guest.ld -static -z noexecstack -nostdlib -o $@ \
		$(GUEST_OBJS) $(NEWLIB)/lib/libc.a $(LIBGCC)
$(BUILD)/%.bin: $(BUILD)/%.elf
	$(OBJCOPY) -O binary $< $@

$(BUILD)/irqvisor.so: $(BOOT_OBJS)
	$(LD) -nostdlib -znocombreloc -z noexecstack -T $(EFI_LIB)/elf_x86_64_efi.lds -shared \
		-Bsymbolic -L$(EFI_LIB) $(EFI_LIB)/crt0-efi-x86_64.o $(BOOT_OBJS) \
		-lefi -lgnuefi $(NEWLIB)/lib/libc.a $(LIBGCC) -o $@
$(EFI_APP): $(BUILD)/irqvisor.so
	$(OBJCOPY) -j .text -j .sdata -j .data -j .rodata -j .dynamic -j .dynsym \
		-j .rel -j .rela -j .rel.* -j .rela.* -j .reloc \
		--target efi-app-x86_64 $< $@

usb: $(USB_IMG)
$(USB_IMG): $(EFI_APP) tools/mkusb.sh tools/irqvisor.cfg.sample
	tools/mkusb.sh $(EFI_APP) tools/irqvisor.cfg.sample $@

# The device of `make run`, `make shell`, `make bench` and `make soak`: an
# NVMe controller on a scratch image the runner makes ({scratch}). Its
# completion interrupts have no emulated throttle, so `selftest` holds
# without -icount too (`make soak`); the 82574's exact-count scenarios run
# under icount (tests/scenarios.cfg).
# guestnvme=yes: the guest may drive it too (a disposable disk; see README).
RUN_DEVICES := -drive file={scratch},if=none,id=nvm,format=raw \
	-device nvme,drive=nvm,serial=irqvisor,romfile=
RUN_OPTIONS := guestnvme=yes
export RUN_DEVICES RUN_OPTIONS

run: deps
	@$(MAKE) --no-print-directory all
	python3 tests/qemu.py --icount --timeout 3600 --devices "$(RUN_DEVICES)" --cmdline "$(RUN_OPTIONS)" \
		--autorun "info; selftest; bench all; results; poweroff"

shell: all
	python3 tests/qemu.py --interactive --devices "$(RUN_DEVICES)" --cmdline "$(RUN_OPTIONS)"

# `make bench` runs the whole mode matrix: delivery=direct needs the
# watchdog off (its tick would land in the guest) and, for eoi=hw, the
# physical xAPIC page given to the guest (README, Delivery modes).
# BENCH_AUTORUN (default `bench all`) and ITERS make a shorter run; the log
# goes to BENCH_LOG (default build/bench.log), the report to OUT.
bench: all
	RUN_OPTIONS="$(RUN_OPTIONS) watchdog=0 apic=passthrough" BENCH_AUTORUN='$(BENCH_AUTORUN)' \
		ITERS='$(ITERS)' BENCH_LOG='$(BENCH_LOG)' OUT='$(OUT)' tests/bench.sh

# A report of a console log (tools/report.py): report.md, results.csv and
# PNG pictures in OUT; with BASE, compare.md too (FORCE=1: even when the
# two runs' provenance differs).
OUT ?= build/report
report:
	@test -n "$(LOG)" || { echo "report: name the console log: make report LOG=build/bench.log [BASE=OTHER.log] [OUT=DIR] [FORCE=1]" >&2; exit 1; }
	python3 tools/report.py --out '$(OUT)' $(if $(BASE),--base '$(BASE)') \
		$(if $(filter 1,$(FORCE)),--force) '$(LOG)'

# One warm iteration single-stepped through QEMU's gdb stub under icount:
# every instruction symbolized, checked against the benchmark's own ticks.
# BENCH=vmexit profiles vmexit.hypercall, .cpuid and .io; PROFILE_ARGS adds
# tools/profile.py options (--iters, --warmup, --trace FILE).
BENCH ?= vmexit
profile: all
	python3 tools/profile.py --bench $(BENCH) $(PROFILE_ARGS)

N ?= 10
soak: all
	tests/soak.sh $(N)

# ---- tests ----
UNIT_TESTS :=
include $(wildcard tests/unit/*.mk)
UNIT_CFLAGS := -std=gnu11 -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
	-I. $(WARN) -DUNIT_TEST
UNIT_BINS := $(UNIT_TESTS:%=$(BUILD)/unit/test_%)
define unit_rule
$(BUILD)/unit/test_$(1): $$($(1)_SRCS) $$(wildcard hv/*.h hv/delivery/*.h drivers/*.h tests/unit/*.h)
	@mkdir -p $$(dir $$@)
	@echo "  HOSTCC  $$@"
	$$(Q)$$(CC) $$(UNIT_CFLAGS) $$($(1)_SRCS) -lcmocka -o $$@
endef
$(foreach t,$(UNIT_TESTS),$(eval $(call unit_rule,$(t))))

unit: $(UNIT_BINS)
	@tests/run-unit.sh $(UNIT_BINS)

# libFuzzer harnesses: tests/fuzz/NAME.mk adds NAME to FUZZERS and sets
# NAME_FUZZ_SRCS (harness + sources under test) and optionally NAME_FUZZ_LIBS.
FUZZERS :=
include $(wildcard tests/fuzz/*.mk)
FUZZ_CC     := clang
FUZZ_CFLAGS := -std=gnu11 -O1 -g -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=all -fno-omit-frame-pointer -I. $(WARN) -DUNIT_TEST
FUZZ_SECONDS ?= 60
FUZZ_BINS := $(FUZZERS:%=$(BUILD)/fuzz/%)
define fuzz_rule
$(BUILD)/fuzz/$(1): $$($(1)_FUZZ_SRCS) $$(wildcard hv/*.h hv/delivery/*.h drivers/*.h tests/fuzz/*.h tests/unit/*.h)
	@mkdir -p $$(dir $$@)
	@echo "  FUZZCC  $$@"
	$$(Q)$$(FUZZ_CC) $$(FUZZ_CFLAGS) $$($(1)_FUZZ_SRCS) $$($(1)_FUZZ_LIBS) -o $$@
endef
$(foreach t,$(FUZZERS),$(eval $(call fuzz_rule,$(t))))

fuzz: $(FUZZ_BINS)
	@tests/run-fuzz.sh --seconds $(FUZZ_SECONDS) $(FUZZ_BINS)
fuzz-ci: $(FUZZ_BINS)
	@tests/run-fuzz.sh --ci $(FUZZ_BINS)

scenarios: all $(USB_IMG)
	@python3 tests/scenarios.py

test: deps
	@$(MAKE) --no-print-directory all $(USB_IMG) $(UNIT_BINS) $(FUZZ_BINS)
	@FUZZ_BINS="$(FUZZ_BINS)" tests/run-all.sh $(UNIT_BINS)

headers: | $(NEWLIB)/lib/libc.a
	@for h in hv/*.h hv/delivery/*.h hv/svm/*.h hv/vmx/*.h drivers/*.h guest/*.h; do \
		echo "#include \"$$h\"" | $(CC) $(HV_CFLAGS) -x c -c - -o /dev/null || exit 1; \
	done; echo "headers: all compile on their own"

clean:
	rm -rf $(BUILD)/hv-obj $(BUILD)/guest-obj $(BUILD)/boot-obj $(BUILD)/unit $(BUILD)/fuzz $(BUILD)/gen \
		$(BUILD)/*.elf $(BUILD)/*.bin $(BUILD)/*.so $(BUILD)/*.efi $(BUILD)/*.img
distclean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
