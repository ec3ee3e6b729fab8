"""Documents: PDF letters and statements, aged balance, Excel exports."""
