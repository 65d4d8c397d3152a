/* Mandelbrot set escape-time iteration over a fixed grid. */
#include <stdio.h>
#include <stdint.h>

#define WIDTH 1280
#define HEIGHT 960
#define MAX_ITER 300

int main(void)
{
    uint32_t inside = 0, hash = 2166136261u;
    uint64_t total_iter = 0;
    for (int py = 0; py < HEIGHT; py++) {
        double ci = -1.2 + 2.4 * py / HEIGHT;
        for (int px = 0; px < WIDTH; px++) {
            double cr = -2.2 + 3.2 * px / WIDTH;
            double zr = 0.0, zi = 0.0, zr2 = 0.0, zi2 = 0.0;
            int it = 0;
            while (it < MAX_ITER && zr2 + zi2 <= 4.0) {
                zi = 2.0 * zr * zi + ci;
                zr = zr2 - zi2 + cr;
                zr2 = zr * zr;
                zi2 = zi * zi;
                it++;
            }
            if (it == MAX_ITER)
                inside++;
            total_iter += (uint64_t)it;
            hash = (hash ^ (uint32_t)it) * 16777619u;
        }
    }
    printf("points inside: %u, iterations: %llu\n", (unsigned)inside,
           (unsigned long long)total_iter);
    printf("checksum: %08x\n", (unsigned)hash);
    return 0;
}
