"""Deploy: a pure plan (plan.py, headers.py) and its S3 adapter (s3.py, run.py)."""
