"""The catalogue of bad input: each case names what is wrong (file, row, field, reason) and writes nothing."""
