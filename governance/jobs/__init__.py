"""Background jobs: long work as rows, split into items that commit one at a time.

``models`` says what a job and an item are; ``kinds`` defines what a kind of job does and
holds the registry.
"""
