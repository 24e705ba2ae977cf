"""Answering: the service every interface calls, its engines, citations, text."""
