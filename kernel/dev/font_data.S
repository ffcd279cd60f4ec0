/* The fonts, gunzipped by the build (build.mk: K_FONT, K_FONT_LARGE). */
    .section .rodata
    .balign 16
    .globl font_file, font_file_end
font_file:
    .incbin K_FONT_FILE
font_file_end:
    .balign 16
    .globl font_large_file, font_large_file_end
font_large_file:
    .incbin K_FONT_LARGE_FILE
font_large_file_end:
    .section .note.GNU-stack, "", @progbits
