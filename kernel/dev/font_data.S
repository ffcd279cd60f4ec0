/* The console font file, gunzipped by the build (build.mk, K_FONT). */
    .section .rodata
    .balign 16
    .globl font_file, font_file_end
font_file:
    .incbin K_FONT_FILE
font_file_end:
