/* The desktop's colours and sizes, in one place. Owner: gui. */
#ifndef HV_GUI_THEME_H
#define HV_GUI_THEME_H

#include "gui/gfx.h"

#define TH_DESKTOP      RGB(0x1e, 0x3a, 0x5c)
#define TH_BAR          RGB(0x12, 0x16, 0x1e)
#define TH_BAR_TEXT     RGB(0xd8, 0xdc, 0xe4)
#define TH_TITLE        RGB(0x2c, 0x5a, 0x8c)   /* focused window */
#define TH_TITLE_IDLE   RGB(0x6a, 0x70, 0x7a)
#define TH_TITLE_TEXT   RGB(0xff, 0xff, 0xff)
#define TH_BORDER       RGB(0x20, 0x24, 0x2c)
#define TH_WINDOW       RGB(0xee, 0xee, 0xea)
#define TH_TEXT         RGB(0x1a, 0x1a, 0x1a)
#define TH_DIM          RGB(0x80, 0x80, 0x80)
#define TH_ERROR        RGB(0xb0, 0x10, 0x10)
#define TH_BUTTON       RGB(0xd4, 0xd4, 0xd0)
#define TH_FIELD        RGB(0xff, 0xff, 0xff)
#define TH_FOCUS        RGB(0x2c, 0x7a, 0xd8)
#define TH_SELECT       RGB(0x2c, 0x5a, 0x8c)
#define TH_SELECT_TEXT  RGB(0xff, 0xff, 0xff)
#define TH_PROGRESS     RGB(0x2c, 0xa0, 0x50)

#define TH_TITLE_H  26          /* title bar height, pixels */
#define TH_BORDER_W 2           /* window border */
#define TH_BAR_H    24          /* the desktop's top bar */

#endif
