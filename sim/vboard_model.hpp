// vboard_model.hpp -- the model side of the virtual board (sim/vboard.cpp),
// shared with sim/vboard_dyn.cpp, the wrapper of a board model Verilated at
// run time for a build folder's own arch (`loom vboard --build DIR`,
// sw/cli/vboard_dyn.c): the SPI flash model, the interface every model
// implements, and the one for boards/common/loom_board_core.v.
#ifndef VBOARD_MODEL_HPP
#define VBOARD_MODEL_HPP

#include <cstdint>
#include <vector>

#include <verilated.h>

// Bump when model_base changes: a run-time model built against another
// layout is rebuilt, not loaded.
#define VBOARD_MODEL_ABI 1

namespace {

// The board's SPI flash as boards/common/loom_flash_boot.v sees it: mode 0,
// commands READ (03, 24-bit address, data until CS rises) and release from
// deep power-down (AB); every other command is ignored.  It starts in deep
// power-down (where a flash may be left), answering nothing until AB.  The
// image sits at byte `base`; every other byte reads FF (erased).
struct spi_flash {
    std::vector<uint8_t> image;
    uint32_t base = 0;
    bool asleep = true;
    int prev_cs = 1, prev_sck = 0, miso = 1;
    uint32_t bits = 0, shift = 0, addr = 0;
    uint8_t cmd = 0;
    int obit = 0;
    uint64_t reads = 0;   // READ commands served
    uint8_t at(uint32_t a) const
    {
        return a >= base && a - base < image.size() ? image[a - base] : 0xFF;
    }
    // the pins after a clock edge
    void step(int cs, int sck, int mosi)
    {
        if (cs) {
            if (!prev_cs && bits == 8 && cmd == 0xAB)
                asleep = false;
            bits = 0;
            miso = 1;
        } else {
            if (prev_cs) {
                bits = 0;
                shift = 0;
            }
            if (sck && !prev_sck && bits < 32) {      // rising edge: sample MOSI
                shift = (shift << 1) | (uint32_t)(mosi & 1);
                bits++;
                if (bits == 8)
                    cmd = (uint8_t)shift;
                if (bits == 32) {
                    addr = shift & 0xFFFFFFu;
                    obit = 0;
                    if (cmd == 0x03 && !asleep)
                        reads++;
                }
            } else if (!sck && prev_sck && bits == 32 && cmd == 0x03 && !asleep) {
                miso = (at(addr) >> (7 - obit)) & 1;  // falling edge: next bit out
                if (++obit == 8) {
                    obit = 0;
                    addr = (addr + 1) & 0xFFFFFFu;
                }
            }
        }
        prev_cs = cs;
        prev_sck = sck;
    }
};

struct model_base {
    virtual ~model_base() {}
    spi_flash flash;                  // boards with a flash reader use it
    virtual void tick(int rx) = 0;    // one clock with uart_rx_i = rx
    virtual int tx() const = 0;
    virtual int busy() const = 0;
    virtual void rst(int r) = 0;
    // firmware boards: RAM words available, and access to them; -1 otherwise
    virtual long ram_words() const { return -1; }
    virtual uint32_t *ram() { return nullptr; }
};

// boards/common/loom_board_core.v: lock_i (reset through the POR counter),
// rx_pin_i, tx_pin_o, and the SPI flash pins (FLASH=1: served by `flash`)
template <class M, bool FLASH = true> struct board_model : model_base {
    VerilatedContext ctx;
    M *top;
    board_model()
    {
        top = new M(&ctx, "loom_board_core");
        top->clk_i = 0;
        top->lock_i = 0;
        top->rx_pin_i = 1;
        top->eval();
    }
    ~board_model() override
    {
        top->final();
        delete top;
    }
    void tick(int rx) override
    {
        top->rx_pin_i = rx;
        if constexpr (FLASH)
            top->spi_miso_i = flash.miso;
        top->clk_i = 0;
        top->eval();
        top->clk_i = 1;
        top->eval();
        if constexpr (FLASH)
            flash.step(top->spi_cs_o, top->spi_sck_o, top->spi_mosi_o);
    }
    int tx() const override { return top->tx_pin_o; }
    int busy() const override { return top->busy_o | top->booting_o; }
    void rst(int r) override { top->lock_i = !r; }
};


} // namespace

#endif
