#!/usr/bin/env python3
"""The anchor for import speed: openpyxl merely reading a sheet (read-only mode, every cell's
value, nothing else). Prints `ROWS SECONDS` for the first sheet of FILE; the time excludes
starting Python and importing openpyxl. Used by the store benchmark and scripts/bench.sh."""
import sys
import time

import openpyxl

t = time.perf_counter()
wb = openpyxl.load_workbook(sys.argv[1], read_only=True, data_only=True)
rows = 0
for row in wb.worksheets[0].iter_rows(values_only=True):
    rows += 1
wb.close()
print(rows, f"{time.perf_counter() - t:.3f}")
