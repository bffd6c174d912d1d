"""Model revision: prompt sets, the critique -> revision pipeline, training datasets."""
