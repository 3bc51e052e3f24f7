/*
 * crt0.S -- reset entry of the icestick firmware (RV32I, reset PC = 0).
 * Sets gp (for the linker's gp-relative relaxation of data addresses)
 * and the stack pointer to the top of RAM, zeroes .bss (the power-on
 * state of every register and memory of the array model), calls main.
 * .data needs no copy: the bitstream initialises the RAM from the image.
 */
    .section .text.start, "ax"
    .globl _start
_start:
    .option push
    .option norelax
    la      gp, __global_pointer$
    .option pop
    la      sp, __stack_top
    la      t0, __bss_start
    la      t1, __bss_end
1:  bgeu    t0, t1, 2f
    sw      zero, 0(t0)
    addi    t0, t0, 4
    j       1b
2:  call    main
3:  j       3b
