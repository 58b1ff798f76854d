"""The index stage: one built corpus index on disk (tables, vectors, BM25), how it is built
(:mod:`assistant.index.build`, which reads the corpus) and how it is read when served
(:mod:`assistant.index.store`, which parses nothing)."""
