"""The output folder: where each file goes, what an incremental build keeps, the atomic writer, shards."""
