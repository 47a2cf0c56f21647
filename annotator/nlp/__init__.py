"""The only package that imports spaCy. A spaCy ``Doc`` never leaves it: callers get plain data."""
