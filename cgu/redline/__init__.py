"""Redlines: any two versions split into sections, aligned, diffed word by word, classified and rendered."""
