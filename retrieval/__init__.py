"""The core: shared types, errors and settings, the Chroma store, the embedders and the index
that searches with them. Imports nothing else of presschat."""
