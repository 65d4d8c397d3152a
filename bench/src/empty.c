/* Startup measurement: a module whose _start does (almost) nothing. */
int main(void)
{
    return 0;
}
