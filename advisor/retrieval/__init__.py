"""Retrieval: dense + BM25, fused and reranked, and the sentence vectors it reads."""
