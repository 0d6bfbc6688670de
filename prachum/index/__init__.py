"""The index: written by ingest, read by rag. Chroma holds the vectors, the lexical side the words."""
