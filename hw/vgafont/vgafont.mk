# vgafont.mk - the VGA text font, generated at build time from the Debian
# console font $(VGA_FONT_PSF) (configure --vga-font), with the glyphs it
# lacks taken from $(VGA_FONT_FALLBACK) when configure found one, in code
# page 437 order.  Included by the top-level Makefile; appends its object to
# EMU_OBJS.
#
# hw/vgafont/vgafont.c is a source file that includes the generated
# tables: the Makefile's rule for EMU_OBJS compiles $(SRCDIR)/X.c, so the
# generated part is a header, built here in the build directory:
#   $(VGA_FONT_PSF) --gzip -dc--> font.psf --mkfont--> vgafont_data.h
BUILD_CC ?= cc
VGAFONT_OBJS := hw/vgafont/vgafont.o
VGAFONT_PSFS := hw/vgafont/font.psf $(if $(VGA_FONT_FALLBACK),hw/vgafont/fallback.psf)
VGAFONT_GENERATED := hw/vgafont/mkfont $(VGAFONT_PSFS) hw/vgafont/vgafont_data.h
EMU_OBJS += $(VGAFONT_OBJS)

# mkfont runs during the build: compiled for this machine, even in a cross build.
hw/vgafont/mkfont: $(SRCDIR)/hw/vgafont/mkfont.c
	@mkdir -p $(@D)
	$(BUILD_CC) -std=gnu11 -O2 -Wall -o $@ $<

# A font may be given gzip'd (Debian ships them so) or plain.
define vgafont_unpack
	@mkdir -p $(@D)
	@test -f "$(1)" || { echo "vgafont: no font $(1):" \
		"install console-setup-linux or run configure --vga-font=FILE.psf[.gz]" >&2; exit 1; }
	case "$(1)" in *.gz) gzip -dc "$(1)" ;; *) cat "$(1)" ;; esac > $@
endef

hw/vgafont/font.psf: $(wildcard $(VGA_FONT_PSF)) config.mk
	$(call vgafont_unpack,$(VGA_FONT_PSF))

hw/vgafont/fallback.psf: $(wildcard $(VGA_FONT_FALLBACK)) config.mk
	$(call vgafont_unpack,$(VGA_FONT_FALLBACK))

hw/vgafont/vgafont_data.h: $(VGAFONT_PSFS) hw/vgafont/mkfont
	hw/vgafont/mkfont $(VGAFONT_PSFS) > $@

hw/vgafont/vgafont.o: hw/vgafont/vgafont_data.h

# The Makefile sets CLEAN_FILES after including this file, hence a rule of our own.
.PHONY: clean-vgafont
clean: clean-vgafont
clean-vgafont:
	rm -f $(VGAFONT_GENERATED) hw/vgafont/fallback.psf
