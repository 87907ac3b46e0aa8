"""Media: the object store (plain S3 API), processing, and signed CDN delivery."""
