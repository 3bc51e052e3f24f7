/*
 * crt0.S -- reset entry of the icestick firmware (RV32I, reset PC = 0).
 * Sets gp (for the linker's gp-relative relaxation of data addresses)
 * and the stack pointer to the top of RAM, zeroes .bss (the power-on
 * state of every register and memory of the array model), calls main.
 * .data needs no copy: the bitstream initialises the RAM from the image.
 *
 * fw_kept (here, in .data: 0 in the firmware image) is set by the
 * firmware once the host has written to the array.  A RAM image taken at
 * rest after that (`loom build --board icestick MODEL` takes one on the
 * virtual board) is a baked board: with fw_kept set, .bss -- the array's
 * memories and registers, the link state -- is kept as the image has it,
 * and the board computes the baked network as soon as it is configured.
 */
    .section .data
    .balign 4
    .globl fw_kept
fw_kept:
    .word 0

    .section .text.start, "ax"
    .globl _start
_start:
    .option push
    .option norelax
    la      gp, __global_pointer$
    .option pop
    la      sp, __stack_top
    lw      t0, fw_kept
    bnez    t0, 2f
    la      t0, __bss_start
    la      t1, __bss_end
1:  bgeu    t0, t1, 2f
    sw      zero, 0(t0)
    addi    t0, t0, 4
    j       1b
2:  call    main
3:  j       3b
