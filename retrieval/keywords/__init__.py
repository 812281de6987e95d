"""The keyword side of hybrid search: terms of a text, the BM25 index of the store's chunks kept
in line with the store, and the fusion of its ranking with the dense one."""
