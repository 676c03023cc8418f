"""Computations from clean tables to the numbers that documents cite."""
