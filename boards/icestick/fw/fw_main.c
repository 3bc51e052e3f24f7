/*
 * fw_main.c -- the firmware's entry (rv32 only: crt0.S has set the stack
 * pointer and zeroed .bss, which is the power-on state of every register
 * and memory) and the two libc routines GCC may call on its own for
 * struct copies and clears in a -nostdlib build.
 */
#include <stddef.h>

#include "fw.h"
#include "fw_hal.h"

int main(void)
{
    fw_leds_update(0);
    for (;;)
        fw_poll();
}

void *memset(void *d, int c, size_t n)
{
    unsigned char *p = d;
    while (n--)
        *p++ = (unsigned char)c;
    return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
    unsigned char *p = d;
    const unsigned char *q = s;
    while (n--)
        *p++ = *q++;
    return d;
}
