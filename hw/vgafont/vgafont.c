/*
 * vgafont.c - the tables of vgafont.h.  Their contents come from the file
 * mkfont writes into the build directory (hw/vgafont/vgafont_data.h there;
 * the "hw/..." path is resolved through -I., never next to this file).
 */
#include "hw/vgafont/vgafont.h"

#include "hw/vgafont/vgafont_data.h"
