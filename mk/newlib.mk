# newlib
