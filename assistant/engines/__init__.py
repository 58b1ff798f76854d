"""Search engines below retrieval: the dense and lexical top-k of a question, filtered in the
engine, over the passages of one built index. The embedded FAISS + bm25s engine is the default."""
