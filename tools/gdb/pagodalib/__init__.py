# pagodalib - the code of the `pagoda` gdb commands (tools/gdb/pagoda.py).
