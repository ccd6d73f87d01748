"""Loaders turn files into ``App`` models. They know formats, never security."""
